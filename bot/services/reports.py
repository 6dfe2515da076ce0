"""Figures for managers: period stats, trends, the engineers' roll call, a customer's history
and the records behind an export.

The period's tickets are loaded and counted in Python rather than aggregated in SQL, so SQLite
and PostgreSQL give identical answers (a small company's month is a few hundred rows). The
figures per engineer are aggregated in SQL; only their median takes the resolve times (two
timestamps a job) into Python, as SQLite has no median.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from statistics import mean
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import jobs
from bot.services.business_hours import local_instant
from storage.models import (
    ChecklistCheck,
    Complaint,
    Customer,
    Feedback,
    Person,
    TestResult,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
    TimelineKind,
)

PERIODS = ("today", "week", "month")
TREND_DAYS = 90
REPEAT_DAYS = 30
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


def _within(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


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


def _response_outcome(ticket: Ticket, now: datetime) -> bool | None:
    """Met (True), missed (False) or not decided yet (None) for the response deadline."""
    if ticket.response_due is None or ticket.status is TicketStatus.CANCELLED:
        return None
    if ticket.responded_at is not None:
        return ticket.responded_at <= ticket.response_due
    return False if ticket.response_due <= now else None


def _resolution_outcome(ticket: Ticket, span: Period, now: datetime) -> bool | None:
    """Resolved in the period: on time or not; still open past a due time that fell in the
    period (and not paused for parts): missed."""
    due = ticket.resolution_due
    if due is None or ticket.status is TicketStatus.CANCELLED:
        return None
    if _within(ticket.resolved_at, span.start, span.end):
        assert ticket.resolved_at is not None
        return ticket.resolved_at <= due
    if ticket.is_open and ticket.sla_paused_at is None and span.start <= due < min(span.end, now):
        return False
    return None


async def stats(session: AsyncSession, span: Period, now: datetime) -> Stats:
    """Opened and closed tickets, SLA compliance, ratings and complaints in ``span``."""
    rows = await session.scalars(
        select(Ticket).where(
            or_(
                Ticket.created_at.between(span.start, span.end),
                Ticket.closed_at.between(span.start, span.end),
                Ticket.resolved_at.between(span.start, span.end),
                Ticket.resolution_due.between(span.start, span.end),
            )
        )
    )
    figures = Stats()
    for ticket in rows.unique():
        kind = figures.by_kind.setdefault(ticket.kind, KindFigures())
        if _within(ticket.created_at, span.start, span.end):
            figures.opened += 1
            kind.opened += 1
            response = _response_outcome(ticket, now)
            if response is not None:
                figures.response_total += 1
                figures.response_met += response
        if _within(ticket.closed_at, span.start, span.end):
            figures.closed += 1
            kind.closed += 1
        resolution = _resolution_outcome(ticket, span, now)
        if resolution is not None:
            figures.resolution_total += 1
            figures.resolution_met += resolution
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


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered, middle = sorted(values), len(values) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


async def engineer_figures(
    session: AsyncSession, start: datetime, end: datetime
) -> list[EngineerFigures]:
    """Per engineer, the jobs of any kind closed in ``[start, end)``; most jobs first."""
    reopened = (
        select(TicketEvent.id)
        .where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == TimelineKind.REOPENED)
        .exists()
    )
    closed = (
        Ticket.status == TicketStatus.CLOSED,
        Ticket.closed_at >= start,
        Ticket.closed_at < end,
        Ticket.engineer_id.is_not(None),
    )
    rows = await session.execute(
        select(
            Person.id,
            Person.name,
            func.count(Ticket.id),
            func.sum(case((reopened, 0), else_=1)),
            func.avg(Feedback.rating),
            func.count(Feedback.rating),
        )
        .select_from(Ticket)
        .join(Person, Person.id == Ticket.engineer_id)
        .outerjoin(Feedback, Feedback.ticket_id == Ticket.id)
        .where(*closed)
        .group_by(Person.id, Person.name)
    )
    spans: dict[int, list[timedelta]] = defaultdict(list)
    for engineer_id, created_at, resolved_at in await session.execute(
        select(Ticket.engineer_id, Ticket.created_at, Ticket.resolved_at).where(
            *closed, Ticket.resolved_at.is_not(None)
        )
    ):
        if engineer_id is not None and resolved_at is not None:
            spans[engineer_id].append(resolved_at - created_at)
    found = [
        EngineerFigures(
            person_id,
            name,
            int(count),
            _median(spans[person_id]),
            int(first_time or 0),
            round(float(rating), 2) if ratings else None,
            int(ratings),
        )
        for person_id, name, count, first_time, rating, ratings in rows
    ]
    return sorted(found, key=lambda item: (-item.closed, item.name.casefold(), item.person_id))


def _repeats(tickets: Iterable[Ticket], names: dict[int, str], repeat_days: int) -> list[Repeat]:
    by_equipment: dict[int, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        if ticket.equipment_id is not None:
            by_equipment[ticket.equipment_id].append(ticket)
    found = []
    window = timedelta(days=repeat_days)
    for group in by_equipment.values():
        group.sort(key=lambda ticket: (ticket.created_at, ticket.id))
        gaps = [
            (earlier, later, later.created_at - earlier.created_at)
            for earlier, later in pairwise(group)
            if later.created_at - earlier.created_at <= window
        ]
        if not gaps:
            continue
        involved = sorted({ticket.id for pair in gaps for ticket in pair[:2]})
        item = group[0].equipment
        assert item is not None
        found.append(
            Repeat(
                item.serial,
                item.model.name,
                names.get(group[0].customer_id, ""),
                tuple(involved),
                min(gap for *_, gap in gaps),
            )
        )
    return sorted(found, key=lambda repeat: (-len(repeat.ticket_ids), repeat.shortest_gap))


async def trends(
    session: AsyncSession,
    now: datetime,
    trend_days: int = TREND_DAYS,
    repeat_days: int = REPEAT_DAYS,
    top: int = TOP,
) -> Trends:
    """Breakdowns of the last ``trend_days``: by model and customer, repeats, time to resolve;
    and each engineer's jobs closed in that time (:func:`engineer_figures`)."""
    since = now - timedelta(days=trend_days)
    rows = await session.execute(
        select(Ticket, Customer.name)
        .join(Customer, Customer.id == Ticket.customer_id)
        .where(
            Ticket.kind == TicketKind.BREAKDOWN,
            Ticket.status != TicketStatus.CANCELLED,
            Ticket.created_at >= since,
        )
    )
    tickets, names = [], {}
    for ticket, name in rows.unique():
        tickets.append(ticket)
        names[ticket.customer_id] = name
    models = Counter(t.equipment.model.name for t in tickets if t.equipment is not None)
    customers = Counter(names[t.customer_id] for t in tickets)
    durations: dict[str, list[timedelta]] = defaultdict(list)
    for ticket in tickets:
        if ticket.equipment is not None and ticket.resolved_at is not None:
            durations[ticket.equipment.model.name].append(ticket.resolved_at - ticket.created_at)
    resolve_times = [
        ResolveTime(model, sum(spans, timedelta()) / len(spans), len(spans))
        for model, spans in durations.items()
    ]
    resolve_times.sort(key=lambda item: (-item.mean, item.model))

    def ranked(counter: Counter[str]) -> list[tuple[str, int]]:
        return sorted(counter.items(), key=lambda pair: (-pair[1], pair[0]))[:top]

    return Trends(
        since,
        len(tickets),
        ranked(models),
        ranked(customers),
        _repeats(tickets, names, repeat_days),
        resolve_times[:top],
        await engineer_figures(session, since, now),
    )


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
