"""Engine and unit of work. Nothing here is built at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import equipment_copies, escalation_marks, trend_marks  # noqa: F401  (flush events)

# What ``?synchronous=`` may say in a SQLite URL, as the pragma's value.
SYNCHRONOUS = {"full": "FULL", "normal": "NORMAL"}


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An engine tuned for the backend.

    SQLite: WAL so readers don't block the writer, a busy timeout so concurrent writers wait
    instead of failing, foreign keys on, and ``BEGIN IMMEDIATE`` so a transaction takes the
    write lock up front rather than failing to upgrade from a read lock mid-way. Each commit
    is synced to disk (``synchronous=FULL``) unless the URL says ``?synchronous=normal``: then
    a commit survives the process dying but not the machine losing power, and costs no fsync.
    """
    synchronous = "FULL"
    if is_sqlite(url):
        parsed = make_url(url)
        asked = str(parsed.query.get("synchronous", "full")).lower()
        if asked not in SYNCHRONOUS:
            raise ValueError(f"synchronous={asked} in the SQLite URL: use full or normal")
        synchronous = SYNCHRONOUS[asked]
        url = parsed.difference_update_query(["synchronous"]).render_as_string(False)
        kwargs.setdefault("connect_args", {"timeout": 30})
    engine = create_async_engine(url, **kwargs)
    if is_sqlite(url):

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Database:
    """Owns the engine; hands out one session per unit of work."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One session, one transaction: commits when the block ends, rolls back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
