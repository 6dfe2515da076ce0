"""SLA arithmetic: business hours, weekends, DST in Sofia, pauses across nights, reopen."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.config import Settings
from bot.core.clock import FrozenClock
from bot.services import sla
from bot.services.business_hours import (
    Calendar,
    add_business_time,
    business_time_between,
    from_settings,
)
from storage.models import Contract, Priority, Ticket
from tests.support.dates import SOFIA, local

OFFICE = Calendar(SOFIA, (time(9), time(18)), frozenset(range(5)))
ALWAYS = Calendar(SOFIA)
H = timedelta(hours=1)


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, timezone="Europe/Sofia", **values)  # type: ignore[arg-type]


# -- adding business time ------------------------------------------------------------------------
def test_friday_evening_ticket_continues_on_monday() -> None:
    friday_5pm = local(2026, 11, 20, 17)
    assert add_business_time(friday_5pm, 8, OFFICE) == local(2026, 11, 23, 16)
    assert add_business_time(friday_5pm, 1, OFFICE) == local(2026, 11, 20, 18)


def test_weekend_ticket_starts_on_monday_morning_and_spans_days() -> None:
    saturday = local(2026, 11, 21, 11)
    assert add_business_time(saturday, 2, OFFICE) == local(2026, 11, 23, 11)
    # 48 h = five 9-hour days (45 h) and 3 h of the next Monday
    assert add_business_time(saturday, 48, OFFICE) == local(2026, 11, 30, 12)


def test_night_ticket_waits_for_opening() -> None:
    assert add_business_time(local(2026, 11, 24, 7), 2, OFFICE) == local(2026, 11, 24, 11)
    assert add_business_time(local(2026, 11, 24, 23), 2, OFFICE) == local(2026, 11, 25, 11)


def test_results_are_utc_and_zero_hours_is_now() -> None:
    start = local(2026, 11, 24, 7)
    assert add_business_time(start, 0, OFFICE) == start
    assert add_business_time(start, 2, OFFICE).tzinfo is UTC


def test_around_the_clock_counts_real_hours_over_dst_changes() -> None:
    # 29 March 2026: 03:00 → 04:00, the day has 23 hours; 24 h later the wall clock shows 13:00
    assert add_business_time(local(2026, 3, 28, 12), 24, ALWAYS) == local(2026, 3, 29, 13)
    # 25 October 2026: 04:00 → 03:00, the day has 25 hours
    assert add_business_time(local(2026, 10, 24, 12), 24, ALWAYS) == local(2026, 10, 25, 11)


def test_business_hours_follow_the_wall_clock_across_dst() -> None:
    friday = local(2026, 3, 27, 17)  # EET, UTC+2
    monday = add_business_time(friday, 2, OFFICE)
    assert monday == local(2026, 3, 30, 10)  # EEST, UTC+3
    assert monday == datetime(2026, 3, 30, 7, tzinfo=UTC)
    every_day = Calendar(SOFIA, (time(1), time(5)), frozenset(range(7)))
    # the spring-forward night has 3 working hours, not 4
    assert business_time_between(local(2026, 3, 29, 0), local(2026, 3, 29, 6), every_day) == 3 * H
    assert (
        business_time_between(local(2026, 10, 25, 0), local(2026, 10, 25, 6), every_day) == 5 * H
    )


def test_business_time_between() -> None:
    assert business_time_between(local(2026, 11, 20, 17), local(2026, 11, 23, 10), OFFICE) == 2 * H
    assert business_time_between(local(2026, 11, 21, 9), local(2026, 11, 22, 20), OFFICE) == 0 * H
    assert business_time_between(local(2026, 11, 23, 10), local(2026, 11, 23, 9), OFFICE) == 0 * H
    start = local(2026, 11, 20, 17)
    assert business_time_between(start, start + 30 * H, ALWAYS) == 30 * H


def test_calendar_from_settings() -> None:
    configured = settings(business_hours="08:30-17:00", business_days="mon-fri,sat")
    calendar = from_settings(configured, business_hours=True)
    assert calendar.hours == (time(8, 30), time(17)) and calendar.days == frozenset(range(6))
    assert from_settings(configured, business_hours=False).around_the_clock
    with pytest.raises(ValueError, match="weekday"):
        settings(business_days="mon-frx")
    with pytest.raises(ValueError, match="open before"):
        settings(business_hours="18:00-09:00")


# -- terms and due times -------------------------------------------------------------------------
def contract(**values: object) -> Contract:
    defaults: dict[str, object] = {"number": "C-1", "customer_id": 1, "response_hours": 4}
    defaults |= {"resolution_hours": 16, "business_hours": True}
    return Contract(**(defaults | values))


def test_due_times_follow_the_contract_calendar_and_priority() -> None:
    config = settings()
    friday = local(2026, 11, 20, 17)
    due = sla.due_times(friday, Priority.NORMAL, contract(), config)
    assert due.response == local(2026, 11, 23, 12)  # 1 h Friday + 3 h Monday
    assert due.resolution == local(2026, 11, 24, 15)  # 1 + 9 + 6
    urgent = sla.due_times(friday, Priority.PRODUCTION_STOPPED, contract(), config)
    assert urgent.response == local(2026, 11, 20, 18)  # a quarter of 4 h, at least 1 h
    around = sla.due_times(friday, Priority.NORMAL, contract(business_hours=False), config)
    assert around.response == friday + 4 * H


def test_expired_contract_or_none_gets_the_default_tier() -> None:
    config = settings(default_response_hours=2, default_resolution_hours=10)
    friday = local(2026, 11, 20, 17)
    expired = contract(valid_until=date(2026, 11, 19))
    assert sla.due_times(friday, Priority.NORMAL, expired, config).response == friday + 2 * H
    on_last_day = contract(valid_until=date(2026, 11, 20))
    assert sla.due_times(friday, Priority.NORMAL, on_last_day, config).response == local(
        2026, 11, 23, 12
    )
    office = settings(default_response_hours=2, default_business_hours=True)
    assert sla.due_times(friday, Priority.NORMAL, None, office).response == local(2026, 11, 23, 10)
    undecided = contract(business_hours=None)
    assert sla.terms(Priority.NORMAL, undecided, friday.date(), office).calendar.hours
    assert sla.terms(Priority.NORMAL, undecided, friday.date(), config).calendar.around_the_clock


# -- pauses and reopen on a ticket ---------------------------------------------------------------
def ticket_due(response: datetime | None, resolution: datetime) -> Ticket:
    return Ticket(response_due=response, resolution_due=resolution, sla_paused_seconds=0)


def test_pause_over_a_night_pushes_only_by_working_time() -> None:
    clock = FrozenClock(local(2026, 11, 23, 17))  # Monday
    ticket = ticket_due(None, local(2026, 11, 24, 12))
    ticket.responded_at = local(2026, 11, 23, 10)
    sla.pause(ticket, clock.now())
    clock.advance(17 * H)  # Tuesday 10:00
    assert sla.resume(ticket, clock.now(), OFFICE) == 2 * H
    assert ticket.resolution_due == local(2026, 11, 24, 14)
    assert ticket.response_due is None and ticket.sla_paused_at is None
    assert ticket.sla_paused_seconds == 7200


def test_pause_around_the_clock_pushes_by_elapsed_time_and_adds_up() -> None:
    clock = FrozenClock(local(2026, 11, 23, 17))
    ticket = ticket_due(local(2026, 11, 23, 20), local(2026, 11, 24, 12))
    sla.pause(ticket, clock.now())
    clock.advance(H)
    sla.pause(ticket, clock.now())  # a second pause keeps the first moment
    clock.advance(16 * H)
    assert sla.resume(ticket, clock.now(), ALWAYS) == 17 * H
    assert ticket.response_due == local(2026, 11, 24, 13)  # not responded yet: pushed too
    assert ticket.resolution_due == local(2026, 11, 25, 5)
    sla.pause(ticket, clock.now())
    clock.advance(H)
    sla.resume(ticket, clock.now(), ALWAYS)
    assert ticket.sla_paused_seconds == 18 * 3600


def test_pause_over_a_weekend_and_resume_without_pause() -> None:
    ticket = ticket_due(None, local(2026, 11, 20, 17, 30))  # due Friday 17:30
    ticket.responded_at = local(2026, 11, 20, 9)
    sla.pause(ticket, local(2026, 11, 20, 16))
    sla.resume(ticket, local(2026, 11, 23, 9, 30), OFFICE)  # 2.5 working hours paused
    assert ticket.resolution_due == local(2026, 11, 23, 11)
    assert sla.resume(ticket, local(2026, 11, 23, 12), OFFICE) == timedelta(0)
    assert ticket.resolution_due == local(2026, 11, 23, 11)


def test_reopen_restarts_the_resolution_clock_from_the_reopen_moment() -> None:
    config = settings()
    ticket = ticket_due(local(2026, 11, 16, 12), local(2026, 11, 17, 18))
    ticket.sla_paused_at = local(2026, 11, 20, 15)
    promised = sla.terms(Priority.NORMAL, contract(resolution_hours=8), date(2026, 11, 16), config)
    sla.restart_resolution(ticket, local(2026, 11, 20, 16), promised)
    assert ticket.resolution_due == local(2026, 11, 23, 15)  # 2 h Friday + 6 h Monday
    assert ticket.sla_paused_at is None
    assert ticket.response_due == local(2026, 11, 16, 12)


# -- how close a deadline is ---------------------------------------------------------------------
def test_clock_state_at_risk_after_75_percent_and_breached_at_due() -> None:
    due = local(2026, 11, 23, 17)  # 8 working hours from Monday 09:00
    allowed = 8 * H
    state = sla.clock_state
    assert state(due, allowed, local(2026, 11, 23, 14, 59), OFFICE, 75) is sla.ClockState.ON_TRACK
    assert state(due, allowed, local(2026, 11, 23, 15), OFFICE, 75) is sla.ClockState.AT_RISK
    assert state(due, allowed, due, OFFICE, 75) is sla.ClockState.BREACHED
    # on Sunday the Monday deadline still has all its working time left
    assert state(due, allowed, local(2026, 11, 22, 20), OFFICE, 75) is sla.ClockState.ON_TRACK
