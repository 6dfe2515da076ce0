"""Managers' view of open tickets and their hand in who works them: assign and reassign.

Assigning is one conditional UPDATE on the engineer the manager saw, like the engineers'
Accept (``jobs.accept``): of two managers assigning the same ticket at once, or a manager and
an engineer taking it at once, exactly one wins; the other gets ``AssignmentConflict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.core.i18n import N_
from bot.services import jobs, tickets
from bot.services.errors import Forbidden, InvalidState, NotFound
from storage.models import (
    OPEN,
    OPEN_STATUSES,
    URGENCY,
    URGENCY_RANK,
    Person,
    Priority,
    Role,
    Ticket,
    TicketStatus,
    TimelineKind,
)
from storage.types import UTCDateTime

# A reassigned job starts over with its new engineer, except that one waiting for parts or
# for the customer keeps waiting (and its SLA pause) until they arrive or answer.
RESTART = {
    TicketStatus.NEW: TicketStatus.ASSIGNED,
    TicketStatus.ASSIGNED: TicketStatus.ASSIGNED,
    TicketStatus.EN_ROUTE: TicketStatus.ASSIGNED,
    TicketStatus.ON_SITE: TicketStatus.ASSIGNED,
    TicketStatus.WAITING_PARTS: TicketStatus.WAITING_PARTS,
    TicketStatus.WAITING_CUSTOMER: TicketStatus.WAITING_CUSTOMER,
}


class AssignmentConflict(InvalidState):
    """The ticket changed since the manager looked: someone else assigned or took it."""

    def __init__(self, ticket: Ticket | None) -> None:
        super().__init__("the ticket changed since it was shown")
        self.ticket = ticket


def require_manager(person: Person) -> None:
    if person.role is not Role.MANAGER:
        raise Forbidden(N_("This request or engineer is not available."))


# -- the open tickets -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    """What ``/open`` lists. ``engineer_id`` 0 means unassigned, None any."""

    status: TicketStatus | None = None
    priority: Priority | None = None
    engineer_id: int | None = None
    customer_id: int | None = None


async def open_tickets(
    session: AsyncSession, filters: Filters, offset: int = 0, limit: int = 6
) -> tuple[list[Ticket], int]:
    """One page of open tickets, most urgent then oldest first, and how many match: sorted,
    paged and counted in SQL over the open tickets alone (``status`` is indexed). The page's
    ids are a subquery read in the order of ``ix_tickets_open_urgency``, and only its tickets
    are joined to what their lines show (joined into the paging query itself, PostgreSQL may
    sort every open ticket instead); the six are put in that order again here."""
    conditions: list[ColumnElement[bool]] = [OPEN]
    if filters.status is not None:
        conditions.append(Ticket.status == filters.status)
    if filters.priority is not None:
        conditions.append(Ticket.priority == filters.priority)
    if filters.engineer_id == 0:
        conditions.append(Ticket.engineer_id.is_(None))
    elif filters.engineer_id is not None:
        conditions.append(Ticket.engineer_id == filters.engineer_id)
    if filters.customer_id is not None:
        conditions.append(Ticket.customer_id == filters.customer_id)
    page = (
        select(Ticket.id)
        .where(*conditions)
        .order_by(URGENCY, Ticket.created_at, Ticket.id)
        .offset(offset)
        .limit(limit)
    )
    rows = await session.scalars(
        select(Ticket)
        .where(Ticket.id.in_(page))
        .options(*tickets.LISTED, joinedload(Ticket.site), joinedload(Ticket.engineer))
    )
    total = await session.scalar(select(func.count()).select_from(Ticket).where(*conditions))
    found = sorted(
        rows, key=lambda ticket: (URGENCY_RANK[ticket.priority], ticket.created_at, ticket.id)
    )
    return found, int(total or 0)


async def assigned_engineers(session: AsyncSession) -> list[Person]:
    """Engineers who have open tickets: the choices of the engineer filter."""
    busy = select(Ticket.engineer_id).where(Ticket.status.in_(OPEN_STATUSES))
    rows = await session.scalars(select(Person).where(Person.id.in_(busy)))
    return sorted(rows.unique(), key=lambda person: (person.name.casefold(), person.id))


# -- candidates -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    person: Person
    suits: bool  # on duty and skilled for the equipment
    open_jobs: int


async def candidates(session: AsyncSession, ticket: Ticket) -> list[Candidate]:
    """Every engineer: on duty with matching skills first (fewest open jobs first), then the
    others, so a manager can still choose anyone."""
    people, counts = await jobs.engineers_and_loads(session)
    found = [
        Candidate(
            person,
            person.on_duty and jobs.can_take(person, ticket),
            int(counts.get(person.id, 0)),
        )
        for person in people
        if person.id != ticket.engineer_id
    ]
    found.sort(key=lambda c: (not c.suits, not c.person.on_duty, c.open_jobs, c.person.name))
    return found


# -- assigning ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Assigned:
    """A manager gave the ticket to ``engineer``. Who hears of it: the engineer, the one who
    had it before (``previous``, if anyone) and whoever reported it (``reporter``, if known)."""

    ticket: Ticket
    engineer: Person
    previous: Person | None
    reporter: Person | None


async def assign(
    session: AsyncSession,
    ticket_id: int,
    engineer_id: int,
    manager: Person,
    now: datetime,
    expected_engineer_id: int | None,
) -> Assigned:
    """Give the ticket to ``engineer_id`` if its engineer is still ``expected_engineer_id``
    (None: unassigned), i.e. what the manager saw. Raises NotFound, Forbidden, InvalidState
    (closed, or the same engineer) or AssignmentConflict."""
    require_manager(manager)
    ticket = await tickets.card(session, ticket_id)
    engineer = await session.get(Person, engineer_id)
    if ticket is None or engineer is None or engineer.role is not Role.ENGINEER:
        raise NotFound(N_("This request or engineer is not available."))
    if ticket.status not in RESTART or engineer_id == expected_engineer_id:
        cannot = N_("{ref} cannot be assigned in its current state.")
        raise InvalidState(cannot, ref=tickets.ticket_ref(ticket_id))
    status = ticket.status
    seen = (
        Ticket.engineer_id.is_(None)
        if expected_engineer_id is None
        else Ticket.engineer_id == expected_engineer_id
    )
    when = literal(now, UTCDateTime())
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.status == status, seen)
            .values(
                engineer_id=engineer_id,
                status=RESTART[status],
                eta=None,
                responded_at=func.coalesce(Ticket.responded_at, when),
                updated_at=when,
            )
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise AssignmentConflict(await tickets.card(session, ticket_id))
    tickets.add_event(
        session,
        ticket,
        manager,
        TimelineKind.ASSIGNED,
        now,
        status=RESTART[status],
        data={
            "engineer_id": engineer_id,
            "previous_engineer_id": expected_engineer_id,
            "by_manager": True,
        },
    )
    await session.flush()
    await session.refresh(ticket)
    previous = await session.get(Person, expected_engineer_id) if expected_engineer_id else None
    return Assigned(ticket, engineer, previous, await jobs.reporter(session, ticket))
