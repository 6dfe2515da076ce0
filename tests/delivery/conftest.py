"""Fixtures: a migrated database per backend, wrapped in :class:`Database`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.db import Database
from tests.support.redis import redis_prefix


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def other_db(database_url: str) -> AsyncIterator[Database]:
    """A second engine on the same database: what a second process would have."""
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def redis_keys() -> AsyncIterator[str]:
    """A key prefix of the test's own on the real Redis (see ``tests/support/redis.py``)."""
    async with redis_prefix() as prefix:
        yield prefix
