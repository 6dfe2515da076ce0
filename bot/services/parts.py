"""Spare parts: the catalog with stock per warehouse, fuzzy search in every language, part
requests from a job and their lifecycle, and the stock ledger.

Import (``fieldbot import parts FILE.csv``), one row per part and warehouse::

    number,name,name_ru,name_bg,min_stock,warehouse,quantity
    LM-GSK-85,Group head gasket,Прокладка группы,Уплътнение на група,4,Sofia central,12
    LM-GSK-85,Group head gasket,,,,Plovdiv,0

A part kept in several warehouses takes several rows; re-importing sets the stock to the
file's quantity (it does not add), and the difference is a row of the ledger. ``warehouse``
and ``quantity`` may be empty to list a part without stock; ``name_ru``, ``name_bg`` and
``min_stock`` are optional (an empty cell keeps what the part had).

A request is ``requested``; a manager issues it from a warehouse (the stock goes down in the
same transaction, never below zero), orders it (with an expected date; issued on arrival) or
rejects it (with a reason); an issued part is then ``used`` on the job or ``returned`` to its
warehouse. Every change of stock is a :class:`~storage.models.StockMovement`. A part is low on
stock when all warehouses together hold fewer than its minimum; the managers hear of it once
each time it falls below (:attr:`Part.low_alerted`, reset when it is back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.buttons import parse_int
from bot.core.i18n import N_
from bot.services import catalogs, jobs, tickets
from bot.services.errors import Forbidden, InvalidState, NotFound
from bot.services.import_rows import Row, RowError
from storage.models import (
    MovementReason,
    Part,
    PartRequest,
    PartStatus,
    Person,
    Stock,
    StockMovement,
    Ticket,
    TimelineKind,
    Warehouse,
    utcnow,
)

MAX_QUANTITY = 99
MAX_REASON = 500
SEARCH_LIMIT = 6
_QUANTITY = re.compile(r"^\s*(\d{1,3})\s*[^\d]*$")
PENDING = (PartStatus.REQUESTED, PartStatus.ORDERED)


def part_name(part: Part, locale: str) -> str:
    """The part's name in ``locale`` (ru, bg), or in English when it has none there."""
    local = {"ru": part.name_ru, "bg": part.name_bg}.get(locale)
    return local or part.name


# -- import ---------------------------------------------------------------------------------------
def _optional_int(row: Row, column: str) -> int | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    value = parse_int(text)
    if value is None:
        raise RowError(f"'{column}' is not a whole number ≥ 0: {text!r}")
    return value


async def import_stock_row(session: AsyncSession, row: Row) -> None:
    number = (row.get("number") or "").strip()
    name = (row.get("name") or "").strip()
    warehouse_name = (row.get("warehouse") or "").strip()
    if not number:
        raise RowError("'number' is empty")
    quantity = _optional_int(row, "quantity")
    minimum = _optional_int(row, "min_stock")
    if quantity is not None and not warehouse_name:
        raise RowError("'warehouse' is empty but 'quantity' is given")
    part = await session.scalar(select(Part).where(Part.number == number))
    if part is None:
        if not name:
            raise RowError("'name' is empty")
        part = Part(number=number, name=name, low_alerted=False)
        session.add(part)
    part.name = name or part.name
    part.name_ru = (row.get("name_ru") or "").strip() or part.name_ru
    part.name_bg = (row.get("name_bg") or "").strip() or part.name_bg
    part.min_stock = minimum if minimum is not None else part.min_stock
    await session.flush()
    if not warehouse_name:
        return
    warehouse = await session.scalar(select(Warehouse).where(Warehouse.name == warehouse_name))
    if warehouse is None:
        warehouse = Warehouse(name=warehouse_name)
        session.add(warehouse)
        await session.flush()
    stock = await session.get(Stock, (part.id, warehouse.id))
    if stock is None:
        stock = Stock(part_id=part.id, warehouse_id=warehouse.id, quantity=0)
        session.add(stock)
    before, after = stock.quantity or 0, quantity or 0
    stock.quantity = after
    await session.flush()
    if after != before:
        session.add(
            StockMovement(
                part_id=part.id,
                warehouse_id=warehouse.id,
                delta=after - before,
                quantity_after=after,
                reason=MovementReason.IMPORT,
                at=utcnow(),
            )
        )
        await session.flush()
    if after > before:  # restocked: if it is still low, the next issue says so again
        part.low_alerted = False
        await session.flush()


