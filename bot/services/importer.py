"""CSV import of customers, equipment, checklists, parts, contracts and holidays: good rows
are kept, bad rows reported by line.

Columns are documented in the README. Re-importing a file updates rows by their key (customer
``ref``, equipment ``serial``) instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import phones
from bot.services.checklists import import_check
from bot.services.contracts import import_contract_row
from bot.services.holidays import import_holiday_row
from bot.services.import_files import Table, text_table
from bot.services.import_rows import (
    ImportReport,
    Row,
    RowError,
    RowImporter,
    apply_rows,
    customer_by_ref,
    customer_contract,
    date_cell,
    float_cell,
    required,
)
from bot.services.parts import import_stock_row
from storage.models import (
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
    # optional, for a yes/no check: how each outcome reads, and the answer that passes
    "pass_en",
    "pass_ru",
    "pass_bg",
    "fail_en",
    "fail_ru",
    "fail_bg",
    "passes_on",
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
HOLIDAY_COLUMNS = ("date", "name")


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
    ref, name = required(row, "ref"), required(row, "name")
    latitude = float_cell(row, "latitude", -90, 90)
    longitude = float_cell(row, "longitude", -180, 180)
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
    serial, model_name = required(row, "serial"), required(row, "model")
    customer_ref = required(row, "customer_ref")
    installed_on, warranty_until = date_cell(row, "installed_on"), date_cell(row, "warranty_until")
    contract_until = date_cell(row, "contract_until")
    customer = await customer_by_ref(session, customer_ref)
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
        contract = await customer_contract(session, number, customer)
        contract.tier = row.get("contract_tier", "").strip() or contract.tier or "standard"
        contract.valid_until = contract_until or contract.valid_until
        await session.flush()
        item.contract_id = contract.id
    await session.flush()


IMPORTERS: dict[str, tuple[tuple[str, ...], RowImporter]] = {
    "customers": (CUSTOMER_COLUMNS, import_customer),
    "equipment": (EQUIPMENT_COLUMNS, import_equipment),
    "checklists": (CHECKLIST_COLUMNS, import_check),
    "parts": (PART_COLUMNS, import_stock_row),
    "contracts": (CONTRACT_COLUMNS, import_contract_row),
    "holidays": (HOLIDAY_COLUMNS, import_holiday_row),
}


Progress = Callable[[list[tuple[int, Row]]], Iterable[tuple[int, Row]]]


async def import_table(
    session: AsyncSession, kind: str, table: Table, progress: Progress | None = None
) -> ImportReport:
    """Import every row it can; each row in its own savepoint so one bad row spoils nothing.
    ``progress`` wraps the rows (a progress bar on the command line)."""
    columns, importer = IMPORTERS[kind]
    report = ImportReport()
    missing = [column for column in columns[:2] if column not in table.header]
    if missing:
        report.errors.append((1, f"missing columns: {', '.join(missing)}"))
        return report
    rows = progress(table.rows) if progress is not None else table.rows
    return await apply_rows(session, rows, importer, report)


async def import_csv(session: AsyncSession, kind: str, text: str) -> ImportReport:
    """:func:`import_table` of a CSV text (any of ``,`` ``;`` tab between cells)."""
    return await import_table(session, kind, text_table(text))
