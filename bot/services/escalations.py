"""What needs a manager's attention now: jobs nobody took, SLA deadlines at risk or missed.

Each escalation goes out once per ticket and kind: it is recorded in ``alerts_sent`` under a
unique key in the same transaction as the alert, so two runs (or two processes) racing on the
same ticket produce one alert. Paused clocks (waiting for parts or the customer) escalate
nothing; maintenance jobs are planned work, so only their deadline (the due date) counts.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services import sla
from bot.services.business_hours import (
    Calendar,
    add_business_time,
    business_time_between,
    earliest_with_left,
)
from bot.services.holidays import days as company_holidays
from bot.services.leases import insert_for
from storage.escalation_marks import recheck_open
from storage.models import (
    OPEN_STATUSES,
    AlertSent,
    Priority,
    Ticket,
    TicketKind,
    TicketStatus,
)

# Alerts recorded per INSERT (well under the bind-parameter limits of SQLite and asyncpg).
RECORD_BATCH = 500
# How much sooner than FIELDBOT_UNACCEPTED_MINUTES an unaccepted job escalates.
UNACCEPTED_FACTOR = {
    Priority.NORMAL: 1.0,
    Priority.URGENT: 1 / 3,
    Priority.PRODUCTION_STOPPED: 1 / 6,
}


class Kind(StrEnum):
    UNACCEPTED = "unaccepted"
    RESPONSE_AT_RISK = "response_at_risk"
    RESPONSE_BREACHED = "response_breached"
    RESOLUTION_AT_RISK = "resolution_at_risk"
    RESOLUTION_BREACHED = "resolution_breached"


@dataclass(frozen=True, slots=True)
class Escalation:
    ticket: Ticket
    kind: Kind
    due: datetime | None  # the deadline concerned; None for an unaccepted job
    waited: timedelta  # counted time since the ticket was opened


async def insert_once(session: AsyncSession, model: type[Any], **values: Any) -> bool:
    """Insert a row unless its unique key exists; True if this call inserted it. Concurrent
    callers wait for each other on the key, so exactly one gets True."""
    insert = insert_for(session, model).values(**values).on_conflict_do_nothing()
    result = await session.execute(insert.returning(*model.__table__.primary_key.columns))
    return result.first() is not None


async def record(
    session: AsyncSession, kind: str, subject: str, now: datetime, **extra: Any
) -> bool:
    """Claim the alert ``kind`` about ``subject``; False when it was sent already."""
    return await insert_once(session, AlertSent, kind=kind, subject=subject, sent_at=now, **extra)


def unaccepted_after(priority: Priority, settings: Settings) -> timedelta:
    return timedelta(minutes=max(1.0, settings.unaccepted_minutes * UNACCEPTED_FACTOR[priority]))


def _deadline_kind(state: sla.ClockState, at_risk: Kind, breached: Kind) -> Kind | None:
    if state is sla.ClockState.BREACHED:
        return breached
    if state is sla.ClockState.AT_RISK:
        return at_risk
    return None


def _maintenance_calendar(ticket: Ticket, settings: Settings) -> tuple[timedelta, Calendar]:
    """A maintenance job's allowed time: from its creation to its due date, around the clock."""
    assert ticket.resolution_due is not None
    return ticket.resolution_due - ticket.created_at, Calendar(settings.tz)


