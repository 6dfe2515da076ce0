"""Jobs (tickets) for the tests: made directly in the database, so each test starts from exactly
the board it needs, or opened through the tickets service; and read back with their timeline."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.app import App
from bot.services import checklists
from bot.services.tickets import CARD, NewTicket, card, create
from storage.models import (
    AttachmentKind,
    Customer,
    Equipment,
    Person,
    Priority,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketKind,
    TicketStatus,
    TimelineKind,
)
from tests.support.chat import FlowChat
from tests.support.people import CLIENT_ID, ENGINEER_ID


async def make_job(
    app: App,
    created_at: datetime | None = None,
    serial: str | None = "LM-PB-2231",
    priority: Priority = Priority.NORMAL,
    customer_ref: str = "ACME",
    reporter_user_id: int | None = None,
    description: str = "Does not start",
    *,
    kind: TicketKind = TicketKind.BREAKDOWN,
    status: TicketStatus = TicketStatus.NEW,
    engineer_user_id: int | None = None,
    resolved_at: datetime | None = None,
) -> int:
    """A ticket of the equipment ``serial`` (``None``: an old grinder of ``customer_ref``'s,
    not registered). Opened at ``created_at`` with the default tier's deadlines (8 h to
    respond, 48 h to resolve); without it, opened "now" by the database with no deadlines."""
    async with app.db.transaction() as session:

        async def person_id(user_id: int) -> int:
            found = await session.scalar(select(Person.id).where(Person.tg_user_id == user_id))
            assert found is not None, f"no person {user_id}"
            return found

        customer_id = await session.scalar(
            select(Customer.id).where(Customer.external_ref == customer_ref)
        )
        assert customer_id is not None
        equipment_id = None
        if serial is not None:
            equipment = await session.scalar(select(Equipment).where(Equipment.serial == serial))
            assert equipment is not None
            customer_id, equipment_id = equipment.customer_id, equipment.id
        ticket = Ticket(
            kind=kind,
            status=status,
            customer_id=customer_id,
            equipment_id=equipment_id,
            equipment_text=None if serial else "Old grinder",
            priority=priority,
            description=description,
            reporter_id=await person_id(reporter_user_id) if reporter_user_id else None,
            engineer_id=await person_id(engineer_user_id) if engineer_user_id else None,
            resolved_at=resolved_at,
        )
        if created_at is not None:
            ticket.created_at = ticket.updated_at = created_at
            ticket.response_due = created_at + timedelta(hours=8)
            ticket.resolution_due = created_at + timedelta(hours=48)
        session.add(ticket)
        await session.flush()
        return ticket.id


async def assigned_job(
    app: App,
    engineer_user_id: int = ENGINEER_ID,
    *,
    serial: str = "LM-PB-2231",
    kind: TicketKind = TicketKind.INSTALLATION,
    status: TicketStatus = TicketStatus.ON_SITE,
    reporter_user_id: int | None = CLIENT_ID,
) -> int:
    """The job the checklist, parts and closing flows start from: an installation the Acme
    client asked for, assigned to the engineer, who is on site."""
    return await make_job(
        app,
        serial=serial,
        reporter_user_id=reporter_user_id,
        description="Install and commission",
        kind=kind,
        status=status,
        engineer_user_id=engineer_user_id,
    )


async def breakdown(app: App, serial: str, opened: datetime, hours: int | None = None) -> int:
    """A breakdown of ``serial`` opened at ``opened``, resolved ``hours`` later if given."""
    return await make_job(
        app,
        opened,
        serial,
        description="broke",
        status=TicketStatus.RESOLVED if hours else TicketStatus.NEW,
        resolved_at=opened + timedelta(hours=hours) if hours else None,
    )


async def open_ticket(chat: FlowChat, serial: str | None, text: str = "Broken") -> int:
    """A ticket the chat's customer opens through the tickets service, now."""
    async with chat.app.db.transaction() as session:
        reporter = await session.scalar(select(Person).where(Person.tg_user_id == chat.user_id))
        assert reporter is not None and reporter.customer_id is not None
        equipment_id = None
        if serial:
            equipment_id = await session.scalar(
                select(Equipment.id).where(Equipment.serial == serial)
            )
        ticket = await create(
            session,
            reporter,
            NewTicket(
                reporter.customer_id,
                text,
                Priority.NORMAL,
                equipment_id=equipment_id,
                equipment_text=None if serial else "Old grinder",
            ),
            chat.app.engine.clock.now(),
            chat.app.settings,
        )
        return ticket.id


async def add_files(app: App, ticket_id: int, kinds: list[AttachmentKind]) -> None:
    """Files of ``kinds`` on the ticket, as if the Acme client had sent them."""
    async with app.db.transaction() as session:
        reporter = await session.scalar(select(Person).where(Person.tg_user_id == CLIENT_ID))
        assert reporter is not None
        for number, kind in enumerate(kinds):
            session.add(
                TicketAttachment(
                    ticket_id=ticket_id,
                    kind=kind,
                    file_id=f"{kind.value}-file-{number}",
                    added_by=reporter.id,
                )
            )


async def load_ticket(app: App, ticket_id: int) -> Ticket:
    async with app.db.transaction() as session:
        found = await card(session, ticket_id)  # with what its card shows, for reading later
        assert found is not None
        return found


async def tickets(app: App) -> list[Ticket]:
    """Every ticket, oldest first, with what its card shows."""
    async with app.db.transaction() as session:
        found = await session.scalars(select(Ticket).order_by(Ticket.id).options(*CARD))
        return list(found.unique())


async def events(app: App, ticket_id: int, kind: TimelineKind | None = None) -> list[TicketEvent]:
    async with app.db.transaction() as session:
        query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
        if kind is not None:
            query = query.where(TicketEvent.kind == kind)
        return list(await session.scalars(query.order_by(TicketEvent.id)))


async def failing_names(app: App, ticket_id: int) -> list[str]:
    """The checks that still stand in the way of resolving, in English."""
    async with app.db.transaction() as session:
        job = await card(session, ticket_id)
        assert job is not None
        blocking = await checklists.missing_or_failed(session, job)
        return [checklists.check_name(outcome.check, "en") for outcome in blocking]
