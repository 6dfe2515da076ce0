"""Several processes share one outbox: nothing is sent twice, nothing is lost.

PostgreSQL: each dispatcher claims its own rows at the same time (``SKIP LOCKED``).
SQLite: the claimer lease lets one dispatcher claim at a time; the other waits its turn.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from bot.core.replies import Send
from bot.delivery import Dispatcher
from storage.db import Database
from storage.models import OutboxStatus
from tests.support.delivery import FAST, FakeTelegram, queue
from tests.support.outbox import outbox

CHATS = [*range(8001, 8011), -100800]


def backlog(count: int) -> list[tuple[int, str]]:
    return [(CHATS[n % len(CHATS)], f"message {n}") for n in range(count)]


async def test_two_dispatchers_share_a_backlog_without_duplicates(
    db: Database, other_db: Database
) -> None:
    await queue(db, backlog(120))
    started = {"a": asyncio.Event(), "b": asyncio.Event()}

    def alongside(me: str, other: str) -> FakeTelegram:
        async def wait_for_other(_reply: Send) -> None:
            started[me].set()
            if not db.is_sqlite:  # proves both claim at once: each waits for the other's send
                await asyncio.wait_for(started[other].wait(), 5)

        return FakeTelegram(delay=0.002, before_send=wait_for_other)

    first, second = alongside("a", "b"), alongside("b", "a")
    await asyncio.gather(
        Dispatcher(db, first, FAST, holder="a").drain(timeout=20),
        Dispatcher(other_db, second, FAST, holder="b").drain(timeout=20),
    )
    sent = Counter(reply.text for reply in [*first.sent, *second.sent])
    assert sent == Counter(text for _, text in backlog(120))  # each exactly once
    assert {row.status for row in await outbox(db)} == {OutboxStatus.SENT}
    if db.is_sqlite:  # one claimer held the lease throughout
        assert sorted([len(first.sent), len(second.sent)]) == [0, 120]
    else:
        assert first.sent and second.sent


async def test_sqlite_lease_or_postgres_skip_locked_for_a_second_claimer(
    db: Database, other_db: Database
) -> None:
    await queue(db, backlog(30))
    first = Dispatcher(db, FakeTelegram(), FAST, holder="a")
    second = Dispatcher(other_db, FakeTelegram(), FAST, holder="b")
    assert await first.dispatch_once() == 10
    claimed_by_second = await second.dispatch_once()
    if db.is_sqlite:
        assert claimed_by_second == 0  # "a" holds the claimer lease
        await first.drain(timeout=10)  # releases the lease when done
        await queue(db, backlog(3))
        assert await second.dispatch_once() == 3
    else:
        assert claimed_by_second == 10
