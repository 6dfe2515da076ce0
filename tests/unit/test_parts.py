"""Parts catalog import (re-import updates stock), search, quantities and request checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.services import parts
from bot.services.errors import InvalidState, NotFound
from bot.services.importer import import_csv
from storage.models import Part, Person, Role, Stock, Warehouse

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def count(app: App, model: type) -> int:
    async with app.db.transaction() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    ("text", "quantity"),
    [("2", 2), ("2 pcs", 2), ("2шт.", 2), (" 99 ", 99), ("0", None), ("100", None)],
)
def test_quantities(text: str, quantity: int | None) -> None:
    assert parts.parse_quantity(text) == quantity


@pytest.mark.parametrize("text", ["two", "", "-1", "1.5", "2 of 3"])
def test_bad_quantities(text: str) -> None:
    assert parts.parse_quantity(text) is None


async def test_import_and_reimport_updates_stock(app: App) -> None:
    async with app.db.transaction() as session:
        report = await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
    assert report.errors == [] and report.imported == 13
    assert await count(app, Part) == 10
    assert await count(app, Warehouse) == 3
    text = (
        "number,name,warehouse,quantity\n"
        "LM-GSK-85,,Sofia central,4\n"  # an update keeps the name
        ",Nameless,Sofia central,1\n"
        "NEW-1,,Sofia central,1\n"
        "LM-GSK-85,,Plovdiv,-3\n"
        "LM-GSK-85,,,5\n"
        "NEW-2,Bare part,,\n"
    )
    async with app.db.transaction() as session:
        report = await import_csv(session, "parts", text)
        assert report.imported == 2
        assert [line for line, _ in report.errors] == [3, 4, 5, 6]
        gasket = await session.scalar(select(Part).where(Part.number == "LM-GSK-85"))
        assert gasket is not None and gasket.name.startswith("Group head gasket")
        assert await parts.stock_by_warehouse(session, gasket.id) == [
            ("Sofia central", 4),
            ("Plovdiv", 2),
        ]
    assert await count(app, Stock) == 13  # one per part and warehouse, none added


async def test_search_ranks_and_totals(app: App) -> None:
    async with app.db.transaction() as session:
        await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        hits = await parts.search(session, "pressurestat")
        assert hits[0].part.number == "LM-PRS-12" and hits[0].total == 1
        lookalikes = await parts.search(session, "СR-ЕХV-42")  # Cyrillic С, Е, Х
        assert lookalikes[0].part.number == "CR-EXV-42" and lookalikes[0].total == 2
        assert (await parts.search(session, "dk-pcb-35r"))[0].part.number == ("DK-PCB-35R")


async def test_request_part_refuses_strangers_and_bad_quantity(app: App) -> None:
    from datetime import UTC, datetime

    from storage.models import Customer, Ticket, TicketStatus

    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    async with app.db.transaction() as session:
        await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        customer = Customer(name="C")
        mine = Person(tg_user_id=1, chat_id=1, role=Role.ENGINEER, locale="en", skills=[])
        other = Person(tg_user_id=2, chat_id=2, role=Role.ENGINEER, locale="en", skills=[])
        session.add_all([customer, mine, other])
        await session.flush()
        job = Ticket(customer_id=customer.id, engineer_id=mine.id, status=TicketStatus.ON_SITE)
        session.add(job)
        await session.flush()
        part = await session.scalar(select(Part).limit(1))
        assert part is not None
        with pytest.raises(NotFound):
            await parts.request_part(session, job.id, other, part.id, 1, now)
        with pytest.raises(InvalidState):
            await parts.request_part(session, job.id, mine, part.id, 0, now)
        with pytest.raises(NotFound):
            await parts.request_part(session, job.id, mine, 999999, 1, now)
        request = await parts.request_part(session, job.id, mine, part.id, 3, now)
        assert request.quantity == 3
        assert [(r.id, p.id) for r, p in await parts.requests_for(session, job.id)] == [
            (request.id, part.id)
        ]
