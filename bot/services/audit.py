"""The audit trail: role changes, person↔customer links, deactivations, imports, exports,
backups and restores, failed invites, rate limits, personal data exported or forgotten.

Append-only: :func:`record` is the only writer (nothing updates or deletes a row). Callers on
the server (the ``fieldbot`` command) are named by :func:`operator`, the OS user.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import AuditEntry, Person

PAGE_SIZE = 10


class Action(StrEnum):
    ROLE = "role"  # details: from, to, how (configured, invited, deactivated)
    CUSTOMER_LINK = "customer_link"  # details: matched (a known number, or a new customer)
    DEACTIVATED = "deactivated"  # details: role, jobs (handed back to the board)
    IMPORTED = "imported"  # details: kind, file, rows, rejected
    EXPORTED = "exported"  # details: period (from, to), format
    BACKUP = "backup"  # details: file
    RESTORE = "restore"  # details: file
    INVITE_FAILED = "invite_failed"  # details: reason
    RATE_LIMITED = "rate_limited"  # details: user (Telegram id), limit, seconds
    PERSON_EXPORTED = "person_exported"
    PERSON_FORGOTTEN = "person_forgotten"


def operator() -> str:
    """Who runs a ``fieldbot`` command on the server: ``cli:<OS user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for this uid (a bare container)
        return "cli:?"


async def record(
    session: AsyncSession,
    action: Action | str,
    at: datetime,
    *,
    by: Person | str | None = None,
    person: Person | int | None = None,
    customer_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Append ``action`` done ``by`` a person (or an operator string such as
    :func:`operator`'s) about ``person``; ``details`` never hold names or phones.

    Backups and restores (``fieldbot backup/restore``) record ``Action.BACKUP`` /
    ``Action.RESTORE`` with ``by=operator()`` and ``file=...``.
    """
    return await audit.record(
        session,
        str(action),
        at,
        actor_id=by.id if isinstance(by, Person) else None,
        actor=by if isinstance(by, str) else None,
        person_id=person.id if isinstance(person, Person) else person,
        customer_id=customer_id,
        **details,
    )


async def page(session: AsyncSession, offset: int, size: int = PAGE_SIZE) -> list[AuditEntry]:
    """A page of the trail, newest first."""
    return list(
        await session.scalars(
            select(AuditEntry)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset(offset)
            .limit(size)
        )
    )


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def about(session: AsyncSession, person_id: int) -> list[AuditEntry]:
    """Every entry done by or about a person, oldest first."""
    return list(
        await session.scalars(
            select(AuditEntry)
            .where((AuditEntry.person_id == person_id) | (AuditEntry.actor_id == person_id))
            .order_by(AuditEntry.id)
        )
    )
