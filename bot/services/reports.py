"""Figures for managers: period stats, trends, the engineers' roll call, a customer's history
and the records behind an export.

Everything over a period is counted in SQL through an index on the time it is about, so a
report costs what the period holds rather than what the table does. Only the median time to
resolve on SQLite (which has no median) and the few repeated breakdowns come into Python.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import jobs, tickets
from bot.services import trend_days as daily
from bot.services.business_hours import local_instant
from storage.models import (
    OPEN_STATUSES,
    ChecklistCheck,
    Complaint,
    Customer,
    Equipment,
    EquipmentModel,
    Feedback,
    Person,
    TestResult,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
)

PERIODS = ("today", "week", "month")
TREND_DAYS = daily.WINDOW_DAYS
REPEAT_DAYS = daily.REPEAT_DAYS
TOP = 5
_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:\.\.|—|–|-{1,2}|\s)\s*(\d{4}-\d{2}-\d{2})\s*$")
MAX_RANGE_DAYS = 366


# -- periods --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """``[start, end)`` in UTC, from local days ``first``..``last`` (inclusive)."""

    name: str  # today | week | month | range
    first: date
    last: date
    start: datetime
    end: datetime


def days(first: date, last: date, tz: ZoneInfo, name: str = "range") -> Period:
    return Period(
        name,
        first,
        last,
        local_instant(first, time(), tz),
        local_instant(last + timedelta(days=1), time(), tz),
    )


def period(name: str, now: datetime, tz: ZoneInfo) -> Period:
    """This calendar day, week (from Monday) or month, in the company's time zone."""
    today = now.astimezone(tz).date()
    if name == "today":
        return days(today, today, tz, name)
    if name == "week":
        monday = today - timedelta(days=today.weekday())
        return days(monday, monday + timedelta(days=6), tz, name)
    if name == "month":
        first = today.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return days(first, following - timedelta(days=1), tz, name)
    raise ValueError(f"unknown period {name!r}")


def parse_range(text: str, tz: ZoneInfo) -> Period | None:
    """``2026-11-01..2026-11-30`` → that range; None when malformed, reversed or over a year."""
    match = _RANGE.match(text)
    if match is None:
        return None
    try:
        first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
    except ValueError:
        return None
    if last < first or (last - first).days >= MAX_RANGE_DAYS:
        return None
    return days(first, last, tz)


# -- /stats ---------------------------------------------------------------------------------------
@dataclass
class KindFigures:
    opened: int = 0
    closed: int = 0


