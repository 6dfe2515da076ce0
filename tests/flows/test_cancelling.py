"""Cancelling a request: by the customer from /status while no engineer is on the way (with a
reason button or typed words), refused once one is; by a manager from the ticket card. The
engineer, the managers and the customer hear why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.replies import AnswerCallback
from storage.models import Ticket, TicketEvent, TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.jobs import events, load_ticket, make_job
from tests.support.outbox import alerts, buttons, outbox
from tests.support.people import CLIENT_ID, ENGINEER_ID, MANAGERS, client_chat
from tests.support.seed import NORD_PHONE

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


async def job(app: App, status: TicketStatus = TicketStatus.NEW, *, engineer: bool = False) -> int:
    """The Acme client's request, opened now, in ``status``."""
    return await make_job(
        app,
        app.engine.clock.now(),
        reporter_user_id=CLIENT_ID,
        status=status,
        engineer_user_id=ENGINEER_ID if engineer else None,
    )


async def set_status(app: App, ticket_id: int, status: TicketStatus) -> None:
    async with app.db.transaction() as session:
        await session.execute(update(Ticket).where(Ticket.id == ticket_id).values(status=status))


async def add_events(app: App, ticket_id: int, clock: FrozenClock, *steps: object) -> None:
    """Timeline lines, a minute apart: ASSIGNED, or a status the engineer moved to."""
    async with app.db.transaction() as session:
        for step in steps:
            clock.advance(timedelta(minutes=1))
            if step is TimelineKind.ASSIGNED:
                session.add(TicketEvent(ticket_id=ticket_id, at=clock.now(), kind=step))
            else:
                assert isinstance(step, TicketStatus)
                session.add(
                    TicketEvent(
                        ticket_id=ticket_id,
                        at=clock.now(),
                        kind=TimelineKind.STATUS,
                        status=step,
                    )
                )


async def open_details(client: FlowChat, ticket_id: int) -> None:
    await client.say("/status")
    await client.press(f"#{ticket_id}")


# -- by the customer ------------------------------------------------------------------------------
async def test_customer_cancels_a_new_request_with_a_reason_button(client: FlowChat) -> None:
    ticket_id = await job(client.app)
    await open_details(client, ticket_id)
    assert "✖ Cancel request" in [text for text, _ in client.last.buttons()]
    await client.press("Cancel request")
    assert f"Why do you want to cancel #{ticket_id}?" in client.joined()
    assert "Other reason" in client.button_texts()
    await client.press("Reported twice")
    assert f"Cancel #{ticket_id}? Reason: Reported twice" in client.joined()
    await client.press("Yes, cancel it")
    assert f"#{ticket_id} is cancelled" in client.joined()

    ticket = await load_ticket(client.app, ticket_id)
    assert ticket.status is TicketStatus.CANCELLED and not ticket.is_open
    [line] = [e for e in await events(client.app, ticket_id) if e.status is TicketStatus.CANCELLED]
    assert line.data["reason"] == "duplicate" and line.data["by"] == "customer"
    [alert] = await alerts(client.app, "cancelled")
    assert f"✖ The customer cancelled #{ticket_id}: Reported twice" in alert.text
    assert "Customer: Acme Coffee Sofia" in alert.text
    assert buttons(alert) == [("🔎 Open", f"mg:t:{ticket_id}")]

    await open_details(client, ticket_id)
    text = client.last.text
    assert "Status: Cancelled" in text and "Cancelled: Reported twice" in text
    assert "due in" not in text and "overdue" not in text  # the clocks stopped
    assert "✖ Cancel request" not in [label for label, _ in client.last.buttons()]


async def test_customer_types_the_reason_and_the_engineer_is_told(
    client: FlowChat, engineer: FlowChat
) -> None:
    ticket_id = await job(client.app, TicketStatus.ASSIGNED, engineer=True)
    await open_details(client, ticket_id)
    await client.press("Cancel request")
    await client.press("Other reason")
    assert "type the reason" in client.joined()
    await client.say("We bought a new machine")
    assert "Reason: We bought a new machine" in client.joined()
    await client.say("what now?")  # typed on the confirmation: it asks again
    assert "Yes, cancel it" in client.joined()
    await client.press("Yes, cancel it")
    assert (await load_ticket(client.app, ticket_id)).status is TicketStatus.CANCELLED

    [told] = await outbox(client.app, ENGINEER_ID, "job_cancelled")
    assert told.text == (
        f"✖ The customer cancelled #{ticket_id}: We bought a new machine. "
        "The job is no longer yours."
    )
    [alert] = await alerts(client.app, "cancelled")
    assert "We bought a new machine" in alert.text and "Engineer: Petar" in alert.text
    assert await outbox(client.app, client.user_id, "cancelled") == []  # they know


async def test_keep_the_request(client: FlowChat) -> None:
    ticket_id = await job(client.app)
    await open_details(client, ticket_id)
    await client.press("Cancel request")
    await client.press("Keep the request")
    assert f"#{ticket_id} is kept as it is." in client.joined()
    assert (await load_ticket(client.app, ticket_id)).status is TicketStatus.NEW
    await client.say("anything")
    assert "The buttons below show what you can do" in client.joined()  # the dialog is over


@pytest.mark.parametrize("status", [TicketStatus.EN_ROUTE, TicketStatus.ON_SITE])
async def test_customer_cannot_cancel_once_the_engineer_set_out(
    client: FlowChat, engineer: FlowChat, status: TicketStatus
) -> None:
    ticket_id = await job(client.app, status, engineer=True)
    await open_details(client, ticket_id)
    assert "✖ Cancel request" not in [label for label, _ in client.last.buttons()]
    await client.press_data(f"cx:{ticket_id}")  # the button, forged
    answer = client.answer()
    assert answer.alert and answer.text is not None
    assert "already on the way or on site" in answer.text
    assert (await load_ticket(client.app, ticket_id)).status is status


