"""The flood budget in Redis, as several processes see it: one window for all, taken
atomically, holds after a 429 seen by everyone; and without Redis, a restarted process that
remembers a group's minute from the outbox."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.app import App
from bot.delivery import Dispatcher, Rate
from bot.delivery.budget import LocalBudget
from bot.delivery.redis_budget import IN_FLIGHT_TTL, RedisBudget
from bot.runner import build_dispatcher
from storage.db import Database
from storage.models import OutboxStatus
from tests.support.delivery import FAST, FakeTelegram, now, queue
from tests.support.outbox import outbox
from tests.support.recording import RecordingRuntime
from tests.support.redis import REDIS_URL

GROUP = -100555


def budget(prefix: str, per_bot: int = 3) -> RedisBudget:
    return RedisBudget.from_url(REDIS_URL, Rate(per_bot, 1.0), Rate(1, 1.0), Rate(2, 60.0), prefix)


async def test_processes_share_one_window_taken_atomically(redis_keys: str) -> None:
    budgets = [budget(redis_keys) for _ in range(3)]
    try:
        # Ten processes race for the bot's three slots at once: exactly three win.
        permits = await asyncio.gather(*(budgets[n % 3].take(1000 + n, 1) for n in range(10)))
        taken = [permit for permit in permits if permit is not None]
        assert len(taken) == 3
        # While those are in flight the others are told to look again shortly, not to wait
        # a whole second: the window counts from when a send came back.
        assert 0 < await budgets[1].wait(2000, 1) < 0.1
        for permit in taken:
            await budgets[0].done(permit)
        wait = await budgets[2].wait(2000, 1)
        assert 0.5 < wait <= 1.05  # a second (and the margin) from when they came back
        # A private chat that just had a message waits its second in every process.
        assert await budgets[2].wait(taken[0].chat_id, 1) > 0.5
    finally:
        await asyncio.gather(*(item.close() for item in budgets))


async def test_a_429_holds_the_chat_everywhere_and_several_hold_the_bot(redis_keys: str) -> None:
    first, second = budget(redis_keys, per_bot=100), budget(redis_keys, per_bot=100)
    try:
        assert await first.hold(501, 3) is False
        assert 2 < await second.wait(501, 1) <= 3
        assert await second.wait(502, 1) == 0
        assert await second.hold(502, 3) is False
        assert await first.hold(503, 3) is True  # three chats refused at once: bot-wide
        assert await second.wait(504, 1) > 2
        assert await second.take(504, 1) is None
    finally:
        await first.close()
        await second.close()


async def test_a_send_in_flight_from_a_dead_process_frees_its_slot_by_itself(
    redis_keys: str,
) -> None:
    shared = budget(redis_keys)
    try:
        assert await shared.take(GROUP, 2) is not None  # the process dies before done()
        entries = await shared.redis.zrange(f"{redis_keys}chat:{GROUP}", 0, -1, withscores=True)
        now = float((await shared.redis.time())[0])
        assert len(entries) == 2
        assert all(
            now + IN_FLIGHT_TTL - 2 < score <= now + IN_FLIGHT_TTL + 1 for _, score in entries
        )
        assert await shared.redis.pttl(f"{redis_keys}chat:{GROUP}") > 0  # the key expires
    finally:
        await shared.close()


async def test_a_restarted_process_remembers_the_groups_minute_from_the_outbox(
    db: Database, other_db: Database
) -> None:
    settings = replace(FAST, per_group=Rate(3, 60.0))
    await queue(db, [(GROUP, f"alert {n}") for n in range(3)])
    telegram = FakeTelegram()
    await Dispatcher(db, telegram, settings).drain(timeout=10)
    assert telegram.texts(GROUP) == ["alert 0", "alert 1", "alert 2"]

    await queue(db, [(GROUP, "alert 3")])
    restarted = FakeTelegram()
    assert await Dispatcher(other_db, restarted, settings).dispatch_once() == 1
    assert restarted.sent == []  # the minute is used up, whoever used it
    (row,) = [row for row in await outbox(db) if row.text == "alert 3"]
    assert row.status == OutboxStatus.PENDING
    assert row.next_attempt_at > now() + timedelta(seconds=50)


def test_local_budget_remembers_only_groups_it_does_not_know() -> None:
    local = LocalBudget(Rate(30, 1.0), Rate(1, 1.0), Rate(20, 60.0))
    assert local.needs_history(GROUP) and not local.needs_history(501)
    local.remember(GROUP, [5.0] * 20)
    assert not local.needs_history(GROUP)
    assert local.limits.wait(GROUP, time.monotonic()) == pytest.approx(55.05, abs=1)


async def test_the_bot_keeps_its_budget_in_redis_when_configured(
    app: App, redis_keys: str
) -> None:
    runtime = RecordingRuntime()
    assert isinstance(build_dispatcher(app, runtime).budget, LocalBudget)
    app.settings.redis_url = REDIS_URL
    app.settings.redis_prefix = redis_keys
    shared = build_dispatcher(app, runtime).budget
    try:
        assert isinstance(shared, RedisBudget)
        permit = await shared.take(501, 1)
        assert permit is not None
        await shared.done(permit)
        assert await shared.redis.exists(f"{redis_keys}flood:bot", f"{redis_keys}flood:chat:501")
    finally:
        await shared.close()
