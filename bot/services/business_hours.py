"""Time that counts for an SLA: the company's working hours, or every hour (24/7).

A business-hours calendar counts only the working windows (e.g. 09:00–18:00, Monday to Friday)
in the company's time zone, so a ticket opened on Friday evening starts its clock on Monday
morning. Windows are built from local wall-clock times and then turned into UTC instants, so
a daylight-saving change moves them with the clock on the wall; a 24/7 calendar counts real
elapsed time, so the night the clocks go forward has 23 hours, not 24. Company holidays
(``Calendar.holidays``) have no working window: a business-hours clock stands still on them.

All functions take and return aware datetimes; results are in UTC.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.config import Settings

ALL_DAYS = frozenset(range(7))
ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class Calendar:
    """Working ``hours`` on ``days`` (Monday is 0) in ``tz``, except ``holidays``; no
    ``hours`` means 24/7 (holidays included)."""

    tz: tzinfo
    hours: tuple[time, time] | None = None
    days: frozenset[int] = ALL_DAYS
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if self.hours is not None and (not self.days or self.hours[0] >= self.hours[1]):
            raise ValueError("a business calendar needs working days and opening < closing")

    @property
    def around_the_clock(self) -> bool:
        return self.hours is None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in self.holidays


def local_instant(day: date, at: time, tz: tzinfo) -> datetime:
    """``day`` at wall-clock ``at`` in ``tz`` (the company's zone), as a UTC instant."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def from_settings(
    settings: Settings, business_hours: bool, holidays: frozenset[date] = frozenset()
) -> Calendar:
    """The company's working-hours calendar without its ``holidays``, or 24/7 in its time
    zone (``bot.services.holidays.days`` gives the holidays)."""
    if not business_hours:
        return Calendar(settings.tz)
    return Calendar(settings.tz, settings.business_hours, settings.business_days, holidays)


def windows(
    start: datetime, calendar: Calendar, step: int = 1
) -> Iterator[tuple[datetime, datetime]]:
    """Working windows as UTC (open, close) pairs, from the local day of ``start`` on (with
    ``step=-1``, from that day backwards)."""
    assert calendar.hours is not None
    opens, closes = calendar.hours
    day = start.astimezone(calendar.tz).date()
    while True:
        if calendar.is_working_day(day):
            yield (
                local_instant(day, opens, calendar.tz),
                local_instant(day, closes, calendar.tz),
            )
        day += timedelta(days=step)


def windows_before(end: datetime, calendar: Calendar) -> Iterator[tuple[datetime, datetime]]:
    """Working windows as UTC (open, close) pairs, from the local day of ``end`` backwards."""
    return windows(end, calendar, step=-1)


def add_business_time(start: datetime, hours: float | timedelta, calendar: Calendar) -> datetime:
    """The instant when ``hours`` of counted time have passed since ``start``."""
    remaining = hours if isinstance(hours, timedelta) else timedelta(hours=hours)
    start = start.astimezone(UTC)
    if calendar.around_the_clock or remaining <= ZERO:
        return start + remaining
    for opens, closes in windows(start, calendar):
        if closes <= start:
            continue
        begin = max(opens, start)
        available = closes - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: windows() never ends")


def business_time_between(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Counted time from ``start`` to ``end`` (zero when ``end`` is not after ``start``)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return ZERO
    if calendar.around_the_clock:
        return end - start
    total = ZERO
    for opens, closes in windows(start, calendar):
        if opens >= end:
            break
        total += max(ZERO, min(closes, end) - max(opens, start))
    return total


def earliest_with_left(end: datetime, left: timedelta, calendar: Calendar) -> datetime:
    """The earliest instant from which at most ``left`` counted time remains until ``end``:
    the inverse of :func:`business_time_between` that tells when a deadline becomes at risk
    (outside working hours the time left stands still, so that is the close of a window)."""
    end = end.astimezone(UTC)
    remaining = max(left, ZERO)
    if calendar.around_the_clock:
        return end - remaining
    for opens, closes in windows_before(end, calendar):
        close = min(closes, end)
        if close <= opens:
            continue
        if remaining < close - opens:
            return close - remaining
        remaining -= close - opens
    raise AssertionError("unreachable: windows_before() never ends")
