"""SIGKILL a real ``fieldbot run`` while 500 updates from 50 people are in flight, start it
again, and check from outside: every update handled exactly once, every answer delivered
exactly once, each chat's updates handled and answered in order.

The counts at the kill and at the end are printed (``pytest -s``) and carried in the asserts.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.sandbox import SandboxServer
from tests.support.processes import (
    BOT_TOKEN,
    BotProcess,
    Counts,
    People,
    all_settled,
    bot_env,
    counts,
    free_port,
    handling_order,
    post_all,
    wait_until,
    webhook_settings,
)
from tests.support.redis import REDIS_URL
from tests.support.send_windows import most_in_any_window

# The three processes' one budget: low enough that the load presses on it.
SHARED_LIMITS = {"flood_per_bot_per_second": 30, "flood_per_private_chat_per_second": 2}

# Real processes on a shared CI machine: more room than the suite's default per-test timeout.
pytestmark = pytest.mark.timeout(420)

CHATS, PER_CHAT = 50, 10
# Generous: a loaded CI machine takes long to start three processes.
START_TIMEOUT = 120.0
SETTLE_TIMEOUT = 150.0


async def _kill_when(database: str, handled: int, bot: BotProcess) -> Counts:
    """SIGKILL once at least ``handled`` updates are done; what stood at that moment."""

    async def far_enough() -> bool:
        return (await counts(database)).done >= handled

    await wait_until(
        far_enough, START_TIMEOUT, lambda: f"{handled} updates handled\n{bot.output()[-3000:]}"
    )
    await bot.kill()
    return await counts(database)


async def _check(
    database: str,
    people: People,
    at_kill: Counts,
    bot: BotProcess,
    note: str = "",
    *,
    may_repeat: bool = True,
) -> None:
    """Everything handled once and answered in order; an answer may repeat only if it was
    being sent at the kill (pending then), since Telegram may have taken it unrecorded."""
    await wait_until(
        lambda: all_settled(database, people.total),
        SETTLE_TIMEOUT,
        lambda: f"every update handled and answered\n{bot.output()[-3000:]}",
    )
    await asyncio.sleep(0.5)  # anything sent twice would show now
    final = await counts(database)
    order = await handling_order(database)
    in_flight = at_kill.outbox.get("pending", 0) if may_repeat else 0
    report = (
        f"at SIGKILL: inbox {at_kill.inbox}, outbox {at_kill.outbox}{note}; "
        f"after restart: inbox {final.inbox}, outbox {final.outbox}, "
        f"{final.attempts_over_one} updates claimed twice (taken over after the kill), "
        f"{people.replies()} answers in {people.chats} chats"
    )
    print(report)
    assert final.inbox == {"done": people.total}, report
    assert sorted(order) == sorted(people.scripts), report
    assert all(ids == sorted(ids) for ids in order.values()), report  # handled in chat order
    problems, repeats = people.problems()  # each answer, in the chat's order
    print(f"answers sent twice: {repeats} (answers in flight at the kill: {in_flight})")
    assert problems == [], f"{report}\n" + "\n".join(problems[:5])
    assert repeats <= in_flight, report
    expected = sum(len(people.expected(uid)) for uid in people.scripts)
    assert people.replies() == expected + repeats, report


@pytest.mark.parametrize("runtime", ["aiogram", "ptb"])
async def test_polling_sigkill_mid_load_loses_and_doubles_nothing(
    sandbox: SandboxServer, database: str, tmp_path: Path, runtime: str
) -> None:
    sandbox.bot(BOT_TOKEN)
    people = People(sandbox, CHATS, PER_CHAT)
    people.send_all()
    env = bot_env(sandbox, database, runtime)
    first, again = BotProcess(env, tmp_path / "first.log"), BotProcess(env, tmp_path / "again.log")
    try:
        await first.start()
        at_kill = await _kill_when(database, 120, first)
        await again.start()
        await _check(database, people, at_kill, again)
    finally:
        await first.stop()
        await again.stop()


async def test_webhook_sigkill_mid_load_loses_and_doubles_nothing(
    sandbox: SandboxServer, database: str, tmp_path: Path
) -> None:
    sandbox.bot(BOT_TOKEN)
    people = People(sandbox, CHATS, PER_CHAT)
    updates = people.webhook_updates()
    port = free_port()
    env = bot_env(sandbox, database, "aiogram", **webhook_settings(port))
    first, again = BotProcess(env, tmp_path / "first.log"), BotProcess(env, tmp_path / "again.log")
    posting = asyncio.create_task(post_all(updates, [port]))
    try:
        await first.start()
        at_kill = await _kill_when(database, 120, first)
        await again.start()
        failed_posts = await asyncio.wait_for(posting, SETTLE_TIMEOUT)
        await _check(database, people, at_kill, again, f", {failed_posts} posts retried")
    finally:
        posting.cancel()
        await first.stop()
        await again.stop()


async def test_sigkill_between_commit_and_send_leaves_the_answers_for_the_restart(
    sandbox: SandboxServer, database: str, tmp_path: Path
) -> None:
    """Telegram hangs every sendMessage (the sandbox performs none of them), so updates are
    committed with their answers queued and none delivered; SIGKILL, Telegram recovers, the
    restarted process delivers each answer once."""
    sandbox.bot(BOT_TOKEN)
    people = People(sandbox, CHATS, PER_CHAT)
    people.send_all()
    sandbox.faults.configure(rate=1.0, kinds=("timeout",), methods=("sendMessage",), delay=60)
    env = bot_env(sandbox, database, "aiogram")
    first, again = BotProcess(env, tmp_path / "first.log"), BotProcess(env, tmp_path / "again.log")
    try:
        await first.start()
        at_kill = await _kill_when(database, 100, first)
        assert people.replies() == 0, at_kill  # answers were committed, none sent
        assert at_kill.outbox.get("pending", 0) > 0, at_kill
        sandbox.faults.reset()
        await again.start()
        await _check(database, people, at_kill, again, may_repeat=False)
    finally:
        await first.stop()
        await again.stop()


async def test_three_webhook_processes_one_killed_mid_load(
    sandbox: SandboxServer, postgres: str, redis_prefix: str, tmp_path: Path
) -> None:
    """Three processes behind one "load balancer" on PostgreSQL, sharing one flood budget in
    Redis; one is SIGKILLed mid-load and stays down: the other two take over its claims after
    the leases, and posts to it go to them, as Telegram retries an update it saw fail. The
    sandbox's call log shows the limits held across the processes and each chat's answers in
    order."""
    sandbox.bot(BOT_TOKEN)
    people = People(sandbox, CHATS, PER_CHAT)
    updates = people.webhook_updates()
    ports = [free_port() for _ in range(3)]
    bots = [
        BotProcess(
            bot_env(
                sandbox,
                postgres,
                "aiogram",
                **webhook_settings(port),
                **SHARED_LIMITS,
                redis_url=REDIS_URL,
                redis_prefix=redis_prefix,
            ),
            tmp_path / f"bot{n}.log",
        )
        for n, port in enumerate(ports)
    ]
    for bot in bots:
        await bot.start()
    posting = asyncio.create_task(post_all(updates, ports))
    try:
        at_kill = await _kill_when(postgres, 150, bots[0])
        failed_posts = await asyncio.wait_for(posting, SETTLE_TIMEOUT)
        await wait_until(
            lambda: all_settled(postgres, people.total),
            SETTLE_TIMEOUT,
            lambda: f"every update handled and answered\n{bots[1].output()[-3000:]}",
        )
        await asyncio.sleep(0.5)  # anything sent twice would show now
        final = await counts(postgres)
        order = await handling_order(postgres)
        report = (
            f"at SIGKILL of one of three: inbox {at_kill.inbox}, outbox {at_kill.outbox}, "
            f"{failed_posts} posts retried; after: inbox {final.inbox}, outbox {final.outbox}, "
            f"{final.attempts_over_one} updates taken over, {people.replies()} answers"
        )
        print(report)
        assert final.inbox == {"done": people.total}, report
        assert all(ids == sorted(ids) for ids in order.values()), report  # handled in order
        problems, extra = people.problems()  # each answer once, in its chat's order
        in_flight = at_kill.outbox.get("pending", 0)
        print(f"answers sent twice: {extra} (answers in flight at the kill: {in_flight})")
        assert problems == [], f"{report}\n" + "\n".join(problems[:5])  # nothing lost
        assert extra <= in_flight, report  # nothing doubled but what Telegram took unrecorded
        sent = [c for c in sandbox.calls if c.method == "sendMessage" and c.status == 200]
        busiest = most_in_any_window([c.time for c in sent], 1.0)
        per_chat = max(
            most_in_any_window([c.time for c in sent if c.chat_id == uid], 1.0)
            for uid in people.scripts
        )
        print(f"busiest second: {busiest} sends (all processes); busiest chat second: {per_chat}")
        assert busiest <= SHARED_LIMITS["flood_per_bot_per_second"], report
        assert per_chat <= SHARED_LIMITS["flood_per_private_chat_per_second"], report
    finally:
        posting.cancel()
        for bot in bots:
            await bot.stop()
