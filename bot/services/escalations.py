"""What needs a manager's attention now: jobs nobody took, SLA deadlines at risk or missed.

Each escalation goes out once per ticket and kind: it is recorded in ``alerts_sent`` under a
unique key in the same transaction as the alert, so two runs (or two processes) racing on the
same ticket produce one alert. Paused clocks (waiting for parts or the customer) escalate
nothing; maintenance jobs are planned work, so only their deadline (the due date) counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services import sla
from bot.services.business_hours import (
    Calendar,
    add_business_time,
    business_time_between,
    from_settings,
)
from bot.services.holidays import days as company_holidays
from bot.services.leases import insert_for
from storage.models import (
    OPEN_STATUSES,
    AlertSent,
    Contract,
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


def _sent(kind: Kind) -> Any:
    return (
        select(AlertSent.id)
        .where(AlertSent.ticket_id == Ticket.id, AlertSent.kind == kind.value)
        .exists()
    )


def _clock_pending(
    due: Any, done: Any, at_risk: Kind, breached: Kind, now: datetime, horizon: datetime | None
) -> Any:
    """A deadline that may still escalate: set, not met, not yet reported breached, and either
    past (breached now) or, not yet reported at risk, due before ``horizon`` (None: any time)."""
    risky = ~_sent(at_risk) if horizon is None else and_(due < horizon, ~_sent(at_risk))
    return and_(due.is_not(None), done, ~_sent(breached), or_(due <= now, risky))


@dataclass(frozen=True, slots=True)
class Horizons:
    """How far ahead a response or resolution deadline can be and still be at risk now.

    At risk means at most ``100 - FIELDBOT_SLA_AT_RISK_PERCENT`` % of the allowed time is
    left, counted in the ticket's calendar; the allowed time is at most the longest any
    contract (or the default tier) gives, and counted time never runs faster than the clock.
    So a deadline beyond the instant when that much time will have been counted in the
    slowest calendar cannot be at risk yet, and the ticket is not loaded for it.
    """

    response: datetime
    resolution: datetime


async def horizons(
    session: AsyncSession, now: datetime, settings: Settings, holidays: frozenset[date]
) -> Horizons:
    longest = (
        await session.execute(
            select(func.max(Contract.response_hours), func.max(Contract.resolution_hours))
        )
    ).one()
    calendars = [from_settings(settings, business, holidays) for business in (False, True)]
    left = (100 - settings.sla_at_risk_percent) / 100
    factor = max(sla.PRIORITY_FACTOR.values())

    def horizon(default_hours: int, contract_hours: int | None) -> datetime:
        hours = max(default_hours, contract_hours or 0) * factor
        allowed = max(sla.MIN_TIME, timedelta(hours=hours))
        ahead = allowed * left + timedelta(seconds=1)
        return max(add_business_time(now, ahead, calendar) for calendar in calendars)

    return Horizons(
        horizon(settings.default_response_hours, longest[0]),
        horizon(settings.default_resolution_hours, longest[1]),
    )


def _may_escalate(now: datetime, settings: Settings, ahead: Horizons) -> Any:
    """What a ticket needs to be looked at: some escalation it has not had yet and could have
    now. Necessary conditions only, each from the ticket's own columns and ``alerts_sent``;
    :func:`candidates` decides. A ticket whose every clock has been reported breached (the bulk
    of a backlog), or whose deadlines are all far off, is not loaded."""
    planned = Ticket.kind == TicketKind.MAINTENANCE
    waited_enough = or_(
        *(
            and_(Ticket.priority == p, Ticket.created_at <= now - unaccepted_after(p, settings))
            for p in Priority
        )
    )
    return or_(
        and_(
            ~planned,
            Ticket.status == TicketStatus.NEW,
            Ticket.engineer_id.is_(None),
            waited_enough,
            ~_sent(Kind.UNACCEPTED),
        ),
        and_(
            ~planned,
            _clock_pending(
                Ticket.response_due,
                Ticket.responded_at.is_(None),
                Kind.RESPONSE_AT_RISK,
                Kind.RESPONSE_BREACHED,
                now,
                ahead.response,
            ),
        ),
        and_(
            ~planned,
            _clock_pending(
                Ticket.resolution_due,
                Ticket.resolved_at.is_(None),
                Kind.RESOLUTION_AT_RISK,
                Kind.RESOLUTION_BREACHED,
                now,
                ahead.resolution,
            ),
        ),
        and_(  # a maintenance job's allowed time runs from its creation to its due date
            planned,
            _clock_pending(
                Ticket.resolution_due,
                literal(True),
                Kind.RESOLUTION_AT_RISK,
                Kind.RESOLUTION_BREACHED,
                now,
                None,
            ),
        ),
    )


async def _not_yet_sent(session: AsyncSession, found: list[Escalation]) -> list[Escalation]:
    """Leave out what was recorded already (a ticket loaded for one clock qualifies for the
    alerts of its other clocks too); the insert still decides, this only keeps it small."""
    sent: set[tuple[int | None, str]] = set()
    ids = sorted({item.ticket.id for item in found})
    for start in range(0, len(ids), RECORD_BATCH):
        rows = await session.execute(
            select(AlertSent.ticket_id, AlertSent.kind).where(
                AlertSent.ticket_id.in_(ids[start : start + RECORD_BATCH])
            )
        )
        sent |= {(ticket_id, kind) for ticket_id, kind in rows}
    return [item for item in found if (item.ticket.id, item.kind.value) not in sent]


async def due(session: AsyncSession, now: datetime, settings: Settings) -> list[Escalation]:
    """Escalations to send now, each recorded as sent; the caller alerts in the same
    transaction (a rollback forgets the record too, so the next run tries again).

    A few set statements whatever the number of open tickets: one to load the tickets that
    may escalate (:func:`_may_escalate`), one ``INSERT … ON CONFLICT DO NOTHING RETURNING``
    to record all their escalations at once, so of two concurrent passes each alert is
    returned to exactly one.
    """
    holidays = await company_holidays(session, settings)
    ahead = await horizons(session, now, settings, holidays)
    open_tickets = await session.scalars(
        select(Ticket)
        .where(
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.sla_paused_at.is_(None),
            _may_escalate(now, settings, ahead),
        )
        .order_by(Ticket.id)
    )
    found = [
        escalation
        for ticket in open_tickets.unique()
        for escalation in candidates(ticket, now, settings, holidays)
    ]
    found = await _not_yet_sent(session, found)
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
    return [item for item in found if (item.kind.value, f"ticket:{item.ticket.id}") in recorded]
