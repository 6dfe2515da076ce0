"""Shared setup for the checklist, parts, closing and request flows (no tests of its own):
engineers, a job assigned to one of them, the example checklists and parts catalog."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.services import checklists
from bot.services.importer import import_csv
from storage.models import (
    Customer,
    Equipment,
    OutboxMessage,
    Person,
    Role,
    Ticket,
    TicketKind,
    TicketStatus,
)
from tests.support.chat import FlowChat

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ENGINEER_ID, OTHER_ENGINEER_ID = 701, 702


async def add_engineer(app: App, user_id: int, name: str, locale: str = "en") -> int:
    async with app.db.transaction() as session:
        person = Person(
            tg_user_id=user_id,
            chat_id=user_id,
            role=Role.ENGINEER,
            name=name,
            locale=locale,
            skills=[],
            on_duty=True,
        )
        session.add(person)
        await session.flush()
        return person.id


async def import_examples(app: App) -> None:
    async with app.db.transaction() as session:
        report = await import_csv(session, "checklists", (EXAMPLES / "checklists.csv").read_text())
        assert not report.errors, report.errors
        report = await import_csv(session, "parts", (EXAMPLES / "parts.csv").read_text())
        assert not report.errors, report.errors


async def person_id(app: App, user_id: int) -> int:
    async with app.db.transaction() as session:
        found = await session.scalar(select(Person.id).where(Person.tg_user_id == user_id))
        assert found is not None
        return found


async def make_job(
    app: App,
    engineer_user_id: int = ENGINEER_ID,
    *,
    serial: str = "LM-PB-2231",
    kind: TicketKind = TicketKind.INSTALLATION,
    status: TicketStatus = TicketStatus.ON_SITE,
    reporter_user_id: int | None = 501,
) -> int:
    """A job of Acme's (or Nord's) equipment, assigned to the engineer and in ``status``."""
    engineer = await person_id(app, engineer_user_id)
    reporter = await person_id(app, reporter_user_id) if reporter_user_id else None
    async with app.db.transaction() as session:
        item = await session.scalar(select(Equipment).where(Equipment.serial == serial))
        assert item is not None
        ticket = Ticket(
            kind=kind,
            status=status,
            description="Install and commission",
            customer_id=item.customer_id,
            equipment_id=item.id,
            engineer_id=engineer,
            reporter_id=reporter,
        )
        session.add(ticket)
        await session.flush()
        return ticket.id


async def ticket(app: App, ticket_id: int) -> Ticket:
    async with app.db.transaction() as session:
        found = await session.get(Ticket, ticket_id)
        assert found is not None
        return found


async def outbox(app: App, chat_id: int | None = None) -> list[OutboxMessage]:
    async with app.db.transaction() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if chat_id is not None:
            query = query.where(OutboxMessage.chat_id == chat_id)
        return list(await session.scalars(query))


async def failing_names(app: App, ticket_id: int) -> list[str]:
    async with app.db.transaction() as session:
        job = await session.get(Ticket, ticket_id)
        assert job is not None
        blocking = await checklists.missing_or_failed(session, job)
        return [checklists.check_name(outcome.check, "en") for outcome in blocking]


async def acme_id(app: App) -> int:
    async with app.db.transaction() as session:
        found = await session.scalar(select(Customer.id).where(Customer.external_ref == "ACME"))
        assert found is not None
        return found


@pytest.fixture
async def engineer(client: FlowChat) -> FlowChat:
    """An English-speaking engineer, with the examples imported and the Acme client present."""
    await add_engineer(client.app, ENGINEER_ID, "Petar")
    await import_examples(client.app)
    return FlowChat(client.app, ENGINEER_ID, name="Petar", language_code="en")


@pytest.fixture
async def other_engineer(engineer: FlowChat) -> FlowChat:
    await add_engineer(engineer.app, OTHER_ENGINEER_ID, "Georgi")
    return FlowChat(engineer.app, OTHER_ENGINEER_ID, name="Georgi", language_code="en")
