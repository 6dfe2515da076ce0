"""SQLite syncs each commit unless its URL asks for ``synchronous=normal``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import Database
from storage.migrate import upgrade


@pytest.mark.parametrize(("query", "pragma"), [("", 2), ("?synchronous=normal", 1)])
async def test_the_url_sets_how_commits_are_synced(
    tmp_path: Path, query: str, pragma: int
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}{query}"
    await upgrade(url)  # migrations read the same URL
    db = Database(url)
    try:
        async with db.transaction() as session:
            assert await session.scalar(text("PRAGMA synchronous")) == pragma
    finally:
        await db.dispose()


def test_an_unknown_value_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="synchronous=off"):
        Database(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}?synchronous=off")
