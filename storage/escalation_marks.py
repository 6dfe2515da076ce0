"""Keeps ``tickets.escalation_check_at`` honest: any change to what escalation depends on
asks the next escalation pass to look at the ticket again (bot/services/escalations.py then
works out the next moment precisely). Done in flush events, so no code path that changes a
ticket, its equipment's contract, a contract or the holidays can forget it. The bulk
``UPDATE`` statements that take a job (bot/services/jobs.py, assignments.py) leave it alone:
they only ever take escalations away, and a check that finds nothing is merely rescheduled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from storage.models import OPEN_STATUSES, Contract, Equipment, Holiday, Ticket, TicketStatus

# Before any "now": the next pass, whatever its clock, looks at the ticket.
CHECK_NOW = datetime(2000, 1, 1, tzinfo=UTC)
# The ticket columns an escalation is decided from.
WATCHED = (
    "kind",
    "status",
    "priority",
    "engineer_id",
    "equipment_id",
    "created_at",
    "response_due",
    "resolution_due",
    "responded_at",
    "resolved_at",
    "sla_paused_at",
)


def mark(ticket: Ticket) -> None:
    """Open and running: check at the next pass; otherwise nothing can escalate."""
    status = TicketStatus.NEW if ticket.status is None else ticket.status  # before defaults
    running = status in OPEN_STATUSES and ticket.sla_paused_at is None
    ticket.escalation_check_at = CHECK_NOW if running else None


def recheck_open() -> Any:
    """An UPDATE asking the next pass to look at every open ticket (the calendar or the
    terms changed under them)."""
    return (
        update(Ticket)
        .where(Ticket.status.in_(OPEN_STATUSES), Ticket.sla_paused_at.is_(None))
        .values(escalation_check_at=CHECK_NOW)
        .execution_options(synchronize_session=False)
    )


@event.listens_for(Ticket, "before_insert")
def _inserted(_mapper: Any, _connection: Any, ticket: Ticket) -> None:
    if ticket.escalation_check_at is None:
        mark(ticket)


@event.listens_for(Ticket, "before_update")
def _updated(_mapper: Any, _connection: Any, ticket: Ticket) -> None:
    state = inspect(ticket)
    if state.attrs.escalation_check_at.history.has_changes():
        return
    if any(state.attrs[name].history.has_changes() for name in WATCHED):
        mark(ticket)


@event.listens_for(Session, "after_flush")
def _terms_changed(session: Session, _context: Any) -> None:
    """A contract or holiday changed: every open ticket's clock may count differently; an
    equipment moved to another contract: its tickets' terms."""
    changed = [*session.new, *session.dirty, *session.deleted]
    if any(isinstance(item, Contract | Holiday) for item in changed):
        session.connection().execute(recheck_open())
        return
    moved = [
        item.id
        for item in changed
        if isinstance(item, Equipment)
        and item.id is not None
        and inspect(item).attrs.contract_id.history.has_changes()
    ]
    if moved:
        session.connection().execute(recheck_open().where(Ticket.equipment_id.in_(moved)))
