"""The end of a job: the engineer resolves it, the customer confirms (and rates) or says it is
not fixed, and resolved jobs nobody confirmed are closed automatically after some days.

A job with a checklist (every installation has one when its model or category does) is
resolved only when every required check's latest result passed. Customer actions are checked
here against the ticket's customer and state, since buttons can be forged or pressed twice;
the ticket row is locked first, so concurrent presses queue up and only the first counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import N_
from bot.services import checklists, jobs, sla, tickets
from bot.services.checklists import CheckOutcome
from bot.services.errors import InvalidState
from bot.services.holidays import days as company_holidays
from storage.models import (
    Feedback,
    Person,
    Role,
    Ticket,
    TicketStatus,
    TimelineKind,
)

RATINGS = range(1, 6)
LOW_RATING_MAX = 2  # the managers hear of ratings this low, and of the comments on them
MAX_NOTE = 2000


class ChecksIncomplete(InvalidState):
    """Required checks failed or are missing; ``outcomes`` says which."""

    def __init__(self, ticket_id: int, outcomes: Sequence[CheckOutcome]) -> None:
        super().__init__(f"ticket {ticket_id}: {len(outcomes)} required checks not passed")
        self.outcomes = list(outcomes)


# -- the engineer ---------------------------------------------------------------------------------
async def job_to_resolve(session: AsyncSession, ticket_id: int, engineer: Person) -> Ticket:
    """The engineer's open job, if its checklist allows resolving it.

    Raises NotFound (not theirs), InvalidState (already resolved) or ChecksIncomplete.
    """
    ticket = await jobs.get_my_job(session, ticket_id, engineer)
    if ticket.status not in jobs.WORKING_STATUSES:
        raise InvalidState(N_("This job is already resolved or closed."))
    blocking = await checklists.missing_or_failed(session, ticket)
    if blocking:
        raise ChecksIncomplete(ticket.id, blocking)
    return ticket


@dataclass(frozen=True)
class Resolved:
    """The engineer resolved the job, saying what was done (``note``, as recorded). The
    ``customers`` are asked to sign it off, and read the checklist's ``outcomes``."""

    ticket: Ticket
    note: str
    outcomes: list[CheckOutcome]
    customers: list[Person]


async def resolve(
    session: AsyncSession,
    ticket_id: int,
    engineer: Person,
    note: str,
    now: datetime,
    settings: Settings,
) -> Resolved:
    note = note.strip()[:MAX_NOTE]
    if not note:
        raise InvalidState(N_("Please type a few words about what was done."))
    ticket = await job_to_resolve(session, ticket_id, engineer)
    await jobs.set_status(
        session, ticket, engineer, TicketStatus.RESOLVED, now, settings, note=note
    )
    outcomes = await checklists.outcomes(session, ticket)
    return Resolved(ticket, note, outcomes, await tickets.customer_recipients(session, ticket))


# -- the customer ---------------------------------------------------------------------------------
NOT_FOUND = N_("This request was not found.")
NOT_AWAITING = N_("This request is not waiting for your confirmation.")


async def client_ticket(session: AsyncSession, ticket_id: int, client: Person) -> Ticket:
    """The ticket, locked, in any state, if ``client`` is a contact of its customer."""
    return await tickets.locked_for(
        session, ticket_id, client, Role.CLIENT, states=None, missing=NOT_FOUND
    )


async def awaiting_confirmation(session: AsyncSession, ticket_id: int, client: Person) -> Ticket:
    return await tickets.locked_for(
        session,
        ticket_id,
        client,
        Role.CLIENT,
        states={TicketStatus.RESOLVED},
        missing=NOT_FOUND,
        wrong_state=NOT_AWAITING,
    )


def _close(
    session: AsyncSession,
    ticket: Ticket,
    now: datetime,
    data: dict[str, Any],
    by: Person | None = None,
    note: str | None = None,
) -> None:
    """Close the ticket and say so on its timeline."""
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = now
    ticket.updated_at = now
    tickets.add_event(
        session, ticket, by, TimelineKind.STATUS, now, status=ticket.status, note=note, data=data
    )


async def engineer_of(session: AsyncSession, ticket: Ticket) -> Person | None:
    """The job's engineer: who hears what the customer made of their work."""
    if ticket.engineer_id is None:
        return None
    return await session.get(Person, ticket.engineer_id)


@dataclass(frozen=True)
class Confirmed:
    """The customer signed the work off and the job is closed; its ``engineer`` hears so."""

    ticket: Ticket
    engineer: Person | None


async def confirm(
    session: AsyncSession, ticket_id: int, client: Person, now: datetime
) -> Confirmed:
    """The customer signs the work off: the ticket is closed."""
    ticket = await awaiting_confirmation(session, ticket_id, client)
    _close(session, ticket, now, {"confirmed_by": client.id}, by=client)
    await session.flush()
    return Confirmed(ticket, await engineer_of(session, ticket))


