"""Issue 14, the access matrix, end to end on both runtimes: a client, an engineer and a
manager each send every command of the command table in (a) their private chat, (b) a group
the bot is in that is not the managers', (c) the managers' chat and (d) a channel. Private data
(the client's ticket, equipment, phone, the engineer's job) is shown only in private chats; an
unrelated group gets one polite pointer per person and nothing else; the managers' chat
answers the managers' commands only; a channel gets nothing; no private dialog is fed from a
group. One running bot per runtime serves the whole matrix."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from sqlalchemy import select, update

from bot.sandbox import SandboxGroup, SandboxMessage, SandboxUser
from storage.models import Dialog, Person, Role, Ticket, TicketStatus
from tests.support.live import TIMEOUT, LiveBot, register, report
from tests.support.people import MANAGER_CHAT, MANAGER_ID, make_engineer
from tests.support.seed import ACME_PHONE

pytestmark = pytest.mark.manager_chat()
UNRELATED, CHANNEL = -100600, -100700
# What would give the client's or the engineer's data away.
PRIVATE_MARKERS = ("#1", "Linea", "LM-PB", "Steam wand leaks", "Acme", "888123456")


def leaks(messages: list[SandboxMessage]) -> list[str]:
    return [m.content for m in messages if any(mark in m.content for mark in PRIVATE_MARKERS)]


def refusals(said: list[SandboxMessage]) -> list[SandboxMessage]:
    return [m for m in said if "not available to you" in m.content]


async def settled(
    user: SandboxUser,
    said: Callable[[], list[SandboxMessage]],
    enough: Callable[[list[SandboxMessage]], bool],
) -> list[SandboxMessage]:
    """What ``said`` returns once it is ``enough`` and the bot has been quiet for a while: the
    answers a busy machine may take long to produce are waited for, not raced."""
    async with asyncio.timeout(TIMEOUT):
        while not enough(said()):
            await user.bot.changed.wait(0.5)  # woken by whatever the bot does
    await user.wait_idle(quiet=0.5)
    return said()


async def test_every_command_in_every_chat(live: LiveBot) -> None:
    sandbox, app = live.sandbox, live.app
    router = app.engine.router
    commands = sorted(router.command_table)
    maria = live.user(8301, "Maria", "en")
    await register(maria, ACME_PHONE, "Maria", "Acme Coffee Sofia")
    await report(maria, "linea", "Linea PB", "Steam wand leaks")
    await make_engineer(app, 8302, "Ana", on_duty=True, skills=("coffee",))
    async with app.db.transaction() as session:
        ana_id = await session.scalar(select(Person.id).where(Person.tg_user_id == 8302))
        await session.execute(
            update(Ticket).values(engineer_id=ana_id, status=TicketStatus.ASSIGNED)
        )
    ana, olga = live.user(8302, "Ana", "en"), live.user(MANAGER_ID, "Olga", "en")
    people: dict[Role, SandboxUser] = {Role.CLIENT: maria, Role.ENGINEER: ana, Role.MANAGER: olga}
    for user in people.values():
        user.open_chat()
    unrelated = sandbox.group(UNRELATED, "Coffee lovers", bot_is_admin=True)
    channel = sandbox.group(CHANNEL, "Service news", type="channel")
    managers: SandboxGroup = live.managers
    manager_commands = [c for c in commands if router.command_table[c].roles == {Role.MANAGER}]
    await maria.wait_idle()

    # (a) private: every command answered; those of other roles refused, nothing else said
    for role, user in people.items():
        before = len(user.messages)
        for command in commands:
            user.send_command(f"/{command}")
        others = [c for c in commands if role not in router.command_table[c].roles]
        said = await settled(
            user,
            lambda user=user, before=before: user.messages[before:],
            lambda said, others=others: (
                len(said) >= len(commands) and len(refusals(said)) >= len(others)
            ),
        )
        refused = refusals(said)
        assert len(refused) == len(others), (role, [m.content for m in refused])
        assert len(said) >= len(commands), role
    maria.send_command("/report")  # the client ends in a private dialog
    await maria.wait_for(lambda m: m.find_button("rp:other") is not None, timeout=TIMEOUT)

    # (b) an unrelated group, (c) the managers' chat, (d) a channel
    places: list[tuple[str, SandboxGroup]] = [
        ("group", unrelated),
        ("managers", managers),
        ("channel", channel),
    ]
    for place, chat in places:
        for role, user in people.items():
            before = len(chat.messages)
            for command in commands:
                chat.send_command(user, f"/{command}")
            chat.send_text(user, "Steam wand leaks again, see the group")  # plain chatter
            expected = (
                0
                if place == "channel"
                else len(manager_commands) + 1
                if role is Role.MANAGER and place == "managers"
                else 1
            )
            said = await settled(
                user,
                lambda chat=chat, before=before: chat.messages[before:],
                lambda said, expected=expected: len(said) >= expected,
            )
            pointers = [m for m in said if "only in a private chat" in m.content]
            if place == "channel":
                assert said == [], (role, [m.content for m in said])
                continue
            assert len(pointers) == 1, (place, role, [m.content for m in said])
            if place == "group":
                assert said == pointers, (role, [m.content for m in said])
                assert leaks(said) == []
                continue
            if role is Role.MANAGER:
                assert not [m for m in said if "inv_" in m.content]  # the link went privately
            else:
                assert leaks(said) == [], role
    managers.send_command(olga, "/invite", "engineer")  # the link goes to Olga privately
    await olga.wait_for(lambda m: "start=inv_" in m.content, timeout=TIMEOUT)
    await managers.wait_for(
        "the invite link is in your private chat with the bot", timeout=TIMEOUT
    )
    assert not any("inv_" in m.content for m in managers.messages)

    # No dialog was fed from a group: the client's /report still waits for the equipment.
    async with app.db.transaction() as session:
        dialogs = list(await session.scalars(select(Dialog)))
        client = await session.scalar(select(Person).where(Person.tg_user_id == 8301))
    assert client is not None
    [dialog] = [d for d in dialogs if d.person_id == client.id]
    assert dialog.name == "report" and dialog.chat_id == 8301
    assert "group" not in str(dialog.data)
    assert all(d.chat_id in (8301, 8302, MANAGER_ID, MANAGER_CHAT) for d in dialogs)
    print(f"access matrix: 3 roles x {len(commands)} commands x 4 chats = {3 * len(commands) * 4}")
