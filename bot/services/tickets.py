"""Tickets: creation, who may see or act on which, listing and the timeline."""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.interfaces import ORMOption

from bot.config import Settings
from bot.core.events import Attachment
from bot.core.i18n import N_
from bot.services import equipment, sla
from bot.services.errors import Forbidden, InvalidState, NotFound
from bot.services.holidays import days as company_holidays
from storage.models import (
    OPEN_STATUSES,
    Equipment,
    Person,
    Priority,
    Role,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketKind,
    TicketStatus,
    TimelineKind,
)

# A ticket's relationships load only where asked for (storage/models.py). What a card shows:
# the equipment with its model, site and contract, the ticket's own site, the engineer and the
# maintenance plan; what a line in a list shows: the equipment's model and site.
CARD: tuple[ORMOption, ...] = (
    joinedload(Ticket.equipment).options(*equipment.SHOWN),
    joinedload(Ticket.site),
    joinedload(Ticket.engineer),
    joinedload(Ticket.plan),
)
LISTED: tuple[ORMOption, ...] = (
    joinedload(Ticket.equipment).options(joinedload(Equipment.model), joinedload(Equipment.site)),
)

NOT_FOUND = N_("Request not found.")
NOT_OPEN = N_("{ref} is no longer open.")


def ticket_ref(ticket: Ticket | int) -> str:
    """``#42`` in every language: how people see a ticket's number."""
    return f"#{ticket if isinstance(ticket, int) else ticket.id}"


@dataclass(frozen=True)
class NewTicket:
    customer_id: int
    description: str
    priority: Priority
    equipment_id: int | None = None
    equipment_text: str | None = None
    attachments: Sequence[Attachment] = ()
    kind: TicketKind = TicketKind.BREAKDOWN
    order_ref: str | None = None
    preferred_date: str | None = None
    site_id: int | None = None


async def create(
    session: AsyncSession, reporter: Person, new: NewTicket, now: datetime, settings: Settings
) -> Ticket:
    """Register a ticket with its SLA due times, photos and first timeline line."""
    if reporter.role is Role.CLIENT and reporter.customer_id != new.customer_id:
        raise Forbidden("a client reports only for their own customer")
    contract = None
    if new.equipment_id is not None:
        item = await equipment.get(session, new.equipment_id)
        if item is None or item.customer_id != new.customer_id:
            raise NotFound(f"equipment {new.equipment_id}")
        contract = item.contract
    holidays = await company_holidays(session, settings)
    due = sla.due_times(now, new.priority, contract, settings, holidays)
    ticket = Ticket(
        kind=new.kind,
        priority=new.priority,
        description=new.description,
        customer_id=new.customer_id,
        equipment_id=new.equipment_id,
        equipment_text=new.equipment_text,
        order_ref=new.order_ref,
        preferred_date=new.preferred_date,
        site_id=new.site_id,
        reporter_id=reporter.id,
        created_at=now,
        updated_at=now,
        response_due=due.response,
        resolution_due=due.resolution,
    )
    session.add(ticket)
    await session.flush()
    session.add_all(stored(ticket, item, reporter, now) for item in new.attachments)
    data = {"priority": new.priority.value, "attachments": len(new.attachments)}
    add_event(
        session, ticket, reporter, TimelineKind.CREATED, now, status=ticket.status, data=data
    )
    await session.flush()
    return ticket


