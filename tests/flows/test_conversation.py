"""People talk through the ticket: the customer writes (Write, or a Telegram reply routed to
the right ticket), the engineer messages or asks (the job waits for the customer with its SLA
paused until they answer), managers write from the card and alerts, files are sent again, and
nobody sees or reaches what is not theirs."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.events import Attachment
from bot.core.replies import ForceReply, Send
from bot.services.outbox import media_from_json
from storage.models import (
    AttachmentKind,
    OutboxMessage,
    OutboxStatus,
    Person,
    Ticket,
    TicketAttachment,
    TicketStatus,
    TimelineKind,
)
from tests.support.chat import FlowChat, Shown
from tests.support.jobs import add_files, events, load_ticket, make_job
from tests.support.outbox import alerts, buttons, outbox
from tests.support.people import (
    CLIENT_ID,
    ENGINEER_ID,
    MANAGER_CHAT,
    MANAGERS,
    engineer_chat,
)

pytestmark = pytest.mark.manager_chat(admins=MANAGERS)


async def job_of(
    client: FlowChat,
    clock: FrozenClock,
    status: TicketStatus | None = None,
    engineer: bool = True,
) -> int:
    """A job the Acme client reported, opened now with deadlines; the engineer's if
    ``engineer``."""
    return await make_job(
        client.app,
        clock.now(),
        reporter_user_id=client.user_id,
        status=status or (TicketStatus.ON_SITE if engineer else TicketStatus.NEW),
        engineer_user_id=ENGINEER_ID if engineer else None,
    )


async def delivered(app: App, row: OutboxMessage, message_id: int) -> Shown:
    """The outbox row as sent by Telegram with ``message_id``: what the reader now sees."""
    async with app.db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(message_id=message_id, status=OutboxStatus.SENT)
        )
    return Shown(message_id, row.text)


# -- the customer writes ----------------------------------------------------------------------
async def test_customer_writes_from_status_with_a_photo(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock)
    await client.say("/status")
    await client.press(f"#{job}")
    await client.press("Write")
    assert f"Write your message about #{job}" in client.joined()
    await client.send_file(AttachmentKind.PHOTO, "Here is the leak")
    assert client.joined() == f"✅ Added to #{job} and passed to the engineer."
    [relayed] = await outbox(client.app, ENGINEER_ID, "customer_message")
    assert relayed.ticket_id == job
    assert relayed.text.startswith(f"💬 Maria (Acme Coffee Sofia) wrote about #{job}:")
    assert "Here is the leak" in relayed.text
    [photo] = [media_from_json(item) for item in relayed.media or []]
    assert photo.kind is AttachmentKind.PHOTO and photo.file_id.startswith("photo-")
    assert ("💬 Reply", f"mj:msg:{job}") in buttons(relayed)
    [message] = await events(client.app, job, TimelineKind.MESSAGE)
    assert message.note == "Here is the leak" and message.data["from"] == "customer"
    [added] = await events(client.app, job, TimelineKind.ATTACHMENT)
    assert added.data == {"kind": "photo", "from": "customer"}
    # the dialog is over: the next message is not relayed
    await client.say("hello?")
    assert "not sure what you mean" in client.joined()
    assert len(await outbox(client.app, ENGINEER_ID, "customer_message")) == 1


async def test_before_assignment_the_managers_hear_with_the_file(
    client: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock, engineer=False)
    await client.press_data(f"tk:w:{job}")
    await client.send_file(AttachmentKind.VOICE)
    assert "passed to our service team" in client.joined()
    [alert] = await alerts(client.app, "customer_message")
    assert f"wrote about #{job}, which nobody has taken yet" in alert.text
    assert alert.media and alert.media[0]["kind"] == "voice"
    assert ("💬 Write to customer", f"mg:w:{job}") in buttons(alert)


async def test_reply_routing_picks_the_right_ticket(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    first = await job_of(client, clock)
    second = await job_of(client, clock)
    await engineer.press_data(f"mj:msg:{second}")
    await engineer.say("I will bring the gasket")
    [about_second] = await outbox(client.app, CLIENT_ID, "staff_message")
    assert about_second.ticket_id == second
    shown = await delivered(client.app, about_second, 77001)
    # a reply to the delivered message goes to its ticket, whatever its text says
    await client.say(f"Thanks! (and #{first} is fine)", reply_to=shown)
    assert client.joined() == f"✅ Added to #{second} and passed to the engineer."
    assert [e.note for e in await events(client.app, second, TimelineKind.MESSAGE)][-1] == (
        f"Thanks! (and #{first} is fine)"
    )
    # a reply to a message the bot answered directly: by the #N in its text
    confirmation = client.last
    await client.send_file(AttachmentKind.DOCUMENT, "the invoice", reply_to=confirmation)
    assert client.joined() == f"✅ Added to #{second} and passed to the engineer."
    # a message naming both: the customer chooses, the message waits meanwhile
    both = Shown(77002, f"You have 2 open requests.\n#{first} · …\n#{second} · …")
    await client.say("The noise is back", reply_to=both)
    assert "Which request" in client.joined()
    assert [text for text, _ in client.last.buttons()] == [f"#{first}", f"#{second}"]
    await client.press(f"#{first}")
    assert f"✅ Added to #{first}" in client.joined()
    notes = [e.note for e in await events(client.app, first, TimelineKind.MESSAGE)]
    assert notes == ["The noise is back"]
    # none of theirs named: the usual answer
    await client.say("hi", reply_to=Shown(77003, "Welcome! #999 is not yours"))
    assert "not sure what you mean" in client.joined()


async def test_closed_ticket_refuses_and_says_how_to_report(
    client: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock, status=TicketStatus.CLOSED, engineer=False)
    await client.press_data(f"tk:w:{job}")
    answer = client.answer()
    assert answer.text is not None and "closed" in answer.text and "/report" in answer.text
    await client.say("again", reply_to=Shown(77010, f"Your request #{job} is resolved."))
    assert "/report" in client.joined()
    assert await events(client.app, job, TimelineKind.MESSAGE) == []


# -- the engineer asks, the customer answers ---------------------------------------------------
async def test_question_waits_for_the_customer_with_the_sla_paused(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock)
    before = await load_ticket(client.app, job)
    await engineer.press_data(f"mj:open:{job}")
    await engineer.press("Ask the customer")
    await engineer.say("Is the water tap open?")
    assert "Question sent to Maria" in engineer.joined()
    assert "Deadline paused while waiting for the customer's reply" in engineer.joined()
    waiting = await load_ticket(client.app, job)
    assert waiting.status is TicketStatus.WAITING_CUSTOMER
    assert waiting.sla_paused_at == clock.now()
    [question] = await outbox(client.app, CLIENT_ID, "staff_message")
    assert question.text.startswith(
        f"❓ Petar from the service team asks about your request #{job}"
    )
    assert "Is the water tap open?" in question.text
    [asked] = await events(client.app, job, TimelineKind.MESSAGE)
    assert asked.data == {"from": "staff", "question": True}
    # the customer sees it in /status, and the manager's card says the deadline is paused
    await client.press_data(f"tk:{job}")
    assert "Waiting for your reply" in client.joined()
    assert "Question from the service team: Is the water tap open?" in client.joined()

    clock.advance(timedelta(hours=3))
    shown = await delivered(client.app, question, 78001)
    await client.send_file(AttachmentKind.PHOTO, "Yes, it is open", reply_to=shown)
    answered = await load_ticket(client.app, job)
    assert answered.status is TicketStatus.ON_SITE and answered.sla_paused_at is None
    assert before.resolution_due is not None and answered.resolution_due is not None
    assert answered.resolution_due == before.resolution_due + timedelta(hours=3)
    [relayed] = await outbox(client.app, ENGINEER_ID, "customer_message")
    assert "Yes, it is open" in relayed.text
    assert "That answers your question" in relayed.text and "Engineer on site" in relayed.text
    assert relayed.media and relayed.media[0]["kind"] == "photo"


async def test_engineer_answers_by_telegram_reply_and_reassigning_keeps_waiting(
    client: FlowChat, engineer: FlowChat, other_engineer: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock, status=TicketStatus.ASSIGNED)
    await client.press_data(f"tk:w:{job}")
    await client.say("When will you come?")
    [relayed] = await outbox(client.app, ENGINEER_ID, "customer_message")
    shown = await delivered(client.app, relayed, 79001)
    await engineer.say("Tomorrow at 10", reply_to=shown)
    assert engineer.joined() == f"✅ Sent to Maria on #{job}."
    [to_client] = await outbox(client.app, CLIENT_ID, "staff_message")
    assert "Tomorrow at 10" in to_client.text and to_client.ticket_id == job
    # a question, then a manager hands the job to someone else: it keeps waiting
    await engineer.press_data(f"mj:ask:{job}")
    await engineer.say("Which entrance?")
    manager = FlowChat(client.app, 900, "Olga")
    await manager.press_data(f"mg:as:{job}")
    await manager.press("Georgi")
    moved = await load_ticket(client.app, job)
    assert moved.status is TicketStatus.WAITING_CUSTOMER and moved.sla_paused_at is not None
    # the first engineer's reply no longer reaches the customer
    await engineer.say("still me", reply_to=shown)
    assert len(await outbox(client.app, CLIENT_ID, "staff_message")) == 2


# -- files ------------------------------------------------------------------------------------
async def test_attachments_are_sent_again_as_albums(
    client: FlowChat, engineer: FlowChat, manager: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock)
    kinds = [AttachmentKind.PHOTO, AttachmentKind.VOICE, AttachmentKind.DOCUMENT]
    await add_files(client.app, job, [*kinds, AttachmentKind.VIDEO, AttachmentKind.PHOTO])
    await engineer.press_data(f"mj:open:{job}")
    await engineer.press("Attachments (5)")
    sent = [reply for reply in engineer.last_replies if isinstance(reply, Send)]
    assert [[item.kind.value for item in reply.media] for reply in sent] == [
        ["photo", "video", "photo"],
        ["document"],
        ["voice"],
    ]
    assert all(f"#{job}" in reply.text for reply in sent)
    assert sent[0].text == f"📎 Files of #{job} (1 of 3)"
    await manager.press_data(f"mg:t:{job}")
    await manager.press("Attachments (5)")
    assert len([r for r in manager.last_replies if isinstance(r, Send)]) == 3
    # none yet: said on the button
    empty = await job_of(client, clock)
    await engineer.press_data(f"mj:files:{empty}")
    assert engineer.answer().text == f"#{empty} has no files yet."


# -- managers write -----------------------------------------------------------------------------
async def test_manager_writes_from_the_alert_and_by_reply(
    client: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock, engineer=False)
    group = FlowChat(client.app, 900, "Olga", group_id=MANAGER_CHAT)
    await group.press_data(f"mg:w:{job}")
    assert f"message to the customer about #{job}" in group.joined()
    assert isinstance(group.last.markup, ForceReply)  # privacy mode shows the bot replies only
    await group.send_file(AttachmentKind.DOCUMENT, "The quote for the repair")
    assert group.joined() == f"✅ Sent to Maria on #{job}."
    [to_client] = await outbox(client.app, CLIENT_ID, "staff_message")
    assert to_client.text.startswith(f"💬 Olga from the service team about your request #{job}")
    assert to_client.media and to_client.media[0]["kind"] == "document"
    [message] = await events(client.app, job, TimelineKind.MESSAGE)
    assert message.data == {"from": "staff", "question": False}
    # the customer answers; the managers' copy is answered by a reply in the group
    shown = await delivered(client.app, to_client, 80001)
    await client.say("Accepted", reply_to=shown)
    [alert] = await alerts(client.app, "customer_message")
    in_group = await delivered(client.app, alert, 80002)
    await group.say("Thank you, we start tomorrow", reply_to=in_group)
    assert len(await outbox(client.app, CLIENT_ID, "staff_message")) == 2
    # a manager's card offers the button too
    await group.press_data(f"mg:t:{job}")
    assert "💬 Write to customer" in group.button_texts()


# -- what is not theirs ---------------------------------------------------------------------------
async def test_notes_stay_internal(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock)
    await engineer.press_data(f"mj:note:{job}")
    await engineer.say("Customer descaled it with vinegar")
    await engineer.press_data(f"mj:msg:{job}")
    await engineer.say("Please do not use vinegar")
    await client.press_data(f"tk:{job}")
    details = client.joined()
    assert "vinegar" in details and "Please do not use vinegar" in details
    assert "Customer descaled" not in details and "note" not in details.lower()
    to_client = await outbox(client.app, CLIENT_ID)
    assert not any("Customer descaled" in row.text for row in to_client)


async def test_unreachable_recipient_keeps_the_message(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock)
    async with client.app.db.transaction() as session:
        await session.execute(
            update(Person).where(Person.tg_user_id == CLIENT_ID).values(unreachable=True)
        )
    await engineer.press_data(f"mj:msg:{job}")
    await engineer.say("Are you there?")
    assert f"Your message is kept on #{job}" in engineer.joined()
    [kept] = await events(client.app, job, TimelineKind.MESSAGE)
    assert kept.note == "Are you there?"


# -- /report takes any file; /open shows the new status -------------------------------------------
async def test_report_takes_voice_notes_documents_and_videos(client: FlowChat) -> None:
    await client.say("/report")
    await client.press("Linea PB")
    await client.say("Grinder jams")
    await client.send_file(AttachmentKind.VOICE)
    assert "Received: 1 voice note" in client.joined()
    await client.send_file(AttachmentKind.DOCUMENT)
    await client.send_file(AttachmentKind.VIDEO)
    await client.send_photo()
    await client.press("Done")
    await client.press("Normal")
    assert "1 photo, 1 video, 1 document, 1 voice note" in client.joined()
    await client.press("Send")
    async with client.app.db.transaction() as session:
        ticket = await session.scalar(select(Ticket))
        assert ticket is not None
        kinds = await session.scalars(
            select(TicketAttachment.kind).where(TicketAttachment.ticket_id == ticket.id)
        )
        assert sorted(kind.value for kind in kinds) == ["document", "photo", "video", "voice"]


async def test_old_drafts_with_plain_photo_ids_still_send(client: FlowChat) -> None:
    from storage.models import Dialog

    await client.say("/report")
    await client.press("Linea PB")
    await client.say("Grinder jams")
    async with client.app.db.transaction() as session:
        dialog = await session.scalar(select(Dialog))
        assert dialog is not None
        dialog.data = {**dialog.data, "photos": ["old-photo-id"]}
    await client.press("Done")
    await client.press("Normal")
    assert "1 photo" in client.joined()
    await client.press("Send")
    async with client.app.db.transaction() as session:
        [kept] = list(await session.scalars(select(TicketAttachment)))
        assert Attachment(kept.kind, kept.file_id) == Attachment(
            AttachmentKind.PHOTO, "old-photo-id"
        )


async def test_open_filters_by_waiting_for_the_customer(
    client: FlowChat, engineer: FlowChat, manager: FlowChat, clock: FrozenClock
) -> None:
    waiting = await job_of(client, clock, status=TicketStatus.WAITING_CUSTOMER)
    await job_of(client, clock)
    await manager.say("/open")
    await manager.press("Status ▾")
    await manager.press("Waiting for the customer's reply")
    listed = manager.joined()
    assert f"#{waiting}" in listed and listed.count("#") == 1


async def test_engineer_card_offers_talk_buttons_by_status(
    client: FlowChat, engineer: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock, status=TicketStatus.WAITING_PARTS)
    await engineer.press_data(f"mj:open:{job}")
    labels = engineer.button_texts()
    assert "💬 Message the customer" in labels and "❓ Ask the customer" not in labels
    await engineer.press_data(f"mj:ask:{job}")
    assert "does not fit" in (engineer.answers[-1].text or "")
    assert (await load_ticket(client.app, job)).status is TicketStatus.WAITING_PARTS


async def test_a_person_unknown_to_the_engineer_app(seeded: App) -> None:
    """An engineer made elsewhere, never a customer: a reply from them is the usual answer."""
    chat = await engineer_chat(seeded, 3200, "Ivo")
    await chat.say("hello", reply_to=Shown(82001, "#1"))
    assert "not sure what you mean" in chat.joined()


async def test_stats_and_export_show_the_conversation(
    client: FlowChat, engineer: FlowChat, manager: FlowChat, clock: FrozenClock
) -> None:
    job = await job_of(client, clock)
    await engineer.press_data(f"mj:ask:{job}")
    await engineer.say("Which model of grinder?")
    await client.press_data(f"tk:w:{job}")
    await client.send_file(AttachmentKind.VOICE, "An old one")
    await manager.say("/stats week")
    assert "something went wrong" not in manager.joined()
    await manager.say("/export week")
    [xlsx] = [
        reply.document
        for reply in manager.last_replies
        if isinstance(reply, Send) and (reply.document_name or "").endswith(".xlsx")
    ]
    assert xlsx is not None
    book = load_workbook(io.BytesIO(xlsx))
    rows = [row[2:] for row in book["Timeline"].iter_rows(values_only=True)]
    assert ("Status", "Waiting for the customer's reply", "Petar", None) in rows
    waiting = "Waiting for the customer's reply"  # the status each line left it in
    assert ("Message", waiting, "Petar", "Which model of grinder?") in rows
    assert ("Message", waiting, "Maria", "An old one") in rows
    assert ("Voice note", waiting, "Maria", None) in rows
    assert ("Status", "Engineer on site", "Maria", None) in rows
