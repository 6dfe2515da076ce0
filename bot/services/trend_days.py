"""The figures of /trends, kept per UTC day: per model, per engineer, per customer, and the
repeat pairs of breakdowns.

A 90-day report then reads a few small rows per day instead of every ticket of 90 days: the
complete days from ``trend_*_days`` and the two partial ends of the window (from ``since`` to
the first midnight, from the last midnight to now) live from the tickets. A day is computed
from the tickets exactly as the live query counts; any change that alters its figures forgets
it (storage/trend_marks.py), and a missing day is computed when next read or by the
scheduler's :func:`refresh`, which backfills the window. Computing replaces the day's rows by
upserts and deletes, so two processes computing the same day at once agree.

The top customers are sums of the days' per-customer counts, ranked in SQL once per range of
whole days and kept (``trend_customer_tops``): ranking reads every customer of the window.
A repeat is a breakdown opened at most ``REPEAT_DAYS`` after the one before it on the same
equipment; a day keeps the pairs whose later breakdown it opened, and a period's repeats are
the pairs whose earlier breakdown falls in the period too (as counting within the period's
tickets finds).

The median time to resolve cannot be summed, so each engineer's day keeps its resolve times
one by one (a day holds what one engineer closes in a day: an array on PostgreSQL, JSON on
SQLite); the median of a period is ``percentile_cont`` over the kept times and the partial
ends' on PostgreSQL, taken in Python on SQLite (a small company's database).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    Float,
    and_,
    case,
    cast,
    delete,
    func,
    not_,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.leases import insert_for
from storage.models import (
    Equipment,
    Feedback,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
    TimelineKind,
    TrendCustomerDay,
    TrendCustomerTop,
    TrendDay,
    TrendEngineerDay,
    TrendModelDay,
    TrendRepeatDay,
)
from storage.types import UTCDateTime

DAY = timedelta(days=1)
WINDOW_DAYS = 90  # what /trends looks back over (reports.TREND_DAYS)
REPEAT_DAYS = 30  # a breakdown this soon after the one before on its equipment is a repeat
KEPT_TOP = 10  # the top customers kept per range of days (/trends shows 5)


@dataclass
class ModelFigures:
    breakdowns: int = 0
    resolved: int = 0
    resolve_seconds: float = 0.0


@dataclass
class EngineerTotals:
    closed: int = 0
    first_time: int = 0
    rating_sum: int = 0
    ratings: int = 0
    resolve_seconds: list[float] = field(default_factory=list)


@dataclass
class Figures:
    models: dict[int, ModelFigures] = field(default_factory=lambda: defaultdict(ModelFigures))
    engineers: dict[int, EngineerTotals] = field(
        default_factory=lambda: defaultdict(EngineerTotals)
    )
    # each engineer's median time to resolve, in seconds (:func:`figures` only)
    medians: dict[int, float] = field(default_factory=dict)


class Pair(NamedTuple):
    """A repeat: ``ticket_id`` opened ``created_at``, after ``previous_id`` on the same
    equipment."""

    equipment_id: int
    previous_id: int
    ticket_id: int
    previous_at: datetime
    created_at: datetime


@dataclass
class Breakdowns:
    """The breakdowns of a period: how many, the top customers by number, the repeats."""

    total: int
    customers: list[tuple[int, int]]  # (customer id, breakdowns), most first
    repeats: list[Pair]


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def seconds_between(session: AsyncSession, later: Any, earlier: Any) -> Any:
    """``later - earlier`` in seconds as an SQL expression, on SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


async def live(session: AsyncSession, start: datetime, end: datetime, into: Figures) -> None:
    """Add the figures of ``[start, end)`` counted from the tickets: breakdowns (not
    cancelled) opened then, by model; jobs closed then, by engineer."""
    took = seconds_between(session, Ticket.resolved_at, Ticket.created_at)
    by_model = await session.execute(
        select(Equipment.model_id, func.count(), func.count(Ticket.resolved_at), func.sum(took))
        .select_from(Ticket)
        .join(Equipment, Equipment.id == Ticket.equipment_id)
        .where(
            Ticket.kind == TicketKind.BREAKDOWN,
            Ticket.status != TicketStatus.CANCELLED,
            Ticket.created_at >= start,
            Ticket.created_at < end,
        )
        .group_by(Equipment.model_id)
    )
    for model_id, count, resolved, seconds in by_model:
        found = into.models[model_id]
        found.breakdowns += int(count)
        found.resolved += int(resolved)
        found.resolve_seconds += float(seconds or 0)
    reopened = select(TicketEvent.ticket_id).where(TicketEvent.kind == TimelineKind.REOPENED)
    rows = await session.execute(
        select(
            Ticket.engineer_id,
            case((Ticket.id.in_(reopened), 0), else_=1),
            Feedback.rating,
            took,
        )
        .outerjoin(Feedback, Feedback.ticket_id == Ticket.id)
        .where(
            Ticket.status == TicketStatus.CLOSED,
            Ticket.closed_at >= start,
            Ticket.closed_at < end,
            Ticket.engineer_id.is_not(None),
        )
    )
    for engineer_id, first_time, rating, seconds in rows:
        totals = into.engineers[engineer_id]
        totals.closed += 1
        totals.first_time += int(first_time)
        if rating is not None:
            totals.rating_sum += int(rating)
            totals.ratings += 1
        if seconds is not None:
            totals.resolve_seconds.append(float(seconds))


