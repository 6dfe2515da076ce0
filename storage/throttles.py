"""Counters over fixed windows, kept in the database so every process sees the same count.

:func:`hit` is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement (SQLite ≥ 3.35 and
PostgreSQL both speak it), cheap enough to run on every update.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import case, literal, select
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
    insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    values = insert(Throttle).values(key=key, window_start=now, hits=1)
    expired = Throttle.window_start <= literal(_cutoff(now, window), UTCDateTime())
    restart = values.excluded.window_start
    statement = values.on_conflict_do_update(
        index_elements=[Throttle.key],
        set_={
            "hits": case((expired, 1), else_=Throttle.hits + 1),
            "window_start": case((expired, restart), else_=Throttle.window_start),
        },
    ).returning(Throttle.hits)
    return int((await session.execute(statement)).scalar_one())


async def hits(session: AsyncSession, key: str, now: datetime, window: timedelta | None) -> int:
    """The hits of ``key`` in its current window, without counting one."""
    found = await session.scalar(
        select(Throttle.hits).where(
            Throttle.key == key, Throttle.window_start > _cutoff(now, window)
        )
    )
    return found or 0
