"""A person's data on request: everything stored about them as JSON (:func:`export`), and
forgetting them (:func:`forget`).

Forgetting erases what identifies the person (name, username, phone, location, Telegram ids)
and what they wrote or sent (ticket descriptions, notes and messages, complaints, comments,
file ids, the messages the bot sent them), then replaces any copy of their name, username or
phone left in any text of any table (alerts that quoted them, a customer named after them)
with ``[erased]``. Tickets keep their numbers, timelines, statuses, times and figures, so the
company's records and statistics stay whole. The audit log is left as it is: it holds ids,
never names or phones. The stored service reports that name them are re-rendered by the
caller (``service_reports.reissue_naming``: rendering PDFs is not this module's business).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import JSON, FromClause, String, Table, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit, phones
from bot.services.audit import Action
from bot.services.errors import NotFound
from storage.models import (
    AuditEntry,
    Base,
    Complaint,
    CustomerContact,
    Dialog,
    Feedback,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
    Throttle,
    Ticket,
    TicketAttachment,
    TicketEvent,
)

ERASED = "[erased]"
MIN_SCRUB = 3  # shorter names are left in other texts: replacing them would mangle words
UNTOUCHED = frozenset({AuditEntry.__tablename__})  # append-only, and holds no names


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def _row(table: FromClause, row: Any) -> dict[str, Any]:
    return {column.name: _plain(getattr(row, column.name)) for column in table.columns}


def _person_columns(table: Table) -> list[Any]:
    """The columns of ``table`` that point at a person."""
    return [
        column
        for column in table.columns
        if any(key.column.table.name == Person.__tablename__ for key in column.foreign_keys)
    ]


async def _person(session: AsyncSession, person_id: int) -> Person:
    person = await session.get(Person, person_id)
    if person is None:
        raise NotFound()
    return person


async def export(
    session: AsyncSession, person_id: int, now: datetime, *, by: str
) -> dict[str, Any]:
    """Everything stored about the person: their row, every row of any table that points at
    them, their company's contact rows with their phone, the feedback on what they reported.
    Recorded in the audit log."""
    person = await _person(session, person_id)
    found: dict[str, Any] = {"person": _row(Person.__table__, person)}
    for table in Base.metadata.sorted_tables:
        columns = _person_columns(table)
        if not columns:
            continue
        rows = (
            await session.execute(select(table).where(or_(*(c == person_id for c in columns))))
        ).all()
        if rows:
            found[table.name] = [_row(table, row) for row in rows]
    if person.phone:
        contacts = await session.scalars(
            select(CustomerContact).where(
                CustomerContact.phone_key == phones.match_key(person.phone)
            )
        )
        found["customer_contacts"] = [_row(CustomerContact.__table__, c) for c in contacts]
    feedback = await session.scalars(
        select(Feedback)
        .join(Ticket, Ticket.id == Feedback.ticket_id)
        .where(Ticket.reporter_id == person_id)
    )
    found["feedback"] = [_row(Feedback.__table__, f) for f in feedback]
    await audit.record(session, Action.PERSON_EXPORTED, now, by=by, person=person)
    return json.loads(json.dumps(found, default=str))


async def forget(session: AsyncSession, person_id: int, now: datetime, *, by: str) -> Person:
    """Erase the person's personal data (see the module's docstring); recorded in the audit
    log. Tickets and their figures stay."""
    person = await _person(session, person_id)
    values = [v for v in (person.name, person.username, person.phone) if v and len(v) >= MIN_SCRUB]
    reported = select(Ticket.id).where(Ticket.reporter_id == person.id).scalar_subquery()
    await session.execute(
        update(Ticket).where(Ticket.reporter_id == person.id).values(description="")
    )
    await session.execute(
        update(TicketEvent).where(TicketEvent.actor_id == person.id).values(note=None)
    )
    await session.execute(
        update(TicketAttachment)
        .where(TicketAttachment.added_by == person.id)
        .values(file_id="", file_name=None)
    )
    await session.execute(
        update(Complaint).where(Complaint.person_id == person.id).values(text="")
    )
    await session.execute(
        update(Feedback).where(Feedback.ticket_id.in_(reported)).values(comment=None)
    )
    await session.execute(
        update(OutboxMessage)
        .where((OutboxMessage.person_id == person.id) | (OutboxMessage.chat_id == person.chat_id))
        .values(text="", markup=None, media=None, document=None, document_name=None)
    )
    await session.execute(
        update(OutboxMessage)
        .where(
            (OutboxMessage.person_id == person.id) | (OutboxMessage.chat_id == person.chat_id),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.FAILED, error="forgotten")
    )
    await session.execute(delete(Dialog).where(Dialog.person_id == person.id))
    await session.execute(delete(Throttle).where(Throttle.key == f"in:{person.tg_user_id}"))
    if person.phone:
        key = phones.match_key(person.phone)
        await session.execute(delete(CustomerContact).where(CustomerContact.phone_key == key))
    person.name, person.username, person.phone = "", None, None
    person.latitude = person.longitude = person.located_at = None
    person.skills, person.on_duty = [], False
    person.role, person.role_source = Role.CLIENT, None
    # Unlinked from Telegram: if they write again, they are somebody new.
    person.tg_user_id = person.chat_id = -person.id
    person.unreachable, person.private_chat = True, False
    await session.flush()
    for value in values:
        await _scrub(session, value)
    await audit.record(session, Action.PERSON_FORGOTTEN, now, by=by, person=person)
    return person


async def _scrub(session: AsyncSession, value: str) -> None:
    """Replace ``value`` with ``[erased]`` in every text and JSON column of every table."""
    pattern = f"%{value}%"
    for table in Base.metadata.sorted_tables:
        if table.name in UNTOUCHED:
            continue
        for column in table.columns:
            if isinstance(column.type, String) and not column.primary_key:
                await session.execute(
                    update(table)
                    .where(column.like(pattern))
                    .values({column.name: func.replace(column, value, ERASED)})
                )
            elif isinstance(column.type, JSON):
                await _scrub_json(session, table, column, value)


async def _scrub_json(session: AsyncSession, table: Table, column: Any, value: str) -> None:
    keys = list(table.primary_key.columns)
    rows = (await session.execute(select(*keys, column).where(column.is_not(None)))).all()
    for row in rows:
        data = row[-1]
        cleaned = _replaced(data, value)
        if cleaned != data:
            where = [key == row[index] for index, key in enumerate(keys)]
            await session.execute(update(table).where(*where).values({column.name: cleaned}))


def _replaced(data: Any, value: str) -> Any:
    if isinstance(data, str):
        return data.replace(value, ERASED)
    if isinstance(data, list):
        return [_replaced(item, value) for item in data]
    if isinstance(data, dict):
        return {key: _replaced(item, value) for key, item in data.items()}
    return data
