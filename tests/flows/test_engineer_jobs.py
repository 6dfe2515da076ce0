"""Engineers through the engine: the board, Accept, every action on a job, and the
customer hearing of each step."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.events import EventKind, Location
from bot.core.replies import InlineKeyboard, ReplyKeyboard, Send
from storage.models import Priority, TicketAttachment, TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.jobs import events, load_ticket, make_job
from tests.support.outbox import outbox
from tests.support.people import client_chat, engineer_chat, person
from tests.support.seed import ACME_PHONE, SOFIA_CENTRE
from tests.support.units import nb


async def taken_job(client: FlowChat, clock: FrozenClock, **kw: object) -> tuple[FlowChat, int]:
    """An engineer who has just accepted a job the client reported."""
    job = await make_job(client.app, clock.now(), reporter_user_id=client.user_id, **kw)  # type: ignore[arg-type]
    chat = await engineer_chat(client.app)
    await chat.say("/jobs")
    await chat.press(f"#{job}")
    await chat.press("Accept")
    return chat, job


# -- the board -------------------------------------------------------------------------------
async def test_board_by_urgency_distance_and_skills(seeded: App, clock: FrozenClock) -> None:
    now = clock.now()
    plovdiv = await make_job(seeded, now - timedelta(hours=5), "DK-35-8812")
    coffee = await make_job(seeded, now, "LM-PB-2231")
    moscow = await make_job(seeded, now, "CR-42-0117", Priority.URGENT, "NORD")
    free_text = await make_job(seeded, now - timedelta(hours=2), None)
    chat = await engineer_chat(seeded, skills=("hvac",), location=SOFIA_CENTRE)
    await chat.say("/jobs")
    lines = chat.joined().splitlines()
    assert lines[0] == "3 open jobs you can take:"
    assert lines[1].startswith(f"🟠 #{moscow} · 42QHC · Nord Pharma / Moscow lab · Urgent · ")
    assert lines[2].startswith(f"#{plovdiv} · FTXM35R · Acme Coffee Sofia / Plovdiv shop · Normal")
    assert f"\u00a0km · {nb('5 hours')}" in lines[2]
    assert lines[3] == f"#{free_text} · Old grinder · Acme Coffee Sofia · Normal · {nb('2 hours')}"
    assert f"#{coffee}" not in chat.joined()  # coffee machines are not among the skills
    assert [text for text, _ in chat.last.buttons()] == [
        f"#{moscow}",
        f"#{plovdiv}",
        f"#{free_text}",
    ]


async def test_board_pages(seeded: App, clock: FrozenClock) -> None:
    for hours in range(8):
        await make_job(seeded, clock.now() - timedelta(hours=hours), None)
    chat = await engineer_chat(seeded)
    await chat.say("/jobs")
    assert "Page 1 of 2" in chat.joined()
    await chat.press("»")
    assert "Page 2 of 2" in chat.joined() and "#2" in chat.joined()


async def test_my_jobs_page(seeded: App, clock: FrozenClock) -> None:
    chat = await engineer_chat(seeded)
    for hours in range(8):
        job = await make_job(seeded, clock.now() - timedelta(hours=hours), None)
        await chat.press_data(f"jb:acc:{job}")
    await chat.say("/myjobs")
    assert "You have 8 open jobs:" in chat.joined() and "Page 1 of 2" in chat.joined()
    await chat.press("»")
    assert "Page 2 of 2" in chat.joined()
    await chat.press_data("mj:list:999")  # forged offset: back to the first page
    assert "Page 1 of 2" in chat.joined()


async def test_empty_board(seeded: App) -> None:
    chat = await engineer_chat(seeded)
    await chat.say("/jobs")
    assert "No open jobs" in chat.joined()


# -- accepting -------------------------------------------------------------------------------
async def test_accept_tells_engineer_and_customer(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    assert f"Job #{job} is yours." in chat.joined()
    card = chat.last.text
    assert "Linea PB · LM-PB-2231" in card and "bul. Vitosha 15, Sofia" in card
    assert "Warranty: valid until" in card and "Service contract C-100" in card
    assert "Contact phone: +359 88 812 3456" in card and "Problem: Does not start" in card
    assert "🚗 On my way" in chat.button_texts()
    buttons = dict(chat.last.buttons())
    assert "🧪 Log tests" not in buttons  # tests are logged on site
    assert buttons["📦 Request parts"] == f"pq:start:{job}"
    assert buttons["✅ Resolve"] == f"rs:{job}"
    ticket = await load_ticket(client.app, job)
    assert ticket.status is TicketStatus.ASSIGNED and ticket.responded_at == clock.now()
    [message] = await outbox(client.app)
    assert message.chat_id == client.user_id and message.kind == "job_assigned"
    assert message.text == f"Engineer Petar will handle your request #{job}."


async def test_just_taken_by_someone_else(client: FlowChat, clock: FrozenClock) -> None:
    job = await make_job(client.app, clock.now())
    slow = await engineer_chat(client.app, 702, "Slow")
    fast = await engineer_chat(client.app, 703, "Fast")
    await slow.say("/jobs")
    await slow.press(f"#{job}")
    await fast.press_data(f"jb:acc:{job}")
    await slow.press("Accept")
    assert slow.answer().text == f"Sorry, #{job} was just taken by someone else."
    assert (await load_ticket(client.app, job)).engineer is not None
    assert len(await events(client.app, job, TimelineKind.ASSIGNED)) == 1


async def test_double_press_by_the_same_engineer(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press_data(f"jb:acc:{job}")
    assert chat.answer().text == f"#{job} is already yours."
    assert len(await events(client.app, job, TimelineKind.ASSIGNED)) == 1


async def test_forged_and_stale_accepts_are_refused(seeded: App, clock: FrozenClock) -> None:
    coffee = await make_job(seeded, clock.now(), "LM-PB-2231")
    chat = await engineer_chat(seeded, skills=("hvac",))
    await chat.press_data(f"jb:acc:{coffee}")
    assert chat.answer().text == f"#{coffee} needs skills that are not in your profile."
    await chat.press_data("jb:acc:9999")
    assert chat.answer().text == "This job is no longer available."
    await chat.press_data("jb:open:9999")
    assert chat.answer().text == "This job is no longer available."
    await chat.press_data("jb:acc:abc")
    assert chat.answer().text == "This button is no longer active."
    assert (await load_ticket(seeded, coffee)).status is TicketStatus.NEW


async def test_client_cannot_use_engineer_commands_or_buttons(
    client: FlowChat, clock: FrozenClock
) -> None:
    job = await make_job(client.app, clock.now())
    for data in (f"jb:acc:{job}", f"mj:site:{job}", "jb:pg:0", f"mj:hand:{job}"):
        await client.press_data(data)
        assert client.answer().text == "This action is not available to you."
    for command in ("/jobs", "/myjobs", "/duty"):
        await client.say(command)
        assert "not available to you" in client.joined()
    assert (await load_ticket(client.app, job)).status is TicketStatus.NEW


# -- working the job -------------------------------------------------------------------------
async def test_on_my_way_with_eta_button(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    card = chat.last
    await chat.press("On my way")
    assert chat.last is card  # the choices replace the card's buttons, in place
    assert "When will you be there?" in card.text and "Problem: Does not start" in card.text
    assert [label for label, _ in card.buttons()] == ["15 min", "30 min", "1 h", "2 h", "« Back"]
    await chat.press("30 min")
    ticket = await load_ticket(client.app, job)
    assert ticket.status is TicketStatus.EN_ROUTE and ticket.eta == clock.now() + timedelta(
        minutes=30
    )
    assert chat.answer().text == (  # Sofia time
        f"#{job}: the customer knows you are on the way, expected at Nov 22, 11:30 AM."
    )
    assert chat.last is card and "You are expected at Nov 22, 11:30 AM" in card.text
    assert "When will you be there?" not in card.text and "30 min" not in chat.button_texts()
    assert "📍 On site" in [label for label, _ in card.buttons()]
    message = (await outbox(client.app))[-1]
    assert message.chat_id == client.user_id and message.kind == "job_en_route"
    assert (
        message.text
        == f"Petar is on the way to you for request #{job}, expected at Nov 22, 11:30 AM."
    )


async def test_eta_typed_as_minutes_or_time(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press("On my way")
    await chat.say("soon")
    assert "type minutes (45) or a time (14:30)" in chat.joined()
    await chat.say("99:99")
    assert "type minutes" in chat.joined()
    [card] = [shown for shown in chat.shown if "When will you be there?" in shown.text]
    assert "15 min" in [label for label, _ in card.buttons()]  # the card, with the choices
    await chat.say("45")
    assert (await load_ticket(client.app, job)).eta == clock.now() + timedelta(minutes=45)
    assert "the customer knows you are on the way" in chat.last.text
    assert "Status: Engineer on the way" in card.text  # redrawn in place, choices gone
    assert "15 min" not in chat.button_texts()
    second = await make_job(client.app, clock.now(), reporter_user_id=client.user_id)
    await chat.press_data(f"jb:acc:{second}")
    await chat.press_data(f"mj:go:{second}")
    await chat.say("14:30")  # Sofia is UTC+2 in November: 12:30 UTC today
    eta = (await load_ticket(client.app, second)).eta
    assert eta == clock.now().replace(hour=12, minute=30)
    await chat.press_data(f"mj:go:{second}")  # already on the way: a stale button
    assert chat.answer().text == "That step does not fit the job's current status."


async def test_eta_in_other_digits_is_asked_again(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press("On my way")
    for text in ("①", "٣٠", "１４:３０", "1²:30", "9" * 30, "-5"):
        await chat.say(text)
        assert "type minutes (45) or a time (14:30)" in chat.joined()
    assert (await load_ticket(client.app, job)).status is TicketStatus.ASSIGNED


async def test_eta_time_already_passed_means_tomorrow(
    client: FlowChat, clock: FrozenClock
) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press("On my way")
    await chat.say("10:15")  # 08:15 UTC, before now (09:00 UTC): tomorrow morning
    assert (await load_ticket(client.app, job)).eta == clock.now().replace(
        hour=8, minute=15
    ) + timedelta(days=1)


async def test_on_site_parts_and_sla_pause(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    due = (await load_ticket(client.app, job)).resolution_due
    assert due is not None
    await chat.press("On site")
    assert chat.answer().text == "Engineer on site"
    await chat.press("Waiting for parts")
    assert "Deadline paused" in chat.last.text and "▶ Parts arrived" in chat.button_texts()
    clock.advance(timedelta(hours=5))
    await chat.press("Parts arrived")
    ticket = await load_ticket(client.app, job)
    assert ticket.status is TicketStatus.ON_SITE and ticket.resolution_due == due + timedelta(
        hours=5
    )
    assert ticket.sla_paused_seconds == 5 * 3600
    kinds = [message.kind for message in await outbox(client.app)]
    assert kinds == ["job_assigned", "job_on_site", "job_waiting_parts", "job_resumed"]
    texts = [message.text for message in await outbox(client.app)]
    assert "deadline is paused" in texts[2] and f"#{job}" in texts[3]


async def test_stale_status_button(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press("On site")
    await chat.press_data(f"mj:site:{job}")
    assert chat.answer().text == "That step does not fit the job's current status."
    await chat.press_data(f"mj:resume:{job}")
    assert chat.answer().text == "That step does not fit the job's current status."
    assert len(await events(client.app, job, TimelineKind.STATUS)) == 1


async def test_note_and_photos(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press("Add note")
    await chat.say("ok")
    assert "a few words" in chat.joined()
    await chat.say("Descaled the boiler")
    assert f"Note added to #{job}." in chat.joined()
    await chat.press("Add photo")
    await chat.send_photo("before")
    await chat.send_photo()
    assert f"2 photos added to #{job}." in chat.joined()
    await chat.say("where is the button")
    assert "then press Done" in chat.joined()
    await chat.press("Done")
    assert chat.last.text == f"2 photos added to #{job}." and chat.last.buttons() == []
    [card] = [shown for shown in chat.shown if "Problem: Does not start" in shown.text]
    assert "Attached: 2 photos" in card.text  # the one card, redrawn in place
    [note] = await events(client.app, job, TimelineKind.NOTE)
    assert note.note == "Descaled the boiler"
    async with client.app.db.transaction() as session:
        photos = list(await session.scalars(select(TicketAttachment.file_id)))
    assert len(photos) == 2


async def test_hand_back(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press("Hand back")
    await chat.say("Needs a gas-certified engineer")
    assert f"#{job} is back on the board" in chat.joined()
    assert f"↩ #{job} was handed back." in chat.joined()  # the card says so, in place
    back = next(reply for reply in chat.last_replies if isinstance(reply, Send))
    assert isinstance(back.markup, InlineKeyboard)  # no dead end: where to go next
    assert [b.text for b in back.markup.rows[0]] == ["« My jobs", "📋 Open jobs"]
    ticket = await load_ticket(client.app, job)
    assert ticket.status is TicketStatus.NEW and ticket.engineer_id is None
    [event] = await events(client.app, job, TimelineKind.HANDED_BACK)
    assert event.note == "Needs a gas-certified engineer"
    message = (await outbox(client.app))[-1]
    assert message.kind == "job_handed_back" and "waiting for another engineer" in message.text
    await chat.say("/myjobs")
    assert "no open jobs" in chat.joined()


async def test_hand_back_cancelled_keeps_job(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press("Hand back")
    await chat.say("/cancel")
    assert (await load_ticket(client.app, job)).engineer_id is not None


async def test_someone_elses_job_is_refused(client: FlowChat, clock: FrozenClock) -> None:
    _, job = await taken_job(client, clock)
    other = await engineer_chat(client.app, 704, "Other")
    actions = ("site", "wait", "resume", "open", "back", "go", "note", "photo", "pdone", "hand")
    for data in [f"mj:{action}:{job}" for action in actions] + [f"mj:eta:{job}:30"]:
        await other.press_data(data)
        assert other.answer().text == "This job is not yours or no longer open."
    await other.press_data(f"jb:open:{job}")
    assert other.answer().text == "This job is no longer available."
    assert (await load_ticket(client.app, job)).status is TicketStatus.ASSIGNED


async def test_myjobs_lists_and_opens(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.say("/myjobs")
    assert "You have 1 open job:" in chat.joined()
    assert f"#{job} · Linea PB · Engineer assigned" in chat.joined()
    await chat.press(f"#{job}")
    assert "Problem: Does not start" in chat.last.text
    await chat.press("« My jobs")
    assert "You have 1 open job:" in chat.last.text


async def test_push_goes_to_customer_in_their_language(seeded: App, clock: FrozenClock) -> None:
    await client_chat(seeded, 521, ACME_PHONE, name="Мария", language_code="bg")
    job = await make_job(seeded, clock.now(), reporter_user_id=521)
    chat = await engineer_chat(seeded)
    await chat.press_data(f"jb:acc:{job}")
    [message] = await outbox(seeded)
    assert message.chat_id == 521 and f"#{job}" in message.text
    assert (await person(seeded, 521)).locale == "bg"


async def test_job_without_reporter_pushes_nothing(seeded: App, clock: FrozenClock) -> None:
    job = await make_job(seeded, clock.now())
    chat = await engineer_chat(seeded)
    await chat.press_data(f"jb:acc:{job}")
    assert f"Job #{job} is yours." in chat.joined()
    assert await outbox(seeded) == []


# -- duty and location ---------------------------------------------------------------------
async def test_duty_shows_the_state_with_explicit_buttons(seeded: App) -> None:
    chat = await engineer_chat(seeded)
    await chat.say("/duty")
    assert chat.joined() == "You are off duty."
    assert chat.button_texts()[-2:] == ["🟢 On duty", "• ⚪ Off duty"]
    assert not (await person(seeded, 701)).on_duty  # showing changes nothing
    await chat.press("On duty")
    assert "You are on duty now" in chat.joined()
    assert chat.shown[-2].text == "You are on duty."  # the /duty message, edited in place
    # the main-menu keys, with the location key, come with the first answer in this chat
    assert isinstance(chat.keys, ReplyKeyboard) and chat.keys.persistent
    assert any(key.request_location for row in chat.keys.rows for key in row)
    assert (await person(seeded, 701)).on_duty
    await chat.say("/duty")
    assert chat.joined() == "You are on duty."
    await chat.press("Off duty")
    assert "You are off duty now" in chat.joined()
    assert not (await person(seeded, 701)).on_duty


async def test_engineer_location_is_stored(seeded: App, clock: FrozenClock) -> None:
    chat = await engineer_chat(seeded)
    await chat.share_location(42.69, 23.32)
    assert "Location updated" in chat.joined()
    stored = await person(seeded, 701)
    assert (stored.latitude, stored.longitude, stored.located_at) == (42.69, 23.32, clock.now())
    await chat.share_location(91.0, 0.0)
    assert "looks wrong" in chat.joined()


async def test_live_location_updates_quietly(seeded: App, clock: FrozenClock) -> None:
    chat = await engineer_chat(seeded)

    async def live(latitude: float) -> None:
        await chat.deliver(
            chat.event(EventKind.LOCATION, location=Location(latitude, 23.3, live=True))
        )

    await live(42.1)
    assert "Location updated" in chat.joined()  # the first one is confirmed
    clock.advance(timedelta(minutes=3))
    await live(42.2)
    assert chat.texts() == []
    assert (await person(seeded, 701)).latitude == 42.2
    clock.advance(timedelta(minutes=11))
    await live(42.3)
    assert "Location updated" in chat.joined()


async def test_client_location_gets_a_helpful_reply(client: FlowChat) -> None:
    await client.share_location(42.69, 23.32)
    assert "there is no need to share your location" in client.joined()
    assert (await person(client.app, client.user_id)).latitude is None


async def test_cancel_says_whether_anything_was_kept(client: FlowChat, clock: FrozenClock) -> None:
    chat, job = await taken_job(client, clock)
    await chat.press_data(f"mj:photo:{job}")
    await chat.send_photo()  # saved the moment it arrives
    await chat.say("/cancel")
    assert "What you had already saved is kept." in chat.joined()
    async with client.app.db.transaction() as session:
        photos = await session.scalars(
            select(TicketAttachment).where(TicketAttachment.ticket_id == job)
        )
        assert len(list(photos)) == 1
    await chat.press_data(f"mj:note:{job}")  # a note is a draft until it is sent
    await chat.say("/cancel")
    assert "Cancelled. Nothing was sent." in chat.joined()
