"""Spare parts: the catalog with stock per warehouse, fuzzy search, and part requests from a job.

Import (``fieldbot import parts FILE.csv``), one row per part and warehouse::

    number,name,warehouse,quantity
    LM-GSK-58,Group head gasket 8.5 mm,Sofia central,12
    LM-GSK-58,Group head gasket 8.5 mm,Plovdiv,0

A part kept in several warehouses takes several rows; re-importing sets the stock to the
file's quantity (it does not add). ``warehouse`` and ``quantity`` may be empty to list a part
without stock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.buttons import parse_int
from bot.core.i18n import N_
from bot.services import jobs
from bot.services.errors import InvalidState, NotFound
from bot.services.import_rows import Row, RowError
from bot.services.matching import FuzzyIndex
from storage.models import (
    Part,
    PartRequest,
    Person,
    Stock,
    Ticket,
    TicketEvent,
    TimelineKind,
    Warehouse,
)

MAX_QUANTITY = 99
SEARCH_LIMIT = 6
_QUANTITY = re.compile(r"^\s*(\d{1,3})\s*[^\d]*$")


# -- import ---------------------------------------------------------------------------------------
async def import_stock_row(session: AsyncSession, row: Row) -> None:
    number = (row.get("number") or "").strip()
    name = (row.get("name") or "").strip()
    warehouse_name = (row.get("warehouse") or "").strip()
    quantity_text = (row.get("quantity") or "").strip()
    if not number:
        raise RowError("'number' is empty")
    if quantity_text and parse_int(quantity_text) is None:
        raise RowError(f"'quantity' is not a whole number ≥ 0: {quantity_text!r}")
    if quantity_text and not warehouse_name:
        raise RowError("'warehouse' is empty but 'quantity' is given")
    part = await session.scalar(select(Part).where(Part.number == number))
    if part is None:
        if not name:
            raise RowError("'name' is empty")
        part = Part(number=number, name=name)
        session.add(part)
    part.name = name or part.name
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
        stock = Stock(part_id=part.id, warehouse_id=warehouse.id)
        session.add(stock)
    stock.quantity = int(quantity_text or 0)
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


async def search(session: AsyncSession, query: str, limit: int = SEARCH_LIMIT) -> list[PartHit]:
    """Parts whose number or name resembles ``query`` (typos, Cyrillic look-alikes), best first,
    each with its total stock."""
    catalog = list(await session.scalars(select(Part)))
    index = FuzzyIndex(
        [(part.id, part.number) for part in catalog] + [(part.id, part.name) for part in catalog]
    )
    by_id = {part.id: part for part in catalog}
    found = [by_id[match.key] for match in index.search(query, limit)]
    totals = await _totals(session, [part.id for part in found])
    return [PartHit(part, totals.get(part.id, 0)) for part in found]


async def get_part(session: AsyncSession, part_id: int) -> Part:
    part = await session.get(Part, part_id)
    if part is None:
        raise NotFound(f"part {part_id}")
    return part


async def stock_by_warehouse(session: AsyncSession, part_id: int) -> list[tuple[str, int]]:
    """``[("Plovdiv", 0), ("Sofia central", 4)]``: every warehouse that lists the part."""
    rows = await session.execute(
        select(Warehouse.name, Stock.quantity)
        .join(Stock, Stock.warehouse_id == Warehouse.id)
        .where(Stock.part_id == part_id)
        .order_by(Stock.quantity.desc(), Warehouse.name)
    )
    return [(name, int(quantity)) for name, quantity in rows]


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
    """An engineer asked for a part. The managers hear of every request, and once more when it
    leaves the stock under ``FIELDBOT_LOW_STOCK_THRESHOLD`` (``low_stock``)."""

    request: PartRequest
    ticket: Ticket
    part: Part
    engineer: Person
    stock: list[tuple[str, int]]  # every warehouse that lists the part, as stock_by_warehouse
    low_stock: bool

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
    """Record what the job needs, on its timeline.

    Requests do not take from the stock, so the stock left is what the warehouses hold minus
    the quantity asked for.
    """
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
    )
    session.add(request)
    session.add(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            actor_id=engineer.id,
            kind=TimelineKind.PARTS,
            note=f"{part.number} {part.name} × {quantity}",
            data={"part_id": part.id, "number": part.number, "quantity": quantity},
        )
    )
    ticket.updated_at = now
    await session.flush()
    stock = await stock_by_warehouse(session, part.id)
    left = sum(count for _, count in stock) - quantity
    low = left < settings.low_stock_threshold
    return PartRequested(request, ticket, part, engineer, stock, low_stock=low)


async def requests_for(session: AsyncSession, ticket_id: int) -> list[tuple[PartRequest, Part]]:
    rows = await session.execute(
        select(PartRequest, Part)
        .join(Part, Part.id == PartRequest.part_id)
        .where(PartRequest.ticket_id == ticket_id)
        .order_by(PartRequest.id)
    )
    return [(request, part) for request, part in rows]
