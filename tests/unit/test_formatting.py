"""Dates, numbers and durations in the reader's locale and the company's zone; SLA due times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from bot.core.i18n import Catalogs, pick_locale, unbroken
from bot.services.sla import due_times
from storage.models import Contract, Priority
from tests.support.dates import SOFIA
from tests.support.units import NBSP, nb


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ru", "ru"), ("bg-BG", "bg"), ("en_GB", "en"), ("de", "en"), (None, "en")],
)
def test_pick_locale(code: str | None, expected: str) -> None:
    assert pick_locale(code, "en") == expected


def test_datetime_in_company_zone_and_locale() -> None:
    catalogs = Catalogs(SOFIA, "en")
    moment = datetime(2026, 11, 22, 10, 5, tzinfo=UTC)  # 12:05 in Sofia
    assert catalogs.get("ru").datetime(moment) == "22 нояб., 12:05"
    assert catalogs.get("bg").datetime(moment).endswith("12:05")
    assert "12:05" in catalogs.get("en").datetime(moment).replace("\u202f", " ").replace(" PM", "")
    assert catalogs.get("ru").number(12.5) == "12,5"
    assert catalogs.get("bg").duration(timedelta(hours=3)) == nb("3 часа")
    assert catalogs.get("ru").date(date(2027, 3, 1)) == "1 мар. 2027\u202fг."


def test_bulgarian_date_time_with_the_month_and_leading_zero() -> None:
    """CLDR's Bulgarian reads "2.12., 1:31"; people write the month and 01:31."""
    moment = datetime(2026, 12, 1, 23, 31, tzinfo=UTC)  # 01:31 on Dec 2 in Sofia
    catalogs = Catalogs(SOFIA, "en")
    assert catalogs.get("bg").datetime(moment) == "2 декември, 01:31"
    assert catalogs.get("ru").datetime(moment) == "2 дек., 01:31"


def test_today_and_tomorrow_and_another_year() -> None:
    now = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 10:00 in Sofia
    en, ru = Catalogs(SOFIA, "en").get("en"), Catalogs(SOFIA, "en").get("ru")
    tonight = datetime(2026, 12, 2, 21, 50, tzinfo=UTC)  # 23:50 in Sofia
    assert ru.datetime(tonight, now) == "сегодня в 23:50"
    assert en.datetime(tonight, now).replace("\u202f", " ") == "today at 11:50 PM"
    tomorrow = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert ru.datetime(tomorrow, now) == "завтра в 09:00"
    assert (
        ru.datetime(datetime(2027, 1, 11, 10, 0, tzinfo=UTC), now) == "11 янв. 2027\u202fг., 12:00"
    )
    assert ru.datetime(tonight) == "2 дек., 23:50"  # without now: the date, always


def test_a_period_says_its_year_once() -> None:
    catalogs = Catalogs(SOFIA, "en")
    first, last = date(2026, 11, 30), date(2026, 12, 6)
    assert catalogs.get("ru").interval(first, last) == "30 нояб. — 6 дек. 2026\u202fг."
    assert catalogs.get("bg").interval(first, last) == "30 ноември – 6 декември 2026\u202fг."
    assert catalogs.get("en").interval(first, last) == "Nov 30\u2009–\u2009Dec 6, 2026"
    assert catalogs.get("en").interval(first, first) == "Nov 30, 2026"


@pytest.mark.parametrize(
    ("locale", "value", "expected"),
    [
        ("en", timedelta(hours=2, minutes=15), "2 hr 15 min"),
        ("ru", timedelta(hours=2, minutes=15), "2 ч 15 мин"),
        ("bg", timedelta(hours=2, minutes=15), "2 ч и 15 мин"),
        ("en", timedelta(hours=30), "1 day 6 hr"),  # not "1 day"
        ("en", timedelta(seconds=65), "1 min"),  # not "65 seconds"
        ("en", timedelta(days=2), "2 days"),
    ],
)
def test_spans_are_precise_in_two_units(locale: str, value: timedelta, expected: str) -> None:
    assert Catalogs(SOFIA, "en").get(locale).span(value) == nb(expected)


@pytest.mark.parametrize("locale", ["en", "ru", "bg"])
@pytest.mark.parametrize(
    "value", [timedelta(minutes=5), timedelta(hours=2, minutes=15), timedelta(days=3, hours=4)]
)
def test_a_number_never_leaves_its_unit(locale: str, value: timedelta) -> None:
    """Each "number unit" pair is held by a no-break space, and only the pairs may part."""
    t = Catalogs(SOFIA, "en").get(locale)
    for text in (t.span(value), t.duration(value), t.distance(12.46)):
        pairs = [word for word in text.split(" ") if word != "и"]  # Bulgarian's "2 ч и 15 мин"
        assert all(NBSP in pair and "\u202f" not in pair for pair in pairs), (locale, text)


def test_cldr_narrow_no_break_spaces_become_one_no_break_space() -> None:
    assert unbroken(" 3\u202fч ") == "3\xa0ч"
    assert unbroken("12\xa0345,5  \u2009km") == "12\xa0345,5\xa0km"


def test_distances_to_a_tenth_in_the_readers_language() -> None:
    catalogs = Catalogs(SOFIA, "en")
    assert catalogs.get("en").distance(12.46) == "12.5\xa0km"
    assert catalogs.get("ru").distance(1234.5) == "1\xa0234,5\xa0км"


def test_percent_and_phone_as_the_locale_writes_them() -> None:
    catalogs = Catalogs(SOFIA, "en")
    assert catalogs.get("ru").percent(1) == "100\xa0%"
    assert catalogs.get("en").percent(0.667) == "67%"
    assert catalogs.get("bg").phone("359888123456") == "+359 88 812 3456"
    assert catalogs.get("en").phone("+74951234567") == "+7 495 123-45-67"
    assert catalogs.get("en").phone("12") == "+12"  # not a number: as it was


def settings() -> Settings:
    return Settings(_env_file=None, default_response_hours=8, default_resolution_hours=48)  # type: ignore[call-arg]


def test_due_times_default_tier_scaled_by_priority() -> None:
    created = datetime(2026, 11, 22, 9, tzinfo=UTC)
    normal = due_times(created, Priority.NORMAL, None, settings())
    stopped = due_times(created, Priority.PRODUCTION_STOPPED, None, settings())
    assert normal.response - created == timedelta(hours=8)
    assert stopped.response - created == timedelta(hours=2)
    assert stopped.resolution - created == timedelta(hours=12)


def test_due_times_use_a_valid_contract_only() -> None:
    created = datetime(2026, 11, 22, 9, tzinfo=UTC)
    gold = Contract(
        number="C",
        customer_id=1,
        response_hours=2,
        resolution_hours=8,
        valid_until=date(2027, 1, 1),
    )
    assert due_times(created, Priority.NORMAL, gold, settings()).response - created == timedelta(
        hours=2
    )
    gold.valid_until = date(2026, 1, 1)
    assert due_times(created, Priority.NORMAL, gold, settings()).response - created == timedelta(
        hours=8
    )
