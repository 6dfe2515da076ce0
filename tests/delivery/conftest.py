"""Fixtures: a migrated database per backend, wrapped in :class:`Database`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage.db import Database


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
