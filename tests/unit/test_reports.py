"""Reports on a real database: periods in the company's zone, stats, trends, history, export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import reports
from storage.models import Customer, Person, Role, Ticket, TicketKind
from tests.support.dates import SOFIA
from tests.support.jobs import breakdown
from tests.support.known_month import at, known_month


def test_periods_follow_the_company_calendar() -> None:
    now = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # already 23 Nov, 01:30 in Sofia
    today = reports.period("today", now, SOFIA)
    assert (today.first, today.last) == (date(2026, 11, 23), date(2026, 11, 23))
    assert today.start == datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
    week = reports.period("week", now, SOFIA)
    assert (week.first, week.last) == (date(2026, 11, 23), date(2026, 11, 29))
    month = reports.period("month", datetime(2026, 12, 31, 23, 0, tzinfo=UTC), SOFIA)
    assert (month.first, month.last) == (date(2027, 1, 1), date(2027, 1, 31))
    october = reports.period("month", datetime(2026, 10, 10, tzinfo=UTC), SOFIA)
    # the clocks go back on 25 October: the month is an hour longer than 31 days
    assert october.end - october.start == timedelta(days=31, hours=1)
    with pytest.raises(ValueError):
        reports.period("year", now, SOFIA)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01..2026-11-30", (date(2026, 11, 1), date(2026, 11, 30))),
        ("2026-11-01 2026-11-03", (date(2026, 11, 1), date(2026, 11, 3))),
        ("2026-11-30..2026-11-01", None),
        ("2026-02-30..2026-03-01", None),
        ("2025-01-01..2026-06-01", None),
        ("last week", None),
    ],
)
def test_parse_range(text: str, expected: tuple[date, date] | None) -> None:
    found = reports.parse_range(text, SOFIA)
    assert ((found.first, found.last) if found else None) == expected


async def stats(app: App, name: str) -> reports.Stats:
    now = app.engine.clock.now()
    async with app.db.transaction() as session:
        return await reports.stats(session, reports.period(name, now, SOFIA), now)


async def test_stats_on_a_known_month(seeded: App) -> None:
    await known_month(seeded)
    today = await stats(seeded, "today")
    assert (today.opened, today.closed, today.complaints) == (2, 0, 1)
    assert (today.response_met, today.response_total, today.response_percent) == (1, 2, 50.0)
    assert today.resolution_total == 0 and today.resolution_percent is None
    assert today.average_rating is None

    week = await stats(seeded, "week")
    assert (week.opened, week.closed) == (3, 2)
    assert (week.response_met, week.response_total, week.response_percent) == (2, 3, 66.7)
    assert (week.resolution_met, week.resolution_total) == (1, 2)
    assert week.ratings and sorted(week.ratings) == [2, 5] and week.average_rating == 3.5

    month = await stats(seeded, "month")
    assert (month.opened, month.closed) == (4, 3)
    assert (month.response_met, month.response_total) == (2, 4)
    assert (month.resolution_met, month.resolution_total, month.resolution_percent) == (
        2,
        3,
        66.7,
    )
    assert month.average_rating == 3.67
    assert month.by_kind[TicketKind.BREAKDOWN].opened == 3
    assert month.by_kind[TicketKind.BREAKDOWN].closed == 2
    assert month.by_kind[TicketKind.INSTALLATION].closed == 1


async def test_open_ticket_past_its_resolution_due_counts_as_missed(
    seeded: App, clock: FrozenClock
) -> None:
    ids = await known_month(seeded)
    clock.advance(timedelta(days=3))  # t1 and t2 (opened 22 Nov) are now past 48 hours
    month = await stats(seeded, "month")
    assert (month.resolution_met, month.resolution_total) == (2, 5)
    async with seeded.db.transaction() as session:  # paused for parts: not counted
        ticket = await session.get_one(Ticket, ids["t1"])
        ticket.sla_paused_at = at(23)
    assert (await stats(seeded, "month")).resolution_total == 4


async def test_trends_rank_repeats_and_resolve_times(seeded: App, clock: FrozenClock) -> None:
    now = clock.now()
    first = await breakdown(seeded, "LM-PB-2231", now - timedelta(days=80), hours=4)
    second = await breakdown(seeded, "LM-PB-2231", now - timedelta(days=60), hours=8)
    third = await breakdown(seeded, "LM-PB-2231", now - timedelta(days=5))
    await breakdown(seeded, "CR-42-0117", now - timedelta(days=70), hours=24)
    await breakdown(seeded, "CR-42-0117", now - timedelta(days=20))  # 50 days later: no repeat
    await breakdown(seeded, "DK-35-8812", now - timedelta(days=100))  # too old
    async with seeded.db.transaction() as session:
        found = await reports.trends(session, now)
    assert found.breakdowns == 5
    assert found.models == [("Linea PB", 3), ("42QHC", 2)]
    assert found.customers == [("Acme Coffee Sofia", 3), ("Nord Pharma", 2)]
    [repeat] = found.repeats
    assert repeat.serial == "LM-PB-2231" and repeat.ticket_ids == (first, second)
    assert repeat.shortest_gap == timedelta(days=20)
    assert third not in repeat.ticket_ids
    assert [(t.model, t.mean, t.count) for t in found.resolve_times] == [
        ("42QHC", timedelta(hours=24), 1),
        ("Linea PB", timedelta(hours=6), 2),
    ]


async def test_engineers_and_customer_history(seeded: App) -> None:
    ids = await known_month(seeded)
    async with seeded.db.transaction() as session:
        busy = Person(tg_user_id=1, chat_id=1, role=Role.ENGINEER, name="Zara", locale="en")
        idle = Person(
            tg_user_id=2, chat_id=2, role=Role.ENGINEER, name="Anna", locale="en", on_duty=False
        )
        busy.on_duty = True
        session.add_all([busy, idle])
        await session.flush()
        for name in ("t1", "t3"):  # t3 is closed: not open
            (await session.get_one(Ticket, ids[name])).engineer_id = busy.id
    async with seeded.db.transaction() as session:
        roll = await reports.engineers(session)
        assert [(item.person.name, item.open_jobs) for item in roll] == [("Zara", 1), ("Anna", 0)]
        acme = await session.scalar(select(Customer.id).where(Customer.external_ref == "ACME"))
        assert acme is not None
        history = await reports.customer_history(session, acme, limit=3)
    assert [item.ticket.id for item in history] == [ids["t1"], ids["t2"], ids["t3"]]
    assert [item.rating for item in history] == [None, None, 5]


async def test_export_records_carry_timeline_tests_and_rating(seeded: App) -> None:
    ids = await known_month(seeded)
    async with seeded.db.transaction() as session:
        span = reports.period("week", seeded.engine.clock.now(), SOFIA)
        records = await reports.export_records(session, span)
    assert [record.ticket.id for record in records] == [ids["t3"], ids["t2"], ids["t1"]]
    assert records[0].feedback is not None and records[0].feedback.rating == 5
    assert records[0].customer == "Acme Coffee Sofia"
