"""Counters over fixed windows, kept in the database so every process sees the same count.

:func:`hit` is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement (SQLite ≥ 3.35 and
PostgreSQL both speak it), cheap enough to run on every update.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Executable, String, bindparam, case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Throttle
from storage.types import UTCDateTime

FOREVER = None  # a window that never ends: "once" stays once
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _cutoff(now: datetime, window: timedelta | None) -> datetime:
    """Windows that started at or before this are over."""
    return _EPOCH if window is None else now - window


async def hit(session: AsyncSession, key: str, now: datetime, window: timedelta | None) -> int:
    """Count one more hit of ``key``; the hits in its current window, this one included. A
    window over starts a new one at ``now``."""
    statement = _hit_statement(session.get_bind().dialect.name)
    parameters = {"key": key, "now": now, "cutoff": _cutoff(now, window)}
    return int((await session.execute(statement, parameters)).scalar_one())


# The upsert of :func:`hit` per dialect, built once: it runs on every update, and building it
# cost more than running it.
_HIT: dict[str, Executable] = {}


def _hit_statement(dialect: str) -> Executable:
    statement = _HIT.get(dialect)
    if statement is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        values = insert(Throttle).values(
            key=bindparam("key", type_=String()),
            window_start=bindparam("now", type_=UTCDateTime()),
            hits=1,
        )
        expired = Throttle.window_start <= bindparam("cutoff", type_=UTCDateTime())
        restart = values.excluded.window_start
        statement = values.on_conflict_do_update(
            index_elements=[Throttle.key],
            set_={
                "hits": case((expired, 1), else_=Throttle.hits + 1),
                "window_start": case((expired, restart), else_=Throttle.window_start),
            },
        ).returning(Throttle.hits)
        _HIT[dialect] = statement
    return statement


async def hits(session: AsyncSession, key: str, now: datetime, window: timedelta | None) -> int:
    """The hits of ``key`` in its current window, without counting one."""
    found = await session.scalar(
        select(Throttle.hits).where(
            Throttle.key == key, Throttle.window_start > _cutoff(now, window)
        )
    )
    return found or 0
