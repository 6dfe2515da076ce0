"""/start, phone matching, languages, help, cancel and the fallback."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models import Customer
from tests.support.chat import FlowChat
from tests.support.people import make_engineer, person
from tests.support.seed import ACME_PHONE, NORD_PHONE


async def test_start_greets_in_telegram_language_and_asks_for_phone(seeded: App) -> None:
    chat = FlowChat(seeded, user_id=10, name="Иван", language_code="ru")
    await chat.say("/start")
    assert "Здравствуйте, Иван" in chat.joined()
    keyboard = chat.keys
    assert keyboard is not None and keyboard.rows[0][0].request_contact
    assert (await person(seeded, 10)).locale == "ru"


async def test_unsupported_language_falls_back_to_default(seeded: App) -> None:
    chat = FlowChat(seeded, user_id=11, language_code="de")
    await chat.say("/start")
    assert (await person(seeded, 11)).locale == "en"
    assert "Hello" in chat.joined()


async def test_known_phone_links_to_imported_customer(seeded: App) -> None:
    chat = FlowChat(seeded, user_id=12, language_code="bg")
    await chat.say("/start")
    await chat.share_contact("0888 123 456")  # local format of +359 88 812 3456
    assert "Acme Coffee Sofia" in chat.joined()
    # the contact key gives way to the main-menu keys, in the person's language
    assert chat.keys is not None and chat.keys.persistent
    assert "📋 Моите заявки" in chat.keys.labels()
    registered = await person(seeded, 12)
    assert registered.customer is not None and registered.customer.name == "Acme Coffee Sofia"


async def test_second_contact_number_of_a_customer_matches(seeded: App) -> None:
    chat = FlowChat(seeded, user_id=13, language_code="ru")
    await chat.say("/start")
    await chat.share_contact("+7 (495) 111-22-33")
    assert "Nord Pharma" in chat.joined()


async def test_unknown_phone_creates_customer_for_review(seeded: App) -> None:
    chat = FlowChat(seeded, user_id=14, name="Georgi", language_code="en")
    await chat.say("/start")
    await chat.share_contact("+359 2 999 0000")
    assert "new customer" in chat.joined()
    async with seeded.db.transaction() as session:
        customer = await session.scalar(select(Customer).where(Customer.name == "Georgi"))
        assert customer is not None and customer.needs_review


async def test_someone_elses_contact_is_refused(seeded: App) -> None:
    chat = FlowChat(seeded, user_id=15)
    await chat.say("/start")
    await chat.share_contact(NORD_PHONE, own=False)
    assert "your own number" in chat.joined()
    assert (await person(seeded, 15)).customer_id is None


async def test_report_before_registration_asks_for_phone(seeded: App) -> None:
    chat = FlowChat(seeded, user_id=16)
    await chat.say("/report")
    assert "share your phone number" in chat.joined()


async def test_language_switch_is_kept(client: FlowChat) -> None:
    await client.say("/language")
    await client.press("Български")
    assert "Език: Български" in client.joined()
    await client.say("/help")
    assert "/report" in client.joined() and "Команди" in client.joined()
    assert (await person(client.app, client.user_id)).locale == "bg"


async def test_forged_language_code_changes_nothing(client: FlowChat) -> None:
    await client.press_data("lang:xx")
    assert (await person(client.app, client.user_id)).locale == "en"


async def test_unknown_text_outside_dialog_points_to_the_keys(client: FlowChat) -> None:
    await client.say("hello?")
    assert "The buttons below show what you can do" in client.joined()
    assert client.keys is not None and "🛠 Report a breakdown" in client.keys.labels()
    assert client.last.markup is None  # the keys were shown at registration: not sent again


async def test_unknown_command_gets_menu(client: FlowChat) -> None:
    await client.say("/frobnicate")
    assert "There is no such command" in client.joined()


async def test_cancel_outside_dialog(client: FlowChat) -> None:
    await client.say("/cancel")
    assert "nothing to cancel" in client.joined()


async def test_admin_is_manager_and_cannot_report(seeded: App) -> None:
    chat = FlowChat(seeded, user_id=900, name="Boss")
    await chat.say("/start")
    assert "service manager" in chat.joined()
    await chat.say("/report")
    assert "not available to you" in chat.joined()


async def test_every_main_menu_button_leads_somewhere_for_every_role(seeded: App) -> None:
    await make_engineer(seeded, 950)
    people = {
        "client": FlowChat(seeded, user_id=951),
        "engineer": FlowChat(seeded, user_id=950),
        "manager": FlowChat(seeded, user_id=900),
    }
    await people["client"].say("/start")
    await people["client"].share_contact(ACME_PHONE)
    for role, chat in people.items():
        await chat.say("/help")
        assert chat.keys is not None
        labels = [label for label in chat.keys.labels() if not label.startswith("📍")]
        assert len(labels) >= 4, (role, labels)
        for label in labels:
            await chat.press(label)
            assert chat.texts(), (role, label)
            assert "not available" not in chat.joined(), (role, label)
            await chat.say("/cancel")
