"""Shared fixtures: a database per backend, settings, the assembled app, seeded data."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App, create_app
from bot.config import Settings
from bot.core.clock import FrozenClock
from storage.migrate import upgrade_sync
from tests.support import databases


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
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        bot_token="123456:TEST",  # type: ignore[arg-type]
        timezone="Europe/Sofia",
        default_locale="en",
        admins=frozenset({900}),
    )


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[App]:
    application = create_app(settings, clock)
    yield application
    await application.close()