def _breakdown(*more: Any) -> tuple[Any, ...]:
    """Breakdowns (not cancelled) and ``more``: what /trends counts as breakdowns."""
    return (Ticket.kind == TicketKind.BREAKDOWN, Ticket.status != TicketStatus.CANCELLED, *more)


def _opened(start: datetime, end: datetime) -> Any:
    return and_(Ticket.created_at >= start, Ticket.created_at < end)


def _per_customer(start: datetime, end: datetime) -> Any:
    return (
        select(Ticket.customer_id, func.count().label("breakdowns"))
        .where(*_breakdown(_opened(start, end)))
        .group_by(Ticket.customer_id)
    )


async def live_pairs(session: AsyncSession, start: datetime, end: datetime) -> list[Pair]:
    """The repeat pairs whose later breakdown was opened in ``[start, end)``: ``lag`` over the
    breakdowns of the equipment concerned from ``REPEAT_DAYS`` before ``start``."""
    window = timedelta(days=REPEAT_DAYS)
    concerned = (
        select(Ticket.equipment_id)
        .where(*_breakdown(_opened(start, end), Ticket.equipment_id.is_not(None)))
        .correlate(None)
    )
    order = (Ticket.created_at, Ticket.id)
    timeline = (
        select(
            Ticket.id,
            Ticket.equipment_id,
            Ticket.created_at,
            func.lag(Ticket.id)
            .over(partition_by=Ticket.equipment_id, order_by=order)
            .label("previous_id"),
            func.lag(Ticket.created_at, type_=UTCDateTime())
            .over(partition_by=Ticket.equipment_id, order_by=order)
            .label("previous_at"),
        )
        .where(*_breakdown(_opened(start - window, end)), Ticket.equipment_id.in_(concerned))
        .subquery()
    )
    gap = seconds_between(session, timeline.c.created_at, timeline.c.previous_at)
    rows = await session.execute(
        select(
            timeline.c.equipment_id,
            timeline.c.previous_id,
            timeline.c.id,
            timeline.c.previous_at,
            timeline.c.created_at,
        ).where(
            timeline.c.created_at >= start,
            timeline.c.previous_id.is_not(None),
            gap <= REPEAT_DAYS * 86400 + 1,  # exactly below: the seconds may be a float
        )
    )
    return [Pair(*row) for row in rows if row[4] - row[3] <= window]


async def compute_day(session: AsyncSession, day: date, now: datetime) -> None:
    """Replace ``day``'s rows with its figures counted from the tickets, and mark it done."""
    found = Figures()
    start, end = midnight(day), midnight(day + DAY)
    await live(session, start, end, found)
    models = [{"day": day, "model_id": key, **vars(value)} for key, value in found.models.items()]
    engineers = [
        {"day": day, "engineer_id": key, **vars(value)} for key, value in found.engineers.items()
    ]
    customers = [
        {"day": day, "customer_id": key, "breakdowns": count}
        for key, count in await session.execute(_per_customer(start, end))
    ]
    repeats = [{"day": day, **pair._asdict()} for pair in await live_pairs(session, start, end)]
    for model, rows, keys in (
        (TrendModelDay, models, ("day", "model_id")),
        (TrendEngineerDay, engineers, ("day", "engineer_id")),
        (TrendCustomerDay, customers, ("day", "customer_id")),
        (TrendRepeatDay, repeats, ("day", "ticket_id")),
    ):
        key_column = getattr(model, keys[1])
        await session.execute(
            delete(model).where(
                model.day == day, not_(key_column.in_([row[keys[1]] for row in rows]))
            )
        )
        if rows:
            insert = insert_for(session, model).values(rows)
            updated = {name: insert.excluded[name] for name in rows[0] if name not in keys}
            await session.execute(insert.on_conflict_do_update(index_elements=keys, set_=updated))
    await session.execute(_forget_tops(day))
    insert = insert_for(session, TrendDay).values(day=day, computed_at=now)
    await session.execute(
        insert.on_conflict_do_update(index_elements=["day"], set_={"computed_at": now})
    )


