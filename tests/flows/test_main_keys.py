"""The main menu as keys under the input field: sent when the chat does not show them yet,
never re-posted after every answer; a key runs its command in whatever language it was drawn."""

from __future__ import annotations

from bot.app import App
from bot.core.replies import InlineKeyboard, ReplyKeyboard
from storage.models import Role
from tests.support.chat import FlowChat, Shown
from tests.support.people import client_chat, engineer_chat, make_invite
from tests.support.seed import ACME_PHONE


def inline_menus(chat: FlowChat) -> list[Shown]:
    """Messages carrying the old inline main menu (``cmd:`` buttons)."""
    return [
        shown
        for shown in chat.shown
        if isinstance(shown.markup, InlineKeyboard)
        and any(data.startswith("cmd:") for _, data in shown.buttons())
    ]


def keys_sent(chat: FlowChat) -> list[Shown]:
    return [
        shown
        for shown in chat.shown
        if isinstance(shown.markup, ReplyKeyboard) and shown.markup.persistent
    ]


async def test_a_customers_day_sends_the_menu_once(seeded: App) -> None:
    chat = await client_chat(seeded, 960, ACME_PHONE)
    await chat.say("/report")
    await chat.press("Linea PB")
    await chat.say("Steam wand leaks")
    await chat.press("Done")
    await chat.press("Urgent")
    await chat.press("Send")
    await chat.say("/status")
    await chat.say("hello?")
    await chat.say("/frobnicate")
    await chat.say("/cancel")
    await chat.press("📋 My requests")
    await chat.say("/request")
    await chat.say("/cancel")
    assert len(chat.shown) >= 15
    assert inline_menus(chat) == []
    [keys] = keys_sent(chat)  # once, at registration
    assert keys.text.startswith("Thank you! You are registered")
    assert chat.keys is not None and "🛠 Report a breakdown" in chat.keys.labels()


async def test_a_key_wins_over_the_dialog_it_interrupts(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Linea PB")
    await client.press("📋 My requests")  # not taken as the problem's description
    assert "Please check your report" not in client.joined()
    assert "requests" in client.joined().lower()


async def test_keys_follow_the_language_and_old_ones_still_work(client: FlowChat) -> None:
    old = client.keys
    await client.say("/language")
    await client.press("Русский")
    assert client.keys is not None and "📋 Мои заявки" in client.keys.labels()
    await client.say("📋 My requests")  # a key from the keyboard drawn before the switch
    assert "not sure" not in client.joined() and "Не совсем понятно" not in client.joined()
    assert old is not None and old != client.keys


async def test_help_sends_the_keys_again(client: FlowChat) -> None:
    """Someone who cleared the chat gets them back with /help."""
    await client.say("/help")
    assert isinstance(client.last.markup, ReplyKeyboard)


async def test_an_engineer_shares_the_location_with_a_key(seeded: App) -> None:
    chat = await engineer_chat(seeded, 961)
    await chat.say("/help")
    assert chat.keys is not None
    [location] = [key for row in chat.keys.rows for key in row if key.request_location]
    await chat.say("/duty")
    await chat.press("On duty")
    await chat.share_location(42.69, 23.32)
    assert "Location updated" in chat.joined()
    assert chat.keys is not None and location in [k for row in chat.keys.rows for k in row]
    assert keys_sent(chat)[-1].text.startswith("You are a field engineer")  # nothing newer


async def test_new_role_new_keys(seeded: App) -> None:
    chat = await client_chat(seeded, 962, ACME_PHONE)
    invite = await make_invite(seeded, Role.MANAGER)
    await chat.say(f"/start inv_{invite.code}")
    assert chat.keys is not None and "📂 Open requests" in chat.keys.labels()
    assert "🛠 Report a breakdown" not in chat.keys.labels()
