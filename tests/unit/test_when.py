"""Visit times as people type them, in English, Russian and Bulgarian, in the company's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.services.when import parse

SOFIA = ZoneInfo("Europe/Sofia")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)  # Thursday 3 December, 12:00 in Sofia


def local(text: str, locale: str = "en", now: datetime = NOW) -> str | None:
    moment = parse(text, now, SOFIA, locale)
    return None if moment is None else moment.astimezone(SOFIA).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("tomorrow 14:00", "en", "Fri 2026-12-04 14:00"),
        ("Tomorrow at 2 pm", "en", "Fri 2026-12-04 14:00"),
        ("today 16:30", "en", "Thu 2026-12-03 16:30"),
        ("day after tomorrow at 9:30", "en", "Sat 2026-12-05 09:30"),
        ("monday 10:00", "en", "Mon 2026-12-07 10:00"),
        ("12/28 10:00", "en", "Mon 2026-12-28 10:00"),  # cannot be day first: month first
        ("завтра 14:00", "ru", "Fri 2026-12-04 14:00"),
        ("завтра в 9 часов", "ru", "Fri 2026-12-04 09:00"),
        ("послезавтра 11:00", "ru", "Sat 2026-12-05 11:00"),
        ("в понедельник 10:00", "ru", "Mon 2026-12-07 10:00"),
        ("сегодня в 17:15", "ru", "Thu 2026-12-03 17:15"),
        ("утре 9:30", "bg", "Fri 2026-12-04 09:30"),
        ("утре в 9 ч", "bg", "Fri 2026-12-04 09:00"),
        ("вдругиден 11:00", "bg", "Sat 2026-12-05 11:00"),
        ("понеделник 10:00", "bg", "Mon 2026-12-07 10:00"),
        ("днес 16:00", "bg", "Thu 2026-12-03 16:00"),
        ("12.12 10:00", "bg", "Sat 2026-12-12 10:00"),
        ("12/12 10:00", "ru", "Sat 2026-12-12 10:00"),
        ("12.12.2026 в 10:00", "ru", "Sat 2026-12-12 10:00"),
        ("10:00 12.12", "en", "Sat 2026-12-12 10:00"),
        ("2026-12-14 09:00", "en", "Mon 2026-12-14 09:00"),
        ("2.1 10:00", "bg", "Sat 2027-01-02 10:00"),  # January has passed this year: next
        ("14:00", "en", "Thu 2026-12-03 14:00"),  # still ahead today
        ("11:00", "ru", "Fri 2026-12-04 11:00"),  # passed today: tomorrow
    ],
)
def test_typed_times(text: str, locale: str, expected: str) -> None:
    assert local(text, locale) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",  # no time of day
        "завтра утром",
        "next week 10:00",  # a word it does not know
        "31.02 10:00",  # no such day
        "25:00",
        "tomorrow 10:00 11:00",  # two times
        "12.12 13.12 10:00",  # two days
        "завтра послезавтра 10:00",
        "tuesday 7.12 10:00",  # 7 December is a Monday
    ],
)
def test_what_is_not_a_time(text: str) -> None:
    assert local(text) is None


def test_a_weekday_and_its_date_agree() -> None:
    assert local("monday 7.12 10:00") == "Mon 2026-12-07 10:00"


def test_a_time_across_the_change_to_winter_time() -> None:
    """Sofia leaves summer time on Sunday 25 October 2026: 10:00 on Monday is 08:00 UTC."""
    saturday = datetime(2026, 10, 24, 9, 0, tzinfo=UTC)
    moment = parse("в понедельник 10:00", saturday, SOFIA, "ru")
    assert moment == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    friday = parse("friday 10:00", saturday, SOFIA)
    assert friday == datetime(2026, 10, 30, 8, 0, tzinfo=UTC)
    assert parse("23.10 10:00", saturday, SOFIA) == datetime(2027, 10, 23, 7, 0, tzinfo=UTC)
