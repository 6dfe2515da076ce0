"""The inbox with the real aiogram runtime polling the sandbox, in process: a poison update
becomes dead and its chat moves on; a slow chat does not hold up another."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App, create_app
from bot.core.context import Context
from bot.inbox import InboxStore
from bot.runner import RunningBot, running_bot
from bot.runtimes.factory import create_runtime
from bot.sandbox import SandboxServer
from storage.models import InboxUpdate
from tests.support.delivery import FAST
from tests.support.people import MANAGER_CHAT

pytestmark = pytest.mark.manager_chat(inbox_max_attempts=3, inbox_poll_seconds=0.1)

WAIT = 20.0


@dataclass
class Live:
    sandbox: SandboxServer
    app: App
    bot: RunningBot


@pytest.fixture
async def live(app: App) -> AsyncIterator[Live]:
    async with SandboxServer() as sandbox:
        token = sandbox.make_token()
        sandbox.bot(token)
        sandbox.group(MANAGER_CHAT, "Service managers", bot_is_admin=True)
        runtime = create_runtime("aiogram", token, app.engine.handle, sandbox.base_url)
        async with running_bot(app, runtime, delivery=FAST, jobs=[]) as bot:
            yield Live(sandbox, app, bot)


def intercept(app: App, act: Callable[[Context], object]) -> None:
    """Run ``act`` before the router on every update (it may raise or wait)."""
    dispatch = app.engine.router.dispatch

    async def dispatching(ctx: Context) -> None:
        waiting = act(ctx)
        if asyncio.iscoroutine(waiting):
            await waiting
        await dispatch(ctx)

    app.engine.router.dispatch = dispatching  # type: ignore[method-assign]


async def test_a_poison_update_becomes_dead_and_its_chat_moves_on(live: Live) -> None:
    tries: list[int] = []

    def poison(ctx: Context) -> None:
        if ctx.event.text == "poison":
            tries.append(ctx.event.update_id)
            raise RuntimeError("this update breaks the handler every time")

    intercept(live.app, poison)
    user = live.sandbox.user(7001, "Ana", "en")
    user.send_text("poison")
    user.send_text("hello")
    apology = await user.wait_for(lambda m: "went wrong" in (m.text or ""), WAIT)
    after = await user.wait_for(lambda m: "phone number" in (m.text or ""), WAIT)
    assert after.message_id > apology.message_id  # the later update waited for the poison
    assert len(tries) == 3 and len(set(tries)) == 1  # tried the limit, then given up
    await live.bot.outbox_settled()  # the alert goes out beside the person's answers
    alerts = [m.text or "" for m in live.sandbox.chat(MANAGER_CHAT).messages]
    assert len(alerts) == 1 and f"update {tries[0]}" in alerts[0]
    dead = await InboxStore(live.app.db).dead()
    assert [(row.update_id, row.attempts) for row in dead] == [(tries[0], 3)]
    assert dead[0].error is not None and "breaks the handler" in dead[0].error


async def test_one_slow_chat_does_not_stall_another(live: Live) -> None:
    if live.app.db.is_sqlite:
        pytest.skip("SQLite has one writer: an update's open transaction holds every other")
    slow_started, release = asyncio.Event(), asyncio.Event()

    async def slow(ctx: Context) -> None:
        if ctx.event.text == "slow":
            slow_started.set()
            await release.wait()

    intercept(live.app, slow)
    slowpoke, other = live.sandbox.user(7101, "Slow", "en"), live.sandbox.user(7102, "Quick", "en")
    slowpoke.send_text("slow")
    slowpoke.send_text("after slow")
    await asyncio.wait_for(slow_started.wait(), WAIT)
    other.send_text("hello")
    await other.wait_for(lambda m: "phone number" in (m.text or ""), WAIT)
    assert slowpoke.messages == []  # still held by its first update, the other went past
    release.set()
    await slowpoke.wait_for(lambda m: "phone number" in (m.text or ""), WAIT)
    await live.bot.outbox_settled()
    assert len(slowpoke.messages) == 2


async def test_a_redelivered_update_produces_nothing_new(live: Live) -> None:
    user = live.sandbox.user(7201, "Rita", "en")
    user.send_text("hello")
    await user.wait_for(lambda m: "phone number" in (m.text or ""), WAIT)
    await live.bot.outbox_settled()
    async with live.app.db.transaction() as session:
        update_id = await session.scalar(select(InboxUpdate.update_id))
    assert update_id is not None
    live.sandbox.redeliver(update_id)
    await user.wait_idle()
    await live.bot.outbox_settled()
    assert len(user.messages) == 1


async def test_workers_in_two_processes_take_a_chat_one_update_at_a_time(app: App) -> None:
    """Two claimers (another process's on PostgreSQL): never two updates of one chat at once,
    both chats' first updates at once."""
    other = create_app(app.settings)
    try:
        store, theirs = InboxStore(app.db), InboxStore(other.db)
        payloads = [
            {"update_id": n, "message": {"chat": {"id": chat}, "text": str(n)}}
            for n, chat in ((1, 10), (2, 10), (3, 20), (4, 10))
        ]
        now, lease = datetime.now(UTC), timedelta(seconds=30)
        await store.store(payloads, now)
        await store.store(payloads[:2], now)  # redelivered: ignored
        first = await store.claim("a", now, lease)
        second = await theirs.claim("b", now, lease)
        assert (first and first.update_id, second and second.update_id) == (1, 3)
        assert await theirs.claim("b", now, lease) is None  # chat 10 is busy, chat 20 too
        assert await store.claim("a", now + lease * 2, lease) is not None  # lease ran out
    finally:
        await other.close()


async def test_a_batch_claim_takes_one_update_per_chat_and_hands_back_the_unstarted(
    app: App,
) -> None:
    """The workers' shared claim: the oldest update of each chat, never two of one chat; what
    a stopping process had not started goes back as it was, ready for anyone at once."""
    store = InboxStore(app.db)
    payloads = [
        {"update_id": n, "message": {"chat": {"id": chat}, "text": str(n)}}
        for n, chat in ((1, 10), (2, 10), (3, 20), (4, 30), (5, 20))
    ]
    now, lease = datetime.now(UTC), timedelta(seconds=30)
    await store.store(payloads, now)
    batch = await store.claim_batch("a", now, lease, 4)
    assert [(one.update_id, one.attempts) for one in batch] == [(1, 1), (3, 1), (4, 1)]
    assert await store.claim_batch("b", now, lease, 4) == []  # every chat is held
    await store.release(batch[1:], "a")
    again = await store.claim_batch("b", now, lease, 4)
    assert [(one.update_id, one.attempts) for one in again] == [(3, 1), (4, 1)]
    await store.release(again, "a")  # not a's any more: nothing happens
    assert await store.claim_batch("c", now, lease, 4) == []
