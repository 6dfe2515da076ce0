"""End to end: the real aiogram or python-telegram-bot stack long-polls the sandbox Bot API
over HTTP, with the outbox dispatcher and the scheduler running, on each test database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import App
from bot.config import Settings
from bot.core.clock import FrozenClock
from bot.runner import RunningBot, running_bot
from bot.runtimes.factory import create_runtime
from bot.sandbox import SandboxGroup, SandboxServer, SandboxUser
from tests.support.delivery import FAST
from tests.support.seed import seed_app

RUNTIMES = ["aiogram", "ptb"]
MANAGER_GROUP = -1002001
MANAGER = 900


@dataclass
class LiveBot:
    sandbox: SandboxServer
    app: App
    bot: RunningBot
    managers: SandboxGroup

    def user(self, user_id: int, name: str, language: str) -> SandboxUser:
        return self.sandbox.user(user_id, first_name=name, language_code=language)


@pytest.fixture
def clock() -> FrozenClock:
    """Frozen, but a few hours behind the real clock: the outbox dispatcher sends rows whose
    time has come by the real clock, so tests may move this one forward by up to hours."""
    return FrozenClock(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The managers' group speaks Bulgarian; user 900 is a manager."""
    return settings.model_copy(
        update={
            "manager_chat_id": MANAGER_GROUP,
            "manager_locale": "bg",
            "admins": frozenset({MANAGER}),
        }
    )


@pytest.fixture(params=RUNTIMES)
async def live(request: pytest.FixtureRequest, app: App) -> AsyncIterator[LiveBot]:
    await seed_app(app)
    async with SandboxServer() as sandbox:
        token = sandbox.make_token()
        sandbox.bot(token)
        managers = sandbox.group(MANAGER_GROUP, "Service managers", bot_is_admin=True)
        runtime = create_runtime(request.param, token, app.engine.handle, sandbox.base_url)
        async with running_bot(app, runtime, delivery=FAST) as bot:
            yield LiveBot(sandbox, app, bot, managers)
        assert sandbox.unanswered_callbacks() == [], "every button press must be answered"
