"""End to end: the real aiogram or python-telegram-bot stack long-polls the sandbox Bot API
over HTTP, with the outbox dispatcher and the scheduler running, on each test database. The
managers' group speaks Bulgarian (each test module carries the ``manager_chat`` mark)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.core.clock import FrozenClock
from bot.runner import running_bot
from bot.runtimes.factory import RUNTIMES, create_runtime
from bot.sandbox import SandboxServer
from tests.support.delivery import FAST
from tests.support.live import LiveBot
from tests.support.people import MANAGER_CHAT


@pytest.fixture
def clock() -> FrozenClock:
    """Frozen, but a few hours behind the real clock: the outbox dispatcher sends rows whose
    time has come by the real clock, so tests may move this one forward by up to hours."""
    return FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6))


@pytest.fixture(params=RUNTIMES)
async def live(request: pytest.FixtureRequest, seeded: App) -> AsyncIterator[LiveBot]:
    async with SandboxServer() as sandbox:
        token = sandbox.make_token()
        sandbox.bot(token)
        managers = sandbox.group(MANAGER_CHAT, "Service managers", bot_is_admin=True)
        runtime = create_runtime(request.param, token, seeded.engine.handle, sandbox.base_url)
        async with running_bot(seeded, runtime, delivery=FAST) as bot:
            yield LiveBot(sandbox, seeded, bot, managers)
        assert sandbox.unanswered_callbacks() == [], "every button press must be answered"
