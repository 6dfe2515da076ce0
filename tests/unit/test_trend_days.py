"""The daily figures behind /trends: the same as counting the tickets, kept current when a
ticket or a rating changes, and computed once however many processes refresh at once."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import trend_days
from storage.models import (
    Feedback,
    Person,
    Ticket,
    TicketKind,
    TicketStatus,
    TrendDay,
    TrendEngineerDay,
    TrendModelDay,
    TrendRepeatDay,
)
from tests.flows.test_figures import GEORGI, PETAR, closed_job
from tests.support.jobs import make_job
from tests.support.people import make_engineer


async def known_jobs(app: App, now: datetime) -> dict[str, int]:
    """test_figures' jobs: Petar 2, 4 (reopened) and 9 hours, rated 5 and 4; Georgi 1 and 3
    hours, unrated; one job of Petar's before the window, one open job."""
    await make_engineer(app, PETAR, "Petar", on_duty=True)
    await make_engineer(app, GEORGI, "Georgi", on_duty=True)
    await closed_job(app, PETAR, now - timedelta(days=3), 2, rating=5)
    await closed_job(app, PETAR, now - timedelta(days=20), 4, reopened=True, rating=4)
    await closed_job(app, PETAR, now - timedelta(days=40), 9)
    await closed_job(app, PETAR, now - timedelta(days=120), 1, rating=1)
    georgi_job = await closed_job(app, GEORGI, now - timedelta(days=5), 1)
    await closed_job(app, GEORGI, now - timedelta(days=6), 3)
    await make_job(app, now, engineer_user_id=GEORGI)
    async with app.db.transaction() as session:
        people = await session.execute(select(Person.name, Person.id))
        return {**{name: id_ for name, id_ in people if name}, "georgi_job": georgi_job}


async def both(app: App, now: datetime) -> tuple[trend_days.Figures, trend_days.Figures]:
    """(from the aggregate, counted live) over the trends window ending ``now``."""
    since = now - timedelta(days=trend_days.WINDOW_DAYS)
    async with app.db.transaction() as session:
        kept = await trend_days.figures(session, since, now)
        counted = trend_days.Figures()
        await trend_days.live(session, since, now, counted)
    return kept, counted


def same(kept: trend_days.Figures, counted: trend_days.Figures) -> None:
    assert dict(kept.models) == dict(counted.models)
    assert set(kept.engineers) == set(counted.engineers)
    for key, item in kept.engineers.items():
        other = counted.engineers[key]
        assert (item.closed, item.first_time, item.rating_sum, item.ratings) == (
            other.closed,
            other.first_time,
            other.rating_sum,
            other.ratings,
        )
        assert kept.medians[key] == pytest.approx(trend_days.median(other.resolve_seconds))


async def test_the_aggregate_counts_what_the_tickets_say(seeded: App, clock: FrozenClock) -> None:
    now = clock.now() + timedelta(hours=5)  # mid-day: both ends of the window are partial
    ids = await known_jobs(seeded, clock.now())
    async with seeded.db.transaction() as session:
        await trend_days.refresh(session, now)
        assert await session.scalar(select(func.count()).select_from(TrendEngineerDay)) == 5
        assert await session.scalar(select(func.count()).select_from(TrendModelDay)) > 0
    kept, counted = await both(seeded, now)
    same(kept, counted)
    petar = kept.engineers[ids["Petar"]]
    assert (petar.closed, petar.first_time, petar.rating_sum, petar.ratings) == (3, 2, 9, 2)
    # SQLite counts seconds through julianday(), a float: a few microseconds off
    assert kept.medians[ids["Petar"]] == pytest.approx(4 * 3600, abs=0.01)
    assert kept.medians[ids["Georgi"]] == pytest.approx(2 * 3600, abs=0.01)


async def test_a_late_rating_is_counted_at_once(seeded: App, clock: FrozenClock) -> None:
    now = clock.now()
    ids = await known_jobs(seeded, now)
    async with seeded.db.transaction() as session:
        await trend_days.refresh(session, now)
        ticket = await session.get_one(Ticket, ids["georgi_job"])
        session.add(Feedback(ticket_id=ticket.id, rating=3, created_at=now))
    kept, counted = await both(seeded, now)
    same(kept, counted)
    assert kept.engineers[ids["Georgi"]].ratings == 1
    async with seeded.db.transaction() as session:  # the day was forgotten, then computed
        ticket = await session.get_one(Ticket, ids["georgi_job"])
        assert ticket.closed_at is not None
        assert await session.get(TrendDay, ticket.closed_at.date()) is not None


async def test_concurrent_refreshes_agree(
    seeded: App, processes: Callable[..., list[App]], clock: FrozenClock
) -> None:
    now = clock.now()
    await known_jobs(seeded, now)

    async def refresh(app: App) -> None:
        async with app.db.transaction() as session:
            await trend_days.refresh(session, now)

    await asyncio.gather(*(refresh(app) for app in processes(3)))
    await refresh(seeded)  # once more: replaces, does not add
    kept, counted = await both(seeded, now)
    same(kept, counted)
    async with seeded.db.transaction() as session:
        days = await session.scalar(select(func.count()).select_from(TrendDay))
        assert days == trend_days.WINDOW_DAYS  # each of the 90 days before today, once


