"""The audit trail's one way in: append a row, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry


async def record(
    session: AsyncSession,
    action: str,
    at: datetime,
    *,
    actor_id: int | None = None,
    actor: str | None = None,
    person_id: int | None = None,
    customer_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Append ``action`` to the audit log. ``details`` are ids, counts, periods and file
    names (JSON), never a person's name or phone."""
    entry = AuditEntry(
        at=at,
        action=action,
        actor_id=actor_id,
        actor=actor,
        person_id=person_id,
        customer_id=customer_id,
        details=details,
    )
    session.add(entry)
    await session.flush()
    return entry
