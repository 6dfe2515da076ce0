"""A customer's equipment: listing, fuzzy lookup and warranty/contract coverage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.matching import FuzzyIndex
from storage.models import Equipment, EquipmentModel


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
        .where(Equipment.customer_id == customer_id)
        .order_by(EquipmentModel.name, Equipment.serial)
        .offset(offset)
        .limit(limit)
    )
    return list(rows.unique()), total or 0


async def owned(session: AsyncSession, equipment_id: int, customer_id: int) -> Equipment | None:
    """The equipment if it belongs to this customer, else None (ids can be forged)."""
    item = await session.get(Equipment, equipment_id)
    return item if item is not None and item.customer_id == customer_id else None


@dataclass(frozen=True)
class Found:
    """What typed text matched: the customer's own equipment, else catalog models."""

    equipment: list[Equipment]
    models: list[EquipmentModel]


async def find(session: AsyncSession, customer_id: int, query: str, limit: int = 5) -> Found:
    own = list(
        (
            await session.scalars(select(Equipment).where(Equipment.customer_id == customer_id))
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
    models = list(await session.scalars(select(EquipmentModel)))
    catalog = FuzzyIndex(
        [(model.id, model.name) for model in models]
        + [(model.id, f"{model.manufacturer} {model.name}") for model in models]
    )
    by_model = {model.id: model for model in models}
    return Found([], [by_model[match.key] for match in catalog.search(query, limit)])


@dataclass(frozen=True)
class Coverage:
    warranty_until: date | None
    under_warranty: bool
    contract_number: str | None
    contract_tier: str | None
    contract_until: date | None
    under_contract: bool


def coverage(item: Equipment, today: date) -> Coverage:
    contract = item.contract
    return Coverage(
        warranty_until=item.warranty_until,
        under_warranty=item.warranty_until is not None and item.warranty_until >= today,
        contract_number=contract.number if contract else None,
        contract_tier=contract.tier if contract else None,
        contract_until=contract.valid_until if contract else None,
        under_contract=contract is not None
        and (contract.valid_until is None or contract.valid_until >= today),
    )


async def get_model(session: AsyncSession, model_id: int) -> EquipmentModel | None:
    return await session.get(EquipmentModel, model_id)