# -- catalog --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PartHit:
    part: Part
    total: int


async def _totals(session: AsyncSession, part_ids: list[int]) -> dict[int, int]:
    rows = await session.execute(
        select(Stock.part_id, func.coalesce(func.sum(Stock.quantity), 0))
        .where(Stock.part_id.in_(part_ids))
        .group_by(Stock.part_id)
    )
    return {part_id: int(total) for part_id, total in rows}


async def total_stock(session: AsyncSession, part_id: int) -> int:
    return (await _totals(session, [part_id])).get(part_id, 0)


async def search(session: AsyncSession, query: str, limit: int = SEARCH_LIMIT) -> list[PartHit]:
    """Parts whose number or name in any language resembles ``query`` (typos, Cyrillic
    look-alikes), best first, each with its total stock."""
    keys = [match.key for match in (await catalogs.parts(session)).search(query, limit)]
    by_id = {
        part.id: part for part in await session.scalars(select(Part).where(Part.id.in_(keys)))
    }
    found = [by_id[key] for key in keys if key in by_id]
    totals = await _totals(session, [part.id for part in found])
    return [PartHit(part, totals.get(part.id, 0)) for part in found]


async def get_part(session: AsyncSession, part_id: int) -> Part:
    part = await session.get(Part, part_id)
    if part is None:
        raise NotFound(f"part {part_id}")
    return part


async def stock_by_warehouse(session: AsyncSession, part_id: int) -> list[tuple[str, int]]:
    """``[("Plovdiv", 0), ("Sofia central", 4)]``: every warehouse that lists the part."""
    return [(item.name, item.quantity) for item in await warehouses_of(session, part_id)]


@dataclass(frozen=True)
class InWarehouse:
    warehouse_id: int
    name: str
    quantity: int


async def warehouses_of(session: AsyncSession, part_id: int) -> list[InWarehouse]:
    """Every warehouse that lists the part, the fullest first."""
    rows = await session.execute(
        select(Warehouse.id, Warehouse.name, Stock.quantity)
        .join(Stock, Stock.warehouse_id == Warehouse.id)
        .where(Stock.part_id == part_id)
        .order_by(Stock.quantity.desc(), Warehouse.name)
    )
    return [InWarehouse(id_, name, int(quantity)) for id_, name, quantity in rows]


async def all_warehouses(session: AsyncSession) -> list[Warehouse]:
    return list(await session.scalars(select(Warehouse).order_by(Warehouse.name)))


def parse_quantity(text: str) -> int | None:
    """``2``, ``2 pcs``, ``2шт`` → 2; None unless a whole number from 1 to 99."""
    match = _QUANTITY.match(text)
    return None if match is None else parse_int(match.group(1), minimum=1, maximum=MAX_QUANTITY)


# -- requests -------------------------------------------------------------------------------------
async def job_for_parts(session: AsyncSession, ticket_id: int, engineer: Person) -> Ticket:
    """The engineer's own job while it is being worked (not resolved)."""
    ticket = await jobs.get_my_job(session, ticket_id, engineer)
    if ticket.status not in jobs.WORKING_STATUSES:
        raise InvalidState(N_("This job is no longer open."))
    return ticket


@dataclass(frozen=True)
class PartRequested:
    """An engineer asked for a part; the managers hear of every request, with the stock per
    warehouse to issue it from."""

    request: PartRequest
    ticket: Ticket
    part: Part
    engineer: Person
    stock: list[tuple[str, int]]  # every warehouse that lists the part, as stock_by_warehouse

    @property
    def in_stock(self) -> int:
        return sum(quantity for _, quantity in self.stock)


