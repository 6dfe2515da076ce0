"""Kill tests run real ``fieldbot run`` processes on PostgreSQL when it is configured (as in
CI), else on a SQLite file; the test process hosts the sandbox Bot API they talk to."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support import databases
from tests.support.redis import redis_prefix as fresh_prefix


@pytest.fixture
async def database(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> str:
    if not databases.POSTGRES_URL:
        return databases.fresh_sqlite(sqlite_template, tmp_path / "fieldbot.sqlite3")
    url: str = request.getfixturevalue("postgres_migrated")
    await databases.truncate_postgres(url)
    return url


@pytest.fixture
def postgres(database: str) -> str:
    if not databases.POSTGRES_URL:
        pytest.skip("several processes need PostgreSQL: set FIELDBOT_TEST_DATABASE_URL")
    return database


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """The processes' shared flood budget lives under a prefix of this test's own."""
    async with fresh_prefix() as prefix:
        yield prefix
