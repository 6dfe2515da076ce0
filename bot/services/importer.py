"""CSV import of customers, equipment, checklists and parts: good rows are kept, bad rows
reported by line.

Columns are documented in the README. Re-importing a file updates rows by their key (customer
``ref``, equipment ``serial``) instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import phones
from storage.models import (
    Contract,
    Customer,
    CustomerContact,
    Equipment,
    EquipmentModel,
    Site,
)

CUSTOMER_COLUMNS = (
    "ref",
    "name",
    "contact_name",
    "phone",
    "email",
    "site",
    "address",
    "latitude",
    "longitude",
)
EQUIPMENT_COLUMNS = (
    "serial",
    "model",
    "manufacturer",
    "category",
    "customer_ref",
    "site",
    "installed_on",
    "warranty_until",
    "contract",
    "contract_tier",
    "contract_until",
)
CHECKLIST_COLUMNS = (
    "template",
    "kind",
    "model",
    "category",
    "position",
    "name_en",
    "name_ru",
    "name_bg",
    "type",
    "unit",
    "min",
    "max",
    "required",
)
PART_COLUMNS = ("number", "name", "warehouse", "quantity")
CONTRACT_COLUMNS = (
    "number",
    "customer_ref",
    "tier",
    "response_hours",
    "resolution_hours",
    "business_hours",
    "maintenance_interval_days",
    "valid_until",
)


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


Row = dict[str, str]
RowImporter = Callable[[AsyncSession, Row], Awaitable[None]]


def _required(row: Row, column: str) -> str:
    value = row.get(column, "").strip()
    if not value:
        raise RowError(f"'{column}' is empty")
    return value


def _date(row: Row, column: str) -> date | None:
    value = row.get(column, "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise RowError(f"'{column}' is not a date (YYYY-MM-DD): {value!r}")


def _float(row: Row, column: str) -> float | None:
    value = row.get(column, "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise RowError(f"'{column}' is not a number: {value!r}") from None


async def _site(
    session: AsyncSession,
    customer_id: int,
    name: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Site:
    site = await session.scalar(
        select(Site).where(Site.customer_id == customer_id, Site.name == name)
    )
    if site is None:
        site = Site(customer_id=customer_id, name=name)
        session.add(site)
    site.address = address or site.address
    site.latitude = latitude if latitude is not None else site.latitude
    site.longitude = longitude if longitude is not None else site.longitude
    await session.flush()
    return site


async def import_customer(session: AsyncSession, row: Row) -> None:
    ref, name = _required(row, "ref"), _required(row, "name")
    latitude, longitude = _float(row, "latitude"), _float(row, "longitude")
    customer = await session.scalar(select(Customer).where(Customer.external_ref == ref))
    if customer is None:
        customer = Customer(external_ref=ref, name=name)
        session.add(customer)
    customer.name = name
    customer.email = row.get("email", "").strip() or customer.email
    await session.flush()
    for phone in filter(None, (part.strip() for part in row.get("phone", "").split(";"))):
        key = phones.match_key(phone)
        if len(key) < phones.MATCH_DIGITS:
            raise RowError(f"'phone' is too short: {phone!r}")
        known = await session.scalar(
            select(CustomerContact).where(
                CustomerContact.customer_id == customer.id, CustomerContact.phone_key == key
            )
        )
        if known is None:
            session.add(
                CustomerContact(
                    customer_id=customer.id,
                    name=row.get("contact_name", "").strip(),
                    phone=phones.normalize(phone),
                    phone_key=key,
                )
            )
    site = row.get("site", "").strip()
    if site:
        await _site(
            session, customer.id, site, row.get("address", "").strip(), latitude, longitude
        )


async def import_equipment(session: AsyncSession, row: Row) -> None:
    serial, model_name = _required(row, "serial"), _required(row, "model")
    customer_ref = _required(row, "customer_ref")
    installed_on, warranty_until = _date(row, "installed_on"), _date(row, "warranty_until")
    contract_until = _date(row, "contract_until")
    customer = await session.scalar(select(Customer).where(Customer.external_ref == customer_ref))
    if customer is None:
        raise RowError(f"no customer with ref {customer_ref!r} (import customers first)")
    model = await session.scalar(select(EquipmentModel).where(EquipmentModel.name == model_name))
    if model is None:
        model = EquipmentModel(name=model_name)
        session.add(model)
    model.manufacturer = row.get("manufacturer", "").strip() or model.manufacturer or ""
    model.category = row.get("category", "").strip() or model.category or ""
    await session.flush()
    item = await session.scalar(select(Equipment).where(Equipment.serial == serial))
    if item is None:
        item = Equipment(serial=serial, model_id=model.id, customer_id=customer.id)
        session.add(item)
    item.model_id, item.customer_id = model.id, customer.id
    item.installed_on = installed_on or item.installed_on
    item.warranty_until = warranty_until or item.warranty_until
    site = row.get("site", "").strip()
    if site:
        item.site_id = (await _site(session, customer.id, site)).id
    number = row.get("contract", "").strip()
    if number:
        contract = await session.scalar(select(Contract).where(Contract.number == number))
        if contract is None:
            contract = Contract(number=number, customer_id=customer.id)
            session.add(contract)
        elif contract.customer_id != customer.id:
            raise RowError(f"contract {number!r} belongs to another customer")
        contract.tier = row.get("contract_tier", "").strip() or contract.tier or "standard"
        contract.valid_until = contract_until or contract.valid_until
        await session.flush()
        item.contract_id = contract.id
    await session.flush()


async def import_checklist_check(session: AsyncSession, row: Row) -> None:
    from bot.services.checklists import import_check  # it builds on RowError above

    await import_check(session, row)


async def import_part(session: AsyncSession, row: Row) -> None:
    from bot.services.parts import import_stock_row  # it builds on RowError above

    await import_stock_row(session, row)


async def import_contract(session: AsyncSession, row: Row) -> None:
    from bot.services.contracts import import_contract_row  # it builds on RowError above

    await import_contract_row(session, row)


IMPORTERS: dict[str, tuple[tuple[str, ...], RowImporter]] = {
    "customers": (CUSTOMER_COLUMNS, import_customer),
    "equipment": (EQUIPMENT_COLUMNS, import_equipment),
    "checklists": (CHECKLIST_COLUMNS, import_checklist_check),
    "parts": (PART_COLUMNS, import_part),
    "contracts": (CONTRACT_COLUMNS, import_contract),
}


def read_rows(text: str) -> Iterable[tuple[int, Row]]:
    """Rows with their line number in the file (the header is line 1)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        yield (
            reader.line_num,
            {key.strip().lower(): (value or "") for key, value in row.items() if key},
        )


async def import_csv(session: AsyncSession, kind: str, text: str) -> ImportReport:
    """Import every row it can; each row in its own savepoint so one bad row spoils nothing."""
    columns, importer = IMPORTERS[kind]
    report = ImportReport()
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    missing = [
        column for column in columns[:2] if column not in {h.strip().lower() for h in header}
    ]
    if missing:
        report.errors.append((1, f"missing columns: {', '.join(missing)}"))
        return report
    for line, row in read_rows(text):
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