@dataclass(frozen=True)
class Reopened:
    """The customer says the job is not fixed (``reason``, as recorded; may be empty): it is
    back with its ``engineer``, who hears so, and so do the managers."""

    ticket: Ticket
    reason: str
    engineer: Person | None


async def not_fixed(
    session: AsyncSession,
    ticket_id: int,
    client: Person,
    reason: str,
    now: datetime,
    settings: Settings,
) -> Reopened:
    """Back to ``assigned`` with the same engineer, saying what is still wrong; the resolution
    clock starts again from now."""
    ticket = await awaiting_confirmation(session, ticket_id, client)
    if ticket.engineer_id is None:
        raise InvalidState(NOT_AWAITING)
    ticket.status = TicketStatus.ASSIGNED
    ticket.resolved_at = None
    holidays = await company_holidays(session, settings)
    sla.restart_resolution(ticket, now, sla.terms_for(ticket, settings, holidays))
    ticket.updated_at = now
    reason = reason.strip()[:MAX_NOTE]
    tickets.add_event(
        session,
        ticket,
        client,
        TimelineKind.REOPENED,
        now,
        status=TicketStatus.ASSIGNED,
        note=reason or None,
        data={"engineer_id": ticket.engineer_id},
    )
    await session.flush()
    return Reopened(ticket, reason, await engineer_of(session, ticket))


async def feedback_for(session: AsyncSession, ticket_id: int) -> Feedback | None:
    return await session.scalar(select(Feedback).where(Feedback.ticket_id == ticket_id))


@dataclass(frozen=True)
class Rated:
    """A customer rated a closed job; ``low`` ones go to the managers."""

    ticket: Ticket
    rating: int
    low: bool


@dataclass(frozen=True)
class Commented:
    """A customer commented on their rating; the managers read the comments on ``low`` ones."""

    ticket: Ticket
    rating: int
    comment: str
    low: bool


def is_low(rating: int) -> bool:
    return rating <= LOW_RATING_MAX


async def rate(
    session: AsyncSession, ticket_id: int, client: Person, rating: int, now: datetime
) -> Rated:
    """One 1–5 rating per closed ticket (confirmed or closed automatically)."""
    if rating not in RATINGS:
        raise InvalidState(N_("Ratings are from 1 to 5."))
    ticket = await client_ticket(session, ticket_id, client)
    cannot = N_("This request cannot be rated now, or it is rated already.")
    if ticket.status is not TicketStatus.CLOSED:
        raise InvalidState(cannot)
    feedback = await feedback_for(session, ticket.id)
    if feedback is not None and feedback.rating is not None:
        raise InvalidState(cannot)
    if feedback is None:
        feedback = Feedback(ticket_id=ticket.id, created_at=now)
        session.add(feedback)
    feedback.rating = rating
    tickets.add_event(session, ticket, client, TimelineKind.FEEDBACK, now, data={"rating": rating})
    await session.flush()
    return Rated(ticket, rating, low=is_low(rating))


async def comment(
    session: AsyncSession, ticket_id: int, client: Person, text: str, now: datetime
) -> Commented:
    """The optional comment after a rating; one per ticket."""
    text = text.strip()[:MAX_NOTE]
    if not text:
        raise InvalidState(N_("Please type your comment, or press Skip."))
    ticket = await client_ticket(session, ticket_id, client)
    feedback = await feedback_for(session, ticket.id)
    if feedback is None or feedback.rating is None or feedback.comment is not None:
        raise InvalidState(N_("This request does not take a comment now."))
    feedback.comment = text
    data = {"rating": feedback.rating}
    tickets.add_event(session, ticket, client, TimelineKind.FEEDBACK, now, note=text, data=data)
    await session.flush()
    return Commented(ticket, feedback.rating, text, low=is_low(feedback.rating))


# -- automatic closing ----------------------------------------------------------------------------
@dataclass(frozen=True)
class AutoClosed:
    """Nobody signed the job off within ``days`` of its resolving, so it is closed; its
    ``customers`` hear so, with a last chance to rate the work."""

    ticket: Ticket
    days: int
    customers: list[Person]


async def auto_close(session: AsyncSession, now: datetime, days: int) -> list[AutoClosed]:
    """Close tickets resolved more than ``days`` ago that nobody confirmed.

    Idempotent: a closed ticket is no longer resolved, so a second run closes nothing. Rows
    another process is closing right now are skipped (PostgreSQL ``SKIP LOCKED``).
    """
    due = await session.scalars(
        select(Ticket)
        .where(
            Ticket.status == TicketStatus.RESOLVED,
            Ticket.resolved_at.is_not(None),
            Ticket.resolved_at <= now - timedelta(days=days),
        )
        .order_by(Ticket.id)
        .with_for_update(of=Ticket, skip_locked=True)
    )
    closed = list(due.unique())
    for ticket in closed:
        _close(
            session,
            ticket,
            now,
            {"automatic": True, "days": days},
            note=f"closed automatically: not confirmed within {days} days",
        )
    await session.flush()
    return [
        AutoClosed(ticket, days, await tickets.customer_recipients(session, ticket))
        for ticket in closed
    ]
