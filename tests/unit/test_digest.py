"""The daily digest: figures of a known day (in Sofia's calendar), the weekly chart, once."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot.app import App
from bot.config import Settings
from bot.core.clock import FrozenClock
from bot.services import digest
from handlers.notices.digest import send_digest
from storage.models import Customer, Feedback, Ticket, TicketStatus
from tests.support.dates import local
from tests.support.outbox import outbox
from tests.support.people import MANAGER_CHAT
from tests.support.seed import seed_app

pytestmark = pytest.mark.manager_chat
DAY = date(2026, 11, 21)  # the day before the clock fixture's Sunday


async def known_day(app: App) -> None:
    await seed_app(app)
    async with app.db.transaction() as session:
        customer = await session.scalar(select(Customer.id).limit(1))
        assert customer is not None

        def ticket(
            created: datetime, status: TicketStatus = TicketStatus.NEW, **kw: object
        ) -> Ticket:
            row = Ticket(customer_id=customer, created_at=created, status=status, **kw)
            session.add(row)
            return row

        done = ticket(  # opened, resolved in time and closed that day
            local(2026, 11, 21, 10),
            TicketStatus.CLOSED,
            resolution_due=local(2026, 11, 21, 18),
            resolved_at=local(2026, 11, 21, 12),
            closed_at=local(2026, 11, 21, 13),
        )
        ticket(local(2026, 11, 21, 23, 30))  # late evening: still the 21st in Sofia
        ticket(local(2026, 11, 21, 0, 30))  # the 20th in UTC, the 21st in Sofia
        ticket(local(2026, 11, 22, 0, 10))  # the 21st in UTC, the 22nd in Sofia
        late = ticket(  # opened the day before, resolved late on the day
            local(2026, 11, 20, 9),
            TicketStatus.RESOLVED,
            resolution_due=local(2026, 11, 20, 20),
            resolved_at=local(2026, 11, 21, 9),
        )
        old = ticket(  # seven weeks earlier
            local(2026, 10, 1, 12), TicketStatus.CLOSED, closed_at=local(2026, 10, 2, 12)
        )
        await session.flush()
        session.add_all(
            [
                Feedback(ticket_id=late.id, rating=2, created_at=local(2026, 11, 21, 10)),
                Feedback(ticket_id=old.id, rating=5, created_at=local(2026, 11, 21, 14)),
                Feedback(ticket_id=done.id, rating=4, created_at=local(2026, 11, 22, 9)),
            ]
        )


async def test_day_figures(app: App) -> None:
    await known_day(app)
    async with app.db.transaction() as session:
        figures = await digest.day_figures(session, DAY, app.settings)
    assert (figures.opened, figures.closed, figures.open_now) == (3, 1, 3)
    assert (figures.resolved, figures.resolved_in_time, figures.sla_met_percent) == (2, 1, 50.0)
    assert figures.ratings == 2 and figures.average_rating == pytest.approx(3.5)


async def test_weekly_counts_cover_eight_local_weeks(app: App) -> None:
    await known_day(app)
    async with app.db.transaction() as session:
        weeks = await digest.weekly_counts(session, DAY, app.settings)
    assert [week.monday for week in weeks] == [
        date(2026, 9, 28) + timedelta(weeks=n) for n in range(8)
    ]
    assert [(week.opened, week.closed) for week in weeks] == [(1, 1)] + [(0, 0)] * 6 + [(4, 1)]


def test_chart_is_a_png_of_sensible_size() -> None:
    weeks = [digest.WeekCounts(date(2026, 9, 28) + timedelta(weeks=n), n, 8 - n) for n in range(8)]
    labels = digest.ChartLabels("Jobs", "Opened", "Closed", [f"w{n}" for n in range(8)])
    png = digest.chart_png(weeks, labels)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and 5_000 < len(png) < 500_000
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.format == "PNG" and image.size == (800, 400)


def test_digest_is_for_yesterday_once_the_digest_time_passed(settings: Settings) -> None:
    assert digest.day_to_report(local(2026, 11, 22, 7, 59), settings) is None
    assert digest.day_to_report(local(2026, 11, 22, 8, 0), settings) == DAY
    assert digest.day_to_report(local(2026, 11, 22, 23, 0), settings) == DAY


async def test_digest_is_sent_once_with_chart_and_caption(app: App, clock: FrozenClock) -> None:
    await known_day(app)

    async def run(now: datetime) -> int:
        async with app.db.transaction() as session:
            return await send_digest(session, now, app.settings, app.catalogs)

    assert await run(local(2026, 11, 22, 7, 50)) == 0
    assert await run(clock.now()) == 1  # Sunday 11:00 in Sofia
    assert await run(clock.now() + timedelta(hours=5)) == 0
    assert await run(datetime(2026, 11, 23, 6, 1, tzinfo=UTC)) == 1  # Monday 08:01: Sunday's
    sent = await outbox(app)
    first = sent[0]
    assert [row.kind for row in sent] == ["digest", "digest"]
    assert first.chat_id == MANAGER_CHAT and first.document_name == "digest-2026-11-21.png"
    assert first.document is not None and first.document.startswith(b"\x89PNG")
    assert first.text.splitlines() == [
        "📊 Daily digest for Nov 21, 2026",
        "Opened: 3",
        "Closed: 1",
        "SLA met: 50% (1 of 2 resolved in time)",
        "Average rating: 3.5 (2 ratings)",
        "Open now: 3",
    ]
    assert len(first.text) < 1024
