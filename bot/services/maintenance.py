"""Preventive maintenance: a job is created ahead of each due date of contracted equipment.

Due date = the last maintenance (the latest maintenance job's resolved or closed day, or its
creation day if it was cancelled) or else the installation day, plus the contract's
``maintenance_interval_days``. The job appears ``FIELDBOT_MAINTENANCE_LEAD_DAYS`` before it
is due (at once if it is overdue), as a new maintenance ticket on the engineers' board with the
end of the due day as its deadline. Equipment with a maintenance job still open gets no second
one, and each (equipment, due date) is claimed in ``maintenance_plans`` first, so concurrent
runs create each job once. Contracts that end before the due date plan nothing. A due date
on a day off or a company holiday moves to the next working day (the plan keeps the date the
interval gives). The job's description is left empty: the plan keeps the contract and the
interval, and each reader sees them in their own language (``handlers.texts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services import equipment, tickets
from bot.services.business_hours import Calendar, local_instant
from bot.services.escalations import insert_once
from bot.services.holidays import company_calendar
from bot.services.sla import active_contract
from storage.models import (
    OPEN_STATUSES,
    Contract,
    Equipment,
    MaintenancePlan,
    Priority,
    Ticket,
    TicketKind,
    TicketStatus,
    TimelineKind,
)


async def plan_of(session: AsyncSession, ticket: Ticket) -> MaintenancePlan | None:
    """The plan a maintenance job was made under (None for other jobs): as loaded with the
    ticket (``tickets.CARD``), else read, since the relationship never loads by itself."""
    if ticket.kind is not TicketKind.MAINTENANCE:
        return None
    if "plan" not in inspect(ticket).unloaded:
        return ticket.plan
    return await session.scalar(
        select(MaintenancePlan).where(MaintenancePlan.ticket_id == ticket.id)
    )


@dataclass(frozen=True, slots=True)
class Planned:
    ticket: Ticket
    equipment: Equipment
    due_on: date  # as the interval gives it
    contract: str
    interval_days: int
    deadline_on: date  # the working day it is due (``due_on``, or the next working day)


def _local_day(moment: datetime, settings: Settings) -> date:
    return moment.astimezone(settings.tz).date()


def end_of_day(day: date, settings: Settings) -> datetime:
    """The first instant after ``day`` in the company's time zone, in UTC."""
    return local_instant(day + timedelta(days=1), time(), settings.tz)


async def _history(
    session: AsyncSession, equipment_ids: list[int], settings: Settings
) -> tuple[set[int], dict[int, date]]:
    """Equipment with an open maintenance job, and the last maintenance day of the others."""
    rows = await session.execute(
        select(
            Ticket.equipment_id,
            Ticket.status,
            Ticket.resolved_at,
            Ticket.closed_at,
            Ticket.created_at,
        ).where(Ticket.kind == TicketKind.MAINTENANCE, Ticket.equipment_id.in_(equipment_ids))
    )
    busy: set[int] = set()
    last: dict[int, date] = {}
    for equipment_id, status, resolved_at, closed_at, created_at in rows:
        assert equipment_id is not None  # selected by equipment
        if status in OPEN_STATUSES:
            busy.add(equipment_id)
            continue
        day = _local_day(resolved_at or closed_at or created_at, settings)
        last[equipment_id] = max(day, last.get(equipment_id, day))
    return busy, last


def next_due(installed_on: date | None, last_done: date | None, interval_days: int) -> date | None:
    base = last_done or installed_on
    return None if base is None else base + timedelta(days=interval_days)


async def create_due_jobs(
    session: AsyncSession, now: datetime, settings: Settings
) -> list[Planned]:
    """Create the maintenance jobs that are due within the lead time; returns those created."""
    horizon = _local_day(now, settings) + timedelta(days=settings.maintenance_lead_days)
    rows = await session.scalars(
        select(Equipment)
        .join(Contract, Contract.id == Equipment.contract_id)
        .where(Contract.maintenance_interval_days > 0)
        .order_by(Equipment.id)
        .options(*equipment.SHOWN)
    )
    fleet = list(rows.unique())
    busy, last = await _history(session, [item.id for item in fleet], settings)
    calendar = await company_calendar(session, settings)
    planned: list[Planned] = []
    for item in fleet:
        contract = item.contract
        assert contract is not None and contract.maintenance_interval_days is not None
        due_on = next_due(item.installed_on, last.get(item.id), contract.maintenance_interval_days)
        if (
            item.id in busy
            or due_on is None
            or due_on > horizon
            or active_contract(contract, due_on) is None
        ):
            continue
        if not await insert_once(
            session, MaintenancePlan, equipment_id=item.id, due_on=due_on, created_at=now
        ):
            continue
        working_due = next_working_day(due_on, calendar)
        ticket = await _create_job(session, item, contract, working_due, now, settings)
        plan = await session.get_one(MaintenancePlan, (item.id, due_on))
        plan.ticket_id = ticket.id
        plan.contract_number = contract.number
        plan.interval_days = contract.maintenance_interval_days
        planned.append(
            Planned(
                ticket,
                item,
                due_on,
                contract.number,
                contract.maintenance_interval_days,
                working_due,
            )
        )
    await session.flush()
    for done in planned:
        await session.refresh(done.ticket, ["plan"])  # for the notices (``plan_of``)
    return planned


def next_working_day(day: date, calendar: Calendar) -> date:
    """``day`` itself if the company works then, else the next day it does."""
    for _ in range(366):
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=1)
    return day


async def _create_job(
    session: AsyncSession,
    item: Equipment,
    contract: Contract,
    due_on: date,
    now: datetime,
    settings: Settings,
) -> Ticket:
    ticket = Ticket(
        kind=TicketKind.MAINTENANCE,
        status=TicketStatus.NEW,
        priority=Priority.NORMAL,
        description="",
        customer_id=item.customer_id,
        equipment_id=item.id,
        created_at=now,
        updated_at=now,
        resolution_due=end_of_day(due_on, settings),
    )
    session.add(ticket)
    await session.flush()
    tickets.add_event(
        session,
        ticket,
        None,
        TimelineKind.CREATED,
        now,
        status=TicketStatus.NEW,
        data={"maintenance_due_on": due_on.isoformat(), "contract": contract.number},
    )
    return ticket
