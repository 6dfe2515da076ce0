"""Keeps the equipment's category and site position copied onto its tickets
(``tickets.equipment_category``, ``equipment_latitude``, ``equipment_longitude``), which the
engineers' board reads from one index (bot/services/jobs.py). A new ticket's INSERT computes
them; after every flush that changes what they come from (a ticket's equipment, an
equipment's model or site, a model's category, a site's position) one UPDATE per kind of
change copies them again, so no code path can forget it. Nothing else writes these columns:
the bulk ``UPDATE`` statements that take a job or push it leave the equipment alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, event, func, inspect, select, update
from sqlalchemy.orm import Session

from storage.models import Equipment, EquipmentModel, Site, Ticket


def _copies(equipment_id: Any) -> dict[str, Any]:
    """The three copies as scalar subqueries of the equipment ``equipment_id`` (a column or a
    value); None each when there is no such equipment, model category or site position."""
    category = (
        select(func.nullif(EquipmentModel.category, ""))
        .join(Equipment, Equipment.model_id == EquipmentModel.id)
        .where(Equipment.id == equipment_id)
        .scalar_subquery()
    )

    def position(column: Any) -> Any:
        return (
            select(column)
            .join(Equipment, Equipment.site_id == Site.id)
            .where(Equipment.id == equipment_id)
            .scalar_subquery()
        )

    return {
        "equipment_category": category,
        "equipment_latitude": position(Site.latitude),
        "equipment_longitude": position(Site.longitude),
    }


def refresh(where: ColumnElement[bool]) -> Any:
    """An UPDATE that copies the equipment's category and site position onto the tickets
    ``where`` says (a ticket without registered equipment gets None in all three)."""
    return (
        update(Ticket)
        .where(where)
        .values(**_copies(Ticket.equipment_id))
        .execution_options(synchronize_session=False)
    )


@event.listens_for(Ticket, "before_insert")
def _inserted(_mapper: Any, _connection: Any, ticket: Ticket) -> None:
    """A new ticket's copies are computed by its INSERT itself (no statement more)."""
    if ticket.equipment_id is not None:
        for name, value in _copies(ticket.equipment_id).items():
            setattr(ticket, name, value)


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
        and item not in new
        and _changed(item, "equipment_id", "equipment")
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
