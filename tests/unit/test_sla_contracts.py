"""Contracts import (bad rows reported, good ones kept) and due times of new tickets."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import tickets
from bot.services.importer import import_csv
from storage.models import Contract, Customer, Equipment, Person, Priority, Role
from tests.support.dates import SOFIA
from tests.support.seed import seed_app

HEADER = (
    "number,customer_ref,tier,response_hours,resolution_hours,business_hours,"
    "maintenance_interval_days,valid_until\n"
)


async def import_contracts(app: App, rows: str) -> tuple[int, list[tuple[int, str]]]:
    async with app.db.transaction() as session:
        report = await import_csv(session, "contracts", HEADER + rows)
    return report.imported, report.errors


async def contract(app: App, number: str) -> Contract:
    async with app.db.transaction() as session:
        found = await session.scalar(select(Contract).where(Contract.number == number))
    assert found is not None
    return found


async def test_contracts_import_creates_updates_and_reports_bad_rows(app: App) -> None:
    await seed_app(app)
    imported, errors = await import_contracts(
        app,
        "C-100,ACME,gold,2,8,yes,90,2027-12-31\n"  # updates the seeded contract
        "C-300,NORD,silver,4,24,no,,\n"  # new
        "C-301,NOPE,gold,2,8,yes,,\n"
        "C-302,NORD,gold,two,8,yes,,\n"
        "C-303,NORD,gold,8,2,yes,,\n"
        "C-304,NORD,gold,2,8,maybe,,\n"
        "C-305,NORD,gold,2,8,yes,,2027-31-12\n"
        "C-100,NORD,gold,2,8,yes,,\n"  # belongs to ACME
        ",NORD,gold,2,8,yes,,\n"
        "C-306,NORD,gold,,8,yes,,\n",
    )
    assert imported == 2
    assert [line for line, _ in errors] == [4, 5, 6, 7, 8, 9, 10, 11]
    messages = [message for _, message in errors]
    assert "no customer" in messages[0]
    assert "not a whole number" in messages[1]
    assert "longer than" in messages[2]
    assert "not yes or no" in messages[3]
    assert "not a date" in messages[4]
    assert "another customer" in messages[5]
    assert "'number' is empty" in messages[6]
    assert "'response_hours' is empty" in messages[7]
    gold = await contract(app, "C-100")
    assert (gold.tier, gold.response_hours, gold.resolution_hours) == ("gold", 2, 8)
    assert gold.business_hours is True and gold.maintenance_interval_days == 90
    assert gold.valid_until == date(2027, 12, 31)
    silver = await contract(app, "C-300")
    assert silver.business_hours is False and silver.maintenance_interval_days is None
    assert silver.valid_until is None


async def test_missing_key_columns_reject_the_file(app: App) -> None:
    async with app.db.transaction() as session:
        report = await import_csv(session, "contracts", "number,tier\nC-1,gold\n")
    assert report.imported == 0 and "customer_ref" in report.errors[0][1]


async def test_new_ticket_gets_due_times_from_its_contract(app: App, clock: FrozenClock) -> None:
    """The clock fixture is Sunday 22 Nov 2026, 11:00 in Sofia."""
    await seed_app(app)
    await import_contracts(app, "C-100,ACME,gold,2,8,yes,,2027-12-31\n")
    async with app.db.transaction() as session:
        acme = await session.scalar(select(Customer).where(Customer.external_ref == "ACME"))
        assert acme is not None
        reporter = Person(tg_user_id=7, chat_id=7, role=Role.MANAGER, locale="en")
        session.add(reporter)
        await session.flush()
        machines = {
            item.serial: item.id for item in (await session.scalars(select(Equipment))).unique()
        }
        covered = await tickets.create(
            session,
            reporter,
            tickets.NewTicket(acme.id, "leaks", Priority.NORMAL, machines["LM-PB-2231"]),
            clock.now(),
            app.settings,
        )
        uncovered = await tickets.create(
            session,
            reporter,
            tickets.NewTicket(acme.id, "noisy", Priority.URGENT, machines["DK-35-8812"]),
            clock.now(),
            app.settings,
        )
    monday = datetime(2026, 11, 23, tzinfo=SOFIA)
    assert covered.response_due == monday + timedelta(hours=11)  # business hours from 09:00
    assert covered.resolution_due == monday + timedelta(hours=17)
    # no contract: the default tier (8 h / 48 h) around the clock, halved for urgent
    assert uncovered.response_due == clock.now() + timedelta(hours=4)
    assert uncovered.resolution_due == clock.now() + timedelta(hours=24)
