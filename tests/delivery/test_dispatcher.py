"""What the dispatcher does with each answer Telegram can give, through a scripted ``send``."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.core.clock import FrozenClock
from bot.delivery import Dispatcher
from bot.delivery.dispatcher import CLAIMER_LEASE
from bot.runtimes.base import Rejected, RetryAfter, Transient, Unreachable
from bot.services import leases
from storage.db import Database
from storage.models import OutboxStatus
from tests.support.delivery import FAST, FakeTelegram, add_people, now, queue
from tests.support.outbox import outbox
from tests.support.people import person

ALICE, BOB, GROUP = 501, 502, -1001


async def test_delivers_each_row_once_in_order_per_chat(db: Database) -> None:
    messages = [(ALICE, f"a{i}") for i in range(5)] + [(GROUP, f"g{i}") for i in range(5)]
    await queue(db, messages)
    telegram = FakeTelegram()
    assert await Dispatcher(db, telegram, FAST).drain(timeout=10) == 10
    assert telegram.texts(ALICE) == [f"a{i}" for i in range(5)]
    assert telegram.texts(GROUP) == [f"g{i}" for i in range(5)]
    stored = await outbox(db)
    assert {row.status for row in stored} == {OutboxStatus.SENT}
    assert all(row.message_id and row.sent_at and row.attempts == 1 for row in stored)


async def test_retry_after_requeues_the_row_and_holds_the_chat(db: Database) -> None:
    await queue(db, [(ALICE, "first"), (ALICE, "second"), (BOB, "other")])
    telegram = FakeTelegram(errors={"first": [RetryAfter(1)]})
    dispatcher = Dispatcher(db, telegram, FAST)
    before = now()
    await dispatcher.dispatch_once()
    first, second, other = await outbox(db)
    assert first.status == OutboxStatus.PENDING and first.attempts == 1
    assert "429" in (first.error or "")
    assert first.next_attempt_at >= before + timedelta(seconds=1)
    assert second.status == OutboxStatus.PENDING  # held back behind "first"
    assert second.next_attempt_at == first.next_attempt_at
    assert other.status == OutboxStatus.SENT  # other chats are not held
    await dispatcher.drain(timeout=10)
    assert telegram.texts(ALICE) == ["first", "second"]


async def test_transient_errors_back_off_and_never_drop(db: Database) -> None:
    await queue(db, [(ALICE, "flaky"), (ALICE, "after")])
    failures: list[Exception] = [Transient("502 Bad Gateway") for _ in range(6)]
    telegram = FakeTelegram(errors={"flaky": failures})
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert telegram.texts(ALICE) == ["flaky", "after"]
    flaky, after = await outbox(db)
    assert flaky.status == OutboxStatus.SENT and flaky.attempts == 7
    assert "502" in (flaky.error or "")  # the last failure stays on record
    assert after.attempts == 1  # waiting behind "flaky" is not an attempt


def test_backoff_grows_exponentially_with_jitter_and_is_capped(db: Database) -> None:
    dispatcher = Dispatcher(db, FakeTelegram())  # production settings: 1 s doubling to 300 s
    assert 0.5 <= dispatcher._backoff(1) <= 1.0
    assert 4.0 <= dispatcher._backoff(4) <= 8.0
    assert 150.0 <= dispatcher._backoff(30) <= 300.0


async def test_unexpected_send_error_is_retried_not_dropped(db: Database) -> None:
    await queue(db, [(ALICE, "odd")])
    telegram = FakeTelegram(errors={"odd": [RuntimeError("not normalised")]})
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert telegram.texts(ALICE) == ["odd"]


async def test_blocked_chat_closes_its_rows_and_flags_the_person(db: Database) -> None:
    people = await add_people(db, [ALICE, BOB])
    await queue(db, [(ALICE, "a1"), (BOB, "b1"), (ALICE, "a2"), (ALICE, "a3")], people)
    attempts: list[str] = []
    telegram = FakeTelegram(
        errors={"a1": [Unreachable("bot was blocked by the user")]},
        before_send=lambda reply: attempts.append(reply.text),
    )
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert attempts.count("a1") == 1 and "a2" not in attempts and "a3" not in attempts
    statuses = {row.text: row.status for row in await outbox(db)}
    assert statuses == {
        "a1": OutboxStatus.UNREACHABLE,
        "a2": OutboxStatus.UNREACHABLE,
        "a3": OutboxStatus.UNREACHABLE,
        "b1": OutboxStatus.SENT,
    }
    assert (await person(db, ALICE)).unreachable
    assert not (await person(db, BOB)).unreachable


async def test_delivery_makes_an_unreachable_person_reachable_again(db: Database) -> None:
    people = await add_people(db, [ALICE])
    await queue(db, [(ALICE, "blocked")], people)
    telegram = FakeTelegram(errors={"blocked": [Unreachable("bot was blocked by the user")]})
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert (await person(db, ALICE)).unreachable
    await queue(db, [(ALICE, "unblocked")], people)
    await Dispatcher(db, telegram, FAST).drain(timeout=10)
    assert telegram.texts(ALICE) == ["unblocked"]
    assert not (await person(db, ALICE)).unreachable


async def test_rejected_row_fails_loudly_and_the_chat_goes_on(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await queue(db, [(ALICE, "bad"), (ALICE, "good")])
    telegram = FakeTelegram(errors={"bad": [Rejected("Bad Request: can't parse entities")]})
    with caplog.at_level(logging.ERROR, logger="bot.delivery.dispatcher"):
        await Dispatcher(db, telegram, FAST).drain(timeout=10)
    bad, good = await outbox(db)
    assert bad.status == OutboxStatus.FAILED and "can't parse entities" in (bad.error or "")
    assert good.status == OutboxStatus.SENT
    assert any("our bug" in record.getMessage() for record in caplog.records)


async def test_a_claimed_row_is_invisible_to_others_until_its_claim_expires(
    db: Database, other_db: Database
) -> None:
    """A claimer that dies mid-batch (holding the SQLite claimer lease too) delays its rows;
    it does not lose them."""
    await queue(db, [(ALICE, "orphan")])
    clock = FrozenClock(now())
    async with db.transaction() as session:
        await leases.acquire(session, CLAIMER_LEASE, "dead", timedelta(seconds=30), clock.now())
    dead = Dispatcher(db, FakeTelegram(), FAST, clock=clock, holder="dead")
    assert len(await dead.queue.claim(clock.now(), 10, timedelta(seconds=60))) == 1
    telegram = FakeTelegram()
    survivor = Dispatcher(other_db, telegram, FAST, clock=clock)
    assert await survivor.dispatch_once() == 0
    clock.advance(timedelta(seconds=61))
    assert await survivor.dispatch_once() == 1
    assert telegram.texts(ALICE) == ["orphan"]