def _forget_tops(day: date) -> Any:
    """Forgets the kept top customers of every range holding ``day``: computing the day (a
    forgotten one is computed before any top is read) may change them."""
    kept = TrendCustomerTop
    return delete(kept).where(kept.first <= day, kept.last >= day)


def complete_days(since: datetime, now: datetime) -> tuple[date, date]:
    """The first and last whole UTC days inside ``[since, now)`` (first > last: none)."""
    first = since.date() if since == midnight(since.date()) else since.date() + DAY
    return first, now.date() - DAY


async def _ensure(session: AsyncSession, first: date, last: date, now: datetime) -> None:
    """Compute the days of ``first..last`` that are not computed (or were forgotten)."""
    done = set(
        await session.scalars(select(TrendDay.day).where(TrendDay.day.between(first, last)))
    )
    day = first
    while day <= last:
        if day not in done:
            await compute_day(session, day, now)
        day += DAY


async def figures(session: AsyncSession, since: datetime, now: datetime) -> Figures:
    """The per-model and per-engineer figures of ``[since, now)``: whole days from the
    aggregate (computing any missing one first), the partial ends live."""
    found = Figures()
    first, last = complete_days(since, now)
    if first > last:
        await live(session, since, now, found)
        return found
    await _ensure(session, first, last, now)
    within = TrendModelDay.day.between(first, last)
    by_model = await session.execute(
        select(
            TrendModelDay.model_id,
            func.sum(TrendModelDay.breakdowns),
            func.sum(TrendModelDay.resolved),
            func.sum(TrendModelDay.resolve_seconds),
        )
        .where(within)
        .group_by(TrendModelDay.model_id)
    )
    for model_id, breakdowns, resolved, seconds in by_model:
        found.models[model_id] = ModelFigures(int(breakdowns), int(resolved), float(seconds))
    kept = TrendEngineerDay
    by_engineer = await session.execute(
        select(
            kept.engineer_id,
            func.sum(kept.closed),
            func.sum(kept.first_time),
            func.sum(kept.rating_sum),
            func.sum(kept.ratings),
        )
        .where(kept.day.between(first, last))
        .group_by(kept.engineer_id)
    )
    for engineer_id, closed, first_time, rating_sum, ratings in by_engineer:
        found.engineers[engineer_id] = EngineerTotals(
            int(closed), int(first_time), int(rating_sum), int(ratings)
        )
    if postgres(session):
        found.medians = await _medians(session, since, now, first, last)
    else:  # a small company's database: the times come into Python
        spans = await session.execute(
            select(kept.engineer_id, kept.resolve_seconds).where(kept.day.between(first, last))
        )
        for engineer_id, kept_times in spans:
            found.engineers[engineer_id].resolve_seconds.extend(kept_times)
    await live(session, since, midnight(first), found)
    await live(session, midnight(last + DAY), now, found)
    if not postgres(session):
        found.medians = {
            key: median(item.resolve_seconds)
            for key, item in found.engineers.items()
            if item.resolve_seconds
        }
    return found


async def _medians(
    session: AsyncSession, since: datetime, now: datetime, first: date, last: date
) -> dict[int, float]:
    """Each engineer's median time to resolve over ``[since, now)`` in one statement: the
    kept times of the whole days and the partial ends' from the tickets, through
    ``percentile_cont``."""
    kept = TrendEngineerDay
    values = func.unnest(kept.resolve_seconds).table_valued("value").render_derived()
    took = seconds_between(session, Ticket.resolved_at, Ticket.created_at)
    ends = or_(
        and_(Ticket.closed_at >= since, Ticket.closed_at < midnight(first)),
        and_(Ticket.closed_at >= midnight(last + DAY), Ticket.closed_at < now),
    )
    every = union_all(
        select(kept.engineer_id.label("engineer_id"), cast(values.c.value, Float).label("took"))
        .select_from(kept)
        .join(values, true())  # a function in FROM sees the row before it (LATERAL)
        .where(kept.day.between(first, last)),
        select(Ticket.engineer_id, cast(took, Float)).where(
            Ticket.status == TicketStatus.CLOSED,
            ends,
            Ticket.engineer_id.is_not(None),
            Ticket.resolved_at.is_not(None),
        ),
    ).subquery()
    # PostgreSQL guesses 10 times per kept row (any set-returning function) and would spend
    # more compiling the query (JIT) than running it; the sort of ~100k times by engineer
    # fits in memory (for this transaction only)
    await session.execute(
        text("SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true)")
    )
    rows = await session.execute(
        select(every.c.engineer_id, func.percentile_cont(0.5).within_group(every.c.took))
        .where(every.c.took.is_not(None))
        .group_by(every.c.engineer_id)
    )
    return {engineer_id: float(middle) for engineer_id, middle in rows}


