"""Parts catalog import (re-import updates stock), search, quantities and request checks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.services import parts
from bot.services.errors import InvalidState, NotFound
from bot.services.importer import import_csv
from storage.models import Customer, Part, Person, Role, Stock, Ticket, TicketStatus, Warehouse
from tests.support.databases import count

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


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


async def engineer_on_site(session: AsyncSession) -> tuple[Person, Person, Ticket]:
    """An engineer on site at a job, and another engineer."""
    customer = Customer(name="C")
    mine = Person(tg_user_id=1, chat_id=1, role=Role.ENGINEER, locale="en", skills=[])
    other = Person(tg_user_id=2, chat_id=2, role=Role.ENGINEER, locale="en", skills=[])
    session.add_all([customer, mine, other])
    await session.flush()
    job = Ticket(customer_id=customer.id, engineer_id=mine.id, status=TicketStatus.ON_SITE)
    session.add(job)
    await session.flush()
    return mine, other, job


async def test_request_part_refuses_strangers_and_bad_quantity(app: App) -> None:
    settings = app.settings
    async with app.db.transaction() as session:
        await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        mine, other, job = await engineer_on_site(session)
        part = await session.scalar(select(Part).limit(1))
        assert part is not None
        with pytest.raises(NotFound):
            await parts.request_part(session, job.id, other, part.id, 1, NOW, settings)
        with pytest.raises(InvalidState):
            await parts.request_part(session, job.id, mine, part.id, 0, NOW, settings)
        with pytest.raises(NotFound):
            await parts.request_part(session, job.id, mine, 999999, 1, NOW, settings)
        requested = await parts.request_part(session, job.id, mine, part.id, 3, NOW, settings)
        request = requested.request
        assert request.quantity == 3
        assert [(r.id, p.id) for r, p in await parts.requests_for(session, job.id)] == [
            (request.id, part.id)
        ]


@pytest.mark.parametrize(
    ("number", "quantity", "low"),
    [
        ("LM-GSK-85", 12, False),  # 14 in stock, 2 left: the threshold itself is enough
        ("LM-GSK-85", 13, True),  # 1 left
        ("LM-PRS-12", 1, True),  # 1 in stock
        ("SM-TUB-55", 1, True),  # none in stock
    ],
)
async def test_a_request_that_leaves_less_than_the_threshold_is_low_stock(
    app: App, number: str, quantity: int, low: bool
) -> None:
    assert app.settings.low_stock_threshold == 2
    async with app.db.transaction() as session:
        await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        mine, _, job = await engineer_on_site(session)
        part = await session.scalar(select(Part).where(Part.number == number))
        assert part is not None
        requested = await parts.request_part(
            session, job.id, mine, part.id, quantity, NOW, app.settings
        )
        assert requested.low_stock is low
        assert requested.in_stock == sum(n for _, n in requested.stock)
        assert (requested.ticket, requested.part, requested.engineer) == (job, part, mine)
