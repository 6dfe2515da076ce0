"""A new person whose phone number matched no customer: the managers review them from the
alert, linking them to an existing customer (found by a fuzzy company name) or confirming them
as new. A review is done once; stale and forged presses are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import App
from storage.models import Customer, CustomerContact, Ticket
from tests.support.chat import FlowChat
from tests.support.jobs import open_ticket
from tests.support.outbox import alerts, buttons, outbox
from tests.support.people import MANAGER_CHAT, MANAGERS, person
from tests.support.seed import ACME_PHONE

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)
UNKNOWN_PHONE = "+359 2 999 0000"


async def newcomer(
    app: App, user_id: int = 4000, name: str = "Georgi Coffee", phone: str = UNKNOWN_PHONE
) -> FlowChat:
    chat = FlowChat(app, user_id, name=name)
    await chat.say("/start")
    await chat.share_contact(phone)
    return chat


def in_manager_chat(app: App, user_id: int = 900) -> FlowChat:
    return FlowChat(app, user_id, name="Olga", group_id=MANAGER_CHAT)


async def customer_named(app: App, name: str) -> Customer | None:
    async with app.db.transaction() as session:
        return await session.scalar(select(Customer).where(Customer.name == name))


async def test_an_unknown_phone_raises_a_review_alert(seeded: App) -> None:
    await newcomer(seeded)
    placeholder = await customer_named(seeded, "Georgi Coffee")
    assert placeholder is not None and placeholder.needs_review
    [alert] = await alerts(seeded, "new_customer")
    assert "👤 New customer to review: Georgi Coffee, +359 2 999 0000" in alert.text
    assert buttons(alert) == [
        ("🔗 Link to existing customer", f"mg:rv:link:{placeholder.id}"),
        ("✅ Confirm as new", f"mg:rv:new:{placeholder.id}"),
    ]


async def test_a_known_phone_raises_no_alert(seeded: App) -> None:
    chat = FlowChat(seeded, 4001)
    await chat.say("/start")
    await chat.share_contact(ACME_PHONE)
    assert await alerts(seeded, "new_customer") == []


async def test_link_to_an_existing_customer_moves_the_person_and_tickets(seeded: App) -> None:
    chat = await newcomer(seeded)
    ticket_id = await open_ticket(chat, None)
    placeholder = await customer_named(seeded, "Georgi Coffee")
    assert placeholder is not None
    manager = in_manager_chat(seeded)
    await manager.press_data(f"mg:rv:link:{placeholder.id}")
    assert "Which customer is “Georgi Coffee”?" in manager.joined()
    await manager.say("zzqqxx")
    assert "No customer has a name like “zzqqxx”" in manager.joined()
    await manager.say("akme cofee")
    label, pick = manager.last.buttons()[0]
    assert label == "Acme Coffee Sofia"
    await manager.press_data(pick, manager.last.message_id)
    assert manager.answer().text == "Linked to Acme Coffee Sofia."
    assert "🔗 “Georgi Coffee” is linked to Acme Coffee Sofia; they are told." in manager.joined()

    registered = await person(seeded, chat.user_id)
    assert registered.customer is not None and registered.customer.name == "Acme Coffee Sofia"
    assert await customer_named(seeded, "Georgi Coffee") is None  # the placeholder is gone
    async with seeded.db.transaction() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        assert ticket.customer_id == registered.customer_id
        contacts = await session.scalar(
            select(func.count())
            .select_from(CustomerContact)
            .where(CustomerContact.customer_id == registered.customer_id)
        )
        assert contacts == 2  # Acme's own number and the newcomer's
    [told] = await outbox(seeded, chat.user_id, "customer_linked")
    assert told.text == (
        "A manager has checked your details: you are registered as a contact of Acme Coffee Sofia."
    )

    await manager.press_data(pick)  # the same button again
    assert manager.answer().text == "This new customer has already been reviewed."
    await manager.press_data(f"mg:rv:new:{placeholder.id}")
    assert manager.answer().text == "This new customer has already been reviewed."

    await chat.say("/status")  # the person now sees their company's requests
    assert f"#{ticket_id}" in chat.joined()


async def test_confirm_as_new_clears_the_flag_once(seeded: App) -> None:
    await newcomer(seeded)
    placeholder = await customer_named(seeded, "Georgi Coffee")
    assert placeholder is not None
    manager = in_manager_chat(seeded)
    await manager.press_data(f"mg:rv:new:{placeholder.id}")
    assert manager.answer().text == "Confirmed as a new customer."
    assert "✅ “Georgi Coffee” is confirmed as a new customer." in manager.joined()
    reviewed = await customer_named(seeded, "Georgi Coffee")
    assert reviewed is not None and not reviewed.needs_review

    other = in_manager_chat(seeded, 901)  # a second manager on the same alert
    await other.press_data(f"mg:rv:new:{placeholder.id}")
    assert other.answer().text == "This new customer has already been reviewed."
    await other.press_data(f"mg:rv:link:{placeholder.id}")
    assert other.answer().text == "This new customer has already been reviewed."


async def test_review_finished_while_searching_ends_the_search(seeded: App) -> None:
    await newcomer(seeded)
    placeholder = await customer_named(seeded, "Georgi Coffee")
    assert placeholder is not None
    first, second = in_manager_chat(seeded), in_manager_chat(seeded, 901)
    await first.press_data(f"mg:rv:link:{placeholder.id}")
    await second.press_data(f"mg:rv:new:{placeholder.id}")
    await first.say("Acme")
    assert "already been reviewed" in first.joined()
    await first.say("Acme")  # the dialog is over
    assert "Link “Georgi Coffee”" not in first.joined()


async def test_forged_targets_are_refused(seeded: App) -> None:
    await newcomer(seeded)
    placeholder = await customer_named(seeded, "Georgi Coffee")
    assert placeholder is not None
    await newcomer(seeded, 4002, "Other Newcomer", "+359 2 999 1111")
    unreviewed = await customer_named(seeded, "Other Newcomer")
    assert unreviewed is not None
    manager = in_manager_chat(seeded)
    for target in (placeholder.id, unreviewed.id, 999999):
        await manager.press_data(f"mg:rv:to:{placeholder.id}:{target}")
        assert manager.answer().text == "That customer is not available. Please search again."
    still = await customer_named(seeded, "Georgi Coffee")
    assert still is not None and still.needs_review


async def test_only_managers_review(seeded: App) -> None:
    chat = await newcomer(seeded)
    placeholder = await customer_named(seeded, "Georgi Coffee")
    assert placeholder is not None
    for data in (
        f"mg:rv:new:{placeholder.id}",
        f"mg:rv:link:{placeholder.id}",
        f"mg:rv:to:{placeholder.id}:1",
    ):
        await chat.press_data(data)
        assert chat.answer().alert
    still = await customer_named(seeded, "Georgi Coffee")
    assert still is not None and still.needs_review
