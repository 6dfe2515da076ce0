"""Shared fixtures: a database per backend, settings, the assembled app, seeded data, more
processes of the bot on the same database, a sandbox Bot API.

A test module marked ``pytest.mark.manager_chat`` runs with the managers' group chat
(``MANAGER_CHAT``); the mark's keyword arguments override more settings.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, create_app
from bot.config import Settings
from bot.core.clock import Clock, FrozenClock
from bot.sandbox import SandboxServer
from storage.migrate import upgrade_sync
from tests.support import databases
from tests.support.people import MANAGER_CHAT, MANAGER_ID
from tests.support.seed import seed_app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "manager_chat(**settings): with the managers' group chat (and these settings)"
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    """Reset and migrate once; in a thread, since it is first asked for inside a running loop."""
    url = databases.POSTGRES_URL

    def migrate() -> None:
        asyncio.run(databases.reset_postgres_schema(url))
        upgrade_sync(url)

    with ThreadPoolExecutor(1) as pool:
        pool.submit(migrate).result()
    return url


@pytest.fixture(params=databases.BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> str:
    if request.param == "sqlite":
        return databases.fresh_sqlite(sqlite_template, tmp_path / "fieldbot.sqlite3")
    url: str = request.getfixturevalue("postgres_migrated")
    await databases.truncate_postgres(url)
    return url


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))


@pytest.fixture
def settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        bot_token="123456:TEST",  # type: ignore[arg-type]
        timezone="Europe/Sofia",
        default_locale="en",
        admins=frozenset({MANAGER_ID}),
        # The clock stands still in tests, so a long flow would count as one minute's flood;
        # tests/flows/test_rate_limit.py sets the limit it tests.
        inbound_limit=100_000,
    )
    managers = request.node.get_closest_marker("manager_chat")
    if managers is None:
        return settings
    return settings.model_copy(update={"manager_chat_id": MANAGER_CHAT, **managers.kwargs})


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[App]:
    application = create_app(settings, clock)
    yield application
    await application.close()


@pytest.fixture
async def seeded(app: App) -> App:
    await seed_app(app)
    return app


@pytest.fixture
async def processes(app: App) -> AsyncIterator[Callable[..., list[App]]]:
    """Start ``count`` more processes of the bot on the test's database (on the app's clock
    unless given another), as several replicas would run; they close after the test."""
    started: list[App] = []

    def start(count: int, clock: Clock | None = None) -> list[App]:
        more = [create_app(app.settings, clock or app.engine.clock) for _ in range(count)]
        started.extend(more)
        return more

    yield start
    await asyncio.gather(*(process.close() for process in started))


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer() as server:
        yield server
