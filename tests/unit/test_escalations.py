"""Escalations: unaccepted jobs, SLA deadlines at risk and breached; each alert once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import jobs, sla, tickets
from bot.services.importer import import_csv
from handlers.notices.escalations import escalate
from storage.models import Equipment, Person, Priority, Role, Ticket
from tests.support import outbox
from tests.support.seed import seed_app
from tests.support.units import nb

pytestmark = pytest.mark.manager_chat
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


async def open_ticket(
    app: App, now: datetime, priority: Priority = Priority.NORMAL, serial: str = "DK-35-8812"
) -> int:
    """A ticket on equipment without a contract (default tier: 8 h / 48 h, 24/7) unless
    ``serial`` names contracted equipment."""
    async with app.db.transaction() as session:
        reporter = await session.scalar(select(Person).where(Person.tg_user_id == 7))
        if reporter is None:
            reporter = Person(tg_user_id=7, chat_id=7, role=Role.MANAGER, locale="en")
            session.add(reporter)
            await session.flush()
        item = await session.scalar(select(Equipment).where(Equipment.serial == serial))
        assert item is not None
        new = tickets.NewTicket(item.customer_id, "broken", priority, item.id)
        ticket = await tickets.create(session, reporter, new, now, app.settings)
        return ticket.id


async def run(app: App, now: datetime) -> int:
    async with app.db.transaction() as session:
        return await escalate(session, now, app.settings, app.catalogs)


async def alerts(app: App) -> list[tuple[str, str]]:
    """(kind, text) of the manager chat's alerts."""
    return [(row.kind, row.text) for row in await outbox.alerts(app)]


async def kinds(app: App) -> list[str]:
    return [kind for kind, _ in await alerts(app)]


async def test_unaccepted_job_escalates_once(app: App, clock: FrozenClock) -> None:
    await seed_app(app)
    t0 = clock.now()
    ticket = await open_ticket(app, t0)
    assert await run(app, t0 + 29 * MINUTE) == 0
    assert await run(app, t0 + 30 * MINUTE) == 1
    assert await run(app, t0 + 45 * MINUTE) == 0
    [(kind, text)] = await alerts(app)
    assert kind == "sla_unaccepted"
    assert f"#{ticket} has waited {nb('30 min')} and no engineer has taken it (Normal)" in text
    assert "Customer: Acme Coffee Sofia" in text


async def test_urgent_jobs_escalate_sooner(app: App, clock: FrozenClock) -> None:
    await seed_app(app)
    t0 = clock.now()
    await open_ticket(app, t0, Priority.URGENT)
    await open_ticket(app, t0, Priority.PRODUCTION_STOPPED)
    assert await run(app, t0 + 5 * MINUTE) == 1  # production stopped: a sixth
    assert await run(app, t0 + 10 * MINUTE) == 1  # urgent: a third
    assert await kinds(app) == ["sla_unaccepted", "sla_unaccepted"]


async def test_response_and_resolution_at_risk_then_breached(app: App, clock: FrozenClock) -> None:
    await seed_app(app)
    t0 = clock.now()
    ticket = await open_ticket(app, t0)
    await run(app, t0 + 30 * MINUTE)
    assert await run(app, t0 + 5 * HOUR + 59 * MINUTE) == 0
    assert await run(app, t0 + 6 * HOUR) == 1  # 75 % of 8 h
    assert await run(app, t0 + 7 * HOUR) == 0
    assert await run(app, t0 + 8 * HOUR) == 1
    async with app.db.transaction() as session:
        engineer = Person(tg_user_id=8, chat_id=8, role=Role.ENGINEER, locale="en")
        session.add(engineer)
        await session.flush()
        await jobs.accept(session, ticket, engineer, t0 + 9 * HOUR)
    assert await run(app, t0 + 36 * HOUR) == 1
    assert await run(app, t0 + 48 * HOUR) == 1
    assert await run(app, t0 + 60 * HOUR) == 0
    texts = dict(await alerts(app))
    assert list(texts) == [
        "sla_unaccepted",
        "sla_response_at_risk",
        "sla_response_breached",
        "sla_resolution_at_risk",
        "sla_resolution_breached",
    ]
    assert (
        f"#{ticket}: the response deadline is close — respond by Nov 22, 7:00\u202fPM"
        in (texts["sla_response_at_risk"])
    )
    assert f"#{ticket}: the resolution deadline was missed" in texts["sla_resolution_breached"]


