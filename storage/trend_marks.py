"""Forgets the days of the /trends aggregate (``trend_days``) that a change alters, so they
are computed again when next read: a ticket opened, cancelled, resolved, closed or moved to
other equipment or another engineer (the days it was opened and closed, before and after), a
rating or a reopening (the day its ticket was closed), equipment of another model (all days).
A breakdown opened, cancelled or moved also changes the repeat pair of the next breakdown on
its equipment (before and after): that one's day is forgotten too.
Flush events, so no ORM code path can forget it; bulk SQL outside the ORM must delete the
days itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, delete, event, inspect, or_, select
from sqlalchemy.orm import Session

from storage.models import (
    Equipment,
    Feedback,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
    TimelineKind,
    TrendDay,
)

WATCHED = (
    "kind",
    "status",
    "customer_id",
    "engineer_id",
    "equipment_id",
    "created_at",
    "resolved_at",
    "closed_at",
)


def _utc_day(moment: Any) -> date | None:
    if not isinstance(moment, datetime):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).date()


def _ticket_days(ticket: Ticket, changed: bool) -> set[date]:
    state = inspect(ticket)
    if changed and not any(state.attrs[name].history.has_changes() for name in WATCHED):
        return set()
    days: set[date] = set()
    for name in ("created_at", "closed_at"):
        history = state.attrs[name].history
        for value in (*history.added, *history.unchanged, *history.deleted):
            if (day := _utc_day(value)) is not None:
                days.add(day)
    return days


REPEAT_WATCHED = ("kind", "equipment_id", "created_at")


def _values(state: Any, name: str) -> set[Any]:
    history = state.attrs[name].history
    return {*history.added, *history.unchanged, *history.deleted}


def _next_breakdown_days(connection: Any, ticket: Ticket, changed: bool) -> set[date]:
    """The days of the breakdowns that follow ``ticket`` on its equipment (the old and the
    new), if its change can alter their repeat pair: their earlier breakdown may differ."""
    state = inspect(ticket)
    if changed and not (
        any(state.attrs[name].history.has_changes() for name in REPEAT_WATCHED)
        or TicketStatus.CANCELLED
        in (*state.attrs.status.history.added, *state.attrs.status.history.deleted)
    ):
        return set()
    if TicketKind.BREAKDOWN not in _values(state, "kind"):
        return set()
    table = Ticket.__table__.c
    days: set[date] = set()
    for equipment_id in _values(state, "equipment_id") - {None}:
        for moment in _values(state, "created_at") - {None}:
            after = connection.execute(
                select(table.created_at)
                .where(
                    table.equipment_id == equipment_id,
                    table.kind == TicketKind.BREAKDOWN,
                    table.status != TicketStatus.CANCELLED,
                    table.id != ticket.id,
                    or_(
                        table.created_at > moment,
                        and_(table.created_at == moment, table.id > ticket.id),
                    ),
                )
                .order_by(table.created_at, table.id)
                .limit(1)
            ).scalar()
            if (day := _utc_day(after)) is not None:
                days.add(day)
    return days


@event.listens_for(Session, "after_flush")
def _forget_changed_days(session: Session, _context: Any) -> None:
    days: set[date] = set()
    closed_of: set[int] = set()
    connection = session.connection()
    for item in (*session.new, *session.deleted):
        if isinstance(item, Ticket):
            days |= _ticket_days(item, changed=False)
            days |= _next_breakdown_days(connection, item, changed=False)
    for item in session.dirty:
        if isinstance(item, Ticket):
            days |= _ticket_days(item, changed=True)
            days |= _next_breakdown_days(connection, item, changed=True)
        elif isinstance(item, Equipment) and inspect(item).attrs.model_id.history.has_changes():
            session.connection().execute(delete(TrendDay))
            return
    for item in (*session.new, *session.dirty, *session.deleted):
        if isinstance(item, Feedback) or (
            isinstance(item, TicketEvent) and item.kind == TimelineKind.REOPENED
        ):
            closed_of.add(item.ticket_id)
    if closed_of:
        closed = connection.execute(
            select(Ticket.__table__.c.closed_at).where(Ticket.__table__.c.id.in_(closed_of))
        )
        days |= {day for (moment,) in closed if (day := _utc_day(moment)) is not None}
    if days:
        connection.execute(delete(TrendDay).where(TrendDay.day.in_(sorted(days))))
