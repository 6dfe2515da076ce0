"""SLA due times for a new ticket.

The contract's tier (or the configured default tier) gives response and resolution hours for
a normal request; urgent requests get half, production-stopped a quarter (never under an hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.config import Settings
from storage.models import Contract, Priority

PRIORITY_FACTOR = {
    Priority.NORMAL: 1.0,
    Priority.URGENT: 0.5,
    Priority.PRODUCTION_STOPPED: 0.25,
}


@dataclass(frozen=True)
class DueTimes:
    response: datetime
    resolution: datetime


def _scaled(hours: int, priority: Priority) -> timedelta:
    return timedelta(hours=max(1.0, hours * PRIORITY_FACTOR[priority]))


def due_times(
    created: datetime, priority: Priority, contract: Contract | None, settings: Settings
) -> DueTimes:
    active = contract is not None and (
        contract.valid_until is None or contract.valid_until >= created.date()
    )
    response_hours = contract.response_hours if active and contract else None
    resolution_hours = contract.resolution_hours if active and contract else None
    return DueTimes(
        response=created + _scaled(response_hours or settings.default_response_hours, priority),
        resolution=created
        + _scaled(resolution_hours or settings.default_resolution_hours, priority),
    )