async def request_part(
    session: AsyncSession,
    ticket_id: int,
    engineer: Person,
    part_id: int,
    quantity: int,
    now: datetime,
    settings: Settings,
) -> PartRequested:
    """Record what the job needs, on its timeline. A request takes nothing from the stock
    until a manager issues it."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidState(f"quantity {quantity} is outside 1–{MAX_QUANTITY}")
    ticket = await job_for_parts(session, ticket_id, engineer)
    part = await get_part(session, part_id)
    request = PartRequest(
        ticket_id=ticket.id,
        part_id=part.id,
        quantity=quantity,
        requested_by=engineer.id,
        requested_at=now,
        status=PartStatus.REQUESTED,
    )
    session.add(request)
    tickets.add_event(
        session,
        ticket,
        engineer,
        TimelineKind.PARTS,
        now,
        note=_line(part, quantity),
        data={"part_id": part.id, "number": part.number, "quantity": quantity},
    )
    ticket.updated_at = now
    await session.flush()
    stock = await stock_by_warehouse(session, part.id)
    return PartRequested(request, ticket, part, engineer, stock)


async def requests_for(session: AsyncSession, ticket_id: int) -> list[tuple[PartRequest, Part]]:
    rows = await session.execute(
        select(PartRequest, Part)
        .join(Part, Part.id == PartRequest.part_id)
        .where(PartRequest.ticket_id == ticket_id)
        .order_by(PartRequest.id)
    )
    return [(request, part) for request, part in rows]


async def used_on(session: AsyncSession, ticket_id: int) -> list[tuple[Part, int]]:
    """The parts used on the job and how many of each, in the order they were requested."""
    used: dict[int, tuple[Part, int]] = {}
    for request, part in await requests_for(session, ticket_id):
        if request.status is PartStatus.USED:
            count = used[part.id][1] if part.id in used else 0
            used[part.id] = (part, count + request.quantity)
    return list(used.values())


_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?\s*(?:г\.?|r\.?)?\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str, today: date) -> date | None:
    """``12.12``, ``12/12/2026``, ``12.12.26``, ``2026-12-12`` → a date (a day and month
    without a year: the next one from ``today``); None when it is no date."""
    iso, dotted = _ISO.match(text), _DAY_MONTH.match(text)
    try:
        if iso is not None:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if dotted is None:
            return None
        day, month, year = int(dotted.group(1)), int(dotted.group(2)), dotted.group(3)
        if year is not None:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        found = date(today.year, month, day)
        return found if found >= today else date(today.year + 1, month, day)
    except ValueError:  # 31.02
        return None


# -- the lifecycle --------------------------------------------------------------------------------
@dataclass(frozen=True)
class LowStock:
    """The part's total stock went below its minimum (told once per fall)."""

    part: Part
    total: int
    minimum: int


@dataclass(frozen=True)
class PartMoved:
    """A request moved on (``request.status`` says where): its engineer hears of it, and the
    managers' alert about it is brought up to date; ``low_stock`` when this made stock low."""

    request: PartRequest
    part: Part
    ticket: Ticket
    engineer: Person | None  # who asked for it
    by: Person
    warehouse: Warehouse | None = None
    left: int | None = None  # what the warehouse holds after the move
    low_stock: LowStock | None = None


@dataclass(frozen=True)
class RequestFacts:
    """A request with what its messages show."""

    request: PartRequest
    part: Part
    ticket: Ticket
    engineer: Person | None
    warehouse: Warehouse | None
    stock: list[InWarehouse]


async def get_request(session: AsyncSession, request_id: int) -> PartRequest:
    request = await session.get(PartRequest, request_id, populate_existing=True)
    if request is None:
        raise NotFound(N_("This part request no longer exists."))
    return request


async def facts(session: AsyncSession, request: PartRequest) -> RequestFacts:
    part = await session.get_one(Part, request.part_id)
    ticket = await tickets.card_of(session, request.ticket_id)
    engineer = await session.get(Person, request.requested_by) if request.requested_by else None
    warehouse = (
        await session.get(Warehouse, request.warehouse_id) if request.warehouse_id else None
    )
    stock = await warehouses_of(session, part.id)
    return RequestFacts(request, part, ticket, engineer, warehouse, stock)


async def pending_of_part(session: AsyncSession, part_id: int) -> list[PartRequest]:
    """The part's requests still waiting for a decision or its arrival, oldest first."""
    query = (
        select(PartRequest)
        .where(PartRequest.part_id == part_id, PartRequest.status.in_(PENDING))
        .order_by(PartRequest.id)
    )
    return list(await session.scalars(query))


async def request_by_alert(session: AsyncSession, outbox_id: int) -> PartRequest | None:
    return await session.scalar(select(PartRequest).where(PartRequest.alert_id == outbox_id))


