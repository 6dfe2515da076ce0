"""What every CSV import shares: a row, its refusal, the report, cell readers, and the lookups
several kinds of row need (a customer by ref, a customer's contract by number).

Kept apart from :mod:`bot.services.importer`, which drives the imports, so each kind's own
module can build on these without importing the driver back.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Contract, Customer

Row = dict[str, str]
RowImporter = Callable[[AsyncSession, Row], Awaitable[None]]


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


async def apply_rows(
    session: AsyncSession,
    rows: Iterable[tuple[int, Row]],
    importer: RowImporter,
    report: ImportReport | None = None,
) -> ImportReport:
    """Import every row it can, each in its own savepoint so one bad row spoils nothing; bad
    rows are reported with their line number."""
    report = report or ImportReport()
    for line, row in rows:
        try:
            async with session.begin_nested():
                await importer(session, row)
        except RowError as error:
            report.errors.append((line, str(error)))
        except IntegrityError as error:
            report.errors.append((line, f"conflicts with existing data: {error.orig}"))
        else:
            report.imported += 1
    return report


def required(row: Row, column: str) -> str:
    value = row.get(column, "").strip()
    if not value:
        raise RowError(f"'{column}' is empty")
    return value


EARLIEST, LATEST = date(1950, 1, 1), date(2100, 12, 31)  # a date outside is a typo


def date_cell(row: Row, column: str) -> date | None:
    value = row.get(column, "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            day = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if not EARLIEST <= day <= LATEST:
            raise RowError(
                f"'{column}' is out of range ({EARLIEST.year}–{LATEST.year}): {value!r}"
            )
        return day
    raise RowError(f"'{column}' is not a date (YYYY-MM-DD): {value!r}")


def float_cell(
    row: Row, column: str, minimum: float | None = None, maximum: float | None = None
) -> float | None:
    value = row.get(column, "").strip().replace(",", ".")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise RowError(f"'{column}' is not a number: {value!r}") from None
    if (
        not math.isfinite(number)
        or (minimum is not None and number < minimum)
        or (maximum is not None and number > maximum)
    ):
        raise RowError(f"'{column}' is out of range ({minimum} to {maximum}): {value!r}")
    return number


async def customer_by_ref(session: AsyncSession, ref: str) -> Customer:
    customer = await session.scalar(select(Customer).where(Customer.external_ref == ref))
    if customer is None:
        raise RowError(f"no customer with ref {ref!r} (import customers first)")
    return customer


async def customer_contract(session: AsyncSession, number: str, customer: Customer) -> Contract:
    """The contract with this number, created for ``customer`` if new; refused when another
    customer holds it."""
    contract = await session.scalar(select(Contract).where(Contract.number == number))
    if contract is None:
        contract = Contract(number=number, customer_id=customer.id)
        session.add(contract)
    elif contract.customer_id != customer.id:
        raise RowError(f"contract {number!r} belongs to another customer")
    return contract