async def counted_breakdowns(
    app: App, since: datetime, now: datetime
) -> tuple[dict[int, int], set[tuple[int, int]]]:
    """Straight from the tickets, in Python: breakdowns per customer in ``[since, now)``, and
    the repeats, each breakdown with the one before it on its equipment in that time when at
    most ``REPEAT_DAYS`` apart."""
    async with app.db.transaction() as session:
        rows = (
            await session.execute(
                select(Ticket.id, Ticket.customer_id, Ticket.equipment_id, Ticket.created_at)
                .where(
                    Ticket.kind == TicketKind.BREAKDOWN,
                    Ticket.status != TicketStatus.CANCELLED,
                    Ticket.created_at >= since,
                    Ticket.created_at < now,
                )
                .order_by(Ticket.created_at, Ticket.id)
            )
        ).all()
    customers: dict[int, int] = defaultdict(int)
    last: dict[int, tuple[int, datetime]] = {}
    pairs = set()
    for id_, customer_id, equipment_id, created_at in rows:
        customers[customer_id] += 1
        if equipment_id is None:
            continue
        before = last.get(equipment_id)
        if before and created_at - before[1] <= timedelta(days=trend_days.REPEAT_DAYS):
            pairs.add((before[0], id_))
        last[equipment_id] = (id_, created_at)
    return dict(customers), pairs


async def same_breakdowns(app: App, now: datetime) -> trend_days.Breakdowns:
    """The kept breakdowns of the window ending ``now`` equal those counted from the tickets."""
    since = now - timedelta(days=trend_days.WINDOW_DAYS)
    async with app.db.transaction() as session:
        kept = await trend_days.breakdowns(session, since, now, top=len(SERIALS) + 5)
    customers, pairs = await counted_breakdowns(app, since, now)
    assert dict(kept.customers) == customers
    assert kept.total == sum(customers.values())
    assert {(pair.previous_id, pair.ticket_id) for pair in kept.repeats} == pairs
    return kept


SERIALS = ("LM-PB-2231", "DK-35-8812", "CR-42-0117")


async def test_customers_and_repeats_are_what_the_tickets_say(
    seeded: App, clock: FrozenClock
) -> None:
    """Repeats across the window's start (the earlier one outside: none), across day ends and
    into today's partial day; then a cancel, a move to other equipment and a new breakdown
    between two kept ones change pairs on days the aggregate already holds."""
    now = clock.now() + timedelta(hours=5)
    made: dict[object, int] = {}
    for serial, days_ago in (
        ("LM-PB-2231", 95),  # before the window
        ("LM-PB-2231", 70),  # 25 days after, but its earlier one is outside: not a repeat
        ("LM-PB-2231", 50),
        ("LM-PB-2231", 10),  # 40 days after: not a repeat
        ("DK-35-8812", 40),
        ("DK-35-8812", 33),
        ("CR-42-0117", 20),
        ("CR-42-0117", 19),
    ):
        made[serial, days_ago] = await make_job(seeded, now - timedelta(days=days_ago), serial)
    made["today"] = await make_job(seeded, now - timedelta(hours=2))  # 10 days after
    await make_job(seeded, now - timedelta(days=30), None)  # no equipment: counted, no pair
    await make_job(seeded, now - timedelta(days=3), "CR-42-0117", kind=TicketKind.MAINTENANCE)
    await make_job(seeded, now - timedelta(days=18), "CR-42-0117", status=TicketStatus.CANCELLED)
    async with seeded.db.transaction() as session:
        await trend_days.refresh(session, now)
        # kept: 95→70 (left out when read: its earlier one is before the window), 70→50,
        # 40→33, 20→19; 10→today is today's, counted live
        assert await session.scalar(select(func.count()).select_from(TrendRepeatDay)) == 4
    kept = await same_breakdowns(seeded, now)
    assert len(kept.repeats) == 4
    async with seeded.db.transaction() as session:
        ticket = await session.get_one(Ticket, made["LM-PB-2231", 50])
        ticket.status = TicketStatus.CANCELLED  # 70 → 10: 60 days, no longer a pair
        moved = await session.get_one(Ticket, made["DK-35-8812", 40])
        moved.equipment_id = await session.scalar(
            select(Ticket.equipment_id).where(Ticket.id == made["CR-42-0117", 20])
        )
    kept = await same_breakdowns(seeded, now)
    assert len(kept.repeats) == 3  # 20→19 days ago on the Carrier, 40→20 and 10→today
    await make_job(seeded, now - timedelta(days=35), "LM-PB-2231")  # between 70 and 10 days ago
    kept = await same_breakdowns(seeded, now)
    assert len(kept.repeats) == 4