def candidates(
    ticket: Ticket, now: datetime, settings: Settings, holidays: frozenset[date] = frozenset()
) -> list[Escalation]:
    """The escalations ``ticket`` qualifies for at ``now`` (before checking what was sent)."""
    if ticket.status not in OPEN_STATUSES or ticket.sla_paused_at is not None:
        return []
    percent = settings.sla_at_risk_percent
    found: list[Escalation] = []
    if ticket.kind is TicketKind.MAINTENANCE:
        if ticket.resolution_due is not None:
            allowed, calendar = _maintenance_calendar(ticket, settings)
            state = sla.clock_state(ticket.resolution_due, allowed, now, calendar, percent)
            kind = _deadline_kind(state, Kind.RESOLUTION_AT_RISK, Kind.RESOLUTION_BREACHED)
            if kind is not None:
                found.append(
                    Escalation(ticket, kind, ticket.resolution_due, now - ticket.created_at)
                )
        return found
    promised = sla.terms_for(ticket, settings, holidays)
    waited = business_time_between(ticket.created_at, now, promised.calendar)
    if (
        ticket.status is TicketStatus.NEW
        and ticket.engineer_id is None
        and waited >= unaccepted_after(ticket.priority, settings)
    ):
        found.append(Escalation(ticket, Kind.UNACCEPTED, None, waited))
    if ticket.response_due is not None and ticket.responded_at is None:
        state = sla.clock_state(
            ticket.response_due, promised.response, now, promised.calendar, percent
        )
        kind = _deadline_kind(state, Kind.RESPONSE_AT_RISK, Kind.RESPONSE_BREACHED)
        if kind is not None:
            found.append(Escalation(ticket, kind, ticket.response_due, waited))
    if ticket.resolution_due is not None and ticket.resolved_at is None:
        state = sla.clock_state(
            ticket.resolution_due, promised.resolution, now, promised.calendar, percent
        )
        kind = _deadline_kind(state, Kind.RESOLUTION_AT_RISK, Kind.RESOLUTION_BREACHED)
        if kind is not None:
            found.append(Escalation(ticket, kind, ticket.resolution_due, waited))
    return found


def _clock_moments(
    due: datetime, allowed: timedelta, calendar: Calendar, percent: int, kinds: tuple[Kind, Kind]
) -> dict[Kind, datetime]:
    """When a deadline becomes at risk (``sla.clock_state``: at most ``100 - percent`` % of
    ``allowed`` left) and when it is breached."""
    at_risk, breached = kinds
    left = allowed * (100 - percent) / 100
    return {at_risk: earliest_with_left(due, left, calendar), breached: due}


def moments(
    ticket: Ticket, settings: Settings, holidays: frozenset[date] = frozenset()
) -> dict[Kind, datetime]:
    """For each escalation ``ticket`` could have, the earliest instant :func:`candidates`
    would return it (while nothing else about the ticket changes); empty when closed or
    paused."""
    if ticket.status not in OPEN_STATUSES or ticket.sla_paused_at is not None:
        return {}
    percent = settings.sla_at_risk_percent
    resolution = (Kind.RESOLUTION_AT_RISK, Kind.RESOLUTION_BREACHED)
    if ticket.kind is TicketKind.MAINTENANCE:
        if ticket.resolution_due is None:
            return {}
        allowed, calendar = _maintenance_calendar(ticket, settings)
        return _clock_moments(ticket.resolution_due, allowed, calendar, percent, resolution)
    promised = sla.terms_for(ticket, settings, holidays)
    found: dict[Kind, datetime] = {}
    if ticket.status is TicketStatus.NEW and ticket.engineer_id is None:
        after = unaccepted_after(ticket.priority, settings)
        found[Kind.UNACCEPTED] = add_business_time(ticket.created_at, after, promised.calendar)
    if ticket.response_due is not None and ticket.responded_at is None:
        found |= _clock_moments(
            ticket.response_due,
            promised.response,
            promised.calendar,
            percent,
            (Kind.RESPONSE_AT_RISK, Kind.RESPONSE_BREACHED),
        )
    if ticket.resolution_due is not None and ticket.resolved_at is None:
        found |= _clock_moments(
            ticket.resolution_due, promised.resolution, promised.calendar, percent, resolution
        )
    return found


def next_check(
    ticket: Ticket,
    now: datetime,
    settings: Settings,
    holidays: frozenset[date],
    had: set[str],
) -> datetime | None:
    """When the pass must look at ``ticket`` again: the first moment after ``now`` of an
    escalation it has not had (``had``: the kinds recorded); None when there is none left.
    A moment already past without its alert was overtaken (at risk, then breached before a
    pass saw it), as :func:`candidates` would decide."""
    later = [
        at
        for kind, at in moments(ticket, settings, holidays).items()
        if kind.value not in had and at > now
    ]
    return min(later, default=None)


