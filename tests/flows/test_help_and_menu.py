"""/help, the main menu and a person's own "/" menu, all built from the router's command table.

The texts are today's to the letter (tests/support/texts.py). Until every helper's ``help=`` and
``button=`` are merged, the role lines and buttons are missing here and these tests fail.
"""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.replies import (
    AnswerCallback,
    BotCommand,
    InlineKeyboard,
    ReplyKeyboard,
    Send,
    SetCommands,
)
from tests.support.chat import FlowChat
from tests.support.people import MANAGER_CHAT, MANAGER_ID, client_chat, engineer_chat
from tests.support.seed import ACME_PHONE
from tests.support.texts import HELP, MENU, command_lines

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "bg": "Български"}
# The commands of each role's keys, in their order (the location key aside).
KEY_COMMANDS = {
    "client": ["report", "request", "status", "help", "language"],
    "engineer": ["jobs", "myjobs", "help", "language"],
    "manager": ["open", "stats", "help", "language"],
}
ENGINEER = 950


async def chat_as(app: App, role: str, language: str) -> FlowChat:
    """Someone of ``role`` whose Telegram app and chosen language are ``language``."""
    if role == "engineer":
        return await engineer_chat(app, ENGINEER, locale=language)
    if role == "manager":
        return FlowChat(app, MANAGER_ID, language_code=language)  # an admin: a manager at once
    return await client_chat(app, 951, ACME_PHONE, language_code=language)


def menu_of(chat: FlowChat) -> list[list[str]]:
    markup = chat.last.markup
    assert isinstance(markup, ReplyKeyboard) and markup.persistent and not markup.one_time
    return [[key.text for key in row] for row in markup.rows]


def own_menus(chat: FlowChat) -> list[SetCommands]:
    return [reply for reply in chat.last_replies if isinstance(reply, SetCommands)]


def listed(role: str, language: str) -> tuple[BotCommand, ...]:
    return tuple(BotCommand(name, text) for name, text in command_lines(role, language))


@pytest.mark.parametrize("language", ["en", "ru", "bg"])
@pytest.mark.parametrize("role", ["client", "engineer", "manager"])
async def test_help_and_main_menu_read_as_before(seeded: App, role: str, language: str) -> None:
    chat = await chat_as(seeded, role, language)
    await chat.say("/help")
    assert chat.last.text == HELP[role, language]
    assert menu_of(chat) == MENU[role, language]


@pytest.mark.parametrize("role", ["client", "engineer", "manager"])
@pytest.mark.parametrize("language", ["en", "ru", "bg"])
async def test_every_menu_key_runs_its_command(seeded: App, role: str, language: str) -> None:
    """A key does what typing its command does: same text, nothing refused."""
    chat = await chat_as(seeded, role, language)
    await chat.say("/help")
    labels = [label for row in menu_of(chat) for label in row if not label.startswith("📍")]
    commands = KEY_COMMANDS[role]
    assert len(labels) == len(commands)
    for label, command in zip(labels, commands, strict=True):
        await chat.say(label)
        pressed = chat.texts()
        assert pressed, label
        await chat.say("/cancel")
        await chat.say(f"/{command}")
        assert pressed == chat.texts(), label
        await chat.say("/cancel")


@pytest.mark.manager_chat
async def test_group_help_has_buttons_and_no_keys(seeded: App) -> None:
    """In the managers' chat keys would pop up for everyone: /help has inline buttons."""
    chat = FlowChat(seeded, MANAGER_ID, group_id=MANAGER_CHAT)
    await chat.say("/help")
    assert isinstance(chat.last.markup, InlineKeyboard)
    assert [text for text, _ in chat.last.buttons()][:2] == ["📂 Open requests", "📊 Today"]
    replies = await chat.press("📊 Today")
    assert isinstance(replies[0], AnswerCallback) and replies[0].text is None
    await chat.say("what")
    await chat.say("/nonsense")
    sent = [reply for reply in chat.last_replies if isinstance(reply, Send)]
    assert not any(isinstance(reply.markup, ReplyKeyboard) for reply in sent)


async def test_today_button_shows_todays_figures(seeded: App) -> None:
    chat = await chat_as(seeded, "manager", "en")
    await chat.say("/help")
    await chat.press("📊 Today")
    pressed = chat.joined()
    await chat.say("/stats today")
    assert pressed == chat.joined()


async def test_menu_button_of_another_role_is_refused(seeded: App) -> None:
    chat = await chat_as(seeded, "client", "en")
    [answer, *_] = await chat.press_data("cmd:open")
    assert isinstance(answer, AnswerCallback) and answer.alert
    assert answer.text == "This action is not available to you."
    [answer, *_] = await chat.press_data("cmd:nonsense")
    assert isinstance(answer, AnswerCallback)
    assert answer.text == "This button is no longer active."


@pytest.mark.parametrize("role", ["engineer", "manager"])
async def test_staff_get_their_own_slash_menu_on_start(seeded: App, role: str) -> None:
    chat = await chat_as(seeded, role, "bg")
    await chat.say("/start")
    [menu] = own_menus(chat)
    assert menu == SetCommands(listed(role, "bg"), chat_id=chat.user_id)


async def test_client_keeps_the_menu_of_their_apps_language(seeded: App) -> None:
    chat = await chat_as(seeded, "client", "ru")
    await chat.say("/start")
    assert own_menus(chat) == []


async def test_changing_language_changes_the_slash_menu(seeded: App) -> None:
    chat = await chat_as(seeded, "client", "ru")
    await chat.say("/language")
    await chat.press("Български")
    [menu] = own_menus(chat)
    assert menu == SetCommands(listed("client", "bg"), chat_id=chat.user_id)
    await chat.say("/start")  # a client whose language is not their app's keeps their own
    assert own_menus(chat) == [menu]
    await chat.say("/language")
    await chat.press("Русский")  # their app's language again: the list for all chats fits
    assert own_menus(chat) == [SetCommands((), chat_id=chat.user_id)]


async def test_redeemed_invite_gives_the_staff_menu(seeded: App) -> None:
    manager = await chat_as(seeded, "manager", "en")
    await manager.say("/invite engineer")
    command = next(line for line in manager.joined().splitlines() if line.startswith("/start"))
    newcomer = FlowChat(seeded, 777, "Dimitar", language_code="ru")
    await newcomer.say(command)
    assert "Теперь вы выездной инженер." in newcomer.joined()
    [menu] = own_menus(newcomer)
    assert menu == SetCommands(listed("engineer", "ru"), chat_id=777)


@pytest.mark.manager_chat
async def test_a_manager_changes_language_in_the_managers_chat(seeded: App) -> None:
    chat = FlowChat(seeded, MANAGER_ID, group_id=MANAGER_CHAT)
    await chat.say("/language")
    await chat.press("Русский")
    assert "Язык: Русский" in chat.joined()
    assert not any(
        isinstance(r, Send) and isinstance(r.markup, ReplyKeyboard) for r in chat.last_replies
    )
