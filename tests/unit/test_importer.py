"""CSV import: documented columns, bad rows reported by line, good rows kept, re-import updates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.app import App
from bot.services import equipment
from bot.services.importer import import_csv
from storage.models import Customer, CustomerContact, Site
from tests.support.databases import count
from tests.support.seed import CUSTOMERS, EQUIPMENT


async def test_customers_and_equipment_import(app: App) -> None:
    async with app.db.transaction() as session:
        assert (await import_csv(session, "customers", CUSTOMERS)).imported == 3
        assert (await import_csv(session, "equipment", EQUIPMENT)).imported == 4
    assert await count(app, Customer) == 2
    assert await count(app, CustomerContact) == 3
    assert await count(app, Site) == 3
    async with app.db.transaction() as session:
        item = await equipment.by_serial(session, "LM-PB-2231")
        assert item is not None and item.model.manufacturer == "La Marzocco"
        assert item.warranty_until == date(2027, 3, 1)
        assert item.contract is not None and item.contract.tier == "gold"
        assert item.site is not None and item.site.name == "Vitosha blvd"


async def test_bad_rows_reported_with_line_numbers_good_rows_kept(app: App) -> None:
    text = "ref,name,phone\nA1,Alpha,+359 88 000 1111\n,Nameless,\nA2,Beta,12\nA3,Gamma,\n"
    async with app.db.transaction() as session:
        report = await import_csv(session, "customers", text)
    assert report.imported == 2
    assert [line for line, _ in report.errors] == [3, 4]
    assert "'ref' is empty" in report.errors[0][1]
    assert "too short" in report.errors[1][1]
    assert await count(app, Customer) == 2


async def test_equipment_rows_with_unknown_customer_or_bad_date(app: App) -> None:
    text = (
        "serial,model,customer_ref,warranty_until\n"
        "S1,M1,NOPE,\n"
        "S2,M1,ACME,31-31-2020\n"
        "S3,M1,ACME,01.02.2027\n"
    )
    async with app.db.transaction() as session:
        await import_csv(session, "customers", CUSTOMERS)
        report = await import_csv(session, "equipment", text)
    assert report.imported == 1
    assert report.errors[0][0] == 2 and "no customer" in report.errors[0][1]
    assert report.errors[1][0] == 3 and "not a date" in report.errors[1][1]


async def test_reimport_updates_instead_of_duplicating(app: App) -> None:
    async with app.db.transaction() as session:
        await import_csv(session, "customers", CUSTOMERS)
        await import_csv(session, "customers", CUSTOMERS.replace("Nord Pharma", "Nord Pharma AO"))
    assert await count(app, Customer) == 2
    assert await count(app, CustomerContact) == 3
    async with app.db.transaction() as session:
        names = set(await session.scalars(select(Customer.name)))
    assert names == {"Acme Coffee Sofia", "Nord Pharma AO"}


async def test_missing_key_columns_rejects_file(app: App) -> None:
    async with app.db.transaction() as session:
        report = await import_csv(session, "equipment", "model,serialnumber\nX,Y\n")
    assert report.imported == 0 and report.errors[0][0] == 1