@dataclass
class Stats:
    opened: int = 0
    closed: int = 0
    response_met: int = 0
    response_total: int = 0
    resolution_met: int = 0
    resolution_total: int = 0
    ratings: list[int] = field(default_factory=list)
    complaints: int = 0
    by_kind: dict[TicketKind, KindFigures] = field(default_factory=dict)

    @staticmethod
    def _percent(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_percent(self) -> float | None:
        return self._percent(self.response_met, self.response_total)

    @property
    def resolution_percent(self) -> float | None:
        return self._percent(self.resolution_met, self.resolution_total)

    @property
    def average_rating(self) -> float | None:
        return round(mean(self.ratings), 2) if self.ratings else None


def _in(column: Any, span: Period) -> Any:
    return and_(column >= span.start, column < span.end)


async def stats(session: AsyncSession, span: Period, now: datetime) -> Stats:
    """Opened and closed tickets, SLA compliance, ratings and complaints in ``span``.

    Counted in SQL, each figure through the index on the time it is about (created, closed,
    resolved, due), so a month costs what the month holds, not what the table does. Response:
    of the tickets opened in the period (not cancelled, with a deadline), met when responded
    by the deadline, missed when responded late or not at all by a deadline now past.
    Resolution: resolved in the period (met or not), or still open past a due time that fell
    in the period with the clock running (missed).
    """
    figures = Stats()
    live = Ticket.status != TicketStatus.CANCELLED
    responded_in_time = and_(
        Ticket.responded_at.is_not(None), Ticket.responded_at <= Ticket.response_due
    )
    decided = and_(
        Ticket.response_due.is_not(None),
        live,
        or_(Ticket.responded_at.is_not(None), Ticket.response_due <= now),
    )
    opened = await session.execute(
        select(
            Ticket.kind,
            func.count(),
            func.count(case((decided, 1))),
            func.count(case((and_(decided, responded_in_time), 1))),
        )
        .where(_in(Ticket.created_at, span))
        .group_by(Ticket.kind)
    )
    for kind, count, decided_count, met in opened:
        figures.by_kind.setdefault(kind, KindFigures()).opened = int(count)
        figures.opened += int(count)
        figures.response_total += int(decided_count)
        figures.response_met += int(met)
    closed = await session.execute(
        select(Ticket.kind, func.count()).where(_in(Ticket.closed_at, span)).group_by(Ticket.kind)
    )
    for kind, count in closed:
        figures.by_kind.setdefault(kind, KindFigures()).closed = int(count)
        figures.closed += int(count)
    resolved = (
        await session.execute(
            select(
                func.count(), func.count(case((Ticket.resolved_at <= Ticket.resolution_due, 1)))
            ).where(_in(Ticket.resolved_at, span), Ticket.resolution_due.is_not(None), live)
        )
    ).one()
    missed = await session.scalar(
        select(func.count()).where(
            Ticket.resolution_due >= span.start,
            Ticket.resolution_due < min(span.end, now),
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.sla_paused_at.is_(None),
            or_(Ticket.resolved_at.is_(None), not_(_in(Ticket.resolved_at, span))),
        )
    )
    figures.resolution_total = int(resolved[0]) + int(missed or 0)
    figures.resolution_met = int(resolved[1])
    figures.by_kind = {
        kind: values for kind, values in figures.by_kind.items() if values.opened or values.closed
    }
    ratings = await session.scalars(
        select(Feedback.rating).where(
            Feedback.rating.is_not(None),
            Feedback.created_at >= span.start,
            Feedback.created_at < span.end,
        )
    )
    figures.ratings = [int(rating) for rating in ratings if rating is not None]
    figures.complaints = int(
        await session.scalar(
            select(func.count(Complaint.id)).where(
                Complaint.created_at >= span.start, Complaint.created_at < span.end
            )
        )
        or 0
    )
    return figures


# -- /trends --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Repeat:
    """The same equipment broke down again within ``REPEAT_DAYS`` of the previous breakdown."""

    serial: str
    model: str
    customer: str
    ticket_ids: tuple[int, ...]
    shortest_gap: timedelta


@dataclass(frozen=True)
class ResolveTime:
    model: str
    mean: timedelta
    count: int


@dataclass(frozen=True)
class EngineerFigures:
    """An engineer's jobs closed in the period: how many, the median time from registering to
    resolving, how many were fixed the first time (never reopened) and their ratings."""

    person_id: int
    name: str
    closed: int
    median_resolve: timedelta | None
    first_time_fixed: int
    average_rating: float | None
    ratings: int

    @property
    def first_time_fix_percent(self) -> float:
        return round(100 * self.first_time_fixed / self.closed, 1) if self.closed else 0.0


@dataclass
class Trends:
    since: datetime
    breakdowns: int
    models: list[tuple[str, int]]
    customers: list[tuple[str, int]]
    repeats: list[Repeat]
    resolve_times: list[ResolveTime]
    engineers: list[EngineerFigures] = field(default_factory=list)


async def engineer_figures(
    session: AsyncSession, start: datetime, end: datetime
) -> list[EngineerFigures]:
    """Per engineer, the jobs of any kind closed in ``[start, end)``; most jobs first (from
    the daily figures of :mod:`bot.services.trend_days`)."""
    return await _engineer_list(session, await daily.figures(session, start, end))


async def _names(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    rows = await session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {person_id: name for person_id, name in rows}


async def _engineer_list(session: AsyncSession, figures: daily.Figures) -> list[EngineerFigures]:
    totals = figures.engineers
    names = await _names(session, list(totals))
    found = []
    for person_id, item in totals.items():
        if person_id not in names:
            continue
        middle = figures.medians.get(person_id)
        found.append(
            EngineerFigures(
                person_id,
                names[person_id],
                item.closed,
                timedelta(seconds=round(middle)) if middle is not None else None,
                item.first_time,
                round(item.rating_sum / item.ratings, 2) if item.ratings else None,
                item.ratings,
            )
        )
    return sorted(found, key=lambda item: (-item.closed, item.name.casefold(), item.person_id))


async def _repeats(session: AsyncSession, pairs: list[daily.Pair]) -> list[Repeat]:
    """The repeat pairs grouped by equipment, most breakdowns first, with their equipment's
    serial, model and customer."""
    involved: dict[int, set[int]] = defaultdict(set)
    shortest: dict[int, timedelta] = {}
    for equipment_id, earlier, later, earlier_at, later_at in pairs:
        involved[equipment_id] |= {earlier, later}
        gap = later_at - earlier_at
        shortest[equipment_id] = min(gap, shortest.get(equipment_id, gap))
    if not involved:
        return []
    described = await session.execute(
        select(Equipment.id, Equipment.serial, EquipmentModel.name, Customer.name)
        .join(EquipmentModel, EquipmentModel.id == Equipment.model_id)
        .join(Customer, Customer.id == Equipment.customer_id)
        .where(Equipment.id.in_(list(involved)))
    )
    found = [
        Repeat(serial, model, customer, tuple(sorted(involved[id_])), shortest[id_])
        for id_, serial, model, customer in described
    ]
    return sorted(found, key=lambda repeat: (-len(repeat.ticket_ids), repeat.shortest_gap))


async def trends(
    session: AsyncSession,
    now: datetime,
    trend_days: int = TREND_DAYS,
    top: int = TOP,
) -> Trends:
    """Breakdowns of the last ``trend_days``: by model and customer, repeats, time to resolve;
    and each engineer's jobs closed in that time (:func:`engineer_figures`). Read from the
    daily rows of :mod:`bot.services.trend_days`; only the top few come back."""
    since = now - timedelta(days=trend_days)
    found = await daily.figures(session, since, now)
    per_model = await _by_model_name(session, found.models)
    opened = await daily.breakdowns(session, since, now, top)
    # the top customers' names only
    names = dict(
        (
            await session.execute(
                select(Customer.id, Customer.name).where(
                    Customer.id.in_([id_ for id_, _ in opened.customers])
                )
            )
        ).all()
    )
    customers = sorted(
        ((names[id_], n) for id_, n in opened.customers if id_ in names),
        key=lambda item: (-item[1], item[0]),
    )
    models = sorted(
        ((name, item.breakdowns) for name, item in per_model.items() if item.breakdowns),
        key=lambda m: (-m[1], m[0]),
    )
    resolve_times = sorted(
        (
            (item.resolve_seconds / item.resolved, name, item.resolved)
            for name, item in per_model.items()
            if item.resolved
        ),
        key=lambda item: (-item[0], item[1]),
    )
    return Trends(
        since,
        opened.total,
        models[:top],
        customers,
        await _repeats(session, opened.repeats),
        [
            ResolveTime(model, timedelta(seconds=round(mean_seconds)), resolved)
            for mean_seconds, model, resolved in resolve_times[:top]
        ],
        await _engineer_list(session, found),
    )


async def _by_model_name(
    session: AsyncSession, figures: dict[int, daily.ModelFigures]
) -> dict[str, daily.ModelFigures]:
    """The per-model figures under the models' names."""
    rows = await session.execute(
        select(EquipmentModel.id, EquipmentModel.name).where(EquipmentModel.id.in_(list(figures)))
    )
    named: dict[str, daily.ModelFigures] = defaultdict(daily.ModelFigures)
    for model_id, name in rows:
        item, into = figures[model_id], named[name]
        into.breakdowns += item.breakdowns
        into.resolved += item.resolved
        into.resolve_seconds += item.resolve_seconds
    return named


async def repeat_of(
    session: AsyncSession, ticket: Ticket, repeat_days: int = REPEAT_DAYS
) -> tuple[int, datetime] | None:
    """A breakdown's repeat: the latest other ticket on the same equipment opened within
    ``repeat_days`` before it (not cancelled), as its number and when it was opened."""
    if ticket.kind is not TicketKind.BREAKDOWN or ticket.equipment_id is None:
        return None
    row = (
        await session.execute(
            select(Ticket.id, Ticket.created_at)
            .where(
                Ticket.equipment_id == ticket.equipment_id,
                Ticket.id != ticket.id,
                Ticket.status != TicketStatus.CANCELLED,
                Ticket.created_at >= ticket.created_at - timedelta(days=repeat_days),
                Ticket.created_at <= ticket.created_at,
            )
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


# -- /engineers -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class EngineerStatus:
    person: Person
    open_jobs: int


async def engineers(session: AsyncSession) -> list[EngineerStatus]:
    """Every engineer with their open jobs; on duty first, then by name."""
    people, counts = await jobs.engineers_and_loads(session)
    people.sort(key=lambda person: (not person.on_duty, person.name.casefold(), person.id))
    return [EngineerStatus(person, int(counts.get(person.id, 0))) for person in people]


# -- a customer's history (for complaints) --------------------------------------------------------
@dataclass(frozen=True)
class HistoryItem:
    ticket: Ticket
    rating: int | None


async def customer_history(
    session: AsyncSession, customer_id: int, limit: int = 5
) -> list[HistoryItem]:
    """The customer's latest tickets, newest first, with their ratings."""
    rows = await session.execute(
        select(Ticket, Feedback.rating)
        .outerjoin(Feedback, Feedback.ticket_id == Ticket.id)
        .where(Ticket.customer_id == customer_id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return [HistoryItem(ticket, rating) for ticket, rating in rows.unique()]


# -- /export --------------------------------------------------------------------------------------
@dataclass
class TicketRecord:
    """A ticket with everything an export shows about it."""

    ticket: Ticket
    customer: str
    events: list[tuple[TicketEvent, str]]  # with the actor's name
    tests: list[tuple[TestResult, ChecklistCheck]]
    feedback: Feedback | None


async def export_records(session: AsyncSession, span: Period) -> list[TicketRecord]:
    """Tickets opened in ``span`` (oldest first) with their timeline, test results and rating."""
    rows = await session.execute(
        select(Ticket, Customer.name)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(Ticket.created_at >= span.start, Ticket.created_at < span.end)
        .order_by(Ticket.created_at, Ticket.id)
        .options(*tickets.CARD)
    )
    records = {
        ticket.id: TicketRecord(ticket, name, [], [], None) for ticket, name in rows.unique()
    }
    if not records:
        return []
    ids = list(records)
    events = await session.execute(
        select(TicketEvent, Person.name)
        .outerjoin(Person, Person.id == TicketEvent.actor_id)
        .where(TicketEvent.ticket_id.in_(ids))
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    for event, actor in events:
        records[event.ticket_id].events.append((event, actor or ""))
    tests = await session.execute(
        select(TestResult, ChecklistCheck)
        .join(ChecklistCheck, ChecklistCheck.id == TestResult.check_id)
        .where(TestResult.ticket_id.in_(ids))
        .order_by(TestResult.measured_at, TestResult.id)
    )
    for result, check in tests:
        records[result.ticket_id].tests.append((result, check))
    for feedback in await session.scalars(select(Feedback).where(Feedback.ticket_id.in_(ids))):
        records[feedback.ticket_id].feedback = feedback
    return list(records.values())
