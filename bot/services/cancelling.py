"""Cancelling a ticket, by its customer or by a manager, with a reason.

A customer may cancel their own ticket only while no engineer is on the way: it is new,
assigned, or waiting (for parts or for them) without an engineer having set out since it was
last assigned. Once an engineer is en route, on site or further, only a manager may cancel it.
A manager may cancel any open ticket. Both are checked here, on the locked ticket row, since
buttons can be forged or pressed twice.

Cancelling stops the SLA clocks (a cancelled ticket is not open, so nothing escalates it and
the reports leave it out) and adds a timeline line with the reason. The event says who hears:
the engineer who had the job, the customer who reported it (when a manager cancelled), and the
managers (when the customer did).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services import jobs, tickets
from bot.services.errors import InvalidState
from storage.models import (
    Person,
    Role,
    Ticket,
    TicketEvent,
    TicketStatus,
    TimelineKind,
)

MAX_REASON = 500
ENGINEER_ON_THE_WAY = N_(
    "{ref} can no longer be cancelled here: the engineer is already on the way or on site. "
    "Please call the service team."
)
NOT_OPEN = N_("{ref} is no longer open, so there is nothing to cancel.")
# Statuses in which the customer may cancel; the waiting ones only if nobody has set out.
BEFORE_SETTING_OUT = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.ASSIGNED,
        TicketStatus.WAITING_PARTS,
        TicketStatus.WAITING_CUSTOMER,
    }
)
SET_OUT = (TicketStatus.EN_ROUTE, TicketStatus.ON_SITE)
# What starts a job afresh: after these, an earlier trip no longer counts.
FRESH_START = (TimelineKind.ASSIGNED, TimelineKind.HANDED_BACK, TimelineKind.CREATED)


class Reason(StrEnum):
    """The reasons a customer can pick; ``other`` is typed (kept in the timeline's note)."""

    FIXED = "fixed"  # it works again / we fixed it ourselves
    DUPLICATE = "duplicate"  # reported twice
    MISTAKE = "mistake"  # reported by mistake
    OTHER = "other"


class By(StrEnum):
    CUSTOMER = "customer"
    MANAGER = "manager"


@dataclass(frozen=True)
class Cancelled:
    """``ticket`` was cancelled by ``by`` (a customer or a manager), from ``previous``.

    ``reason`` is one of :class:`Reason`; ``note`` the typed words (for ``other``, and always
    for a manager). Who hears: ``engineer`` (the job was theirs), ``reporter`` (the customer,
    when it was not they who cancelled), ``managers`` (when the customer cancelled)."""

    ticket: Ticket
    by: Person
    who: By
    previous: TicketStatus
    reason: Reason
    note: str
    engineer: Person | None
    reporter: Person | None
    managers: bool


async def engineer_set_out(session: AsyncSession, ticket: Ticket) -> bool:
    """True when an engineer is (or was, since the job was last given out) on the way or on
    site: the statuses say so, or the timeline does for a job now waiting."""
    if ticket.status in SET_OUT:
        return True
    if ticket.status not in BEFORE_SETTING_OUT:
        return False
    events = await session.scalars(
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id)
        .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
    )
    for event in events:
        if event.kind in FRESH_START:
            return False
        if event.kind is TimelineKind.STATUS and event.status in SET_OUT:
            return True
    return False


async def customer_may_cancel(session: AsyncSession, ticket: Ticket) -> bool:
    """Whether the customer is offered (and allowed) to cancel ``ticket`` now."""
    return ticket.status in BEFORE_SETTING_OUT and not await engineer_set_out(session, ticket)


async def cancellable_by_customer(
    session: AsyncSession, ticket_id: int, customer: Person
) -> Ticket:
    """The customer's own ticket if they may cancel it now; refused with the words otherwise."""
    ticket = await tickets.locked_for(
        session, ticket_id, customer, Role.CLIENT, wrong_state=NOT_OPEN
    )
    if not await customer_may_cancel(session, ticket):
        raise InvalidState(ENGINEER_ON_THE_WAY, ref=tickets.ticket_ref(ticket))
    return ticket


async def by_customer(
    session: AsyncSession,
    ticket_id: int,
    customer: Person,
    reason: Reason,
    note: str,
    now: datetime,
) -> Cancelled:
    """The customer cancels their ticket; the engineer (if any) and the managers hear."""
    ticket = await cancellable_by_customer(session, ticket_id, customer)
    if reason is Reason.OTHER and not note.strip():
        raise InvalidState(N_("Please say why the request is cancelled."))
    return await _cancel(session, ticket, customer, By.CUSTOMER, reason, note, now)


async def cancellable_by_manager(session: AsyncSession, ticket_id: int, manager: Person) -> Ticket:
    """Any open ticket, for a manager."""
    return await tickets.locked_for(
        session, ticket_id, manager, Role.MANAGER, wrong_state=NOT_OPEN
    )


async def by_manager(
    session: AsyncSession, ticket_id: int, manager: Person, note: str, now: datetime
) -> Cancelled:
    """A manager cancels an open ticket, saying why; the customer and the engineer hear."""
    ticket = await cancellable_by_manager(session, ticket_id, manager)
    if not note.strip():
        raise InvalidState(N_("Please say why the request is cancelled."))
    return await _cancel(session, ticket, manager, By.MANAGER, Reason.OTHER, note, now)


async def _cancel(
    session: AsyncSession,
    ticket: Ticket,
    by: Person,
    who: By,
    reason: Reason,
    note: str,
    now: datetime,
) -> Cancelled:
    previous = ticket.status
    engineer = await session.get(Person, ticket.engineer_id) if ticket.engineer_id else None
    words = note.strip()[:MAX_REASON] if reason is Reason.OTHER else ""
    ticket.status = TicketStatus.CANCELLED
    ticket.updated_at = now
    tickets.add_event(
        session,
        ticket,
        by,
        TimelineKind.STATUS,
        now,
        status=TicketStatus.CANCELLED,
        note=words or None,
        data={"by": who.value, "reason": reason.value, "previous": previous.value},
    )
    await session.flush()
    reporter = await jobs.reporter(session, ticket, unless=by)
    return Cancelled(
        ticket=ticket,
        by=by,
        who=who,
        previous=previous,
        reason=reason,
        note=words,
        engineer=engineer,
        reporter=reporter,
        managers=who is By.CUSTOMER,
    )
