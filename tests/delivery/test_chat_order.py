"""A chat's messages go out in the order they were queued whichever dispatcher claims them: a
row that waits (for a retry, for the flood budget, or in another dispatcher's hands) holds the
later rows of its chat, and only its chat."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.replies import Send
from bot.delivery import Dispatcher
from bot.delivery.queue import OutboxQueue
from bot.inbox.replies import queue_replies
from bot.runtimes.base import Transient
from storage.db import Database
from storage.models import OutboxStatus
from tests.support.delivery import FAST, FakeTelegram, now, queue
from tests.support.outbox import outbox

ALICE, GROUP = 601, -100601
LEASE = timedelta(seconds=60)


async def test_a_row_handed_back_by_the_flood_budget_holds_its_chat(
    db: Database, other_db: Database
) -> None:
    await queue(db, [(GROUP, "alert 1"), (GROUP, "alert 2"), (ALICE, "hello"), (GROUP, "alert 3")])
    first = (await outbox(db))[0]
    await OutboxQueue(db).defer([first.id], now() + timedelta(seconds=30))
    claimed = await OutboxQueue(other_db).claim(now(), 10, LEASE)
    assert [row.text for row in claimed] == ["hello"]


async def test_another_dispatcher_takes_no_row_of_a_chat_already_in_hand(
    db: Database, other_db: Database
) -> None:
    await queue(db, [(GROUP, f"alert {n}") for n in range(15)] + [(ALICE, "hello")])
    mine = await OutboxQueue(db).claim(now(), 10, LEASE)
    assert [row.text for row in mine] == [f"alert {n}" for n in range(10)]
    theirs = await OutboxQueue(other_db).claim(now(), 10, LEASE)
    assert [row.text for row in theirs] == ["hello"]  # not alerts 10-14 ahead of 0-9


async def test_a_failed_alert_is_not_overtaken_by_a_later_one_in_another_dispatcher(
    db: Database, other_db: Database
) -> None:
    await queue(db, [(GROUP, "#16"), (GROUP, "#26")])
    failing = FakeTelegram(errors={"#16": [Transient("502 Bad Gateway")]})
    patient = replace(FAST, backoff_base=1.0, backoff_cap=1.0)
    first = Dispatcher(db, failing, patient, holder="a")
    assert await first.dispatch_once() == 2
    await first.drain(until_empty=False)  # nothing due yet; lets go of SQLite's claimer lease
    other = FakeTelegram()
    await Dispatcher(other_db, other, FAST, holder="b").drain(timeout=10)
    assert other.texts(GROUP) == ["#16", "#26"]
    assert failing.texts(GROUP) == []
    assert {row.status for row in await outbox(db)} == {OutboxStatus.SENT}


async def test_an_updates_replies_are_written_claimed_unless_their_chat_has_one_waiting(
    db: Database, other_db: Database
) -> None:
    """The worker sends an update's replies itself, without claiming them: they are written
    claimed, so no dispatcher takes them meanwhile; in a chat with an older row still pending
    they are left to the dispatcher, behind that row."""
    await queue(db, [(GROUP, "alert 1")])
    async with db.transaction() as session:
        mine, direct = await queue_replies(
            session, [Send(ALICE, "your tickets"), Send(GROUP, "noted")], now(), LEASE
        )
    assert direct == []
    assert [(row.chat_id, row.text) for row in mine] == [(ALICE, "your tickets")]
    claimed = await OutboxQueue(other_db).claim(now(), 10, LEASE)
    assert [row.text for row in claimed] == ["alert 1", "noted"]  # in order; not Alice's
