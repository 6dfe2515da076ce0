"""SLA clocks: due times on creation, pauses, the restart on reopen, and how close a deadline is.

Terms come from the equipment's service contract when it is valid on the day the ticket was
opened, else from the configured default tier. A normal request gets the contract's hours;
urgent half, production stopped a quarter (never under an hour). Hours are counted in the
contract's calendar: the company's business hours, or 24/7 (see ``business_hours``).

A pause (waiting for parts or for the customer) stops both clocks that are still running; on
resume the paused time, counted in the same calendar, pushes their due times. Reopening a
resolved ticket ("not fixed") restarts the resolution clock from that moment with the full
resolution time. The ticket functions change the ticket in memory only; the caller's
transaction saves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import joinedload
from sqlalchemy.orm.interfaces import ORMOption

from bot.config import Settings
from bot.services.business_hours import (
    ZERO,
    Calendar,
    add_business_time,
    business_time_between,
    from_settings,
)
from storage.models import Contract, Equipment, Priority, Ticket

PRIORITY_FACTOR = {
    Priority.NORMAL: 1.0,
    Priority.URGENT: 0.5,
    Priority.PRODUCTION_STOPPED: 0.25,
}
MIN_TIME = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Terms:
    """What was promised for one ticket: time to respond and to resolve, and how it counts."""

    response: timedelta
    resolution: timedelta
    calendar: Calendar


@dataclass(frozen=True, slots=True)
class DueTimes:
    response: datetime
    resolution: datetime


class ClockState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"


def active_contract(contract: Contract | None, on: date) -> Contract | None:
    """The contract if it is still valid ``on`` that day (``valid_until`` inclusive)."""
    if contract is None or (contract.valid_until is not None and contract.valid_until < on):
        return None
    return contract


def _scaled(hours: int, priority: Priority) -> timedelta:
    return max(MIN_TIME, timedelta(hours=hours * PRIORITY_FACTOR[priority]))


def terms(
    priority: Priority,
    contract: Contract | None,
    on: date,
    settings: Settings,
    holidays: frozenset[date] = frozenset(),
) -> Terms:
    """The promise for a ticket of ``priority`` opened ``on`` that day; a business-hours
    calendar skips ``holidays`` (``bot.services.holidays.days``)."""
    active = active_contract(contract, on)
    if active is None:
        return Terms(
            _scaled(settings.default_response_hours, priority),
            _scaled(settings.default_resolution_hours, priority),
            from_settings(settings, settings.default_business_hours, holidays),
        )
    business = (
        settings.default_business_hours if active.business_hours is None else active.business_hours
    )
    return Terms(
        _scaled(active.response_hours, priority),
        _scaled(active.resolution_hours, priority),
        from_settings(settings, business, holidays),
    )


def due_times(
    created: datetime,
    priority: Priority,
    contract: Contract | None,
    settings: Settings,
    holidays: frozenset[date] = frozenset(),
) -> DueTimes:
    """Response and resolution due times for a ticket opened at ``created``."""
    on = created.astimezone(settings.tz).date()
    promised = terms(priority, contract, on, settings, holidays)
    return DueTimes(
        response=add_business_time(created, promised.response, promised.calendar),
        resolution=add_business_time(created, promised.resolution, promised.calendar),
    )


# What :func:`terms_for` reads of a ticket: its equipment's contract (load it with the ticket).
TERMS: ORMOption = joinedload(Ticket.equipment).joinedload(Equipment.contract)


def terms_for(
    ticket: Ticket, settings: Settings, holidays: frozenset[date] = frozenset()
) -> Terms:
    """The terms of a loaded ticket (its equipment and contract loaded with it: :data:`TERMS`,
    or ``tickets.CARD``)."""
    contract = ticket.equipment.contract if ticket.equipment is not None else None
    on = ticket.created_at.astimezone(settings.tz).date()
    return terms(ticket.priority, contract, on, settings, holidays)


def calendar_for(
    ticket: Ticket, settings: Settings, holidays: frozenset[date] = frozenset()
) -> Calendar:
    return terms_for(ticket, settings, holidays).calendar


# -- the clocks of one ticket -------------------------------------------------------------------
def pause(ticket: Ticket, now: datetime) -> None:
    """Stop the running clocks; pausing an already paused ticket keeps the first moment."""
    if ticket.sla_paused_at is None:
        ticket.sla_paused_at = now


def resume(ticket: Ticket, now: datetime, calendar: Calendar) -> timedelta:
    """Restart the clocks; the pause, counted in ``calendar``, pushes every due time whose
    clock had not stopped (response before the first response, resolution before resolving).
    Returns the counted pause (zero when the ticket was not paused)."""
    if ticket.sla_paused_at is None:
        return ZERO
    paused = business_time_between(ticket.sla_paused_at, now, calendar)
    ticket.sla_paused_at = None
    ticket.sla_paused_seconds = (ticket.sla_paused_seconds or 0) + int(paused.total_seconds())
    if paused > ZERO:
        if ticket.response_due is not None and ticket.responded_at is None:
            ticket.response_due = add_business_time(ticket.response_due, paused, calendar)
        if ticket.resolution_due is not None and ticket.resolved_at is None:
            ticket.resolution_due = add_business_time(ticket.resolution_due, paused, calendar)
    return paused


def restart_resolution(ticket: Ticket, now: datetime, promised: Terms) -> None:
    """A reopened ticket gets the full resolution time again, counted from ``now``."""
    ticket.sla_paused_at = None
    ticket.resolution_due = add_business_time(now, promised.resolution, promised.calendar)


def clock_state(
    due: datetime,
    allowed: timedelta,
    now: datetime,
    calendar: Calendar,
    at_risk_percent: int,
) -> ClockState:
    """Breached once ``due`` has passed; at risk once ``at_risk_percent`` of the ``allowed``
    time is used up (measured as what is left before ``due``, in ``calendar``)."""
    if now >= due:
        return ClockState.BREACHED
    left = business_time_between(now, due, calendar)
    if left <= allowed * (100 - at_risk_percent) / 100:
        return ClockState.AT_RISK
    return ClockState.ON_TRACK


# -- what is left, as the customer reads it --------------------------------------------------
class Clock(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


@dataclass(frozen=True, slots=True)
class Remaining:
    """A running clock of an open ticket: ``left`` is the time until ``due`` counted in the
    ticket's calendar (business hours or 24/7); ``overdue`` once ``due`` has passed, and then
    ``left`` is how long ago, in the same calendar. ``holidays`` are the company holidays
    between now and ``due`` that stop the clock (business-hours calendars only)."""

    clock: Clock
    due: datetime
    left: timedelta
    overdue: bool
    holidays: tuple[date, ...] = ()


def remaining(
    ticket: Ticket, now: datetime, settings: Settings, holidays: frozenset[date] = frozenset()
) -> list[Remaining]:
    """The clocks still running on an open, unpaused ticket: the response clock until the
    first response, the resolution clock until it is resolved. Empty while paused."""
    if ticket.sla_paused_at is not None:
        return []
    running = []
    if ticket.response_due is not None and ticket.responded_at is None:
        running.append((Clock.RESPONSE, ticket.response_due))
    if ticket.resolution_due is not None and ticket.resolved_at is None:
        running.append((Clock.RESOLUTION, ticket.resolution_due))
    calendar = calendar_for(ticket, settings, holidays) if running else None
    found = []
    for clock, due in running:
        assert calendar is not None
        if now >= due:
            found.append(Remaining(clock, due, business_time_between(due, now, calendar), True))
        else:
            left = business_time_between(now, due, calendar)
            found.append(Remaining(clock, due, left, False, holidays_before(now, due, calendar)))
    return found


def holidays_before(now: datetime, due: datetime, calendar: Calendar) -> tuple[date, ...]:
    """The holidays from today to the day of ``due`` that a business-hours clock skips."""
    if calendar.around_the_clock or not calendar.holidays:
        return ()
    first, last = now.astimezone(calendar.tz).date(), due.astimezone(calendar.tz).date()
    return tuple(sorted(day for day in calendar.holidays if first <= day <= last))
