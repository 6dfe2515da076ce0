"""The managers' daily digest: yesterday's figures and an 8-week chart of opened/closed jobs.

Days and weeks (Monday to Sunday) are the company's, in its time zone. The digest for a day is
due once the local clock passes ``FIELDBOT_DIGEST_TIME`` on the following day and is recorded
in ``alerts_sent`` (kind ``digest``, subject the day) so it goes out once whatever runs it; a
day with nothing opened, resolved, closed or rated gets none.
The chart is drawn with matplotlib's Agg canvas on a private figure (no pyplot state), so it
may be drawn in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services.business_hours import local_instant
from bot.services.escalations import record
from storage.models import OPEN_STATUSES, Feedback, Ticket, TicketStatus

WEEKS = 8
DIGEST_KIND = "digest"


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: date
    opened: int
    closed: int
    resolved: int  # resolved that day with a resolution deadline
    resolved_in_time: int
    average_rating: float | None
    ratings: int
    open_now: int
    resolved_any: int = 0  # resolved that day, with a deadline or without
    feedback: int = 0  # ratings and comments left that day

    @property
    def idle(self) -> bool:
        """Nothing happened that day: no ticket opened, resolved or closed, no feedback (the
        digest is not sent for such a day)."""
        return not (self.opened or self.closed or self.resolved_any or self.feedback)

    @property
    def sla_met_percent(self) -> float | None:
        """Share of the day's resolutions made before their deadline; None if none."""
        return None if not self.resolved else 100 * self.resolved_in_time / self.resolved


@dataclass(frozen=True, slots=True)
class WeekCounts:
    monday: date
    opened: int
    closed: int


def day_bounds(day: date, settings: Settings) -> tuple[datetime, datetime]:
    """The local ``day`` as a half-open UTC range."""
    start = local_instant(day, time(), settings.tz)
    return start, local_instant(day + timedelta(days=1), time(), settings.tz)


def day_to_report(now: datetime, settings: Settings) -> date | None:
    """Yesterday, once today's digest time has passed locally; None before that."""
    local = now.astimezone(settings.tz)
    if local.time() < settings.digest_time:
        return None
    return local.date() - timedelta(days=1)


async def claim(session: AsyncSession, day: date, now: datetime) -> bool:
    """Mark the digest of ``day`` as sent; False when it was already."""
    return await record(session, DIGEST_KIND, day.isoformat(), now)


async def _count(session: AsyncSession, *conditions: ColumnElement[bool]) -> int:
    return int(await session.scalar(select(func.count(Ticket.id)).where(*conditions)) or 0)


async def day_figures(session: AsyncSession, day: date, settings: Settings) -> DayFigures:
    start, end = day_bounds(day, settings)
    resolved = await session.execute(
        select(Ticket.resolved_at, Ticket.resolution_due).where(
            Ticket.resolved_at >= start,
            Ticket.resolved_at < end,
            Ticket.resolution_due.is_not(None),
        )
    )
    outcomes = [resolved_at <= due for resolved_at, due in resolved if resolved_at and due]
    rating_count, rating_average, feedback = (
        await session.execute(
            select(
                func.count(Feedback.rating), func.avg(Feedback.rating), func.count(Feedback.id)
            ).where(Feedback.created_at >= start, Feedback.created_at < end)
        )
    ).one()
    return DayFigures(
        day=day,
        opened=await _count(session, Ticket.created_at >= start, Ticket.created_at < end),
        closed=await _count(
            session,
            Ticket.status == TicketStatus.CLOSED,
            Ticket.closed_at >= start,
            Ticket.closed_at < end,
        ),
        resolved=len(outcomes),
        resolved_in_time=sum(outcomes),
        average_rating=float(rating_average) if rating_count else None,
        ratings=int(rating_count or 0),
        open_now=await _count(session, Ticket.status.in_(OPEN_STATUSES)),
        resolved_any=await _count(session, Ticket.resolved_at >= start, Ticket.resolved_at < end),
        feedback=int(feedback or 0),
    )


async def weekly_counts(
    session: AsyncSession, last_day: date, settings: Settings, weeks: int = WEEKS
) -> list[WeekCounts]:
    """Opened and closed jobs per local week, the last of them containing ``last_day``."""
    first_monday = last_day - timedelta(days=last_day.weekday() + 7 * (weeks - 1))
    mondays = [first_monday + timedelta(weeks=n) for n in range(weeks)]
    start, _ = day_bounds(first_monday, settings)
    _, end = day_bounds(last_day, settings)

    def week_of(moment: datetime) -> int:
        return (moment.astimezone(settings.tz).date() - first_monday).days // 7

    opened = [0] * weeks
    closed = [0] * weeks
    for (created_at,) in await session.execute(
        select(Ticket.created_at).where(Ticket.created_at >= start, Ticket.created_at < end)
    ):
        opened[week_of(created_at)] += 1
    for (closed_at,) in await session.execute(
        select(Ticket.closed_at).where(
            Ticket.status == TicketStatus.CLOSED,
            Ticket.closed_at >= start,
            Ticket.closed_at < end,
        )
    ):
        if closed_at is not None:
            closed[week_of(closed_at)] += 1
    return [WeekCounts(monday, opened[n], closed[n]) for n, monday in enumerate(mondays)]


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The chart's words in the reader's language, and one label per week."""

    title: str
    opened: str
    closed: str
    weeks: Sequence[str]


def chart_png(weeks: Sequence[WeekCounts], labels: ChartLabels) -> bytes:
    """Opened vs closed per week as side-by-side bars, as PNG bytes; the count axis has whole
    numbers only (no "0.5 jobs" on a quiet week)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(weeks))
    width = 0.38
    axes.bar(
        [p - width / 2 for p in positions],
        [week.opened for week in weeks],
        width,
        label=labels.opened,
        color="#d9534f",
    )
    axes.bar(
        [p + width / 2 for p in positions],
        [week.closed for week in weeks],
        width,
        label=labels.closed,
        color="#5cb85c",
    )
    axes.set_xticks(list(positions), list(labels.weeks))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(labels.title)
    axes.legend()
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
