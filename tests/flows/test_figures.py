"""Figures for managers: /trends per engineer on known jobs, the repeat-breakdown flag on the
new-ticket alert, and the daily digest (none for an idle day; the chart as a photo)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from handlers.notices.digest import send_digest
from storage.models import AlertSent, Feedback, Ticket, TicketEvent, TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.dates import local
from tests.support.jobs import breakdown, make_job
from tests.support.outbox import alerts, outbox
from tests.support.people import MANAGERS, make_engineer
from tests.support.steps import report
from tests.support.units import nb

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)
PETAR, GEORGI = 701, 702


async def closed_job(
    app: App,
    engineer: int,
    opened: datetime,
    hours: float,
    *,
    rating: int | None = None,
    reopened: bool = False,
) -> int:
    """A job of ``engineer`` resolved ``hours`` after ``opened`` and closed an hour later."""
    job = await make_job(
        app,
        opened,
        status=TicketStatus.CLOSED,
        engineer_user_id=engineer,
        resolved_at=opened + timedelta(hours=hours),
    )
    async with app.db.transaction() as session:
        ticket = await session.get_one(Ticket, job)
        ticket.closed_at = opened + timedelta(hours=hours + 1)
        if rating is not None:
            session.add(Feedback(ticket_id=job, rating=rating, created_at=ticket.closed_at))
        if reopened:
            session.add(
                TicketEvent(
                    ticket_id=job,
                    at=opened + timedelta(hours=hours / 2),
                    kind=TimelineKind.REOPENED,
                    note="Still leaks",
                )
            )
    return job


async def test_trends_per_engineer(manager: FlowChat, seeded: App, clock: FrozenClock) -> None:
    await make_engineer(seeded, PETAR, "Petar", on_duty=True)
    await make_engineer(seeded, GEORGI, "Georgi", on_duty=True)
    now = clock.now()
    # Petar: three jobs in 2, 4 and 9 hours (median 4 hours), one of them reopened, rated 5
    # and 4; Georgi: two jobs in 1 and 3 hours (median 2 hours), fixed the first time, no
    # ratings. Neither counts an open job or one closed before the 90 days.
    await closed_job(seeded, PETAR, now - timedelta(days=3), 2, rating=5)
    await closed_job(seeded, PETAR, now - timedelta(days=20), 4, reopened=True, rating=4)
    await closed_job(seeded, PETAR, now - timedelta(days=40), 9)
    await closed_job(seeded, PETAR, now - timedelta(days=120), 1, rating=1)
    await closed_job(seeded, GEORGI, now - timedelta(days=5), 1)
    await closed_job(seeded, GEORGI, now - timedelta(days=6), 3)
    await make_job(seeded, now, engineer_user_id=GEORGI, status=TicketStatus.ON_SITE)

    await manager.say("/trends")
    text = manager.joined()
    assert (
        "By engineer, jobs closed in the last 90 days:\n"
        f"Petar: 3 jobs closed · median time to resolve {nb('4 hr')}"
        " · first-time fix 67% (2 of 3)"
        " · average rating 4.5 (2 ratings)\n"
        f"Georgi: 2 jobs closed · median time to resolve {nb('2 hr')}"
        " · first-time fix 100% (2 of 2)"
        " · no ratings"
    ) in text


async def test_trends_per_engineer_in_russian(
    manager: FlowChat, seeded: App, clock: FrozenClock
) -> None:
    await make_engineer(seeded, PETAR, "Petar", on_duty=True)
    await closed_job(seeded, PETAR, clock.now() - timedelta(days=5), 50, rating=5)
    manager.language_code = "ru"
    await manager.say("/language")
    await manager.press("Русский")
    await manager.say("/trends")
    # the median through Babel, in the reader's language (the rest is the lead's to translate)
    assert nb("2 дн. 2 ч") in manager.joined()  # two units where the hours matter


async def test_new_ticket_alert_flags_a_repeat_breakdown(
    client: FlowChat, clock: FrozenClock
) -> None:
    now = clock.now()
    await breakdown(client.app, "LM-PB-2231", now - timedelta(days=40))  # too long ago
    earlier = await breakdown(client.app, "LM-PB-2231", local(2026, 10, 28, 9))
    await breakdown(client.app, "DK-35-8812", now - timedelta(days=2))  # other equipment
    await report(client)  # the Linea PB again
    [alert] = await alerts(client.app, "new_ticket")
    assert f"🔁 Repeat: #{earlier} on Oct 28" in alert.text.splitlines()[1]

    await client.say("/request")  # planned work on the same machine is no repeat breakdown
    await client.press("Maintenance")
    await client.press("Linea PB")
    await client.press("As soon as possible")
    await client.press("Skip")
    await client.press("Send")
    assert "🔁" not in (await alerts(client.app, "new_ticket"))[-1].text


async def test_first_breakdown_has_no_repeat_flag(client: FlowChat) -> None:
    await report(client)
    [alert] = await alerts(client.app, "new_ticket")
    assert "🔁" not in alert.text


async def run_digest(app: App, now: datetime) -> int:
    async with app.db.transaction() as session:
        return await send_digest(session, now, app.settings, app.catalogs)


async def test_no_digest_for_an_idle_day(seeded: App) -> None:
    assert await run_digest(seeded, local(2026, 11, 22, 9)) == 0  # nothing on the 21st
    assert await outbox(seeded, kind="digest") == []
    async with seeded.db.transaction() as session:
        claimed = select(AlertSent.subject).where(AlertSent.kind == "digest")
        # looked at once, not every minute
        assert list(await session.scalars(claimed)) == ["2026-11-21"]
    assert await run_digest(seeded, local(2026, 11, 22, 18)) == 0


async def test_a_day_with_only_feedback_gets_its_digest_as_a_photo(seeded: App) -> None:
    job = await make_job(seeded, local(2026, 11, 10, 9), status=TicketStatus.CLOSED)
    async with seeded.db.transaction() as session:
        session.add(Feedback(ticket_id=job, rating=5, created_at=local(2026, 11, 21, 15)))
    assert await run_digest(seeded, datetime(2026, 11, 22, 9, tzinfo=UTC)) == 1
    [row] = await outbox(seeded, kind="digest")
    assert row.upload_as_photo and row.document is not None
    assert row.document.startswith(b"\x89PNG")
    assert row.text.startswith("📊 Daily digest for Nov 21, 2026\nOpened: 0\nClosed: 0")
    assert "Average rating: 5 (1 rating)" in row.text
