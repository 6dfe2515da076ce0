"""Service contracts from CSV (``fieldbot import contracts FILE.csv``).

Columns: ``number,customer_ref,tier,response_hours,resolution_hours,business_hours,
maintenance_interval_days,valid_until``.

- ``number`` and ``customer_ref`` are required; a known number is updated (it must belong to
  the same customer), a new one created. Equipment is linked to a contract by the
  ``contract`` column of the equipment import.
- ``response_hours`` and ``resolution_hours`` (whole hours, response ≤ resolution) are the
  terms of a normal request; urgent requests get half, production stopped a quarter.
- ``business_hours``: ``yes`` counts those hours in the company's working hours
  (``FIELDBOT_BUSINESS_HOURS`` on ``FIELDBOT_BUSINESS_DAYS``), ``no`` around the clock, empty
  follows ``FIELDBOT_DEFAULT_BUSINESS_HOURS``.
- ``maintenance_interval_days``: preventive maintenance every that many days (empty: none).
- ``valid_until``: the last day the contract covers (``YYYY-MM-DD``; empty: open-ended).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.buttons import parse_int
from bot.services.import_rows import (
    Row,
    RowError,
    customer_by_ref,
    customer_contract,
    date_cell,
    required,
)

YES = frozenset({"yes", "y", "true", "1", "да", "д"})
NO = frozenset({"no", "n", "false", "0", "нет", "не", "н"})


def _hours(row: Row, column: str, *, required: bool) -> int | None:
    value = row.get(column, "").strip()
    if not value:
        if required:
            raise RowError(f"'{column}' is empty")
        return None
    hours = parse_int(value, minimum=1)
    if hours is None:
        raise RowError(f"'{column}' is not a whole number of at least 1: {value!r}")
    return hours


def _yes_no(row: Row, column: str) -> bool | None:
    value = row.get(column, "").strip().lower()
    if not value:
        return None
    if value in YES:
        return True
    if value in NO:
        return False
    raise RowError(f"'{column}' is not yes or no: {value!r}")


async def import_contract_row(session: AsyncSession, row: Row) -> None:
    number, customer_ref = required(row, "number"), required(row, "customer_ref")
    response = _hours(row, "response_hours", required=True)
    resolution = _hours(row, "resolution_hours", required=True)
    assert response is not None and resolution is not None
    if response > resolution:
        raise RowError("'response_hours' is longer than 'resolution_hours'")
    interval = _hours(row, "maintenance_interval_days", required=False)
    business_hours = _yes_no(row, "business_hours")
    valid_until = date_cell(row, "valid_until")
    customer = await customer_by_ref(session, customer_ref)
    contract = await customer_contract(session, number, customer)
    contract.tier = row.get("tier", "").strip() or contract.tier or "standard"
    contract.response_hours, contract.resolution_hours = response, resolution
    contract.business_hours = business_hours
    contract.maintenance_interval_days = interval
    contract.valid_until = valid_until
    await session.flush()
