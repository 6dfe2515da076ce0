"""Agreed visits: staff offer a customer one or more times, the customer picks one (it becomes
the ticket's ``visit_at``) or asks for another; reminders go out the evening before and an hour
before (:func:`reminders_due`).

A visit is made on a working day of the company (``FIELDBOT_BUSINESS_DAYS``, not a holiday),
within its hours (``FIELDBOT_BUSINESS_HOURS``), and in the future; :func:`problem` says what is
wrong with a time, and every change checks again. The standard times offered on a day are
``FIELDBOT_VISIT_SLOTS``, on the next ``FIELDBOT_VISIT_DAYS`` working days.

A new offer withdraws the times still offered; an agreed visit stays until the customer picks
one of the new times (then the old one is withdrawn and both sides hear of the move) or asks
for another time (then there is no agreed visit until a new one is picked).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.config import Settings
from bot.core.i18n import N_
from bot.services.business_hours import Calendar, local_instant
from bot.services.errors import Forbidden, InvalidState, NotFound
from bot.services.escalations import record
from bot.services.holidays import company_calendar
from bot.services.tickets import (
    LISTED,
    NOT_FOUND,
    NOT_OPEN,
    add_event,
    customer_recipients,
    locked,
    locked_for,
)
from storage.models import (
    OPEN_STATUSES,
    Person,
    Role,
    Ticket,
    TicketStatus,
    TimelineKind,
    VisitSlot,
    VisitState,
)

MAX_SLOTS = 8  # times in one offer
REMINDER_HOUR_BEFORE = timedelta(hours=1)


class Problem(StrEnum):
    PAST = "past"
    CLOSED_DAY = "closed_day"  # not a working day of the week
    HOLIDAY = "holiday"
    HOURS = "hours"  # outside the working hours


def problem(at: datetime, now: datetime, calendar: Calendar) -> Problem | None:
    """Why no visit can be made ``at`` that moment; None when it can."""
    local = at.astimezone(calendar.tz)
    if at <= now:
        return Problem.PAST
    if local.date() in calendar.holidays:
        return Problem.HOLIDAY
    if local.weekday() not in calendar.days:
        return Problem.CLOSED_DAY
    assert calendar.hours is not None
    opens, closes = calendar.hours
    if not opens <= local.time() < closes:
        return Problem.HOURS
    return None


def working_days(start: date, calendar: Calendar) -> list[date]:
    """Working days from ``start`` on, for a year at most (lazy callers stop early)."""
    return [
        start + timedelta(days=offset)
        for offset in range(366)
        if calendar.is_working_day(start + timedelta(days=offset))
    ]


def standard_slots(
    now: datetime,
    calendar: Calendar,
    slots: Sequence[time],
    days: int,
    until: date | None = None,
) -> list[datetime]:
    """The standard times of the next ``days`` working days that still have one ahead (and,
    with ``until``, not after that day), as UTC instants."""
    found: list[datetime] = []
    used = 0
    for day in working_days(now.astimezone(calendar.tz).date(), calendar):
        if used >= days or (until is not None and day > until):
            break
        times = [local_instant(day, at, calendar.tz) for at in slots]
        times = [moment for moment in times if problem(moment, now, calendar) is None]
        if times:
            found += times
            used += 1
    return found


async def offer(session: AsyncSession, now: datetime, settings: Settings) -> list[datetime]:
    """The standard times staff may offer now."""
    calendar = await company_calendar(session, settings)
    return standard_slots(now, calendar, settings.visit_slots, settings.visit_days)


async def staff_of(session: AsyncSession, ticket: Ticket, *also: int | None) -> list[Person]:
    """The ticket's engineer and the people ``also`` named (who offered the time), once each."""
    ids = [ticket.engineer_id, *also]
    found: list[Person] = []
    for person_id in dict.fromkeys(i for i in ids if i is not None):
        person = await session.get(Person, person_id)
        if person is not None and person.role is not Role.CLIENT:
            found.append(person)
    return found


def may_offer(ticket: Ticket, person: Person) -> bool:
    """The job's engineer and any manager may offer times."""
    return person.role is Role.MANAGER or (
        person.role is Role.ENGINEER and ticket.engineer_id == person.id
    )


# -- offering ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Proposed:
    ticket: Ticket
    slots: list[VisitSlot]
    by: Person | None  # None: offered by the bot with a maintenance notice
    customers: list[Person]
    previous: datetime | None  # the agreed visit these times would replace