# Why a request cannot move, by where it stands.
ALREADY = {
    PartStatus.REQUESTED: N_("This part request is still waiting for a decision."),
    PartStatus.ORDERED: N_("This part is already ordered."),
    PartStatus.ISSUED: N_("This part is already issued."),
    PartStatus.REJECTED: N_("This part request was rejected."),
    PartStatus.USED: N_("This part is already marked as used."),
    PartStatus.RETURNED: N_("This part was already returned."),
}


async def _claim(
    session: AsyncSession,
    request: PartRequest,
    allowed: tuple[PartStatus, ...],
    **values: object,
) -> None:
    """Move the request on from one of the ``allowed`` statuses, atomically: of two people
    pressing at once, the second finds it moved and is refused."""
    result = await session.execute(
        update(PartRequest)
        .where(PartRequest.id == request.id, PartRequest.status.in_(allowed))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    now_is = await get_request(session, request.id)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidState(ALREADY[now_is.status])


async def _move(
    session: AsyncSession,
    part: Part,
    warehouse: Warehouse,
    delta: int,
    reason: MovementReason,
    person: Person | None,
    now: datetime,
    request: PartRequest | None = None,
) -> int:
    """Change the warehouse's stock of the part by ``delta`` and write it in the ledger;
    returns the quantity after. Taking more than there is is refused with the numbers, and
    the check is the UPDATE itself, so two transactions cannot both take the last one."""
    changed = await session.execute(
        update(Stock)
        .where(
            Stock.part_id == part.id,
            Stock.warehouse_id == warehouse.id,
            Stock.quantity + delta >= 0,
        )
        .values(quantity=Stock.quantity + delta)
        .returning(Stock.quantity)
        .execution_options(synchronize_session=False)
    )
    after = changed.scalar_one_or_none()
    if after is None and delta < 0:
        have = await session.scalar(
            select(Stock.quantity).where(
                Stock.part_id == part.id, Stock.warehouse_id == warehouse.id
            )
        )
        raise InvalidState(
            N_(
                "Not enough in stock: {warehouse} has {have} of {number}, {n} needed. "
                "Nothing was issued."
            ),
            warehouse=warehouse.name,
            have=have or 0,
            number=part.number,
            n=-delta,
        )
    if after is None:
        session.add(Stock(part_id=part.id, warehouse_id=warehouse.id, quantity=delta))
        after = delta
    session.add(
        StockMovement(
            part_id=part.id,
            warehouse_id=warehouse.id,
            delta=delta,
            quantity_after=after,
            reason=reason,
            person_id=person.id if person is not None else None,
            request_id=request.id if request is not None else None,
            at=now,
        )
    )
    await session.flush()
    return int(after)


def minimum_of(part: Part, settings: Settings) -> int:
    return part.min_stock if part.min_stock is not None else settings.min_stock


async def _low_after_taking(
    session: AsyncSession, part: Part, settings: Settings
) -> LowStock | None:
    """After stock went down: low (and not yet told) → the one alert of this fall."""
    total, minimum = await total_stock(session, part.id), minimum_of(part, settings)
    if total >= minimum:
        return None
    claimed = await session.execute(
        update(Part)
        .where(Part.id == part.id, Part.low_alerted.is_(False))
        .values(low_alerted=True)
        .execution_options(synchronize_session=False)
    )
    return LowStock(part, total, minimum) if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


async def _after_adding(session: AsyncSession, part: Part, settings: Settings) -> None:
    """After stock went up: back at or above the minimum, the next fall is told again."""
    if await total_stock(session, part.id) >= minimum_of(part, settings):
        await session.execute(
            update(Part)
            .where(Part.id == part.id, Part.low_alerted.is_(True))
            .values(low_alerted=False)
            .execution_options(synchronize_session=False)
        )


async def _open_ticket(session: AsyncSession, request: PartRequest) -> Ticket:
    ticket = await session.get_one(Ticket, request.ticket_id)
    if not ticket.is_open:
        raise InvalidState(
            N_("#{id} is no longer open; reject the part request instead."), id=ticket.id
        )
    return ticket


async def _warehouse(session: AsyncSession, warehouse_id: int) -> Warehouse:
    warehouse = await session.get(Warehouse, warehouse_id)
    if warehouse is None:
        raise NotFound(N_("That warehouse no longer exists."))
    return warehouse


async def _moved(
    session: AsyncSession,
    request: PartRequest,
    by: Person,
    warehouse: Warehouse | None = None,
    left: int | None = None,
    low: LowStock | None = None,
) -> PartMoved:
    request = await get_request(session, request.id)
    part = await session.get_one(Part, request.part_id, populate_existing=True)
    ticket = await tickets.card_of(session, request.ticket_id)  # the card shows it again
    engineer = await session.get(Person, request.requested_by) if request.requested_by else None
    return PartMoved(request, part, ticket, engineer, by, warehouse, left, low)


async def issue(
    session: AsyncSession,
    request_id: int,
    warehouse_id: int,
    manager: Person,
    now: datetime,
    settings: Settings,
) -> PartMoved:
    """Issue a requested part from a warehouse: its stock goes down by the quantity, in this
    transaction; refused with the numbers when the warehouse holds fewer."""
    return await _hand_out(session, request_id, warehouse_id, manager, now, settings)


async def arrived(
    session: AsyncSession,
    request_id: int,
    warehouse_id: int,
    manager: Person,
    now: datetime,
    settings: Settings,
) -> PartMoved:
    """An ordered part came in at a warehouse: in the ledger it arrives there and is issued
    from there at once (the warehouse's stock is as before)."""
    return await _hand_out(
        session, request_id, warehouse_id, manager, now, settings, arriving=True
    )


async def _hand_out(
    session: AsyncSession,
    request_id: int,
    warehouse_id: int,
    manager: Person,
    now: datetime,
    settings: Settings,
    *,
    arriving: bool = False,
) -> PartMoved:
    waiting = PartStatus.ORDERED if arriving else PartStatus.REQUESTED
    request = await get_request(session, request_id)
    if request.status is not waiting:
        raise InvalidState(ALREADY[request.status])
    ticket = await _open_ticket(session, request)
    warehouse = await _warehouse(session, warehouse_id)
    part = await session.get_one(Part, request.part_id)
    await _claim(
        session,
        request,
        (waiting,),
        status=PartStatus.ISSUED,
        warehouse_id=warehouse.id,
        handled_by=manager.id,
        issued_at=now,
    )
    n = request.quantity
    if arriving:
        await _move(session, part, warehouse, n, MovementReason.ARRIVED, manager, now, request)
    left = await _move(session, part, warehouse, -n, MovementReason.ISSUED, manager, now, request)
    _on_timeline(session, ticket, manager, TimelineKind.PART_ISSUED, request, part, now, warehouse)
    low = None if arriving else await _low_after_taking(session, part, settings)
    return await _moved(session, request, manager, warehouse, left, low)


async def order(
    session: AsyncSession,
    request_id: int,
    expected_on: date,
    manager: Person,
    now: datetime,
    settings: Settings,
) -> PartMoved:
    """The part is ordered from the supplier, expected on a date (today or later); an
    ordered part may be ordered again with another date."""
    request = await get_request(session, request_id)
    if request.status not in PENDING:
        raise InvalidState(ALREADY[request.status])
    await _open_ticket(session, request)
    if expected_on < now.astimezone(settings.tz).date():
        raise InvalidState(N_("That date is in the past. Please give a date from today on."))
    await _claim(
        session,
        request,
        PENDING,
        status=PartStatus.ORDERED,
        expected_on=expected_on,
        handled_by=manager.id,
        ordered_at=now,
    )
    return await _moved(session, request, manager)


async def reject(
    session: AsyncSession, request_id: int, reason: str, manager: Person, now: datetime
) -> PartMoved:
    """The part will not be supplied, for a reason the engineer reads."""
    request = await get_request(session, request_id)
    if request.status not in PENDING:
        raise InvalidState(ALREADY[request.status])
    await _claim(
        session,
        request,
        PENDING,
        status=PartStatus.REJECTED,
        reason=reason.strip()[:MAX_REASON],
        handled_by=manager.id,
        finished_at=now,
    )
    return await _moved(session, request, manager)


async def _engineers_issued(
    session: AsyncSession, request_id: int, engineer: Person
) -> PartRequest:
    request = await get_request(session, request_id)
    ticket = await session.get_one(Ticket, request.ticket_id)
    if ticket.engineer_id != engineer.id:
        raise Forbidden(N_("This job is not assigned to you."))
    if request.status is not PartStatus.ISSUED:
        raise InvalidState(ALREADY[request.status])
    return request


async def use(
    session: AsyncSession, request_id: int, engineer: Person, now: datetime
) -> PartMoved:
    """The engineer fitted the issued part on the job (it shows in the customer's summary)."""
    request = await _engineers_issued(session, request_id, engineer)
    await _claim(session, request, (PartStatus.ISSUED,), status=PartStatus.USED, finished_at=now)
    ticket = await session.get_one(Ticket, request.ticket_id)
    part = await session.get_one(Part, request.part_id)
    _on_timeline(session, ticket, engineer, TimelineKind.PART_USED, request, part, now)
    return await _moved(session, request, engineer)


async def give_back(
    session: AsyncSession, request_id: int, engineer: Person, now: datetime, settings: Settings
) -> PartMoved:
    """The engineer did not need the issued part: it goes back to the warehouse it came from."""
    request = await _engineers_issued(session, request_id, engineer)
    part = await session.get_one(Part, request.part_id)
    assert request.warehouse_id is not None  # an issued request names its warehouse
    warehouse = await _warehouse(session, request.warehouse_id)
    await _claim(
        session, request, (PartStatus.ISSUED,), status=PartStatus.RETURNED, finished_at=now
    )
    left = await _move(
        session, part, warehouse, request.quantity, MovementReason.RETURNED, engineer, now, request
    )
    await _after_adding(session, part, settings)
    ticket = await session.get_one(Ticket, request.ticket_id)
    _on_timeline(
        session, ticket, engineer, TimelineKind.PART_RETURNED, request, part, now, warehouse
    )
    return await _moved(session, request, engineer, warehouse, left)


def _on_timeline(
    session: AsyncSession,
    ticket: Ticket,
    by: Person,
    kind: TimelineKind,
    request: PartRequest,
    part: Part,
    now: datetime,
    warehouse: Warehouse | None = None,
) -> None:
    """Say on the job's timeline that its part was issued, used or returned (and where)."""
    data: dict[str, object] = {
        "request_id": request.id,
        "part_id": part.id,
        "number": part.number,
        "quantity": request.quantity,
    }
    if warehouse is not None:
        data["warehouse"] = warehouse.name
    note = _line(part, request.quantity)
    tickets.add_event(session, ticket, by, kind, now, note=note, data=data)


def _line(part: Part, quantity: int) -> str:
    """A part as the staff's timeline names it: ``LM-GSK-85 Group gasket × 2``."""
    return f"{part.number} {part.name} × {quantity}"


# -- export ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestRow:
    request: PartRequest
    part: Part
    warehouse: str | None
    requested_by: str | None


async def requests_of_tickets(session: AsyncSession, ticket_ids: list[int]) -> list[RequestRow]:
    """The part requests of these tickets, ticket by ticket, for the export."""
    if not ticket_ids:
        return []
    rows = await session.execute(
        select(PartRequest, Part, Warehouse.name, Person.name)
        .join(Part, Part.id == PartRequest.part_id)
        .outerjoin(Warehouse, Warehouse.id == PartRequest.warehouse_id)
        .outerjoin(Person, Person.id == PartRequest.requested_by)
        .where(PartRequest.ticket_id.in_(ticket_ids))
        .order_by(PartRequest.ticket_id, PartRequest.id)
    )
    return [RequestRow(request, part, where, who) for request, part, where, who in rows]


@dataclass(frozen=True)
class MovementRow:
    movement: StockMovement
    part: Part
    warehouse: str
    who: str | None
    ticket_id: int | None


async def ledger(session: AsyncSession, start: datetime, end: datetime) -> list[MovementRow]:
    """The stock movements from ``start`` to before ``end``, oldest first."""
    rows = await session.execute(
        select(StockMovement, Part, Warehouse.name, Person.name, PartRequest.ticket_id)
        .join(Part, Part.id == StockMovement.part_id)
        .join(Warehouse, Warehouse.id == StockMovement.warehouse_id)
        .outerjoin(Person, Person.id == StockMovement.person_id)
        .outerjoin(PartRequest, PartRequest.id == StockMovement.request_id)
        .where(StockMovement.at >= start, StockMovement.at < end)
        .order_by(StockMovement.id)
    )
    return [MovementRow(*row) for row in rows]