async def test_accepted_or_paused_tickets_do_not_escalate(app: App, clock: FrozenClock) -> None:
    await seed_app(app)
    t0 = clock.now()
    accepted = await open_ticket(app, t0)
    paused = await open_ticket(app, t0)
    async with app.db.transaction() as session:
        engineer = Person(tg_user_id=8, chat_id=8, role=Role.ENGINEER, locale="en")
        session.add(engineer)
        await session.flush()
        await jobs.accept(session, accepted, engineer, t0 + 10 * MINUTE)
        await jobs.accept(session, paused, engineer, t0 + 10 * MINUTE)
        sla.pause(await session.get_one(Ticket, paused), t0 + 20 * MINUTE)
    assert await run(app, t0 + 47 * HOUR) == 1  # the accepted one, resolution at risk
    async with app.db.transaction() as session:
        ticket = await session.get_one(Ticket, paused, options=[sla.TERMS])
        sla.resume(ticket, t0 + 47 * HOUR, sla.calendar_for(ticket, app.settings))
    assert await run(app, t0 + 48 * HOUR) == 1  # the accepted one breached; paused one pushed
    # paused 46 h 40 min, so due at 94 h 40 min; at risk with 12 h (25 %) left
    assert await run(app, t0 + 82 * HOUR) == 0
    assert await run(app, t0 + 83 * HOUR) == 1
    assert await kinds(app) == [
        "sla_resolution_at_risk",
        "sla_resolution_breached",
        "sla_resolution_at_risk",
    ]


async def test_business_hours_contract_escalates_in_working_time(
    app: App, clock: FrozenClock
) -> None:
    """Sunday 11:00 in Sofia: the clock of a business-hours contract starts on Monday 09:00."""
    await seed_app(app)
    async with app.db.transaction() as session:
        header = "number,customer_ref,tier,response_hours,resolution_hours,business_hours\n"
        report = await import_csv(session, "contracts", header + "C-100,ACME,gold,2,8,yes\n")
        assert report.imported == 1
    t0 = clock.now()
    await open_ticket(app, t0, serial="LM-PB-2231")
    monday_9am = datetime(2026, 11, 23, 7, 0, tzinfo=t0.tzinfo)
    assert await run(app, monday_9am + 29 * MINUTE) == 0
    assert await run(app, monday_9am + 30 * MINUTE) == 1
    assert await run(app, monday_9am + 90 * MINUTE) == 1  # 75 % of 2 h
    assert await kinds(app) == ["sla_unaccepted", "sla_response_at_risk"]


async def test_concurrent_runs_alert_once(
    app: App, processes: Callable[..., list[App]], clock: FrozenClock
) -> None:
    await seed_app(app)
    t0 = clock.now()
    for _ in range(3):
        await open_ticket(app, t0)
    others = processes(5)
    results = await asyncio.gather(*(run(process, t0 + 8 * HOUR) for process in others))
    assert sum(results) == 6  # each ticket: unaccepted and response breached
    assert sorted(await kinds(app)) == ["sla_response_breached"] * 3 + ["sla_unaccepted"] * 3


async def test_with_nobody_to_hear_nothing_is_queued(app: App, clock: FrozenClock) -> None:
    await seed_app(app)
    t0 = clock.now()
    await open_ticket(app, t0)
    quiet = app.settings.model_copy(update={"manager_chat_id": None, "admins": frozenset()})
    async with app.db.transaction() as session:
        for manager in await session.scalars(select(Person).where(Person.role == Role.MANAGER)):
            manager.role = Role.CLIENT  # no manager chat and no manager at all
        assert await escalate(session, t0 + HOUR, quiet, app.catalogs) == 0
    assert await alerts(app) == []
    # configured later: the escalation still standing goes out then
    async with app.db.transaction() as session:
        assert await escalate(session, t0 + 2 * HOUR, app.settings, app.catalogs) == 1


async def test_a_backlog_arrives_as_one_summary(app: App, clock: FrozenClock) -> None:
    """More escalations in one pass than FIELDBOT_ESCALATION_SUMMARY_AFTER: one message lists
    them, worst first; each is still recorded once, so the next pass sends nothing again."""
    await seed_app(app)
    t0 = clock.now()
    opened = [await open_ticket(app, t0) for _ in range(4)]
    stopped = await open_ticket(app, t0 + 10 * MINUTE, Priority.PRODUCTION_STOPPED)
    app.settings.escalation_summary_after = 3
    assert await run(app, t0 + 9 * HOUR) == 1
    [(kind, text)] = await alerts(app)
    assert kind == "sla_summary"
    lines = text.splitlines()
    assert lines[0] == "🚨 10 escalations need attention:"
    assert len(lines) == 11
    # missed response deadlines first (the most urgent ticket first), then unaccepted jobs
    assert lines[1].startswith(f"• 🚨 #{stopped}: the response deadline was missed")
    assert all(f"#{ticket}" in text for ticket in opened)
    assert sum("no engineer has taken it" in line for line in lines) == 5
    assert await run(app, t0 + 9 * HOUR) == 0
    assert await kinds(app) == ["sla_summary"]
