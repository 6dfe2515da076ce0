"""Issue 14, chats: private data only in the private chat; in another group one polite
pointer (once, remembered in the database) and never data; group messages never feed a
private dialog; the managers' chat takes the managers' commands, in its topic; an invite asked
for in the group goes to the manager privately."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.events import EventKind
from bot.core.replies import Send
from bot.services import invites
from storage.models import AuditEntry, Dialog, Invite, OutboxMessage, Person, Role, Ticket
from tests.support.chat import FlowChat
from tests.support.outbox import outbox
from tests.support.people import (
    CLIENT_ID,
    MANAGER_CHAT,
    MANAGER_ID,
    MANAGERS,
    OTHER_MANAGER_ID,
    make_invite,
    person,
)
from tests.support.steps import report

pytestmark = pytest.mark.manager_chat(admins=MANAGERS, bot_username="fieldbot_test_bot")
GROUP = -100777  # a group the bot is in that is not the managers'


def sends(chat: FlowChat) -> list[Send]:
    return [reply for reply in chat.last_replies if isinstance(reply, Send)]


async def test_status_in_a_group_points_to_the_private_chat_once(
    client: FlowChat, processes: Callable[..., list[App]]
) -> None:
    await report(client)
    in_group = FlowChat(client.app, CLIENT_ID, "Maria", group_id=GROUP)
    await in_group.say("/status")
    [pointer] = sends(in_group)
    assert pointer.chat_id == GROUP
    assert (
        "only in a private chat" in pointer.text
        and "https://t.me/fieldbot_test_bot" in pointer.text
    )
    assert "#1" not in pointer.text and "Linea" not in pointer.text
    for command in ("/status", "/report", "/start", "/help", "/whatever"):
        await in_group.say(command)
        assert sends(in_group) == [], command  # said once, remembered
    # another process of the bot on the same database remembers it too
    [process] = processes(1)
    elsewhere = FlowChat(process, CLIENT_ID, "Maria", group_id=GROUP)
    await elsewhere.say("/status")
    assert sends(elsewhere) == []
    await client.say("/status")  # privately, everything as always
    assert "#1" in client.joined()


async def test_a_group_message_never_feeds_a_private_dialog(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Linea PB")  # now asked to describe the problem, privately
    in_group = FlowChat(client.app, CLIENT_ID, "Maria", group_id=GROUP)
    await in_group.say("Our boss is angry")  # a plain message in the group
    assert sends(in_group) == []
    another = FlowChat(client.app, CLIENT_ID, "Maria", group_id=MANAGER_CHAT)
    await another.say("Typed in the managers' chat")
    assert sends(another) == []
    await client.say("Steam wand leaks")  # the private dialog goes on, untouched
    await client.press("Done")
    await client.press("Urgent")
    summary = client.joined()
    assert "Steam wand leaks" in summary and "angry" not in summary and "Typed" not in summary
    await client.press("Send")
    async with client.app.db.transaction() as session:
        [description] = await session.scalars(select(Ticket.description))
        assert description == "Steam wand leaks"


async def test_buttons_from_a_group_show_nothing(client: FlowChat) -> None:
    await report(client)
    in_group = FlowChat(client.app, CLIENT_ID, "Maria", group_id=GROUP)
    await in_group.press_data("st:1")  # a client's button, forged into a group
    [answer] = in_group.answers
    assert answer.text == "This works in our private chat only."
    assert sends(in_group) == []


async def test_manager_commands_in_the_managers_topic_only(seeded: App) -> None:
    group = FlowChat(seeded, MANAGER_ID, "Olga", group_id=MANAGER_CHAT, thread_id=12)
    await group.say("/stats")
    [reply] = sends(group)
    assert reply.chat_id == MANAGER_CHAT and reply.thread_id == 12
    elsewhere = FlowChat(seeded, MANAGER_ID, "Olga", group_id=GROUP)
    await elsewhere.say("/stats")  # not in another group: the pointer, no figures
    [pointer] = sends(elsewhere)
    assert "only in a private chat" in pointer.text
    await group.say("/start")  # not a managers' chat command
    [pointer] = sends(group)
    assert "only in a private chat" in pointer.text and pointer.thread_id == 12


async def test_channel_posts_and_anonymous_senders_are_nobody(seeded: App) -> None:
    """A callback from a channel message is somebody's; a post from a channel is not (see
    tests/runtimes/test_convert.py): nothing is routed in a channel, nobody is made."""
    chat = FlowChat(seeded, 4242, "Reader", group_id=-100555)
    event = dataclasses.replace(
        chat.event(EventKind.COMMAND, command="status", text="/status"), chat_type="channel"
    )
    replies = await chat.deliver(event)
    assert [r for r in replies if isinstance(r, Send) and "#" in r.text] == []


async def test_invite_asked_in_the_group_goes_privately(seeded: App) -> None:
    manager = FlowChat(seeded, MANAGER_ID, "Olga")
    await manager.say("/help")  # has a private chat with the bot
    group = FlowChat(seeded, MANAGER_ID, "Olga", group_id=MANAGER_CHAT)
    await group.say("/invite engineer")
    [said] = sends(group)
    assert "the invite link is in your private chat with the bot" in said.text
    assert "t.me/fieldbot_test_bot?start=inv_" not in said.text
    [private] = await outbox(seeded, MANAGER_ID, kind="invite")
    assert "https://t.me/fieldbot_test_bot?start=inv_" in private.text
    assert await outbox(seeded, MANAGER_CHAT) == []


async def test_invite_in_the_group_without_a_private_chat(seeded: App) -> None:
    group = FlowChat(seeded, OTHER_MANAGER_ID, "Boris", group_id=MANAGER_CHAT)
    await group.say("/invite manager")
    [said] = sends(group)
    assert "cannot write to you privately yet" in said.text and "inv_" not in said.text
    async with seeded.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        boris = await session.scalar(select(Person).where(Person.tg_user_id == OTHER_MANAGER_ID))
        assert boris is not None and not boris.private_chat
    async with seeded.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Invite)) == 0


async def test_a_dialog_from_before_chats_is_the_private_one(seeded: App) -> None:
    """A dialog row from before dialogs had a chat belongs to the private chat: a message in a
    group neither feeds nor ends it."""
    client = FlowChat(seeded, 5050, "Nina")
    await client.say("/start")
    async with seeded.db.transaction() as session:
        person = await session.scalar(select(Person).where(Person.tg_user_id == 5050))
        assert person is not None
        session.add(Dialog(person_id=person.id, name="nowhere", step="x", data={}))
    in_group = FlowChat(seeded, 5050, "Nina", group_id=GROUP)
    await in_group.say("hello")
    async with seeded.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Dialog)) == 1


async def test_guessing_invite_codes_is_counted_refused_and_logged(
    seeded: App, clock: FrozenClock
) -> None:
    assert invites.CODE_BYTES * 8 >= 128  # guessing is hopeless
    guesser = FlowChat(seeded, 6060, "Guess")
    for attempt in range(5):
        await guesser.say(f"/start inv_{'A' * 20}{attempt:04}")
        assert "not valid" in guesser.joined()
    real = await make_invite(seeded, Role.MANAGER)
    await guesser.say(f"/start inv_{real.code}")  # even a real one: not looked at for a while
    assert "Too many invite links failed for you" in guesser.joined()
    assert (await person(seeded, 6060)).role is Role.CLIENT
    clock.advance(timedelta(hours=1, seconds=1))
    await guesser.say(f"/start inv_{real.code}")
    assert (await person(seeded, 6060)).role is Role.MANAGER
    async with seeded.db.transaction() as session:
        reasons = list(
            await session.scalars(
                select(AuditEntry.details).where(AuditEntry.action == "invite_failed")
            )
        )
    assert [reason["reason"] for reason in reasons] == ["unknown"] * 5 + ["too_many"]
