"""The people of the flows: the registered Acme client, engineers (with the example checklists
and parts catalog imported), and managers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from storage.models import Customer, Equipment, EquipmentModel
from tests.support.chat import FlowChat
from tests.support.people import (
    CLIENT_ID,
    ENGINEER_ID,
    MANAGER_ID,
    OTHER_ENGINEER_ID,
    OTHER_MANAGER_ID,
    client_chat,
    engineer_chat,
)
from tests.support.seed import import_examples


@pytest.fixture
async def client(seeded: App) -> FlowChat:
    """A registered client of Acme Coffee Sofia, speaking English."""
    return await client_chat(seeded, CLIENT_ID, name="Maria")


@pytest.fixture
async def seeded_many(client: FlowChat) -> FlowChat:
    """The Acme client, whose company owns more equipment than fits on one page."""
    async with client.app.db.transaction() as session:
        acme = await session.scalar(select(Customer).where(Customer.external_ref == "ACME"))
        model = await session.scalar(
            select(EquipmentModel).where(EquipmentModel.name == "Linea PB")
        )
        assert acme is not None and model is not None
        for number in range(6):
            session.add(
                Equipment(serial=f"EXTRA-{number}", model_id=model.id, customer_id=acme.id)
            )
    return client


@pytest.fixture
async def engineer(client: FlowChat) -> FlowChat:
    """An English-speaking engineer on duty, with the examples imported and the Acme client
    present."""
    chat = await engineer_chat(client.app, ENGINEER_ID, "Petar", on_duty=True)
    await import_examples(client.app)
    return chat


@pytest.fixture
async def other_engineer(engineer: FlowChat) -> FlowChat:
    return await engineer_chat(engineer.app, OTHER_ENGINEER_ID, "Georgi", on_duty=True)


@pytest.fixture
async def manager(seeded: App) -> FlowChat:
    return FlowChat(seeded, user_id=MANAGER_ID, name="Olga", language_code="en")


@pytest.fixture
async def other_manager(seeded: App) -> FlowChat:
    return FlowChat(seeded, user_id=OTHER_MANAGER_ID, name="Boris", language_code="en")
