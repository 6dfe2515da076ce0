"""What ``fieldbot outbox`` does: list the dead letters, send one again, or drop it.

A dead letter is an outbox row that failed transiently for too long (see
:mod:`bot.delivery.dispatcher`); it waits here for an operator who fixed the cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus

DROPPED = "dropped by an operator"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    id: int
    chat_id: int
    kind: str
    attempts: int
    failing_since: datetime | None
    error: str
    preview: str


async def dead_letters(db: Database) -> tuple[list[DeadLetter], int]:
    """The dead letters, oldest first, and how many messages are still waiting to go out."""
    async with db.transaction() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.DEAD)
            .order_by(OutboxMessage.id)
        )
        dead = [
            DeadLetter(
                row.id,
                row.chat_id,
                row.kind,
                row.attempts,
                row.failing_since,
                row.error or "",
                (row.document_name or row.text)[:60],
            )
            for row in rows
        ]
        pending = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
        )
    return dead, int(pending or 0)


async def retry(db: Database, row_id: int, now: datetime) -> bool:
    """Queue the dead letter again, as a fresh row (its attempts and clock start over).
    False when there is no dead letter with that id."""
    return await _change(
        db,
        row_id,
        status=OutboxStatus.PENDING,
        attempts=0,
        failing_since=None,
        next_attempt_at=now,
    )


async def drop(db: Database, row_id: int) -> bool:
    """Give the dead letter up for good (it stays in the table as ``failed``)."""
    return await _change(db, row_id, status=OutboxStatus.FAILED, error=DROPPED)


async def _change(db: Database, row_id: int, **values: object) -> bool:
    async with db.transaction() as session:
        result = await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.status == OutboxStatus.DEAD)
            .values(**values)
        )
    return bool(getattr(result, "rowcount", 0))
