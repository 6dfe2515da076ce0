from __future__ import annotations

import pytest

from bot.app import App
from tests.support.chat import FlowChat
from tests.support.seed import ACME_PHONE, seed_app


@pytest.fixture
async def seeded(app: App) -> App:
    await seed_app(app)
    return app


@pytest.fixture
async def client(seeded: App) -> FlowChat:
    """A registered client of Acme Coffee Sofia, speaking English."""
    chat = FlowChat(seeded, user_id=501, name="Maria", language_code="en")
    await chat.say("/start")
    await chat.share_contact(ACME_PHONE)
    return chat


@pytest.fixture
async def seeded_many(client: FlowChat) -> FlowChat:
    """The Acme client, whose company owns more equipment than fits on one page."""
    from sqlalchemy import select

    from storage.models import Customer, Equipment, EquipmentModel

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
