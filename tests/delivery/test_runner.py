"""The runner: updates, outbox and scheduler together; one part failing stops them all."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.app import App
from bot.core.replies import Reply
from bot.runner import BotStopped, run_bot, running_bot
from bot.runtimes.factory import create_runtime
from bot.sandbox import SandboxServer
from bot.services.scheduler import Job
from tests.support.delivery import FAST, queue

USER = 4242


async def test_running_bot_delivers_the_outbox_and_runs_jobs(app: App) -> None:
    ran: asyncio.Queue[datetime] = asyncio.Queue()

    async def job(_session: object, now: datetime) -> None:
        ran.put_nowait(now)

    async with SandboxServer() as sandbox:
        token = sandbox.make_token()
        sandbox.bot(token)
        sandbox.user(USER, language_code="en").send_command("/start")
        runtime = create_runtime("aiogram", token, app.engine.handle, sandbox.base_url)
        await queue(app.db, [(USER, "your engineer is on the way")])
        jobs = [Job("tick", timedelta(hours=1), job)]
        async with running_bot(app, runtime, delivery=FAST, jobs=jobs) as bot:
            await bot.outbox_settled(timeout=10)
            await asyncio.wait_for(ran.get(), 5)
            assert not bot.task.done()
        assert bot.task.done() and bot.task.exception() is None
        texts = [message.text for message in sandbox.chat(USER).messages]
        assert "your engineer is on the way" in texts


class CrashingRuntime:
    """Receiving updates fails at once, as with a token Telegram rejects."""

    name = "crashing"

    def __init__(self) -> None:
        self.closed = False

    async def execute(self, reply: Reply) -> int | None:
        return 1

    async def bot_username(self) -> str | None:
        return "crashing_bot"

    async def run(self, stop: asyncio.Event) -> None:
        raise RuntimeError("Unauthorized")

    async def poll(self, stop: asyncio.Event, store: Any) -> None:
        raise RuntimeError("Unauthorized")

    async def set_webhook(self, url: str, secret_token: str) -> None:
        raise NotImplementedError

    async def feed_webhook(self, payload: dict[str, object]) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        self.closed = True


async def test_a_crashing_part_stops_the_others_and_is_raised(app: App) -> None:
    stop = asyncio.Event()
    runtime = CrashingRuntime()
    with pytest.raises(RuntimeError, match="Unauthorized"):
        await asyncio.wait_for(run_bot(app, runtime, stop), 10)
    assert stop.is_set() and runtime.closed


async def test_a_part_that_returns_early_is_reported(app: App) -> None:
    class QuittingRuntime(CrashingRuntime):
        async def poll(self, stop: asyncio.Event, store: Any) -> None:
            return None

    with pytest.raises(BotStopped, match="updates"):
        await asyncio.wait_for(run_bot(app, QuittingRuntime(), asyncio.Event()), 10)


async def test_an_outbox_document_arrives_as_a_file_with_its_caption(app: App) -> None:
    """The daily digest's chart travels this way: bytes in the outbox row, a document in
    Telegram."""
    from bot.services.outbox import enqueue, messages
    from tests.support.delivery import now

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    async with SandboxServer() as sandbox:
        token = sandbox.make_token()
        sandbox.bot(token)
        sandbox.group(-1001, "Service managers")
        runtime = create_runtime("aiogram", token, app.engine.handle, sandbox.base_url)
        async with app.db.transaction() as session:
            await enqueue(
                session,
                messages(
                    -1001,
                    "Daily digest",
                    now(),
                    kind="digest",
                    document=png,
                    document_name="digest-2026-11-21.png",
                ),
            )
        async with running_bot(app, runtime, delivery=FAST, jobs=[]) as bot:
            await bot.outbox_settled(timeout=10)
        [message] = sandbox.chat(-1001).messages
        assert message.caption == "Daily digest"
        assert message.document_name == "digest-2026-11-21.png"
        assert message.document_bytes == png
