"""A visit time as people type it: "завтра 14:00", "утре 9:30", "tomorrow 2 pm", "12.12 10:00",
"12/12 10:00", "2026-12-12 10:00", "в понедельник 10:00", or just "14:00".

Written here rather than taken from PyPI: ``dateparser`` understands far more (and all three
languages) but pulls in ``regex`` and large locale tables, is slow to import, and guesses at
anything ("next week" becomes some day), where a visit needs an exact day and time or a clear
"I did not understand". This reads one day and one time of day and nothing else; a word it
does not know makes it give up.

Words of every supported language are understood whatever the person's language (nobody
writes "утре" by mistake); dates are day first (``12/11`` is the 12th of November), except
that in English a month-first date that cannot be day-first (``11/28``) is read month first.
A day without a year is the next such day (this year or the next); a bare time is today if it
is still ahead, else tomorrow. The result is the wall-clock time in the company's zone, as a
UTC instant.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

RELATIVE = {
    "today": 0,
    "сегодня": 0,
    "днес": 0,
    "tomorrow": 1,
    "завтра": 1,
    "утре": 1,
    "послезавтра": 2,
    "вдругиден": 2,
}
# Beginnings of weekday names (Monday is 0) in English, Russian and Bulgarian.
WEEKDAYS = (
    ("mon", "понед"),
    ("tue", "вторн"),
    ("wed", "сред", "сряд"),
    ("thu", "четв"),
    ("fri", "пятн", "пет"),
    ("sat", "суб", "съб"),
    ("sun", "воскр", "нед"),
)
# Words that say nothing about the time: "at 14:00", "в 14:00", "on Monday", "в 9 часа".
FILLERS = frozenset(
    {
        "at",
        "on",
        "the",
        "of",
        "в",
        "во",
        "на",
        "к",
        "около",
        "г",
        "год",
        "година",
        "час",
        "часа",
        "часов",
        "ч",
        "h",
        "o'clock",
        "oclock",
    }
)
TIME = re.compile(r"(?<![\d.:/-])(\d{1,2}):(\d{2})(?:\s*(am|pm))?(?![\d:])", re.IGNORECASE)
HOUR_ONLY = re.compile(
    r"(?<![\d.:/-])(\d{1,2})\s*(am|pm|h|ч(?:ас(?:а|ов)?|\.)?)(?![\w])", re.IGNORECASE
)
ISO_DATE = re.compile(r"(?<![\d.])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")
DATE = re.compile(r"(?<![\d.:/])(\d{1,2})([./])(\d{1,2})(?:\2(\d{2}|\d{4}))?\.?(?![\d:])")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def parse(text: str, now: datetime, tz: tzinfo, locale: str = "en") -> datetime | None:
    """The moment ``text`` names, seen at ``now``, in ``tz``; None unless it names exactly
    one time of day (and at most one day)."""
    rest = f" {text.strip().lower()} ".replace("day after tomorrow", "послезавтра")
    at, rest = _time_of_day(rest)
    if at is None:
        return None
    today = now.astimezone(tz).date()
    written, rest = _day(rest, today, locale)
    if written is False:
        return None
    day = written if isinstance(written, date) else None
    words = WORD.findall(rest)
    weekday = None
    for word in words:
        if word in RELATIVE:
            if day is not None:
                return None
            day = today + timedelta(days=RELATIVE[word])
            continue
        found = _weekday(word)
        if found is not None:
            if weekday is not None:
                return None
            weekday = found
            continue
        if word not in FILLERS:
            return None
    if re.sub(r"[\s,.;!]", "", WORD.sub("", rest)):
        return None  # digits or signs left over that are neither the day nor the time
    if weekday is not None:
        if day is not None:
            return None if day.weekday() != weekday else _at(day, at, tz)
        day = today + timedelta(days=(weekday - today.weekday()) % 7)
        if _at(day, at, tz) <= now:
            day += timedelta(days=7)
    if day is None:
        day = today if _at(today, at, tz) > now else today + timedelta(days=1)
    return _at(day, at, tz)


def _at(day: date, at: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def _time_of_day(text: str) -> tuple[time | None, str]:
    matches = list(TIME.finditer(text))
    if len(matches) == 1:
        match = matches[0]
        hour, minute = int(match[1]), int(match[2])
        return _clock(hour, minute, match[3]), text[: match.start()] + " " + text[match.end() :]
    if matches:
        return None, text
    hours = list(HOUR_ONLY.finditer(text))
    if len(hours) != 1:
        return None, text
    match = hours[0]
    suffix = match[2].lower()
    meridiem = suffix if suffix in ("am", "pm") else None
    return _clock(int(match[1]), 0, meridiem), text[: match.start()] + " " + text[match.end() :]


def _clock(hour: int, minute: int, meridiem: str | None) -> time | None:
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _day(text: str, today: date, locale: str) -> tuple[date | bool | None, str]:
    """The written date, if any; False for one that is no date (31.02) or for two dates."""
    found: list[tuple[date | None, re.Match[str]]] = []
    for match in ISO_DATE.finditer(text):
        found.append((_date(int(match[1]), int(match[2]), int(match[3])), match))
    if not found:
        for match in DATE.finditer(text):
            first, second, year = int(match[1]), int(match[3]), match[4]
            day = _day_month(first, second, year, today)
            if day is None and locale == "en" and match[2] == "/":
                day = _day_month(second, first, year, today)
            found.append((day, match))
    if not found:
        return None, text
    if len(found) > 1 or found[0][0] is None:
        return False, text
    day, match = found[0]
    return day, text[: match.start()] + " " + text[match.end() :]


def _day_month(day: int, month: int, year: str | None, today: date) -> date | None:
    if year is not None:
        full = int(year) + (2000 if len(year) == 2 else 0)
        return _date(full, month, day)
    this_year = _date(today.year, month, day)
    if this_year is not None and this_year >= today:
        return this_year
    return _date(today.year + 1, month, day)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _weekday(word: str) -> int | None:
    for number, stems in enumerate(WEEKDAYS):
        if any(word.startswith(stem) for stem in stems):
            return number
    return None