async def propose(
    session: AsyncSession,
    ticket: Ticket,
    by: Person | None,
    times: Sequence[datetime],
    now: datetime,
    settings: Settings,
) -> Proposed:
    """Offer ``times`` to the customer instead of whatever was still offered."""
    ticket = await locked(session, ticket.id) or ticket
    if not ticket.is_open:
        raise InvalidState(NOT_OPEN, ref=f"#{ticket.id}")
    if by is not None and not may_offer(ticket, by):
        raise Forbidden(N_("Only the job's engineer or a manager can offer visit times."))
    chosen = sorted(set(times))
    if not chosen:
        raise InvalidState(N_("Pick at least one time first."))
    if len(chosen) > MAX_SLOTS:
        raise InvalidState(N_("At most {n} times can be offered at once."), n=MAX_SLOTS)
    calendar = await company_calendar(session, settings)
    if any(problem(moment, now, calendar) for moment in chosen):
        raise InvalidState(N_("One of the times can no longer be offered. Pick them again."))
    await _withdraw(session, ticket.id, VisitState.PROPOSED, now)
    slots = [
        VisitSlot(
            ticket_id=ticket.id,
            starts_at=moment,
            proposed_by=by.id if by is not None else None,
            proposed_at=now,
            state=VisitState.PROPOSED,
        )
        for moment in chosen
    ]
    session.add_all(slots)
    data = {"visit_offered": [moment.isoformat() for moment in chosen]}
    add_event(session, ticket, by, TimelineKind.NOTE, now, data=data)
    await session.flush()
    customers = await customer_recipients(session, ticket)
    return Proposed(ticket, slots, by, customers, ticket.visit_at)


async def _withdraw(
    session: AsyncSession, ticket_id: int, state: VisitState, now: datetime
) -> None:
    await session.execute(
        update(VisitSlot)
        .where(VisitSlot.ticket_id == ticket_id, VisitSlot.state == state)
        .values(state=VisitState.WITHDRAWN, decided_at=now)
    )


async def offered(session: AsyncSession, ticket_id: int) -> list[VisitSlot]:
    """The times offered and not answered yet, earliest first."""
    rows = await session.scalars(
        select(VisitSlot)
        .where(VisitSlot.ticket_id == ticket_id, VisitSlot.state == VisitState.PROPOSED)
        .order_by(VisitSlot.starts_at)
    )
    return list(rows)


# -- the customer answers -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Agreed:
    ticket: Ticket
    at: datetime
    customer: Person
    staff: list[Person]  # the engineer and whoever offered the time
    previous: datetime | None  # the visit this one replaces


async def agree(
    session: AsyncSession, slot_id: int, customer: Person, now: datetime, settings: Settings
) -> Agreed:
    """The customer picks an offered time: it becomes the visit, the others are withdrawn."""
    slot = await session.get(VisitSlot, slot_id)
    if slot is None:
        raise NotFound(NOT_FOUND)
    ticket = await locked_for(session, slot.ticket_id, customer, Role.CLIENT)
    await session.refresh(slot)
    if slot.state is not VisitState.PROPOSED:
        raise InvalidState(N_("This time is no longer offered."))
    calendar = await company_calendar(session, settings)
    if problem(slot.starts_at, now, calendar) is not None:
        raise InvalidState(N_("This time can no longer be agreed. Ask for another time."))
    previous = ticket.visit_at
    await _withdraw(session, ticket.id, VisitState.AGREED, now)
    await _withdraw(session, ticket.id, VisitState.PROPOSED, now)
    slot.state, slot.decided_at = VisitState.AGREED, now
    ticket.visit_at = slot.starts_at
    ticket.updated_at = now
    data = {"visit_agreed": slot.starts_at.isoformat()}
    add_event(session, ticket, customer, TimelineKind.NOTE, now, data=data)
    await session.flush()
    staff = await staff_of(session, ticket, slot.proposed_by)
    return Agreed(ticket, slot.starts_at, customer, staff, previous)


@dataclass(frozen=True, slots=True)
class AnotherTime:
    ticket: Ticket
    customer: Person
    staff: list[Person]
    cancelled: datetime | None  # the agreed visit that no longer stands


# Once the engineer set out, the agreed visit is happening: it can no longer be moved.
ON_THE_WAY = frozenset({TicketStatus.EN_ROUTE, TicketStatus.ON_SITE})


