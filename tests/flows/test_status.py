"""/status: the client's requests, one request's details, coverage and timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.clock import FrozenClock
from bot.core.replies import AnswerCallback
from storage.models import TicketStatus
from tests.support.chat import FlowChat
from tests.support.jobs import open_ticket
from tests.support.people import MANAGERS, client_chat
from tests.support.seed import NORD_PHONE
from tests.support.units import nb


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
        "#1 · Linea PB · LM-PB-2231 (Vitosha blvd) · Registered, waiting for an engineer · "
        + nb("3 hours")
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
    assert "— Assigned" in text and "— Spare parts requested" in text
    assert "note" not in text.lower()  # not even that the engineer wrote one
    assert "rude customer" not in text and "gasket" not in text and "G-12" not in text
    assert "Note: " not in text


async def test_a_new_request_is_just_now(client: FlowChat) -> None:
    await open_ticket(client, "LM-PB-2231")
    await client.say("/status")
    assert "Registered, waiting for an engineer · just now" in client.joined()


# -- who, when, and how the deadlines stand ----------------------------------------------------
async def client_job(client: FlowChat, status: TicketStatus, engineer: bool = False) -> int:
    """The client's request opened now (8 h to answer, 48 h to resolve, 24/7)."""
    from tests.support.jobs import make_job
    from tests.support.people import ENGINEER_ID

    return await make_job(
        client.app,
        client.app.engine.clock.now(),
        reporter_user_id=client.user_id,
        status=status,
        engineer_user_id=ENGINEER_ID if engineer else None,
    )


async def test_details_show_engineer_and_eta_on_the_way(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    from sqlalchemy import update

    from storage.models import Ticket

    ticket_id = await client_job(client, TicketStatus.EN_ROUTE, engineer=True)
    async with client.app.db.transaction() as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(eta=clock.now() + timedelta(minutes=40), responded_at=clock.now())
        )
    await client.press_data(f"tk:{ticket_id}")
    text = client.joined()
    assert "Engineer: Petar" in text
    assert "Expected at Nov 22, 11:40\u202fAM" in text
    assert "Answer due" not in text  # answered already
    assert f"Resolution due in {nb('2 days')} (by Nov 24, 11:00\u202fAM)" in text


async def test_details_show_time_left_in_words_then_overdue(
    client: FlowChat, clock: FrozenClock
) -> None:
    ticket_id = await client_job(client, TicketStatus.NEW)
    clock.advance(timedelta(hours=5, minutes=45))
    await client.press_data(f"tk:{ticket_id}")
    text = client.joined()
    assert f"Answer due in {nb('2 hr 15 min')} (by today at 7:00\u202fPM)" in text
    assert f"Resolution due in {nb('1 day 18 hr')} (by Nov 24, 11:00\u202fAM)" in text
    clock.advance(timedelta(hours=43, minutes=15))  # 49 hours after opening
    await client.press_data(f"tk:{ticket_id}")
    text = client.joined()
    assert nb("Answer overdue by 1 day 17 hr") in text
    assert nb("Resolution overdue by 1 hr") in text


async def test_time_left_in_russian(client: FlowChat, clock: FrozenClock) -> None:
    ticket_id = await client_job(client, TicketStatus.NEW)
    clock.advance(timedelta(hours=5, minutes=45))
    await client.say("/language")
    await client.press("Русский")
    await client.press_data(f"tk:{ticket_id}")
    assert nb("2 ч 15 мин") in client.joined()


async def test_time_left_counts_business_hours(client: FlowChat, clock: FrozenClock) -> None:
    """On the business-hours calendar the weekend does not count: opened on Sunday, the 8
    hours to answer start on Monday morning."""
    client.app.settings.default_business_hours = True
    from bot.services import sla
    from storage.models import Ticket

    ticket_id = await client_job(client, TicketStatus.NEW)
    async with client.app.db.transaction() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        due = sla.due_times(clock.now(), ticket.priority, None, client.app.settings)
        ticket.response_due, ticket.resolution_due = due.response, due.resolution
    await client.press_data(f"tk:{ticket_id}")
    assert nb("Answer due in 8 hr (by tomorrow at") in client.joined()


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (TicketStatus.WAITING_PARTS, "Deadline paused — waiting for spare parts"),
        (TicketStatus.WAITING_CUSTOMER, "Deadline paused — waiting for your reply"),
    ],
)
async def test_paused_deadline_says_why(
    client: FlowChat, engineer: FlowChat, status: TicketStatus, words: str
) -> None:
    ticket_id = await client_job(client, status, engineer=True)
    await client.press_data(f"tk:{ticket_id}")
    text = client.joined()
    assert words in text
    assert "due in" not in text and "overdue" not in text


async def test_report_summary_shows_warranty_and_contract(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Linea PB")
    await client.say("Steam wand leaks")
    await client.press("Done")
    await client.press("Normal")
    assert (
        "Equipment: Linea PB · LM-PB-2231 (Vitosha blvd)\n"
        "Warranty: valid until Mar 1, 2027 · "
        "Service contract C-100 (gold): valid until Dec 31, 2027"
    ) in client.joined()


async def test_report_summary_shows_an_expired_warranty(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("FTXM35R")
    await client.say("Does not cool")
    await client.press("Done")
    await client.press("Normal")
    assert "Warranty: expired on May 10, 2024" in client.joined()


@pytest.mark.manager_chat(admins=MANAGERS)
async def test_new_ticket_alert_shows_coverage(client: FlowChat) -> None:
    from tests.support.outbox import alerts
    from tests.support.steps import report

    await report(client, "Normal")
    [alert] = await alerts(client.app, "new_ticket")
    assert (
        "Warranty: valid until Mar 1, 2027 · Service contract C-100 (gold): valid until "
        "Dec 31, 2027"
    ) in alert.text
