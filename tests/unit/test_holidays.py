"""Company holidays: imported from CSV or configured, skipped by business-hours SLA clocks
(also inside a pause and across a DST change in Sofia), and where visits may be made."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from pydantic import ValidationError

from bot.app import App
from bot.config import Settings
from bot.services import holidays, sla, visits
from bot.services.business_hours import Calendar, add_business_time, business_time_between
from bot.services.importer import import_csv
from storage.models import Holiday, Priority, Ticket
from tests.support.databases import count
from tests.support.dates import SOFIA, local

CHRISTMAS = frozenset({date(2026, 12, 24), date(2026, 12, 25)})
OFFICE = Calendar(SOFIA, (time(9), time(18)), frozenset(range(5)), CHRISTMAS)
H = timedelta(hours=1)


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, timezone="Europe/Sofia", **values)  # type: ignore[arg-type]


# -- the clocks ---------------------------------------------------------------------------------
def test_business_time_stops_on_holidays() -> None:
    wednesday_5pm = local(2026, 12, 23, 17)
    assert add_business_time(wednesday_5pm, 2, OFFICE) == local(2026, 12, 28, 10)
    assert business_time_between(wednesday_5pm, local(2026, 12, 28, 10), OFFICE) == 2 * H
    around_the_clock = Calendar(SOFIA, holidays=CHRISTMAS)  # 24/7 contracts: holidays count
    assert add_business_time(wednesday_5pm, 24, around_the_clock) == local(2026, 12, 24, 17)


def test_a_holiday_inside_a_pause_is_not_counted() -> None:
    """Waiting for parts from Wednesday 17:00 to Monday 10:00 across Christmas: the pause
    counted is Wednesday's last hour and Monday's first, so the deadline moves by 2 hours."""
    ticket = Ticket(
        response_due=None,
        resolution_due=local(2026, 12, 29, 12),
        sla_paused_at=local(2026, 12, 23, 17),
        sla_paused_seconds=0,
    )
    assert sla.resume(ticket, local(2026, 12, 28, 10), OFFICE) == 2 * H
    assert ticket.resolution_due == local(2026, 12, 29, 14)
    without = Calendar(SOFIA, (time(9), time(18)), frozenset(range(5)))
    ticket.sla_paused_at = local(2026, 12, 23, 17)
    assert sla.resume(ticket, local(2026, 12, 28, 10), without) == 20 * H  # + two 9-hour days


def test_holidays_across_the_autumn_dst_change() -> None:
    """Sofia goes back an hour on Sunday 25 October 2026; with Monday 26 a holiday, two hours
    from Friday 17:00 end at 10:00 on Tuesday, which is 08:00 UTC (not 07:00)."""
    calendar = Calendar(SOFIA, (time(9), time(18)), frozenset(range(5)), {date(2026, 10, 26)})
    due = add_business_time(local(2026, 10, 23, 17), 2, calendar)
    assert due == datetime(2026, 10, 27, 8, 0, tzinfo=UTC)
    assert business_time_between(local(2026, 10, 23, 17), due, calendar) == 2 * H


def test_holidays_across_the_spring_dst_change() -> None:
    """Sofia goes forward on Sunday 28 March 2027; Friday 26 is a holiday: two hours from
    Thursday 17:00 end at 10:00 on Monday, 07:00 UTC."""
    calendar = Calendar(SOFIA, (time(9), time(18)), frozenset(range(5)), {date(2027, 3, 26)})
    due = add_business_time(local(2027, 3, 25, 17), 2, calendar)
    assert due == datetime(2027, 3, 29, 7, 0, tzinfo=UTC)


def test_due_times_and_what_is_left_name_the_holidays() -> None:
    config = settings(default_business_hours=True)
    opened = local(2026, 12, 23, 10)
    due = sla.due_times(opened, Priority.NORMAL, None, config, CHRISTMAS)
    assert due.response == local(2026, 12, 23, 18)  # 8 h the same day
    assert due.resolution == local(2027, 1, 1, 13)  # 48 h: Christmas adds two days
    assert sla.due_times(opened, Priority.NORMAL, None, config).resolution == local(
        2026, 12, 30, 13
    )
    ticket = Ticket(
        priority=Priority.NORMAL,
        created_at=opened,
        response_due=due.response,
        resolution_due=due.resolution,
        equipment=None,
    )
    [response, resolution] = sla.remaining(ticket, opened, config, CHRISTMAS)
    assert response.holidays == ()
    assert resolution.holidays == (date(2026, 12, 24), date(2026, 12, 25))
    assert resolution.left == 48 * H


# -- where visits may be made -------------------------------------------------------------------
def test_visit_problems() -> None:
    now = local(2026, 12, 22, 12)
    assert visits.problem(local(2026, 12, 22, 11), now, OFFICE) is visits.Problem.PAST
    assert visits.problem(local(2026, 12, 24, 10), now, OFFICE) is visits.Problem.HOLIDAY
    assert visits.problem(local(2026, 12, 26, 10), now, OFFICE) is visits.Problem.CLOSED_DAY
    assert visits.problem(local(2026, 12, 23, 19), now, OFFICE) is visits.Problem.HOURS
    assert visits.problem(local(2026, 12, 23, 8, 59), now, OFFICE) is visits.Problem.HOURS
    assert visits.problem(local(2026, 12, 23, 9), now, OFFICE) is None


def test_standard_slots_skip_days_off_holidays_and_the_past() -> None:
    slots = (time(9), time(11), time(14), time(16))
    found = visits.standard_slots(local(2026, 12, 23, 12), OFFICE, slots, days=2)
    assert found == [
        local(2026, 12, 23, 14),
        local(2026, 12, 23, 16),
        *(local(2026, 12, 28, hour) for hour in (9, 11, 14, 16)),
    ]
    until = visits.standard_slots(local(2026, 12, 23, 12), OFFICE, slots, 5, date(2026, 12, 23))
    assert until == [local(2026, 12, 23, 14), local(2026, 12, 23, 16)]


def test_standard_slots_follow_the_wall_clock_across_dst() -> None:
    calendar = Calendar(SOFIA, (time(9), time(18)), frozenset(range(5)))
    friday, monday = visits.standard_slots(local(2026, 10, 23, 8), calendar, (time(9),), 2)
    assert friday.astimezone(UTC).hour == 6  # the summer's 09:00 is 06:00 UTC
    assert monday == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)


def test_reminders_the_last_working_evening_before_and_an_hour_before() -> None:
    evening = time(18)
    visit = local(2026, 12, 28, 10)  # Monday after Christmas: recalled on Wednesday evening
    assert visits.evening_before(visit, OFFICE, evening) == local(2026, 12, 23, 18)
    agreed = local(2026, 12, 20, 12)
    due = visits.reminder_due
    assert due(visit, agreed, local(2026, 12, 23, 17, 59), OFFICE, evening) is None
    assert due(visit, agreed, local(2026, 12, 23, 18), OFFICE, evening) is visits.Reminder.EVENING
    assert (
        due(visit, agreed, local(2026, 12, 28, 8, 59), OFFICE, evening) is visits.Reminder.EVENING
    )
    assert due(visit, agreed, local(2026, 12, 28, 9), OFFICE, evening) is visits.Reminder.HOUR
    assert due(visit, agreed, local(2026, 12, 28, 10), OFFICE, evening) is None
    # agreed after the evening: no evening reminder; agreed in the last hour: none at all
    late = local(2026, 12, 23, 19)
    assert due(visit, late, local(2026, 12, 23, 20), OFFICE, evening) is None
    assert due(visit, late, local(2026, 12, 28, 9, 30), OFFICE, evening) is visits.Reminder.HOUR
    last = local(2026, 12, 28, 9, 10)
    assert due(visit, last, local(2026, 12, 28, 9, 30), OFFICE, evening) is None


# -- configured and imported ------------------------------------------------------------------
def test_holidays_and_visit_slots_from_the_environment() -> None:
    config = settings(holidays="2026-12-24, 2026-12-25", visit_slots="14:00,09:30")
    assert config.holidays == CHRISTMAS
    assert config.visit_slots == (time(9, 30), time(14))
    with pytest.raises(ValidationError, match="FIELDBOT_HOLIDAYS"):
        settings(holidays="24.12.2026")
    with pytest.raises(ValidationError, match="FIELDBOT_VISIT_SLOTS"):
        settings(visit_slots="9am")


async def test_holidays_csv_import_and_the_configured_days(app: App) -> None:
    text = (
        "date,name\n2026-12-24,Christmas Eve\n2026-12-25,Christmas\nsoon,Oops\n"
        "2026-12-24,Бъдни вечер\n"
    )
    async with app.db.transaction() as session:
        report = await import_csv(session, "holidays", text)
    assert report.imported == 3 and [line for line, _ in report.errors] == [4]
    assert await count(app, Holiday) == 2
    config = app.settings.model_copy(update={"holidays": frozenset({date(2027, 1, 1)})})
    async with app.db.transaction() as session:
        assert await holidays.days(session, config) == CHRISTMAS | {date(2027, 1, 1)}
        assert await holidays.name_of(session, date(2026, 12, 24)) == "Бъдни вечер"
        calendar = await holidays.company_calendar(session, config)
    assert not calendar.is_working_day(date(2027, 1, 1))
    async with app.db.transaction() as session:
        report = await import_csv(session, "holidays", "day,name\n2026-12-31,Eve\n")
    assert report.errors == [(1, "missing columns: date")]


def test_reminders_across_the_dst_change() -> None:
    """A Monday visit after Sofia leaves summer time: recalled on Friday at 18:00 summer time
    (15:00 UTC) and at 09:00 winter time on the day (07:00 UTC)."""
    calendar = Calendar(SOFIA, (time(9), time(18)), frozenset(range(5)))
    visit = local(2026, 10, 26, 10)
    assert visit == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    evening = visits.evening_before(visit, calendar, time(18))
    assert evening == datetime(2026, 10, 23, 15, 0, tzinfo=UTC)
    agreed = local(2026, 10, 20, 12)
    hour = datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    assert visits.reminder_due(visit, agreed, hour - H / 60, calendar, time(18)) is (
        visits.Reminder.EVENING
    )
    assert visits.reminder_due(visit, agreed, hour, calendar, time(18)) is visits.Reminder.HOUR