async def for_customer(
    session: AsyncSession, customer_id: int, now: datetime, recent_days: int, limit: int = 50
) -> list[Ticket]:
    """Open tickets, then those closed or cancelled within ``recent_days``; newest first."""
    since = now - timedelta(days=recent_days)
    rows = await session.scalars(
        select(Ticket)
        .where(
            Ticket.customer_id == customer_id,
            or_(Ticket.status.in_(OPEN_STATUSES), Ticket.updated_at >= since),
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
        .options(*LISTED)
    )
    tickets = list(rows.unique())
    return sorted(tickets, key=lambda ticket: not ticket.is_open)


async def get_visible(session: AsyncSession, ticket_id: int, person: Person) -> Ticket:
    """The ticket if this person may see it; NotFound otherwise, so ids reveal nothing."""
    ticket = await card(session, ticket_id)
    if ticket is None:
        raise NotFound(NOT_FOUND)
    if person.role is Role.MANAGER:
        return ticket
    if person.role is Role.CLIENT and ticket.customer_id == person.customer_id:
        return ticket
    if person.role is Role.ENGINEER and (
        ticket.engineer_id == person.id or ticket.engineer_id is None
    ):
        return ticket
    raise NotFound(NOT_FOUND)


async def card(session: AsyncSession, ticket_id: int) -> Ticket | None:
    """The ticket with what its card shows (:data:`CARD`), read again even when the session
    holds it already (its relationships may not have been loaded with it)."""
    return await session.scalar(_card_query(ticket_id))


def _card_query(ticket_id: int) -> Select[Ticket]:
    return (
        select(Ticket)
        .where(Ticket.id == ticket_id)
        .options(*CARD)
        .execution_options(populate_existing=True)
    )


async def card_of(session: AsyncSession, ticket_id: int) -> Ticket:
    """:func:`card` of a ticket that exists (a foreign key names it)."""
    ticket = await card(session, ticket_id)
    if ticket is None:
        raise NotFound(NOT_FOUND)
    return ticket


async def locked(session: AsyncSession, ticket_id: int) -> Ticket | None:
    """The ticket row with what its card shows, re-read and locked for this transaction, so
    that concurrent presses on the same ticket queue up instead of acting on a stale state (a
    no-op lock on SQLite, whose write transactions are already serialised)."""
    return await session.scalar(_card_query(ticket_id).with_for_update(of=Ticket))


async def locked_for(
    session: AsyncSession,
    ticket_id: int,
    person: Person,
    role: Role,
    *,
    states: Container[TicketStatus] | None = OPEN_STATUSES,
    missing: str = NOT_FOUND,
    wrong_state: str = NOT_OPEN,
) -> Ticket:
    """The ticket ``person`` acts on as ``role`` (a client: their customer's; a manager: any;
    an engineer's job is :func:`bot.services.jobs.get_my_job`), :func:`locked`, in one of
    ``states`` (None: any). Refused with Forbidden for another role, NotFound saying
    ``missing`` (so ids reveal nothing), InvalidState saying ``wrong_state``: buttons can be
    forged or pressed twice, so the service checks again."""
    assert role in (Role.CLIENT, Role.MANAGER), "an engineer's job: jobs.get_my_job"
    if person.role is not role or (role is Role.CLIENT and person.customer_id is None):
        raise Forbidden()
    ticket = await locked(session, ticket_id)
    if ticket is None or (role is Role.CLIENT and ticket.customer_id != person.customer_id):
        raise NotFound(missing)
    if states is not None and ticket.status not in states:
        raise InvalidState(wrong_state, ref=ticket_ref(ticket))
    return ticket


def add_event(
    session: AsyncSession,
    ticket: Ticket,
    by: Person | None,
    kind: TimelineKind,
    now: datetime,
    **values: Any,
) -> TicketEvent:
    """Add a line to ``ticket``'s timeline, said by ``by`` (None: the bot); ``values`` are the
    rest of the :class:`TicketEvent` (status, note, data)."""
    event = TicketEvent(
        ticket_id=ticket.id,
        at=now,
        actor_id=by.id if by is not None else None,
        kind=kind,
        **values,
    )
    session.add(event)
    return event


async def timeline(session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    rows = await session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket_id)
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    return list(rows)


def stored(ticket: Ticket, item: Attachment, by: Person, now: datetime) -> TicketAttachment:
    """The row that keeps ``item`` on ``ticket``."""
    return TicketAttachment(
        ticket_id=ticket.id,
        kind=item.kind,
        file_id=item.file_id,
        file_name=item.file_name,
        added_by=by.id,
        added_at=now,
    )


async def attachments(session: AsyncSession, ticket_id: int) -> list[Attachment]:
    """The ticket's files, oldest first, ready to be sent again."""
    rows = await session.scalars(
        select(TicketAttachment)
        .where(TicketAttachment.ticket_id == ticket_id)
        .order_by(TicketAttachment.id)
    )
    return [Attachment(row.kind, row.file_id, row.file_name) for row in rows]


async def customer_recipients(session: AsyncSession, ticket: Ticket) -> list[Person]:
    """Who hears about the job's end: the client who asked, else every client of the customer."""
    if ticket.reporter_id is not None:
        reporter = await session.get(Person, ticket.reporter_id)
        if (
            reporter is not None
            and reporter.role is Role.CLIENT
            and reporter.customer_id == ticket.customer_id
        ):
            return [reporter]
    rows = await session.scalars(
        select(Person)
        .where(Person.role == Role.CLIENT, Person.customer_id == ticket.customer_id)
        .order_by(Person.id)
    )
    return list(rows.unique())
