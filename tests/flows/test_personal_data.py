"""Issue 14, a person's data on request: the export holds what they reported, wrote and sent;
after forgetting, no text of any table holds their name, username or phone, while tickets keep
their numbers, timelines and figures."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import JSON, String, func, select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import personal_data, reports
from storage.models import AuditEntry, Base, Person, Ticket, TicketAttachment, TicketEvent
from tests.support.chat import FlowChat
from tests.support.people import CLIENT_ID, person
from tests.support.seed import ACME_PHONE

pytestmark = pytest.mark.manager_chat()
NAME = "Mariangela Petrova"


async def everything_said(client: FlowChat) -> None:
    """A report with a photo, a complaint: the client's words and files across the tables."""
    await client.say("/report")
    await client.press("Linea PB")
    await client.say(f"Steam wand leaks, call {NAME} on {ACME_PHONE}")
    await client.send_photo()
    await client.press("Done")
    await client.press("Urgent")
    await client.press("Send")
    await client.say("/complaint")
    await client.say(f"Nobody called me back, {NAME} is waiting since Monday")


async def holders(app: App, values: list[str]) -> list[str]:
    """``table.column`` of every text or JSON value that contains one of ``values``."""
    found = []
    async with app.db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | JSON):
                    continue
                for value in await session.scalars(select(column).where(column.is_not(None))):
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    if any(needle in text for needle in values):
                        found.append(f"{table.name}.{column.name}")
    return sorted(set(found))


async def figures(app: App, clock: FrozenClock) -> tuple[Any, ...]:
    async with app.db.transaction() as session:
        span = reports.period("month", clock.now(), app.settings.tz)
        stats = await reports.stats(session, span, clock.now())
        tickets = await session.scalar(select(func.count()).select_from(Ticket))
        events = await session.scalar(select(func.count()).select_from(TicketEvent))
        files = await session.scalar(select(func.count()).select_from(TicketAttachment))
        numbers = list(await session.scalars(select(Ticket.id).order_by(Ticket.id)))
    return (stats, tickets, events, files, numbers)


async def test_export_then_forget(seeded: App, clock: FrozenClock) -> None:
    client = FlowChat(seeded, CLIENT_ID, name=NAME)
    await client.say("/start")
    await client.share_contact(ACME_PHONE)
    await everything_said(client)
    clock.advance(timedelta(minutes=5))
    maria = await person(seeded, CLIENT_ID)
    phone = maria.phone
    assert phone is not None
    assert {"people.name", "tickets.description", "complaints.text", "outbox.text"} <= set(
        await holders(seeded, [NAME, phone])
    )

    async with seeded.db.transaction() as session:
        data = await personal_data.export(session, maria.id, clock.now(), by="cli:test")
    assert data["person"]["name"] == NAME and data["person"]["phone"] == phone
    [ticket] = data["tickets"]
    assert "Steam wand leaks" in ticket["description"]
    assert data["ticket_attachments"][0]["file_id"].startswith("photo-")
    assert "waiting since Monday" in data["complaints"][0]["text"]
    assert data["customer_contacts"] and data["audit_log"]
    before = await figures(seeded, clock)

    async with seeded.db.transaction() as session:
        await personal_data.forget(session, maria.id, clock.now(), by="cli:test")

    assert await holders(seeded, [NAME, "Mariangela", "Petrova", phone, ACME_PHONE]) == []
    assert await figures(seeded, clock) == before
    async with seeded.db.transaction() as session:
        forgotten = await session.get_one(Person, maria.id)
        assert forgotten.tg_user_id < 0 and forgotten.customer_id is not None
        actions = [
            row.action for row in await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert actions[-2:] == ["person_exported", "person_forgotten"]
    # Writing again, they are somebody new.
    again = FlowChat(seeded, CLIENT_ID, name="M.")
    await again.say("/start")
    assert (await person(seeded, CLIENT_ID)).id != maria.id