async def another_time(
    session: AsyncSession, ticket_id: int, customer: Person, now: datetime
) -> AnotherTime:
    """The customer wants none of the times offered (an agreed visit stands), or, with none
    offered, to move the agreed visit (then there is none until a new time is agreed)."""
    ticket = await locked_for(session, ticket_id, customer, Role.CLIENT)
    slots = await session.scalars(
        select(VisitSlot).where(
            VisitSlot.ticket_id == ticket.id,
            VisitSlot.state.in_((VisitState.PROPOSED, VisitState.AGREED)),
        )
    )
    found = list(slots)
    offered = [slot for slot in found if slot.state is VisitState.PROPOSED]
    pending = offered or found
    if not pending:
        raise InvalidState(N_("There is no visit time to change."))
    if not offered and ticket.status in ON_THE_WAY:
        raise InvalidState(
            N_("The engineer is already on the way or on site, so the visit cannot be moved.")
        )
    offered_by = [slot.proposed_by for slot in pending]
    for slot in pending:
        slot.state, slot.decided_at = VisitState.DECLINED, now
    cancelled = None
    if not offered:  # the agreed visit itself is off
        cancelled, ticket.visit_at = ticket.visit_at, None
    ticket.updated_at = now
    data = {"visit_declined": cancelled.isoformat() if cancelled else None}
    add_event(session, ticket, customer, TimelineKind.NOTE, now, data=data)
    await session.flush()
    staff = await staff_of(session, ticket, *offered_by)
    return AnotherTime(ticket, customer, staff, cancelled)


# -- reminders ----------------------------------------------------------------------------------
class Reminder(StrEnum):
    EVENING = "visit_evening"
    HOUR = "visit_hour"


@dataclass(frozen=True, slots=True)
class Due:
    ticket: Ticket
    kind: Reminder
    customers: list[Person]
    engineer: Person | None


def evening_before(visit: datetime, calendar: Calendar, at: time) -> datetime:
    """The evening reminder's moment: ``at`` on the last working day before the visit's day
    (a Monday visit is recalled on Friday evening, skipping holidays)."""
    day = visit.astimezone(calendar.tz).date() - timedelta(days=1)
    for _ in range(366):
        if calendar.is_working_day(day):
            break
        day -= timedelta(days=1)
    return local_instant(day, at, calendar.tz)


def reminder_due(
    visit: datetime, agreed: datetime, now: datetime, calendar: Calendar, evening: time
) -> Reminder | None:
    """Which reminder is due ``now`` for a visit agreed at ``agreed``: the evening one from its
    moment until the hour before, the hour one in the last hour; none for a time agreed after
    the reminder's moment (the customer has just picked it)."""
    hour = visit - REMINDER_HOUR_BEFORE
    if hour <= now < visit:
        return Reminder.HOUR if agreed < hour else None
    night = evening_before(visit, calendar, evening)
    if night <= now < hour and agreed < night:
        return Reminder.EVENING
    return None


async def reminders_due(session: AsyncSession, now: datetime, settings: Settings) -> list[Due]:
    """Reminders to send now, each claimed in ``alerts_sent`` under the ticket and the visit's
    time, so two processes send it once and a moved visit gets reminders of its own."""
    calendar = await company_calendar(session, settings)
    rows = await session.execute(
        select(Ticket, VisitSlot.decided_at)
        .join(
            VisitSlot,
            (VisitSlot.ticket_id == Ticket.id)
            & (VisitSlot.state == VisitState.AGREED)
            & (VisitSlot.starts_at == Ticket.visit_at),
        )
        .where(
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.visit_at > now,
            Ticket.visit_at <= now + timedelta(days=15),
        )
        .order_by(Ticket.id)
        .options(*LISTED, joinedload(Ticket.engineer))
    )
    found: list[Due] = []
    for ticket, decided_at in rows.unique().all():
        assert ticket.visit_at is not None
        agreed = decided_at or datetime.min.replace(tzinfo=UTC)
        kind = reminder_due(
            ticket.visit_at, agreed, now, calendar, settings.visit_reminder_evening
        )
        if kind is None:
            continue
        subject = f"ticket:{ticket.id}:{ticket.visit_at.astimezone(UTC).isoformat()}"
        if not await record(session, kind, subject, now, ticket_id=ticket.id):
            continue
        engineer = ticket.engineer
        found.append(Due(ticket, kind, await customer_recipients(session, ticket), engineer))
    return found
