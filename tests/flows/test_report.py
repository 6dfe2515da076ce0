"""/report end to end through the engine: every branch of the dialog."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import create_app
from bot.core.events import EventKind
from bot.core.replies import AnswerCallback, Send
from storage.models import Dialog, Priority, TicketAttachment
from tests.support.chat import FlowChat
from tests.support.jobs import tickets
from tests.support.people import client_chat
from tests.support.seed import NORD_PHONE


async def report_until_summary(chat: FlowChat) -> None:
    await chat.say("/report")
    await chat.press("Linea PB")
    await chat.say("Steam wand leaks, pressure drops to 0.5 bar")
    await chat.send_photo()
    await chat.press("Done")
    await chat.press("Urgent")
    assert "Please check your report" in chat.joined()


async def test_report_with_buttons_photo_and_confirm(client: FlowChat) -> None:
    await report_until_summary(client)
    summary = client.joined()
    assert "Linea PB · LM-PB-2231" in summary and "1 photo" in summary and "Urgent" in summary
    await client.press("Send")
    assert "Request #1 is registered." in client.joined()
    assert "respond by" in client.joined()
    [ticket] = await tickets(client.app)
    assert ticket.priority is Priority.URGENT and ticket.equipment is not None
    assert ticket.description.startswith("Steam wand leaks")
    async with client.app.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(TicketAttachment)) == 1
        assert await session.scalar(select(func.count()).select_from(Dialog)) == 0


async def test_misspelt_model_is_matched(client: FlowChat) -> None:
    await client.say("/report")
    await client.say("lamarzoco linia")
    assert "Did you mean" in client.joined()
    await client.press("Linea PB")
    assert "Describe the problem" in client.joined()


async def test_serial_typed_with_cyrillic_lookalikes(client: FlowChat) -> None:
    await client.say("/report")
    await client.say("DК-35-88I2")  # Cyrillic К, I for 1
    assert "FTXM35R · DK-35-8812" in client.button_texts()[-3]


async def test_catalog_model_when_not_own_equipment(client: FlowChat) -> None:
    await client.say("/report")
    await client.say("Carier 42QH")  # a model Acme does not own: from the catalog
    await client.press("42QHC")
    await client.say("It does not cool")
    await client.press("Done")
    await client.press("Normal")
    assert "Equipment: 42QHC" in client.joined()
    await client.press("Send")
    [ticket] = await tickets(client.app)
    assert ticket.equipment_id is None and ticket.equipment_text == "42QHC"


async def test_unknown_equipment_used_as_typed(client: FlowChat) -> None:
    await client.say("/report")
    await client.say("Zyxwv 9000")
    assert "could not find" in client.joined()
    await client.press("as written")
    assert "Describe the problem" in client.joined()


async def test_other_equipment_free_text(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Other")
    await client.say("Old grinder in the back room")
    await client.say("Makes a loud noise")
    await client.say("done")  # typed instead of the button
    await client.say("2")  # urgency by its number
    summary = client.joined()
    assert "Old grinder in the back room" in summary and "Urgent" in summary
    replies = await client.say("yes")
    # a new message: the person's own "yes" cannot be edited (the harness refuses it too)
    sent = [reply.text for reply in replies if isinstance(reply, Send)]
    assert "Request #1 is registered." in sent


async def test_edit_before_confirm(client: FlowChat) -> None:
    await report_until_summary(client)
    await client.press("Change description")
    await client.say("Grinder jams")
    assert "Problem: Grinder jams" in client.joined()  # back at the summary
    await client.press("Change urgency")
    await client.press("Production stopped")
    await client.press("Change equipment")
    await client.press("FTXM35R")
    summary = client.joined()
    assert "FTXM35R" in summary and "Production stopped" in summary
    await client.press("Send")
    [ticket] = await tickets(client.app)
    assert ticket.priority is Priority.PRODUCTION_STOPPED
    assert ticket.equipment is not None and ticket.equipment.serial == "DK-35-8812"


async def test_cancel_midway_saves_nothing(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Linea PB")
    await client.say("/cancel")
    assert "Cancelled" in client.joined()
    assert await tickets(client.app) == []
    await client.say("Steam leaks")  # no longer in the dialog
    assert "The buttons below show what you can do" in client.joined()


async def test_cancel_button_then_stale_button(client: FlowChat) -> None:
    await report_until_summary(client)
    await client.press("Cancel")
    await client.press_data("rp:send", client.shown[-3].message_id)
    answer = client.last_replies[0]
    assert isinstance(answer, AnswerCallback) and answer.alert
    assert await tickets(client.app) == []


async def test_dialog_survives_restart(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Linea PB")
    await client.app.close()
    restarted = create_app(client.app.settings, client.app.engine.clock)
    client.app = restarted
    await client.say("Water everywhere")
    assert "Send photos" in client.joined()
    await client.press("Done")
    await client.press("Normal")
    await client.press("Send")
    assert len(await tickets(client.app)) == 1
    await restarted.close()


async def test_redelivered_update_creates_one_ticket_and_one_reply(client: FlowChat) -> None:
    await report_until_summary(client)
    message_id = client.last.message_id
    press = client.event(
        EventKind.CALLBACK, callback_id="c1", callback_data="rp:send", message_id=message_id
    )
    first = await client.app.engine.handle(press)
    again = await client.app.engine.handle(press)
    assert first and again == []
    assert len(await tickets(client.app)) == 1


async def test_forged_equipment_of_another_customer_is_refused(client: FlowChat) -> None:
    async with client.app.db.transaction() as session:
        from storage.models import Equipment

        foreign = await session.scalar(select(Equipment).where(Equipment.serial == "CR-42-0117"))
        assert foreign is not None
    await client.say("/report")
    await client.press_data(f"rp:eq:{foreign.id}")
    assert "not available" in client.joined()
    await client.press_data("rp:eq:abc")
    await client.press_data("rp:pr:extreme")
    await client.press_data("rp")
    assert await tickets(client.app) == []


async def test_short_description_and_voice_are_answered(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Linea PB")
    await client.say("x")
    assert "few words" in client.joined()
    await client.deliver(client.event(EventKind.OTHER))
    assert "text or use the buttons" in client.joined()


async def test_photo_with_caption_is_description(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Linea PB")
    await client.send_photo(caption="Display shows E05")
    await client.press("Done")
    await client.press("Normal")
    assert "Problem: Display shows E05" in client.joined() and "1 photo" in client.joined()


async def test_equipment_list_pages(seeded_many: FlowChat) -> None:
    await seeded_many.say("/report")
    assert "Page 1 of 2" in seeded_many.joined()
    await seeded_many.press("»")
    assert "Page 2 of 2" in seeded_many.joined()
    await seeded_many.press("«")
    assert "Page 1 of 2" in seeded_many.joined()


async def test_engineer_button_forged_by_client_is_denied(client: FlowChat) -> None:
    await client.press_data("tk:999")
    answer = client.last_replies[0]
    assert isinstance(answer, AnswerCallback) and answer.alert


async def test_client_of_other_customer_cannot_open_ticket(client: FlowChat) -> None:
    await report_until_summary(client)
    await client.press("Send")
    other = await client_chat(client.app, 777, NORD_PHONE, language_code="ru")
    await other.press_data("tk:1")
    answer = other.last_replies[0]
    assert isinstance(answer, AnswerCallback) and answer.alert
    assert not [text for text in other.texts() if "Linea" in text]


async def test_typed_urgency_words_in_three_languages(client: FlowChat) -> None:
    """The urgency step understands the words people type, not only the buttons."""
    for typed, label in [
        ("спешно е", "Urgent"),
        ("срочно!", "Urgent"),
        ("it's urgent", "Urgent"),
        ("не спешно", "Normal"),
        ("производството спря, авария", "Production stopped"),
    ]:
        await client.say("/report")
        await client.press("Other")
        await client.say("Old grinder in the back room")
        await client.say("Makes a loud noise")
        await client.say("done")
        await client.say(typed)
        assert f"Urgency: {label}" in client.joined(), typed
        await client.press("Cancel")


async def test_free_text_about_a_problem_is_offered_as_a_report(client: FlowChat) -> None:
    """Typed outside any dialog, a sentence about a problem becomes a report's description."""
    await client.say("Кафемашината на Витоша пак тече")
    assert "Report this as a breakdown?" in client.joined()
    assert "We are not sure what you mean" not in client.joined()
    await client.press("Yes, report a breakdown")
    await client.press("Linea PB")
    assert "Describe the problem" not in client.joined()  # already described
    await client.press("Done")  # no photos
    await client.say("спешно")
    assert "Problem: Кафемашината на Витоша пак тече" in client.joined()
    await client.say("да")
    [ticket] = await tickets(client.app)
    assert ticket.description == "Кафемашината на Витоша пак тече"
    assert ticket.priority is Priority.URGENT


async def test_a_short_greeting_or_a_no_is_not_a_report(client: FlowChat) -> None:
    await client.say("hello")
    assert "We are not sure what you mean" in client.joined()
    await client.say("The grinder makes a loud noise")
    await client.press("No")
    assert "nothing was reported" in client.joined()
    assert await tickets(client.app) == []
