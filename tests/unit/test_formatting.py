"""Dates, numbers and durations in the reader's locale and the company's zone; SLA due times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from bot.core.i18n import Catalogs, pick_locale
from bot.services.sla import due_times
from storage.models import Contract, Priority
from tests.support.dates import SOFIA


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
    assert catalogs.get("bg").duration(timedelta(hours=3)) == "3 часа"
    assert catalogs.get("ru").date(date(2027, 3, 1)) == "1 мар. 2027\u202fг."


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
