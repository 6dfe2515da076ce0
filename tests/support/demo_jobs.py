"""A job of the demo company brought to "resolved" through the real services, so a test can
confirm it in the customer's pane (the page, or the page's API) and get its service report."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.demo import data
from bot.demo.run import Demo
from bot.services import checklists, closing, tickets
from handlers import notices
from handlers.notices.outbox import Background
from storage.models import CheckType, Equipment, Person, Ticket, TicketKind, TicketStatus


def passing(check: checklists.ChecklistCheck) -> str:
    if check.type is CheckType.NUMBER:
        low, high = check.min_value or 0.0, check.max_value or (check.min_value or 0.0) + 2
        return str((low + high) / 2)
    if check.type is CheckType.YESNO:
        return "yes" if check.passes_on_yes else "no"  # "Refrigerant leak?" passes on no
    return "ok"


async def resolved_installation(demo: Demo, serial: str = "LM-PB-3307") -> int:
    """Petar installed ``serial`` for Maria, logged passing tests and resolved it; Maria has
    the "resolved" message with its Confirm button coming through the outbox."""
    app, now = demo.app, datetime.now(UTC)
    async with app.db.transaction() as session:
        maria = await session.scalar(
            select(Person).where(Person.tg_user_id == data.CUSTOMER.user_id)
        )
        petar = await session.scalar(
            select(Person).where(Person.tg_user_id == data.ENGINEER.user_id)
        )
        machine = await session.scalar(select(Equipment).where(Equipment.serial == serial))
        assert maria is not None and petar is not None and machine is not None
        ticket = Ticket(
            kind=TicketKind.INSTALLATION,
            status=TicketStatus.ON_SITE,
            customer_id=machine.customer_id,
            equipment_id=machine.id,
            reporter_id=maria.id,
            engineer_id=petar.id,
            description="Install and commission",
        )
        session.add(ticket)
        await session.flush()
        ticket = await tickets.card_of(session, ticket.id)  # its equipment's model, for checks
        for check in await checklists.checks_for_ticket(session, ticket):
            await checklists.record(session, ticket.id, check.id, petar, passing(check), now)
        resolved = await closing.resolve(
            session, ticket.id, petar, "Installed, commissioned, baristas trained", now,
            app.settings,
        )  # fmt: skip
        await notices.resolved(Background(session, app.settings, app.catalogs, now), resolved)
        return ticket.id
