"""Parts catalog import (re-import updates stock), search, quantities and request checks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.services import catalogs, parts
from bot.services.errors import Forbidden, InvalidState, NotFound
from bot.services.importer import import_csv
from storage.models import (
    Customer,
    MovementReason,
    Part,
    PartRequest,
    PartStatus,
    Person,
    Role,
    Stock,
    StockMovement,
    Ticket,
    TicketStatus,
    Warehouse,
)
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
    assert await count(app, StockMovement) == 11  # one per row with a quantity other than 0
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
    async with app.db.transaction() as session:
        movements = list(await session.scalars(select(StockMovement).order_by(StockMovement.id)))
    last = movements[-1]
    assert (last.delta, last.quantity_after, last.reason) == (-8, 4, MovementReason.IMPORT)
    assert last.person_id is None and last.request_id is None
    assert len(movements) == 12  # the rows in error wrote nothing


async def test_search_ranks_and_totals(app: App) -> None:
    async with app.db.transaction() as session:
        await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        hits = await parts.search(session, "pressurestat")
        assert hits[0].part.number == "LM-PRS-12" and hits[0].total == 1
        lookalikes = await parts.search(session, "СR-ЕХV-42")  # Cyrillic С, Е, Х
        assert lookalikes[0].part.number == "CR-EXV-42" and lookalikes[0].total == 2
        assert (await parts.search(session, "dk-pcb-35r"))[0].part.number == ("DK-PCB-35R")


async def test_the_prepared_catalog_follows_changes_from_another_process(
    app: App, processes: Callable[..., list[App]]
) -> None:
    """The fuzzy catalog is prepared once per process; a part added or renamed by another
    process is found by this one's next search all the same."""
    [other] = processes(1)
    async with app.db.transaction() as session:
        await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        assert await parts.search(session, "qqzzyx 9000") == []
        prepared = await catalogs.parts(session)
        assert await catalogs.parts(session) is prepared  # reused while nothing changed
    async with other.db.transaction() as session:
        session.add(Part(number="FX-88", name="Qqzzyx 9000"))
    async with app.db.transaction() as session:
        assert [hit.part.number for hit in await parts.search(session, "qqzyx 9000")] == ["FX-88"]
    async with other.db.transaction() as session:
        part = await session.scalar(select(Part).where(Part.number == "FX-88"))
        assert part is not None
        part.name = "Wwjjkk 7"
    async with app.db.transaction() as session:
        assert await parts.search(session, "qqzzyx 9000") == []
        assert (await parts.search(session, "wwjjk 7"))[0].part.number == "FX-88"


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


async def test_names_in_three_languages_and_the_minimum(app: App) -> None:
    async with app.db.transaction() as session:
        await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        gasket = await session.scalar(select(Part).where(Part.number == "LM-GSK-85"))
        assert gasket is not None and gasket.min_stock == 4
        assert parts.part_name(gasket, "ru") == "Прокладка группы 8,5 мм (La Marzocco)"
        assert parts.part_name(gasket, "bg") == "Уплътнение на групата 8,5 мм (La Marzocco)"
        assert parts.part_name(gasket, "en").startswith("Group head gasket")
        assert parts.part_name(gasket, "de").startswith("Group head gasket")
        # a later file without the translations keeps them
        await import_csv(session, "parts", "number,name,warehouse,quantity\nLM-GSK-85,,,\n")
        assert gasket.name_ru == "Прокладка группы 8,5 мм (La Marzocco)" and gasket.min_stock == 4
        bad = await import_csv(session, "parts", "number,name,min_stock\nX-1,Thing,many\n")
        assert [line for line, _ in bad.errors] == [2]


@pytest.mark.parametrize(
    ("query", "number"),
    [
        ("прокладка", "LM-GSK-85"),
        ("прокладка группы", "LM-GSK-85"),
        ("уплътнение", "LM-GSK-85"),
        ("прессостат", "LM-PRS-12"),
        ("пресостат на бойлера", "LM-PRS-12"),
        ("ротационная помпа", "LM-PMP-RT"),
        ("рентгенова тръба", "SM-TUB-55"),
        ("платка за управление", "DK-PCB-35R"),
        ("group head gasket", "LM-GSK-85"),
    ],
)
async def test_search_finds_russian_and_bulgarian_names(app: App, query: str, number: str) -> None:
    async with app.db.transaction() as session:
        await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        hits = await parts.search(session, query)
        assert hits and hits[0].part.number == number, [h.part.number for h in hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.12", date(2026, 12, 12)),
        ("12.12.2026", date(2026, 12, 12)),
        ("12/12/26", date(2026, 12, 12)),
        ("2026-12-12", date(2026, 12, 12)),
        ("3.1", date(2027, 1, 3)),  # past this year: next year's
        ("22.11", date(2026, 11, 22)),  # today
        ("31.02", None),
        ("tomorrow", None),
        ("12", None),
    ],
)
def test_expected_dates(text: str, expected: date | None) -> None:
    assert parts.parse_date(text, date(2026, 11, 22)) == expected


