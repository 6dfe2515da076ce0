"""A customer's equipment: listing, fuzzy lookup and warranty/contract coverage."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from bot.services import catalogs
from bot.services.matching import FuzzyIndex
from storage.models import Customer, Equipment, EquipmentModel

SERIAL_CUTOFF = 90.0  # a serial differs from another by a character or two

# What is shown of a piece of equipment (its label, coverage and site): loaded with it by every
# query here, and under a ticket by ``tickets.CARD``; the relationships never load by themselves.
SHOWN = (joinedload(Equipment.model), joinedload(Equipment.site), joinedload(Equipment.contract))


async def get(session: AsyncSession, equipment_id: int) -> Equipment | None:
    """The equipment with what is shown of it (:data:`SHOWN`), also when the session holds it
    already without them (``session.get`` would return that as it is)."""
    return await session.scalar(
        select(Equipment).where(Equipment.id == equipment_id).options(*SHOWN)
    )


async def list_for_customer(
    session: AsyncSession, customer_id: int, offset: int = 0, limit: int = 6
) -> tuple[list[Equipment], int]:
    """One page of the customer's equipment and the total count."""
    total = await session.scalar(
        select(func.count()).select_from(Equipment).where(Equipment.customer_id == customer_id)
    )
    rows = await session.scalars(
        select(Equipment)
        .join(Equipment.model)
        .options(*SHOWN)
        .where(Equipment.customer_id == customer_id)
        .order_by(EquipmentModel.name, Equipment.serial)
        .offset(offset)
        .limit(limit)
    )
    return list(rows.unique()), total or 0


async def owned(session: AsyncSession, equipment_id: int, customer_id: int) -> Equipment | None:
    """The equipment if it belongs to this customer, else None (ids can be forged)."""
    item = await get(session, equipment_id)
    return item if item is not None and item.customer_id == customer_id else None


@dataclass(frozen=True)
class Found:
    """What typed text matched: the customer's own equipment, else catalog models."""

    equipment: list[Equipment]
    models: list[EquipmentModel]


async def find(session: AsyncSession, customer_id: int, query: str, limit: int = 5) -> Found:
    own = list(
        (
            await session.scalars(
                select(Equipment).options(*SHOWN).where(Equipment.customer_id == customer_id)
            )
        ).unique()
    )
    index = FuzzyIndex(
        [(item.id, item.model.name) for item in own]
        + [(item.id, item.serial) for item in own]
        + [(item.id, f"{item.model.manufacturer} {item.model.name}") for item in own]
    )
    by_id = {item.id: item for item in own}
    hits = [by_id[match.key] for match in index.search(query, limit)]
    if hits:
        return Found(hits, [])
    keys = [match.key for match in (await catalogs.models(session)).search(query, limit)]
    rows = await session.scalars(select(EquipmentModel).where(EquipmentModel.id.in_(keys)))
    by_model = {model.id: model for model in rows}
    return Found([], [by_model[key] for key in keys if key in by_model])


@dataclass(frozen=True)
class Coverage:
    warranty_until: date | None
    under_warranty: bool
    contract_number: str | None
    contract_tier: str | None
    contract_until: date | None
    under_contract: bool


def coverage(item: Equipment, today: date) -> Coverage:
    return coverage_of(coverage_facts(item), today)


def coverage_facts(item: Equipment) -> dict[str, str | None]:
    """The equipment's warranty and contract as plain values (ISO dates), for a draft to keep
    in its dialog and :func:`coverage_of` to read back."""
    contract = item.contract
    return {
        "warranty_until": item.warranty_until.isoformat() if item.warranty_until else None,
        "contract": contract.number if contract else None,
        "tier": contract.tier if contract else None,
        "contract_until": (
            contract.valid_until.isoformat() if contract and contract.valid_until else None
        ),
    }


def coverage_of(facts: Mapping[str, Any], today: date) -> Coverage:
    """The coverage on ``today`` of the equipment described by :func:`coverage_facts`."""

    def day(key: str) -> date | None:
        value = facts.get(key)
        return date.fromisoformat(value) if isinstance(value, str) and value else None

    warranty_until, contract_until = day("warranty_until"), day("contract_until")
    number = facts.get("contract") or None
    return Coverage(
        warranty_until=warranty_until,
        under_warranty=warranty_until is not None and warranty_until >= today,
        contract_number=str(number) if number else None,
        contract_tier=str(facts.get("tier") or "") if number else None,
        contract_until=contract_until if number else None,
        under_contract=number is not None and (contract_until is None or contract_until >= today),
    )


async def get_model(session: AsyncSession, model_id: int) -> EquipmentModel | None:
    return await session.get(EquipmentModel, model_id)


async def for_stickers(
    session: AsyncSession, customer_ref: str | None = None, serials: Sequence[str] = ()
) -> list[Equipment]:
    """The equipment to print stickers for: a customer's (by its ref), the given serials, or
    all; by model and serial."""
    query = (
        select(Equipment)
        .join(Equipment.model)
        .options(*SHOWN)
        .order_by(EquipmentModel.name, Equipment.serial)
    )
    if customer_ref:
        query = query.join(Customer, Customer.id == Equipment.customer_id).where(
            Customer.external_ref == customer_ref
        )
    if serials:
        query = query.where(Equipment.serial.in_(list(serials)))
    return list((await session.scalars(query)).unique())


async def by_serial(session: AsyncSession, text: str) -> Equipment | None:
    """The equipment a sticker names: its exact serial, else the one serial within the fuzzy
    tolerance of look-alike letters and punctuation (``CH-12-34`` for ``СН 12/34``)."""
    exact = await session.scalar(select(Equipment).options(*SHOWN).where(Equipment.serial == text))
    if exact is not None:
        return exact
    rows = await session.execute(select(Equipment.id, Equipment.serial))
    index = FuzzyIndex([(row.id, row.serial) for row in rows])
    hits = index.search(text, limit=2, cutoff=SERIAL_CUTOFF)
    if not hits or (len(hits) > 1 and hits[1].score == hits[0].score):
        return None
    return await get(session, hits[0].key)
