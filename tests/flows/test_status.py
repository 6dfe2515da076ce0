"""/status: the client's requests, one request's details, coverage and timeline."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import FrozenClock
from bot.core.replies import AnswerCallback
from storage.models import TicketStatus
from tests.support.chat import FlowChat
from tests.support.jobs import open_ticket
from tests.support.people import client_chat
from tests.support.seed import NORD_PHONE


async def test_no_requests_yet(client: FlowChat) -> None:
    await client.say("/status")
    assert "no requests yet" in client.joined()


async def test_list_shows_number_equipment_status_and_age(
    client: FlowChat, clock: FrozenClock
) -> None:
    await open_ticket(client, "LM-PB-2231")
    clock.advance(timedelta(hours=3))
    await client.say("/status")
    text = client.joined()
    assert "You have 1 open request." in text
    assert (
        "#1 · Linea PB · LM-PB-2231 (Vitosha blvd) · Registered, waiting for an engineer · 3 hours"
        in text
    )


async def test_details_with_coverage_and_timeline(client: FlowChat) -> None:
    ticket_id = await open_ticket(client, "LM-PB-2231")
    await client.say("/status")
    await client.press(f"#{ticket_id}")
    text = client.joined()
    assert "Warranty: valid until Mar 1, 2027" in text
    assert "Service contract C-100 (gold): valid until Dec 31, 2027" in text
    assert "Timeline:" in text and "Registered" in text
    assert "Nov 22, 11:00\u202fAM — Registered" in text  # 09:00 UTC in Sofia


async def test_expired_warranty_shown(client: FlowChat) -> None:
    ticket_id = await open_ticket(client, "DK-35-8812")
    await client.press_data(f"tk:{ticket_id}")
    assert "Warranty: expired on May 10, 2024" in client.joined()


async def test_free_text_equipment_in_list(client: FlowChat) -> None:
    await open_ticket(client, None)
    await client.say("/status")
    assert "#1 · Old grinder" in client.joined()


async def test_closed_tickets_leave_the_list_after_recent_days(
    client: FlowChat, clock: FrozenClock
) -> None:
    from sqlalchemy import update

    from storage.models import Ticket

    first = await open_ticket(client, "LM-PB-2231")
    second = await open_ticket(client, "DK-35-8812")
    async with client.app.db.transaction() as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.id == first)
            .values(status=TicketStatus.CLOSED, updated_at=clock.now())
        )
    clock.advance(timedelta(days=client.app.settings.recent_ticket_days + 1))
    await client.say("/status")
    assert f"#{second}" in client.joined() and f"#{first} " not in client.joined()


async def test_list_pages(client: FlowChat) -> None:
    for _ in range(8):
        await open_ticket(client, "LM-PB-2231")
    await client.say("/status")
    assert "Page 1 of 2" in client.joined()
    await client.press("»")
    assert "Page 2 of 2" in client.joined()


async def test_other_customers_ticket_id_is_refused(client: FlowChat) -> None:
    ticket_id = await open_ticket(client, "LM-PB-2231")
    other = await client_chat(client.app, 778, NORD_PHONE, language_code="bg")
    await other.press_data(f"tk:{ticket_id}")
    answer = other.last_replies[0]
    assert isinstance(answer, AnswerCallback) and answer.alert and answer.text
    assert answer.text == "Заявката не е намерена."
    await other.press_data("tk:abc")
    assert isinstance(other.last_replies[0], AnswerCallback)


async def test_status_in_russian(client: FlowChat) -> None:
    await open_ticket(client, "LM-PB-2231")
    await client.say("/language")
    await client.press("Русский")
    await client.say("/status")
    assert "У вас 1 открытая заявка." in client.joined()


async def test_timeline_shows_staff_events_without_internal_notes(
    client: FlowChat, clock: FrozenClock
) -> None:
    from storage.models import TicketEvent, TimelineKind

    ticket_id = await open_ticket(client, "LM-PB-2231")
    async with client.app.db.transaction() as session:
        for kind, note in (
            (TimelineKind.ASSIGNED, None),
            (TimelineKind.HANDED_BACK, "rude customer"),
            (TimelineKind.NOTE, "check the gasket"),
            (TimelineKind.PARTS, "G-12 × 2"),
        ):
            clock.advance(timedelta(minutes=5))
            session.add(TicketEvent(ticket_id=ticket_id, at=clock.now(), kind=kind, note=note))
    await client.press_data(f"tk:{ticket_id}")
    text = client.joined()
    assert "— Assigned" in text and "— Spare parts ordered" in text
    assert "— Engineer's note added" in text
    assert "rude customer" not in text and "gasket" not in text and "G-12" not in text
    assert "Note: " not in text


async def test_a_new_request_is_just_now(client: FlowChat) -> None:
    await open_ticket(client, "LM-PB-2231")
    await client.say("/status")
    assert "Registered, waiting for an engineer · just now" in client.joined()
