"""Engineers and jobs for the engineer tests: made directly in the database, so each test
starts from exactly the board it needs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.app import App
from storage.models import (
    Customer,
    Equipment,
    Person,
    Priority,
    Role,
    Ticket,
    TicketEvent,
    TimelineKind,
)

SOFIA = (42.6977, 23.3219)  # city centre, about 0.5 km from Acme's Vitosha blvd site
PLOVDIV = (42.1354, 24.7453)


async def make_engineer(
    app: App,
    user_id: int,
    name: str = "Petar",
    skills: tuple[str, ...] = (),
    location: tuple[float, float] | None = None,
    locale: str = "en",
) -> int:
    async with app.db.transaction() as session:
        person = Person(
            tg_user_id=user_id,
            chat_id=user_id,
            name=name,
            locale=locale,
            role=Role.ENGINEER,
            skills=list(skills),
            latitude=location[0] if location else None,
            longitude=location[1] if location else None,
        )
        session.add(person)
        await session.flush()
        return person.id


async def make_job(
    app: App,
    created_at: datetime,
    serial: str | None = "LM-PB-2231",
    priority: Priority = Priority.NORMAL,
    customer_ref: str = "ACME",
    reporter_user_id: int | None = None,
    description: str = "Does not start",
) -> int:
    """A new, unassigned ticket; ``serial=None`` for one without registered equipment."""
    async with app.db.transaction() as session:
        customer = await session.scalar(
            select(Customer).where(Customer.external_ref == customer_ref)
        )
        assert customer is not None
        equipment_id = None
        if serial is not None:
            equipment = await session.scalar(select(Equipment).where(Equipment.serial == serial))
            assert equipment is not None
            equipment_id, customer = (
                equipment.id,
                await session.get_one(Customer, equipment.customer_id),
            )
        reporter_id = None
        if reporter_user_id is not None:
            reporter_id = await session.scalar(
                select(Person.id).where(Person.tg_user_id == reporter_user_id)
            )
        ticket = Ticket(
            customer_id=customer.id,
            equipment_id=equipment_id,
            equipment_text=None if serial else "Old grinder",
            priority=priority,
            description=description,
            reporter_id=reporter_id,
            created_at=created_at,
            updated_at=created_at,
            response_due=created_at + timedelta(hours=8),
            resolution_due=created_at + timedelta(hours=48),
        )
        session.add(ticket)
        await session.flush()
        return ticket.id


async def load_ticket(app: App, ticket_id: int) -> Ticket:
    async with app.db.transaction() as session:
        return await session.get_one(Ticket, ticket_id)


async def events(app: App, ticket_id: int, kind: TimelineKind | None = None) -> list[TicketEvent]:
    async with app.db.transaction() as session:
        query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
        if kind is not None:
            query = query.where(TicketEvent.kind == kind)
        return list(await session.scalars(query.order_by(TicketEvent.id)))


async def person(app: App, user_id: int) -> Person:
    async with app.db.transaction() as session:
        found = await session.scalar(select(Person).where(Person.tg_user_id == user_id))
        assert found is not None
        return found
