"""/stickers REF: a manager gets the customer's sticker sheet in chat; nobody else does."""

from __future__ import annotations

from tests.support.chat import FlowChat
from tests.support.papers import documents, qr_texts


async def test_stickers_in_chat_for_managers_only(manager: FlowChat, client: FlowChat) -> None:
    manager.app.settings.bot_username = "acme_service_bot"
    await manager.say("/stickers NORD")
    [sheet] = documents(manager.last_replies)
    assert sheet.document_name == "stickers-NORD.pdf" and sheet.document is not None
    assert sorted(qr_texts(sheet.document)) == [
        "https://t.me/acme_service_bot?start=eq_CR-42-0117",
        "https://t.me/acme_service_bot?start=eq_SM-XR-5500",
    ]
    await manager.say("/stickers NOBODY")
    assert "No equipment found for customer NOBODY" in manager.joined()
    await client.say("/stickers ACME")
    assert documents(client.last_replies) == []