# -- the lifecycle ------------------------------------------------------------------------------
class Stage:
    """The examples imported, an engineer on site at a job, and a manager."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def setup(self) -> Stage:
        async with self.app.db.transaction() as session:
            await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
            mine, _, job = await engineer_on_site(session)
            manager = Person(tg_user_id=3, chat_id=3, role=Role.MANAGER, locale="en", name="Olga")
            session.add(manager)
            await session.flush()
            self.engineer_id, self.job, self.manager_id = mine.id, job.id, manager.id
            self.warehouses = {w.name: w.id for w in await parts.all_warehouses(session)}
        return self

    async def part(self, number: str) -> int:
        async with self.app.db.transaction() as session:
            part = await session.scalar(select(Part).where(Part.number == number))
            assert part is not None
            return part.id

    async def request(self, number: str, quantity: int) -> int:
        part_id = await self.part(number)
        async with self.app.db.transaction() as session:
            engineer = await session.get_one(Person, self.engineer_id)
            done = await parts.request_part(
                session, self.job, engineer, part_id, quantity, NOW, self.app.settings
            )
            return done.request.id

    async def issue(
        self, request_id: int, warehouse: str, app: App | None = None
    ) -> parts.PartMoved:
        app = app or self.app
        async with app.db.transaction() as session:
            manager = await session.get_one(Person, self.manager_id)
            return await parts.issue(
                session, request_id, self.warehouses[warehouse], manager, NOW, app.settings
            )

    async def as_engineer(self, action: str, request_id: int) -> parts.PartMoved:
        async with self.app.db.transaction() as session:
            engineer = await session.get_one(Person, self.engineer_id)
            if action == "use":
                return await parts.use(session, request_id, engineer, NOW)
            return await parts.give_back(session, request_id, engineer, NOW, self.app.settings)

    async def stock(self, number: str) -> list[tuple[str, int]]:
        async with self.app.db.transaction() as session:
            return await parts.stock_by_warehouse(session, await self.part(number))

    async def status(self, request_id: int) -> PartRequest:
        async with self.app.db.transaction() as session:
            return await session.get_one(PartRequest, request_id)

    async def ledger(self, request_id: int) -> list[tuple[int, int, MovementReason]]:
        async with self.app.db.transaction() as session:
            rows = await session.scalars(
                select(StockMovement)
                .where(StockMovement.request_id == request_id)
                .order_by(StockMovement.id)
            )
            return [(row.delta, row.quantity_after, row.reason) for row in rows]


async def test_issue_use_and_return_move_the_stock_with_a_ledger(app: App) -> None:
    stage = await Stage(app).setup()
    first = await stage.request("LM-GSK-85", 2)
    assert await stage.stock("LM-GSK-85") == [("Sofia central", 12), ("Plovdiv", 2)]  # untouched
    issued = await stage.issue(first, "Sofia central")
    assert issued.request.status is PartStatus.ISSUED and issued.left == 10
    assert issued.warehouse is not None and issued.warehouse.name == "Sofia central"
    assert issued.engineer is not None and issued.engineer.id == stage.engineer_id
    assert issued.low_stock is None  # 12 left of a minimum of 4
    assert await stage.stock("LM-GSK-85") == [("Sofia central", 10), ("Plovdiv", 2)]
    assert await stage.ledger(first) == [(-2, 10, MovementReason.ISSUED)]
    used = await stage.as_engineer("use", first)
    assert used.request.status is PartStatus.USED and used.request.finished_at == NOW
    assert await stage.stock("LM-GSK-85") == [("Sofia central", 10), ("Plovdiv", 2)]
    with pytest.raises(InvalidState, match="already marked as used"):
        await stage.as_engineer("return", first)
    async with app.db.transaction() as session:
        assert [(p.number, n) for p, n in await parts.used_on(session, stage.job)] == [
            ("LM-GSK-85", 2)
        ]

    second = await stage.request("LM-GSK-85", 1)
    await stage.issue(second, "Plovdiv")
    returned = await stage.as_engineer("return", second)
    assert returned.request.status is PartStatus.RETURNED and returned.left == 2
    assert await stage.stock("LM-GSK-85") == [("Sofia central", 10), ("Plovdiv", 2)]
    async with app.db.transaction() as session:
        [row] = [
            r
            for r in await parts.ledger(session, NOW, NOW + timedelta(1))
            if r.movement.request_id == second
        ][1:]
        assert row.who == "" and row.ticket_id == stage.job  # the engineer has no name here
    assert await stage.ledger(second) == [
        (-1, 1, MovementReason.ISSUED),
        (1, 2, MovementReason.RETURNED),
    ]


async def test_issuing_more_than_the_warehouse_holds_is_refused_with_the_numbers(
    app: App,
) -> None:
    stage = await Stage(app).setup()
    request = await stage.request("LM-GSK-85", 3)
    with pytest.raises(InvalidState) as refused:
        await stage.issue(request, "Plovdiv")
    assert str(refused.value) == (
        "Not enough in stock: Plovdiv has 2 of LM-GSK-85, 3 needed. Nothing was issued."
    )
    assert (await stage.status(request)).status is PartStatus.REQUESTED
    assert await stage.stock("LM-GSK-85") == [("Sofia central", 12), ("Plovdiv", 2)]
    assert await stage.ledger(request) == []
    nowhere = await stage.request("SM-TUB-55", 1)
    with pytest.raises(InvalidState, match="Moscow has 0 of SM-TUB-55, 1 needed"):
        await stage.issue(nowhere, "Moscow")
    with pytest.raises(InvalidState, match="Sofia central has 0 of SM-TUB-55"):
        await stage.issue(nowhere, "Sofia central")  # a warehouse that never had it


async def test_two_managers_issue_the_last_unit_at_once(
    app: App, processes: Callable[..., list[App]]
) -> None:
    stage = await Stage(app).setup()
    first, second = await stage.request("LM-PRS-12", 1), await stage.request("LM-PRS-12", 1)
    one, other = processes(2)
    results = await asyncio.gather(
        stage.issue(first, "Sofia central", one),
        stage.issue(second, "Sofia central", other),
        return_exceptions=True,
    )
    refusals = [r for r in results if isinstance(r, InvalidState)]
    issued = [r for r in results if isinstance(r, parts.PartMoved)]
    assert len(refusals) == 1 and len(issued) == 1, results
    assert "Sofia central has 0 of LM-PRS-12, 1 needed" in str(refusals[0])
    assert await stage.stock("LM-PRS-12") == [("Plovdiv", 0), ("Sofia central", 0)]
    statuses = {(await stage.status(r)).status for r in (first, second)}
    assert statuses == {PartStatus.ISSUED, PartStatus.REQUESTED}
    async with app.db.transaction() as session:
        issues = await session.scalar(
            select(func.count()).where(StockMovement.reason == MovementReason.ISSUED)
        )
    assert issues == 1


async def test_the_same_request_issued_twice_at_once(
    app: App, processes: Callable[..., list[App]]
) -> None:
    stage = await Stage(app).setup()
    request = await stage.request("LM-GSK-85", 2)
    apps = processes(3)
    results = await asyncio.gather(
        *(stage.issue(request, "Sofia central", each) for each in apps), return_exceptions=True
    )
    assert sum(isinstance(r, parts.PartMoved) for r in results) == 1, results
    assert all("already issued" in str(r) for r in results if not isinstance(r, parts.PartMoved))
    assert await stage.stock("LM-GSK-85") == [("Sofia central", 10), ("Plovdiv", 2)]


async def test_ordered_then_arrived_is_issued(app: App) -> None:
    stage = await Stage(app).setup()
    request = await stage.request("SM-TUB-55", 1)
    async with app.db.transaction() as session:
        manager = await session.get_one(Person, stage.manager_id)
        with pytest.raises(InvalidState, match="in the past"):
            await parts.order(session, request, date(2026, 11, 21), manager, NOW, app.settings)
        moved = await parts.order(session, request, date(2026, 12, 1), manager, NOW, app.settings)
        assert moved.request.status is PartStatus.ORDERED
        assert moved.request.expected_on == date(2026, 12, 1) and moved.request.ordered_at == NOW
        with pytest.raises(InvalidState, match="already ordered"):
            await parts.issue(
                session, request, stage.warehouses["Moscow"], manager, NOW, app.settings
            )
        again = await parts.order(session, request, date(2026, 12, 3), manager, NOW, app.settings)
        assert again.request.expected_on == date(2026, 12, 3)
        came = await parts.arrived(
            session, request, stage.warehouses["Moscow"], manager, NOW, app.settings
        )
        assert came.request.status is PartStatus.ISSUED and came.left == 0
        with pytest.raises(InvalidState, match="already issued"):
            await parts.arrived(
                session, request, stage.warehouses["Moscow"], manager, NOW, app.settings
            )
    assert await stage.ledger(request) == [
        (1, 1, MovementReason.ARRIVED),
        (-1, 0, MovementReason.ISSUED),
    ]
    assert await stage.stock("SM-TUB-55") == [("Moscow", 0)]
    await stage.as_engineer("return", request)  # not needed after all: it is in stock now
    assert await stage.stock("SM-TUB-55") == [("Moscow", 1)]


async def test_rejected_with_a_reason_is_final(app: App) -> None:
    stage = await Stage(app).setup()
    request = await stage.request("DK-PCB-35R", 1)
    async with app.db.transaction() as session:
        manager = await session.get_one(Person, stage.manager_id)
        moved = await parts.reject(
            session, request, "  Discontinued; use the R2 board  ", manager, NOW
        )
        assert moved.request.status is PartStatus.REJECTED
        assert moved.request.reason == "Discontinued; use the R2 board"
        assert moved.request.handled_by == manager.id and moved.request.finished_at == NOW
        with pytest.raises(InvalidState, match="was rejected"):
            await parts.issue(
                session, request, stage.warehouses["Sofia central"], manager, NOW, app.settings
            )
        with pytest.raises(InvalidState, match="was rejected"):
            await parts.reject(session, request, "again", manager, NOW)
    with pytest.raises(InvalidState, match="was rejected"):
        await stage.as_engineer("use", request)


async def test_only_the_jobs_engineer_marks_its_parts(app: App) -> None:
    stage = await Stage(app).setup()
    request = await stage.request("LM-SHW-01", 1)
    with pytest.raises(InvalidState, match="still waiting for a decision"):
        await stage.as_engineer("use", request)
    await stage.issue(request, "Sofia central")
    async with app.db.transaction() as session:
        other = await session.scalar(select(Person).where(Person.tg_user_id == 2))
        assert other is not None
        with pytest.raises(Forbidden):
            await parts.use(session, request, other, NOW)
        with pytest.raises(NotFound):
            await parts.use(session, 999999, other, NOW)


async def test_low_stock_is_told_once_per_fall_below_the_minimum(app: App) -> None:
    stage = await Stage(app).setup()  # CR-FLT-42: 20 in Moscow, a minimum of 5

    async def issue(quantity: int) -> tuple[int, parts.LowStock | None]:
        request = await stage.request("CR-FLT-42", quantity)
        return request, (await stage.issue(request, "Moscow")).low_stock

    _, low = await issue(10)  # 10 left
    assert low is None
    five, low = await issue(5)  # 5: at the minimum is not low
    assert low is None
    one, low = await issue(1)  # 4: below, told
    assert low is not None and (low.total, low.minimum, low.part.number) == (4, 5, "CR-FLT-42")
    _, low = await issue(1)  # 3: the same fall
    assert low is None
    await stage.as_engineer("return", one)  # 4: still below
    _, low = await issue(1)  # 3
    assert low is None
    await stage.as_engineer("return", five)  # 8: back above the minimum
    _, low = await issue(4)  # 4: a new fall, told again
    assert low is not None and low.total == 4
    assert await stage.stock("CR-FLT-42") == [("Moscow", 4)]


async def test_the_default_minimum_and_an_import_restock(app: App) -> None:
    stage = await Stage(app).setup()  # LM-SHW-01: 6, no minimum of its own (2 by default)
    assert app.settings.min_stock == 2
    first = await stage.issue(await stage.request("LM-SHW-01", 5), "Sofia central")
    assert first.low_stock is not None and first.low_stock.minimum == 2
    async with app.db.transaction() as session:
        text = "number,name,warehouse,quantity\nLM-SHW-01,,Sofia central,3\n"
        await import_csv(session, "parts", text)
    later = await stage.issue(await stage.request("LM-SHW-01", 2), "Sofia central")
    assert later.low_stock is not None and later.low_stock.total == 1