def median(values: list[float]) -> float:
    ordered, middle = sorted(values), len(values) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


async def _kept_top(session: AsyncSession, first: date, last: date) -> dict[int, int]:
    """The top customers of the whole days ``first..last`` and (under 0) their breakdowns, as
    kept; ranked from the days' rows and kept when missing (replacing: processes agree)."""
    kept = TrendCustomerTop
    within = and_(kept.first == first, kept.last == last)
    found = dict(
        (await session.execute(select(kept.customer_id, kept.breakdowns).where(within))).all()
    )
    if 0 in found:
        return found
    days = TrendCustomerDay
    count = func.sum(days.breakdowns)
    ranked = (
        await session.execute(
            select(days.customer_id, count, func.sum(count).over())
            .where(days.day.between(first, last))
            .group_by(days.customer_id)
            .order_by(count.desc(), days.customer_id)
            .limit(KEPT_TOP)
        )
    ).all()
    found = {0: int(ranked[0][2]) if ranked else 0, **{id_: int(n) for id_, n, _ in ranked}}
    await session.execute(delete(kept).where(within))
    insert = insert_for(session, kept).values(
        [
            {"first": first, "last": last, "customer_id": id_, "breakdowns": n}
            for id_, n in found.items()
        ]
    )
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["first", "last", "customer_id"],
            set_={"breakdowns": insert.excluded.breakdowns},
        )
    )
    return found


async def _top_customers(
    session: AsyncSession, first: date, last: date, ends: list[tuple[datetime, datetime]], top: int
) -> tuple[int, list[tuple[int, int]]]:
    """The number of breakdowns and the ``top`` customers of the whole days and the partial
    ``ends``. A customer without breakdowns in the ends ranks as over the whole days, so only
    the kept top of the whole days and the ends' customers can make the top."""
    if top > KEPT_TOP:
        raise ValueError(f"top {top} > {KEPT_TOP} kept")
    kept = await _kept_top(session, first, last) if first <= last else {0: 0}
    total = kept.pop(0)
    counts = dict(kept)
    # the ends' customers with their sums over the whole days, each by its index (a list of
    # ids as parameters gets a generic plan after five runs that reads every day's rows)
    ended = union_all(*(_per_customer(start, end) for start, end in ends)).subquery()
    days = TrendCustomerDay
    whole = (
        select(func.sum(days.breakdowns))
        .where(days.customer_id == ended.c.customer_id, days.day.between(first, last))
        .scalar_subquery()
    )
    rows = await session.execute(
        select(ended.c.customer_id, func.sum(ended.c.breakdowns), whole).group_by(
            ended.c.customer_id
        )
    )
    for customer_id, n, before in rows:
        counts[customer_id] = int(before or 0) + int(n)
        total += int(n)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return total, [(id_, int(n)) for id_, n in ranked]


async def breakdowns(
    session: AsyncSession, since: datetime, now: datetime, top: int
) -> Breakdowns:
    """The breakdowns of ``[since, now)``: their number and the ``top`` customers, and the
    repeats; the whole days from their rows (computing any missing one first), the partial
    ends from the tickets."""
    first, last = complete_days(since, now)
    if first <= last:
        await _ensure(session, first, last, now)
        ends = [(since, midnight(first)), (midnight(last + DAY), now)]
    else:
        ends = [(since, now)]
    total, customers = await _top_customers(session, first, last, ends, top)
    pairs = [
        Pair(*row)
        for row in await session.execute(
            select(
                TrendRepeatDay.equipment_id,
                TrendRepeatDay.previous_id,
                TrendRepeatDay.ticket_id,
                TrendRepeatDay.previous_at,
                TrendRepeatDay.created_at,
            ).where(TrendRepeatDay.day.between(first, last), TrendRepeatDay.previous_at >= since)
        )
    ]
    for start, end in ends:
        pairs += [
            pair for pair in await live_pairs(session, start, end) if pair.previous_at >= since
        ]
    return Breakdowns(total, customers, pairs)


def postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def refresh(session: AsyncSession, now: datetime, days: int = WINDOW_DAYS) -> None:
    """The scheduler's job: compute every missing day of the last ``days`` (a backfill on the
    first run) and yesterday again, in case a change slipped past the marks."""
    yesterday = now.date() - DAY
    await _ensure(session, now.date() - timedelta(days=days), yesterday, now)
    await compute_day(session, yesterday, now)
    first, last = complete_days(now - timedelta(days=WINDOW_DAYS), now)
    if days >= WINDOW_DAYS:  # ranked here rather than by the next reader
        await _kept_top(session, first, last)
