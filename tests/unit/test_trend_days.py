"""The daily figures behind /trends: the same as counting the tickets, kept current when a
ticket or a rating changes, and computed once however many processes refresh at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import trend_days
from storage.models import Feedback, Person, Ticket, TrendDay, TrendEngineerDay, TrendModelDay
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
