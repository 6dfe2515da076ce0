"""The equipment's category and site position copied onto its tickets for the engineers' board
stay true whatever changes under them: a new ticket, its equipment, the equipment's model or
site, the model's category, the site's position (storage/equipment_copies.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import tickets
from storage.models import Equipment, EquipmentModel, Site, Ticket
from tests.support.jobs import make_job

Copies = tuple[str | None, float | None, float | None]


async def copies(app: App, ticket_id: int) -> Copies:
    async with app.db.transaction() as session:
        row = (
            await session.execute(
                select(
                    Ticket.equipment_category,
                    Ticket.equipment_latitude,
                    Ticket.equipment_longitude,
                ).where(Ticket.id == ticket_id)
            )
        ).one()
        return row[0], row[1], row[2]


async def truth(app: App, ticket_id: int) -> Copies:
    """What the copies should say, read through the relationships."""
    async with app.db.transaction() as session:
        ticket = await tickets.card_of(session, ticket_id)
        equipment = ticket.equipment
        if equipment is None:
            return None, None, None
        site = equipment.site
        return (
            equipment.model.category or None,
            site.latitude if site is not None else None,
            site.longitude if site is not None else None,
        )


async def equipment(app: App, serial: str) -> Equipment:
    async with app.db.transaction() as session:
        found = await session.scalar(select(Equipment).where(Equipment.serial == serial))
        assert found is not None
        return found


async def test_new_tickets_carry_their_equipments_category_and_place(
    seeded: App, clock: FrozenClock
) -> None:
    coffee = await make_job(seeded, clock.now(), "LM-PB-2231")
    unregistered = await make_job(seeded, clock.now(), None)
    category, latitude, longitude = await copies(seeded, coffee)
    assert category == "coffee" and latitude is not None and longitude is not None
    assert await copies(seeded, coffee) == await truth(seeded, coffee)
    assert await copies(seeded, unregistered) == (None, None, None)
    async with seeded.db.transaction() as session:  # equipment given as an object: the same
        machine = await session.scalar(select(Equipment).where(Equipment.serial == "DK-35-8812"))
        assert machine is not None
        ticket = Ticket(customer_id=machine.customer_id, equipment=machine, description="Leaks")
        session.add(ticket)
        await session.flush()
    assert await copies(seeded, ticket.id) == await truth(seeded, ticket.id)


async def test_copies_follow_every_change_they_come_from(seeded: App, clock: FrozenClock) -> None:
    now: datetime = clock.now()
    coffee = await make_job(seeded, now, "LM-PB-2231")
    hvac = await make_job(seeded, now, "DK-35-8812")
    grinder = await make_job(seeded, now, None)
    machine = await equipment(seeded, "LM-PB-2231")
    plovdiv = await equipment(seeded, "DK-35-8812")

    async with seeded.db.transaction() as session:  # the model is recategorised
        model = await session.get_one(EquipmentModel, machine.model_id)
        model.category = "espresso"
    assert (await copies(seeded, coffee))[0] == "espresso"

    async with seeded.db.transaction() as session:  # ... and loses its category
        model = await session.get_one(EquipmentModel, machine.model_id)
        model.category = ""
    assert (await copies(seeded, coffee))[0] is None

    async with seeded.db.transaction() as session:  # the site gets a new position
        site = await session.get_one(Site, machine.site_id)
        site.latitude, site.longitude = 43.2141, 27.9147
    assert (await copies(seeded, coffee))[1:] == (43.2141, 27.9147)

    async with seeded.db.transaction() as session:  # the machine moves to the Plovdiv shop
        moved = await session.get_one(Equipment, machine.id)
        moved.site_id = plovdiv.site_id
    assert await copies(seeded, coffee) == await truth(seeded, coffee)
    assert (await copies(seeded, coffee))[1:] == (await copies(seeded, hvac))[1:]

    async with seeded.db.transaction() as session:  # ... and becomes another model
        moved = await session.get_one(Equipment, machine.id)
        moved.model = await session.get_one(EquipmentModel, plovdiv.model_id)
    assert await copies(seeded, coffee) == await copies(seeded, hvac) == await truth(seeded, hvac)

    async with seeded.db.transaction() as session:  # the grinder turns out to be registered
        ticket = await session.get_one(Ticket, grinder)
        ticket.equipment_id = plovdiv.id
    assert await copies(seeded, grinder) == await truth(seeded, hvac)

    async with seeded.db.transaction() as session:  # ... and the hvac job names none after all
        ticket = await session.get_one(Ticket, hvac)
        ticket.equipment = None
    assert await copies(seeded, hvac) == (None, None, None)
    assert await copies(seeded, grinder) == await truth(seeded, grinder)
