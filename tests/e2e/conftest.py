"""End to end: the real aiogram or python-telegram-bot stack long-polls the sandbox Bot API
over HTTP, on each test database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.app import App
from bot.runtimes.base import Runtime
from bot.runtimes.factory import create_runtime
from bot.sandbox import SandboxServer, SandboxUser
from tests.seed import seed_app

RUNTIMES = ["aiogram", "ptb"]


@dataclass
class Live:
    sandbox: SandboxServer
    app: App
    runtime: Runtime

    def user(self, user_id: int, name: str, language: str) -> SandboxUser:
        return self.sandbox.user(user_id, first_name=name, language_code=language)


@pytest.fixture(params=RUNTIMES)
async def live(request: pytest.FixtureRequest, app: App) -> AsyncIterator[Live]:
    await seed_app(app)
    async with SandboxServer() as sandbox:
        token = sandbox.make_token()
        sandbox.bot(token)
        runtime = create_runtime(request.param, token, app.engine.handle, sandbox.base_url)
        stop = asyncio.Event()
        task = asyncio.create_task(runtime.run(stop))
        try:
            yield Live(sandbox, app, runtime)
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=15)
            await runtime.close()
        assert sandbox.unanswered_callbacks() == [], "every button press must be answered"
