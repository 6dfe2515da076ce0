"""Issue 14, abuse: one person sending 500 updates in 10 seconds is answered up to the limit,
told once to slow down, then ignored for the rest of the window at the cost of two statements
an update (the claim and the counter; nobody is looked up, nothing is routed or queued); the
other person's /status, sent in between, is answered every time. The counter is the
database's, so a second process of the bot counts on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.replies import Reply, Send
from storage.db import Database
from storage.models import AuditEntry, OutboxMessage, Person
from tests.support.chat import FlowChat
from tests.support.steps import report

pytestmark = pytest.mark.manager_chat(inbound_limit=30, inbound_window_seconds=60)
FLOODER = 6001


@contextmanager
def counting_statements(db: Database) -> Iterator[list[str]]:
    """The SQL statements run on ``db`` inside the block (BEGIN and COMMIT not counted)."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)


def sent(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies if isinstance(reply, Send)]


async def test_a_flood_does_not_starve_another_person(
    client: FlowChat, clock: FrozenClock, processes: Callable[..., list[App]]
) -> None:
    await report(client)
    [second] = processes(1)
    flooder = FlowChat(client.app, FLOODER, "Spam")
    flooder_elsewhere = FlowChat(second, FLOODER, "Spam")
    answered, slow_down, statuses = 0, 0, 0
    ignored_statements: list[int] = []
    for number in range(500):  # 500 updates in 10 seconds, half through each process
        clock.advance(timedelta(milliseconds=20))
        chat = flooder if number % 2 else flooder_elsewhere
        with counting_statements(chat.app.db) as statements:
            replies = await chat.say(f"buy now {number}")
        texts = sent(replies)
        if any("slow down" in text for text in texts):
            slow_down += 1
        elif texts:
            answered += 1
        else:
            ignored_statements.append(len(statements))
        if number % 25 == 0:  # the other person, meanwhile
            await client.say("/status")
            assert "#1" in client.joined(), number
            statuses += 1
    assert (answered, slow_down, len(ignored_statements)) == (30, 1, 469)
    assert statuses == 20
    assert max(ignored_statements) == 2  # the claim and the counter: no look-up, no routing

    async with client.app.db.transaction() as session:
        [entry] = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "rate_limited")
        )
        assert entry.details == {"user": FLOODER, "limit": 30, "seconds": 60}
        assert (
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.chat_id == FLOODER)
            )
            == 0
        )
        assert (
            await session.scalar(
                select(func.count()).select_from(Person).where(Person.tg_user_id == FLOODER)
            )
            == 1
        )

    clock.advance(timedelta(seconds=60))  # a new window: heard again
    assert sent(await flooder.say("/help"))


async def test_a_callback_over_the_limit_is_answered_once(seeded: App, clock: FrozenClock) -> None:
    seeded.settings.inbound_limit = 2
    chat = FlowChat(seeded, FLOODER, "Spam")
    for _ in range(2):
        await chat.press_data("cmd:help")
    await chat.press_data("cmd:help")
    assert "slow down" in (chat.answer().text or "")
    assert await chat.press_data("cmd:help") == []