async def test_engineer_setting_out_while_the_customer_confirms_wins(
    client: FlowChat, engineer: FlowChat
) -> None:
    ticket_id = await job(client.app, TicketStatus.ASSIGNED, engineer=True)
    await open_details(client, ticket_id)
    await client.press("Cancel request")
    await client.press("It works again")
    await set_status(client.app, ticket_id, TicketStatus.EN_ROUTE)
    await client.press("Yes, cancel it")
    assert "already on the way or on site" in (client.answer().text or "")
    assert (await load_ticket(client.app, ticket_id)).status is TicketStatus.EN_ROUTE
    assert await alerts(client.app, "cancelled") == []
    await client.press("Yes, cancel it")  # the dialog ended with the refusal
    assert client.answer().text == "This button is no longer active."


async def test_waiting_after_being_on_site_is_not_cancellable(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    ticket_id = await job(client.app, TicketStatus.WAITING_PARTS, engineer=True)
    await add_events(
        client.app,
        ticket_id,
        clock,
        TimelineKind.ASSIGNED,
        TicketStatus.ON_SITE,
        TicketStatus.WAITING_PARTS,
    )
    await client.press_data(f"cx:{ticket_id}")
    assert "already on the way or on site" in (client.answer().text or "")


async def test_waiting_before_anyone_set_out_is_cancellable(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    ticket_id = await job(client.app, TicketStatus.WAITING_CUSTOMER, engineer=True)
    await add_events(
        client.app,
        ticket_id,
        clock,
        TimelineKind.ASSIGNED,
        TicketStatus.EN_ROUTE,
        TimelineKind.ASSIGNED,  # handed to another engineer, who has not set out
        TicketStatus.WAITING_CUSTOMER,
    )
    await open_details(client, ticket_id)
    await client.press("Cancel request")
    await client.press("Reported by mistake")
    await client.press("Yes, cancel it")
    assert (await load_ticket(client.app, ticket_id)).status is TicketStatus.CANCELLED


async def test_closed_request_cannot_be_cancelled(client: FlowChat) -> None:
    ticket_id = await job(client.app, TicketStatus.CLOSED)
    await client.press_data(f"cx:{ticket_id}")
    assert "no longer open" in (client.answer().text or "")


async def test_another_customers_request_is_not_found(client: FlowChat) -> None:
    ticket_id = await job(client.app)
    other = await client_chat(client.app, 778, NORD_PHONE)
    await other.press_data(f"cx:{ticket_id}")
    assert other.answer().text == "Request not found."
    await other.press_data(f"cx:r:{ticket_id}:fixed")
    await other.press_data(f"cx:ok:{ticket_id}")
    replies = other.last_replies
    assert isinstance(replies[0], AnswerCallback)
    assert replies[0].text == "This button is no longer active."
    assert (await load_ticket(client.app, ticket_id)).status is TicketStatus.NEW


# -- by a manager ---------------------------------------------------------------------------------
async def test_manager_cancels_from_the_card_customer_and_engineer_told(
    client: FlowChat, engineer: FlowChat, manager: FlowChat
) -> None:
    ticket_id = await job(client.app, TicketStatus.EN_ROUTE, engineer=True)
    await manager.press_data(f"mg:t:{ticket_id}")
    await manager.press("Cancel request")
    assert f"Why is #{ticket_id} cancelled?" in manager.joined()
    await manager.say("Duplicate of a phone call")
    assert f"Cancel #{ticket_id}? Reason: Duplicate of a phone call" in manager.joined()
    await manager.press("Yes, cancel it")
    assert f"✖ #{ticket_id} is cancelled: Duplicate of a phone call" in manager.joined()

    ticket = await load_ticket(client.app, ticket_id)
    assert ticket.status is TicketStatus.CANCELLED
    [customer] = await outbox(client.app, client.user_id, "cancelled")
    assert customer.text == (
        f"Your request #{ticket_id} is cancelled by the service team: Duplicate of a phone call"
    )
    assert buttons(customer) == [("Request details", f"tk:{ticket_id}")]
    [told] = await outbox(client.app, ENGINEER_ID, "job_cancelled")
    assert "A manager cancelled" in told.text and "Duplicate of a phone call" in told.text
    assert await alerts(client.app, "cancelled") == []  # the managers did it

    await client.press_data(f"tk:{ticket_id}")
    assert "Cancelled: Duplicate of a phone call" in client.joined()
    await manager.press_data(f"mg:t:{ticket_id}")
    assert "Cancel request" not in [label for label, _ in manager.last.buttons()]
    await manager.press_data(f"mg:cx:{ticket_id}")
    assert "no longer open" in (manager.answer().text or "")


async def test_manager_keeps_the_request(client: FlowChat, manager: FlowChat) -> None:
    ticket_id = await job(client.app)
    await manager.press_data(f"mg:t:{ticket_id}")
    await manager.press("Cancel request")
    await manager.press("Keep the request")
    await manager.press_data(f"mg:cx:ok:{ticket_id}")
    assert manager.answer().text == "This button is no longer active."
    assert (await load_ticket(client.app, ticket_id)).status is TicketStatus.NEW


async def test_clients_and_engineers_cannot_use_the_managers_cancel(
    client: FlowChat, engineer: FlowChat
) -> None:
    ticket_id = await job(client.app, TicketStatus.ASSIGNED, engineer=True)
    for chat in (client, engineer):
        await chat.press_data(f"mg:cx:{ticket_id}")
        assert chat.answer().alert
    assert (await load_ticket(client.app, ticket_id)).status is TicketStatus.ASSIGNED
