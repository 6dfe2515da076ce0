"""Prometheus metrics (``GET /metrics``): counters bumped where things happen, and gauges read
from the database at scrape time.

A gauge of the database's state is one :func:`probe` line: a name, a help text and a query
returning a number; the scrape runs every probe in one read transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.models import InboxStatus, InboxUpdate, OutboxMessage, OutboxStatus

REGISTRY = CollectorRegistry()

UPDATES = Counter(
    "fieldbot_updates",
    "Updates handled, by kind (message, callback...) and outcome (ok, duplicate, failed).",
    ["kind", "outcome"],
    registry=REGISTRY,
)
HANDLING_SECONDS = Histogram(
    "fieldbot_update_handling_seconds",
    "Time to handle one update, from receipt to commit.",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
OUTBOX_SENT = Counter("fieldbot_outbox_sent", "Outbox messages delivered.", registry=REGISTRY)
OUTBOX_429 = Counter(
    "fieldbot_outbox_429", "Telegram's 429 answers to outbox sends.", registry=REGISTRY
)
OUTBOX_DEAD = Counter(
    "fieldbot_outbox_dead_letters", "Outbox messages that became dead letters.", registry=REGISTRY
)
SCHEDULER_RUNS = Counter(
    "fieldbot_scheduler_runs",
    "Periodic job runs, by job and outcome (ok, failed).",
    ["job", "outcome"],
    registry=REGISTRY,
)

Query = Callable[[AsyncSession, datetime], Awaitable[float | None]]


@dataclass(frozen=True, slots=True)
class Probe:
    gauge: Gauge
    query: Query


PROBES: list[Probe] = []


def probe(name: str, help: str, query: Query) -> None:
    """A gauge set from ``query(session, now)`` at each scrape (None reads as 0)."""
    PROBES.append(Probe(Gauge(name, help, registry=REGISTRY), query))


async def _outbox_backlog(session: AsyncSession, _now: datetime) -> float | None:
    pending = OutboxMessage.status == OutboxStatus.PENDING
    return await session.scalar(select(func.count()).select_from(OutboxMessage).where(pending))


async def _outbox_oldest(session: AsyncSession, now: datetime) -> float | None:
    pending = OutboxMessage.status == OutboxStatus.PENDING
    oldest = await session.scalar(select(func.min(OutboxMessage.created_at)).where(pending))
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


async def _dead_letters(session: AsyncSession, _now: datetime) -> float | None:
    dead = OutboxMessage.status == OutboxStatus.DEAD
    return await session.scalar(select(func.count()).select_from(OutboxMessage).where(dead))


async def _inbox_backlog(session: AsyncSession, _now: datetime) -> float | None:
    waiting = InboxUpdate.status.in_([InboxStatus.PENDING, InboxStatus.CLAIMED])
    return await session.scalar(select(func.count()).select_from(InboxUpdate).where(waiting))


async def _inbox_oldest(session: AsyncSession, now: datetime) -> float | None:
    waiting = InboxUpdate.status.in_([InboxStatus.PENDING, InboxStatus.CLAIMED])
    oldest = await session.scalar(select(func.min(InboxUpdate.received_at)).where(waiting))
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


async def _inbox_dead(session: AsyncSession, _now: datetime) -> float | None:
    dead = InboxUpdate.status == InboxStatus.DEAD
    return await session.scalar(select(func.count()).select_from(InboxUpdate).where(dead))


probe("fieldbot_inbox_backlog", "Updates stored and not yet handled.", _inbox_backlog)
probe("fieldbot_inbox_oldest_seconds", "Age of the oldest update not yet handled.", _inbox_oldest)
probe("fieldbot_inbox_dead", "Updates whose handling kept crashing.", _inbox_dead)
probe("fieldbot_outbox_backlog", "Outbox messages waiting to be sent.", _outbox_backlog)
probe("fieldbot_outbox_oldest_seconds", "Age of the oldest waiting message.", _outbox_oldest)
probe("fieldbot_outbox_dead", "Dead letters waiting for an operator.", _dead_letters)


async def exposition(db: Database) -> bytes:
    """The metrics in Prometheus's text format, gauges read from ``db`` now."""
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for item in PROBES:
            item.gauge.set(float(await item.query(session, now) or 0))
    return generate_latest(REGISTRY)
