"""Keeps the equipment's category and site position copied onto its tickets
(``tickets.equipment_category``, ``equipment_latitude``, ``equipment_longitude``), which the
engineers' board reads from one index (bot/services/jobs.py). Done after every flush that
creates a ticket or changes what the copies come from (a ticket's equipment, an equipment's
model or site, a model's category, a site's position), by one UPDATE per kind of change, so no
code path can forget it. Nothing else writes these columns: the bulk ``UPDATE`` statements
that take a job or push it leave the equipment alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, event, func, inspect, select, update
from sqlalchemy.orm import Session

from storage.models import Equipment, EquipmentModel, Site, Ticket


def refresh(where: ColumnElement[bool]) -> Any:
    """An UPDATE that copies the equipment's category and site position onto the tickets
    ``where`` says (a ticket without registered equipment gets None in all three)."""
    category = (
        select(func.nullif(EquipmentModel.category, ""))
        .join(Equipment, Equipment.model_id == EquipmentModel.id)
        .where(Equipment.id == Ticket.equipment_id)
        .scalar_subquery()
    )

    def position(column: Any) -> Any:
        return (
            select(column)
            .join(Equipment, Equipment.site_id == Site.id)
            .where(Equipment.id == Ticket.equipment_id)
            .scalar_subquery()
        )

    return (
        update(Ticket)
        .where(where)
        .values(
            equipment_category=category,
            equipment_latitude=position(Site.latitude),
            equipment_longitude=position(Site.longitude),
        )
        .execution_options(synchronize_session=False)
    )


def _changed(item: Any, *names: str) -> bool:
    state = inspect(item)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _copied_from_changed(session: Session, _context: Any) -> None:
    new, changed = session.new, [*session.new, *session.dirty]
    tickets = [
        item.id
        for item in changed
        if isinstance(item, Ticket)
        and (
            item.equipment_id is not None
            if item in new
            else _changed(item, "equipment_id", "equipment")
        )
    ]
    equipment = [
        item.id
        for item in changed
        if isinstance(item, Equipment)
        and item not in new
        and _changed(item, "model_id", "model", "site_id", "site")
    ]
    models = [
        item.id
        for item in changed
        if isinstance(item, EquipmentModel) and item not in new and _changed(item, "category")
    ]
    sites = [
        item.id
        for item in changed
        if isinstance(item, Site) and item not in new and _changed(item, "latitude", "longitude")
    ]
    connection = session.connection()
    if tickets:
        connection.execute(refresh(Ticket.id.in_(tickets)))
    if equipment:
        connection.execute(refresh(Ticket.equipment_id.in_(equipment)))
    if models:
        of_models = select(Equipment.id).where(Equipment.model_id.in_(models))
        connection.execute(refresh(Ticket.equipment_id.in_(of_models)))
    if sites:
        at_sites = select(Equipment.id).where(Equipment.site_id.in_(sites))
        connection.execute(refresh(Ticket.equipment_id.in_(at_sites)))
