"""The fuzzy indexes of the shared catalogs (parts, equipment models), prepared once per process
and reused across updates.

Folding 100k labels costs far more than searching them, so the index is kept; before each use
one cheap query (the catalog's newest id and change time, both indexed) says whether the
catalog moved since, in this process or any other (an import, a new model), and only then is
it rebuilt. The database stays the truth: nothing here outlives a change it did not see.
Catalog rows are never deleted (requests and equipment refer to them), so a deletion is not
looked for.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.matching import FuzzyIndex
from storage.models import EquipmentModel, Part

Labels = Callable[[AsyncSession], Awaitable[Iterable[tuple[int, str]]]]


@dataclass(frozen=True, slots=True)
class _Prepared:
    version: tuple[Any, ...]
    index: FuzzyIndex[int]


_prepared: dict[tuple[str, str], _Prepared] = {}


async def _index(
    session: AsyncSession, model: type[Part] | type[EquipmentModel], labels: Labels
) -> FuzzyIndex[int]:
    version = tuple(
        (await session.execute(select(func.max(model.id), func.max(model.updated_at)))).one()
    )
    key = (str(session.get_bind().engine.url), model.__tablename__)
    prepared = _prepared.get(key)
    if prepared is None or prepared.version != version:
        prepared = _Prepared(version, FuzzyIndex(await labels(session)))
        _prepared[key] = prepared
    return prepared.index


async def _part_labels(session: AsyncSession) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Part.id, Part.number, Part.name, Part.name_ru, Part.name_bg)
    )
    return [(row[0], label) for row in rows for label in row[1:] if label]


async def _model_labels(session: AsyncSession) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(EquipmentModel.id, EquipmentModel.name, EquipmentModel.manufacturer)
    )
    return [
        (model_id, label)
        for model_id, name, manufacturer in rows
        for label in (name, f"{manufacturer} {name}")
    ]


async def parts(session: AsyncSession) -> FuzzyIndex[int]:
    """Every part by number and by name in each language."""
    return await _index(session, Part, _part_labels)


async def models(session: AsyncSession) -> FuzzyIndex[int]:
    """Every equipment model by name, and by manufacturer and name."""
    return await _index(session, EquipmentModel, _model_labels)
