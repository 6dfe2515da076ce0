"""/request through the engine: each kind, edits before sending, forged and stale buttons."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.replies import AnswerCallback
from storage.models import Equipment, Priority, TicketKind, TicketStatus
from tests.support.chat import FlowChat
from tests.support.jobs import tickets
from tests.support.people import ENGINEER_ID, make_engineer


async def equipment_id(chat: FlowChat, serial: str) -> int:
    async with chat.app.db.transaction() as session:
        found = await session.scalar(select(Equipment.id).where(Equipment.serial == serial))
        assert found is not None
        return found


async def test_installation_with_order_model_and_an_edit(client: FlowChat) -> None:
    await client.say("/request")
    assert "What would you like to request?" in client.joined()
    await client.press("Installation")
    assert "order or contract reference" in client.joined()
    await client.say("SO-2026-118")
    assert "Which model is to be installed?" in client.joined()
    await client.say("linea")
    assert "Did you mean" in client.joined()
    await client.press("Linea PB")
    assert "At which of your sites?" in client.joined()  # Acme has two
    await client.press("Vitosha blvd")
    assert "When would suit you?" in client.joined()
    await client.say("next week, mornings")
    await client.press("Skip")
    summary = client.joined()
    assert "Request: Installation" in summary
    assert "Order: SO-2026-118" in summary and "Model: Linea PB" in summary
    assert "Site: Vitosha blvd, bul. Vitosha 15, Sofia" in summary
    assert "Preferred dates: next week, mornings" in summary and "No comment" in summary

    await client.press("Change order")
    await client.say("SO-2026-119")
    assert "Order: SO-2026-119" in client.joined()  # straight back to the summary
    await client.press("Send")
    assert "Request #1 registered." in client.joined()
    [ticket] = await tickets(client.app)
    assert ticket.kind is TicketKind.INSTALLATION and ticket.status is TicketStatus.NEW
    assert ticket.order_ref == "SO-2026-119" and ticket.equipment_text == "Linea PB"
    assert ticket.equipment_id is None and ticket.preferred_date == "next week, mornings"
    assert ticket.priority is Priority.NORMAL and ticket.response_due is not None

    await client.press_data("rq:send")  # pressed again after sending
    [answer] = [r for r in client.last_replies if isinstance(r, AnswerCallback)]
    assert answer.text == "This request is already sent or cancelled."
    assert len(await tickets(client.app)) == 1


async def test_maintenance_of_own_equipment_asap_with_comment_and_typed_yes(
    client: FlowChat,
) -> None:
    await client.say("/request")
    await client.press("Maintenance")
    assert "Which equipment is it for?" in client.joined()
    await client.press("FTXM35R")
    await client.press("As soon as possible")
    await client.say("Ring the bell at the back door")
    summary = client.joined()
    assert "Equipment: FTXM35R · DK-35-8812 (Plovdiv shop)" in summary
    assert "Preferred dates: As soon as possible" in summary
    assert "Comment: Ring the bell at the back door" in summary
    await client.press("Change dates")
    await client.say("Friday 10:00")
    assert "Preferred dates: Friday 10:00" in client.joined()
    await client.say("yes")
    assert "Request #1 registered." in client.joined()
    [ticket] = await tickets(client.app)
    assert ticket.kind is TicketKind.MAINTENANCE
    assert ticket.equipment_id == await equipment_id(client, "DK-35-8812")
    assert ticket.preferred_date == "Friday 10:00"
    assert ticket.description == "Ring the bell at the back door"


async def test_upgrade_typed_equipment_then_type_changed_to_installation(
    client: FlowChat,
) -> None:
    await client.say("/request")
    await client.press("Upgrade")
    await client.say("lm-pb-2231")
    await client.press("Linea PB · LM-PB-2231")
    await client.say("in December")
    await client.say("skip")
    assert "Request: Upgrade" in client.joined() and "No comment" in client.joined()

    await client.press("Change type")
    await client.press("Upgrade")  # the same kind: nothing to re-ask
    assert "Request: Upgrade" in client.joined()
    await client.press("Change type")
    await client.press("Installation")  # a new kind asks what it needs
    assert "order or contract reference" in client.joined()
    await client.say("SO-7")
    summary = client.joined()
    assert "Request: Installation" in summary and "Order: SO-7" in summary
    assert "Model: —" in summary and "Preferred dates: in December" in summary
    assert "Site: —" in summary  # the upgrade's machine told the site; an installation does not
    await client.press("Send")
    assert "At which of your sites?" in client.joined()
    await client.press("Plovdiv shop")
    assert "Site: Plovdiv shop, ul. Glavna 3, Plovdiv" in client.joined()
    await client.press("Send")
    [ticket] = await tickets(client.app)
    assert ticket.kind is TicketKind.INSTALLATION and ticket.equipment_id is None
    assert ticket.order_ref == "SO-7" and ticket.equipment_text is None
    assert ticket.site_id is not None


async def test_unknown_equipment_as_written_and_cancel(client: FlowChat) -> None:
    await client.say("/request")
    await client.press("Maintenance")
    await client.say("Zyxwv 9000")
    assert "could not find “Zyxwv 9000”" in client.joined()
    await client.press("as written")
    await client.say("plovdiv")  # a site typed by a part of its name
    await client.press("As soon as possible")
    await client.press("Skip")
    assert "Equipment: Zyxwv 9000" in client.joined()
    assert "Site: Plovdiv shop" in client.joined()
    await client.press("Cancel")
    assert "Cancelled. Nothing was sent." in client.joined()
    assert await tickets(client.app) == []


async def test_forged_and_stale_buttons(client: FlowChat) -> None:
    nord_item = await equipment_id(client, "CR-42-0117")
    await client.say("/request")
    await client.press_data("rq:send")  # not yet at the summary
    assert "earlier step" in client.joined()
    await client.press("Maintenance")
    await client.press_data(f"rq:eq:{nord_item}")  # another customer's equipment
    assert "not available" in client.joined()
    await client.press_data("rq:kind:breakdown")  # not requested this way; wrong step anyway
    assert "earlier step" in client.joined()
    await client.press_data("rq:ed:order")  # no order step for maintenance
    assert "earlier step" in client.joined()
    await client.say("/cancel")
    assert await tickets(client.app) == []


async def test_only_registered_clients_request(client: FlowChat) -> None:
    stranger = FlowChat(client.app, 777, name="Anon")
    await stranger.say("/request")
    assert "share your phone number" in stranger.joined()
    await make_engineer(client.app, ENGINEER_ID, "Petar", on_duty=True)
    engineer = FlowChat(client.app, ENGINEER_ID, name="Petar")
    await engineer.say("/request")
    assert "This command is not available to you." in engineer.joined()
