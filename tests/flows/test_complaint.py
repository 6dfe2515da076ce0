"""/complaint: a short dialog whose alert reaches the managers with the customer's history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from storage.models import Complaint, Dialog
from tests.support.chat import FlowChat
from tests.support.known_month import known_month
from tests.support.outbox import alerts, buttons
from tests.support.people import MANAGER_CHAT, MANAGERS
from tests.support.steps import report

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


async def test_complaint_reaches_managers_with_history(
    client: FlowChat, manager: FlowChat, seeded: App
) -> None:
    ids = await known_month(seeded)
    await client.say("/complaint")
    assert "Tell us what happened" in client.joined()
    await client.say("ok")  # too short
    assert "a few words" in client.joined()
    await client.say("The engineer did not come on Friday and nobody called")
    assert "Your complaint is with our service managers" in client.joined()
    [alert] = await alerts(seeded, "complaint")
    assert alert.chat_id == MANAGER_CHAT
    lines = alert.text.splitlines()
    assert lines[0] == "❗ Complaint from Acme Coffee Sofia (Maria, +359 88 812 3456):"
    assert lines[1] == "The engineer did not come on Friday and nobody called"
    assert lines[3] == "Their latest requests:"
    assert lines[4].startswith(f"#{ids['t1']} · Nov 22, 2026 · Breakdown · Engineer assigned")
    assert f"#{ids['t3']} · Nov 18, 2026 · Installation · Closed · ⭐⭐⭐⭐⭐" in alert.text
    assert f"#{ids['t4']} · Nov 10, 2026 · Breakdown · Closed · ⭐⭐" in alert.text
    assert ("📋 Their open requests", "mg:cu:1") in buttons(alert)
    async with seeded.db.transaction() as session:
        [complaint] = list(
            await session.scalars(select(Complaint).where(Complaint.person_id.is_not(None)))
        )
        assert complaint.customer_id == 1 and complaint.text.startswith("The engineer")
        assert await session.scalar(select(Dialog)) is None

    await manager.press_data("mg:cu:1")  # the alert's button
    assert manager.joined().startswith("2 open requests")
    assert "Customer: Acme Coffee Sofia" in manager.joined()


async def test_complaint_without_history_and_cancel(client: FlowChat, seeded: App) -> None:
    await client.say("/complaint")
    await client.say("/cancel")
    assert await alerts(seeded) == []
    await client.say("/complaint")
    await client.say("Rude phone operator")
    [alert] = await alerts(seeded, "complaint")
    assert "They have no requests yet." in alert.text
    await report(client)
    assert [row.kind for row in await alerts(seeded)] == ["complaint", "new_ticket"]


async def test_unregistered_client_is_asked_for_the_phone(seeded: App) -> None:
    stranger = FlowChat(seeded, 612, "Nobody")
    await stranger.say("/complaint")
    assert "share your phone number" in stranger.joined()
    assert await alerts(seeded) == []