async def _had(session: AsyncSession, ids: list[int]) -> dict[int, set[str]]:
    """The escalations recorded for each of ``ids``."""
    had: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), RECORD_BATCH):
        rows = await session.execute(
            select(AlertSent.ticket_id, AlertSent.kind).where(
                AlertSent.ticket_id.in_(ids[start : start + RECORD_BATCH])
            )
        )
        for ticket_id, kind in rows:
            if ticket_id is not None:
                had[ticket_id].add(kind)
    return had


async def _record(
    session: AsyncSession, found: list[Escalation], now: datetime
) -> set[tuple[str, str]]:
    """Insert the alerts of ``found``; the (kind, subject) pairs this call inserted."""
    recorded: set[tuple[str, str]] = set()
    for start in range(0, len(found), RECORD_BATCH):
        batch = found[start : start + RECORD_BATCH]
        insert = (
            insert_for(session, AlertSent)
            .values(
                [
                    {
                        "kind": item.kind.value,
                        "subject": f"ticket:{item.ticket.id}",
                        "ticket_id": item.ticket.id,
                        "sent_at": now,
                    }
                    for item in batch
                ]
            )
            .on_conflict_do_nothing()
            .returning(AlertSent.kind, AlertSent.subject)
        )
        recorded |= {(kind, subject) for kind, subject in await session.execute(insert)}
    return recorded


async def _reschedule(session: AsyncSession, checks: dict[int, datetime | None]) -> None:
    """Set each ticket's next check, in one executemany."""
    if not checks:
        return
    await session.execute(
        update(Ticket),
        [{"id": ticket_id, "escalation_check_at": at} for ticket_id, at in checks.items()],
    )


TERMS_KIND = "escalation_terms"


def terms_key(settings: Settings) -> str:
    """The settings every stored check time was computed under; a pass under others (the
    operator changed them and restarted) asks for every open ticket to be looked at again."""
    described = repr(
        (
            settings.unaccepted_minutes,
            settings.sla_at_risk_percent,
            settings.default_response_hours,
            settings.default_resolution_hours,
            settings.default_business_hours,
            tuple(t.isoformat() for t in settings.business_hours),
            sorted(settings.business_days),
            settings.timezone,
        )
    )
    return hashlib.sha256(described.encode()).hexdigest()[:32]


async def due(session: AsyncSession, now: datetime, settings: Settings) -> list[Escalation]:
    """Escalations to send now, each recorded as sent; the caller alerts in the same
    transaction (a rollback forgets the record and the new check times too, so the next run
    tries again).

    Only the tickets whose ``escalation_check_at`` has come are loaded, through its index, so
    a pass costs what is due now rather than what is open. A few set statements: the tickets,
    what they had, one ``INSERT … ON CONFLICT DO NOTHING RETURNING`` per batch (of two
    concurrent passes each alert is returned to exactly one) and one executemany setting each
    loaded ticket's next check (:func:`next_check`).
    """
    holidays = await company_holidays(session, settings)
    if await record(session, TERMS_KIND, terms_key(settings), now):
        await session.execute(recheck_open())  # first pass under these settings
    # None once closed or paused; ordered here, so that the planner has no reason to walk
    # the primary key instead of the check time's index
    due_now = select(Ticket).where(Ticket.escalation_check_at <= now).options(sla.TERMS)
    loaded = sorted((await session.scalars(due_now)).unique(), key=lambda ticket: ticket.id)
    had = await _had(session, [ticket.id for ticket in loaded])
    found = [
        escalation
        for ticket in loaded
        for escalation in candidates(ticket, now, settings, holidays)
        if escalation.kind.value not in had[ticket.id]
    ]
    recorded = await _record(session, found, now)
    for item in found:  # recorded here or, a moment ago, by a concurrent pass
        had[item.ticket.id].add(item.kind.value)
    await _reschedule(
        session,
        {
            ticket.id: next_check(ticket, now, settings, holidays, had[ticket.id])
            for ticket in loaded
        },
    )
    return [item for item in found if (item.kind.value, f"ticket:{item.ticket.id}") in recorded]
