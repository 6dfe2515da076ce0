"""The audit log is append-only in the database itself: an UPDATE or DELETE of a row fails,
whatever code tries it."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import audit
from storage.models import AuditEntry


async def test_rows_cannot_be_changed_or_deleted(app: App, clock: FrozenClock) -> None:
    async with app.db.transaction() as session:
        entry = await audit.record(
            session, audit.Action.BACKUP, clock.now(), by="cli:ops", file="x"
        )
    for statement in (
        update(AuditEntry).where(AuditEntry.id == entry.id).values(action="nothing"),
        delete(AuditEntry).where(AuditEntry.id == entry.id),
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with app.db.transaction() as session:
                await session.execute(statement)
    async with app.db.transaction() as session:
        [kept] = await audit.page(session, 0)
    assert (kept.action, kept.actor, kept.details) == ("backup", "cli:ops", {"file": "x"})
