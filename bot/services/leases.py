"""Named, expiring leases in the database: the guard for work only one process may do at a time.

An in-process lock would protect nothing once a second process starts, so whoever wants to be
"the one" writes its name into the ``leases`` row, atomically, and keeps renewing it. A holder
that dies stops renewing and the lease expires, so another process takes over.

Like every service, these functions never commit: wrap each call in its own short transaction
(``async with db.transaction() as session: ...``) so the lease is visible to others at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Lease


def insert_for(session: AsyncSession, model: type[Any]) -> Any:
    """The backend's own ``INSERT`` construct, which knows ``ON CONFLICT``."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)


async def acquire(
    session: AsyncSession, name: str, holder: str, ttl: timedelta, now: datetime
) -> bool:
    """Take or renew the lease ``name`` until ``now + ttl``; False while someone else holds it.

    One statement: insert the row, or on conflict take it over only where it has expired or is
    already ours. PostgreSQL locks the conflicting row and re-checks the condition; SQLite runs
    one writer at a time. Either way two contenders cannot both get True.
    """
    insert = insert_for(session, Lease).values(name=name, holder=holder, expires_at=now + ttl)
    statement = insert.on_conflict_do_update(
        index_elements=[Lease.name],
        set_={"holder": insert.excluded.holder, "expires_at": insert.excluded.expires_at},
        where=or_(Lease.expires_at <= now, Lease.holder == holder),
    ).returning(Lease.holder)
    result = await session.execute(statement)
    return result.first() is not None


async def release(session: AsyncSession, name: str, holder: str) -> bool:
    """Give the lease up early (on a clean shutdown) so the next holder need not wait it out."""
    result = await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
    return bool(getattr(result, "rowcount", 0))


async def holder_of(session: AsyncSession, name: str, now: datetime) -> str | None:
    """Who holds the lease right now, if anyone."""
    return await session.scalar(
        select(Lease.holder).where(Lease.name == name, Lease.expires_at > now)
    )
