"""Preventive maintenance jobs: created ahead of the due date, once, even by concurrent runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, inspect, select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import maintenance, tickets
from handlers.notices.facts import brief
from storage.models import (
    Contract,
    Equipment,
    MaintenancePlan,
    Ticket,
    TicketKind,
    TicketStatus,
)
from tests.support.seed import seed_app

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # Sunday 11:00 in Sofia
DAY = timedelta(days=1)


async def set_up(app: App, installed: dict[str, date | None], interval: int = 90) -> None:
    """Seeded equipment; every contract plans maintenance every ``interval`` days."""
    await seed_app(app)
    async with app.db.transaction() as session:
        for item in (await session.scalars(select(Equipment))).unique():
            item.installed_on = installed.get(item.serial)
        for contract in await session.scalars(select(Contract)):
            contract.maintenance_interval_days = interval
            contract.valid_until = None


async def run(app: App, now: datetime) -> list[maintenance.Planned]:
    async with app.db.transaction() as session:
        return await maintenance.create_due_jobs(session, now, app.settings)


async def maintenance_jobs(app: App) -> list[Ticket]:
    async with app.db.transaction() as session:
        rows = await session.scalars(
            select(Ticket).where(Ticket.kind == TicketKind.MAINTENANCE).order_by(Ticket.id)
        )
        return list(rows.unique())


async def test_job_appears_lead_days_before_due_and_only_once(app: App) -> None:
    await set_up(app, {"LM-PB-2231": date(2026, 9, 1)})  # due 30 Nov
    assert await run(app, NOW) == []  # 8 days ahead, lead time is 7
    [planned] = await run(app, NOW + DAY)
    assert planned.due_on == date(2026, 11, 30) and planned.equipment.serial == "LM-PB-2231"
    assert await run(app, NOW + DAY) == []
    assert await run(app, NOW + 5 * DAY) == []
    [job] = await maintenance_jobs(app)
    assert job.status is TicketStatus.NEW and job.engineer_id is None
    assert job.created_at == NOW + DAY
    assert job.resolution_due == datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # end of day, EET
    assert job.customer_id == planned.equipment.customer_id
    async with app.db.transaction() as session:
        plan = await session.get_one(MaintenancePlan, (planned.equipment.id, date(2026, 11, 30)))
    assert plan.ticket_id == job.id


async def test_a_job_read_without_its_plan_still_shows_it(app: App) -> None:
    """The plan never loads by itself: an alert about a job read by an escalation pass or a
    live edit (no ``tickets.CARD``) reads it, and says what the card says."""
    await set_up(app, {"LM-PB-2231": date(2026, 9, 1)})
    [planned] = await run(app, NOW + DAY)
    async with app.db.transaction() as session:
        bare = await session.get_one(Ticket, planned.ticket.id)
        assert "plan" in inspect(bare).unloaded
        alone = await brief(session, bare)
    async with app.db.transaction() as session:
        carded = await tickets.card(session, planned.ticket.id)
        assert carded is not None and "plan" not in inspect(carded).unloaded
        shown = await brief(session, carded)
    assert alone.plan is not None and shown.plan is not None
    assert (alone.plan.due_on, alone.plan.contract_number, alone.plan.interval_days) == (
        date(2026, 11, 30),
        planned.contract,
        90,
    )
    assert replace(alone, plan=None) == replace(shown, plan=None)
    assert (shown.plan.due_on, shown.plan.contract_number) == (
        date(2026, 11, 30),
        planned.contract,
    )


async def test_next_due_counts_from_the_last_maintenance(app: App) -> None:
    await set_up(app, {"LM-PB-2231": date(2026, 9, 1)})
    [planned] = await run(app, NOW + DAY)
    async with app.db.transaction() as session:
        job = await session.get_one(Ticket, planned.ticket.id)
        job.status = TicketStatus.CLOSED
        job.resolved_at = datetime(2026, 12, 2, 10, tzinfo=UTC)
        job.closed_at = datetime(2026, 12, 3, 10, tzinfo=UTC)
    # next due: 2 Dec + 90 days = 2 Mar 2027; created from 23 Feb
    assert await run(app, datetime(2027, 2, 22, 12, tzinfo=UTC)) == []
    [second] = await run(app, datetime(2027, 2, 23, 12, tzinfo=UTC))
    assert second.due_on == date(2027, 3, 2)


async def test_open_or_cancelled_jobs_and_contract_end(app: App) -> None:
    await set_up(app, {"LM-PB-2231": date(2026, 9, 1), "CR-42-0117": date(2020, 1, 1)})
    async with app.db.transaction() as session:
        nord = await session.scalar(select(Contract).where(Contract.number == "C-200"))
        assert nord is not None
        nord.valid_until = date(2020, 2, 1)  # ends before its first maintenance is due
    [planned] = await run(app, NOW + DAY)
    assert planned.equipment.serial == "LM-PB-2231"
    # a job still open blocks the next one even long after its due date
    assert await run(app, NOW + 200 * DAY) == []
    async with app.db.transaction() as session:
        job = await session.get_one(Ticket, planned.ticket.id)
        job.status = TicketStatus.CANCELLED
    # cancelled: the next one counts from the cancelled job's creation (23 Nov + 90 days)
    assert await run(app, datetime(2027, 2, 13, 12, tzinfo=UTC)) == []
    [again] = await run(app, datetime(2027, 2, 14, 12, tzinfo=UTC))
    assert again.due_on == date(2027, 2, 21)


async def test_overdue_equipment_gets_a_job_at_once(app: App) -> None:
    await set_up(app, {"DK-35-8812": date(2020, 1, 1), "SM-XR-5500": date(2026, 1, 1)})
    planned = await run(app, NOW)
    # DK-35-8812 has no contract; SM-XR-5500 was due on 1 April 2026
    assert [(item.equipment.serial, item.due_on) for item in planned] == [
        ("SM-XR-5500", date(2026, 4, 1))
    ]


PROCESSES = 6


async def test_concurrent_runs_create_each_job_once(
    app: App, processes: Callable[..., list[App]]
) -> None:
    await set_up(
        app,
        {
            "LM-PB-2231": date(2026, 9, 1),
            "CR-42-0117": date(2026, 8, 30),
            "SM-XR-5500": date(2026, 8, 25),
        },
    )
    others = processes(PROCESSES, FrozenClock(NOW))
    results = await asyncio.gather(*(run(process, NOW + DAY) for process in others))
    assert sum(len(created) for created in results) == 3
    jobs = await maintenance_jobs(app)
    assert len(jobs) == 3 and len({job.equipment_id for job in jobs}) == 3
    async with app.db.transaction() as session:
        plans = await session.scalar(select(func.count()).select_from(MaintenancePlan))
    assert plans == 3
