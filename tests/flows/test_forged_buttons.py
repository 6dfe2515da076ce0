"""Buttons can be forged by modified clients: every handler must meet malformed or foreign
callback data with a clear answer, never a crash (the engine's "something went wrong")."""

from __future__ import annotations

import itertools

import pytest

from bot.app import App
from bot.core.clock import FrozenClock
from bot.core.replies import AnswerCallback, Send
from handlers import build_router
from storage.models import AttachmentKind, TicketStatus, TimelineKind
from tests.support.chat import FlowChat, Shown
from tests.support.jobs import add_files, events, make_job
from tests.support.people import ENGINEER_ID, client_chat, engineer_chat
from tests.support.seed import ACME_PHONE, NORD_PHONE

PREFIXES = sorted(build_router().callbacks)
PAYLOADS = [
    "",
    ":",
    "::",
    ":x",
    ":-1",
    ":999999",
    ":1:2:3:4:5:6:7:8",
    ":open:abc",
    ":acc:999999",
    ":eq:1",
    ":1",
    ":start:1",
    ":ok:1",
    ":1:9",
    ":o:x:y:z:w:v",
    ":" + "9" * 30,
    ":%s" % ("é" * 10),
]


async def people(app: App) -> dict[str, FlowChat]:
    engineer = await engineer_chat(app, 3001)
    client = await client_chat(app, 3000, ACME_PHONE)
    stranger = FlowChat(app, user_id=3003)  # never registered
    return {
        "client": client,
        "engineer": engineer,
        "manager": FlowChat(app, user_id=900),
        "stranger": stranger,
    }


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_forged_data_gets_an_answer_not_a_crash(seeded: App, prefix: str) -> None:
    await make_job(seeded, seeded.engine.clock.now())
    chats = await people(seeded)
    for (role, chat), payload in itertools.product(chats.items(), PAYLOADS):
        data = (prefix + payload)[:64]
        replies = await chat.press_data(data)
        answers = [reply for reply in replies if isinstance(reply, AnswerCallback)]
        assert len(answers) == 1, (role, data, replies)
        texts = [answer.text or "" for answer in answers] + chat.texts()
        assert not any("something went wrong" in text for text in texts), (role, data, texts)
        await chat.say("/cancel")


async def test_forged_ids_in_cancel_and_review_buttons(seeded: App) -> None:
    """Cancelling and reviewing check the ids in the service: another customer's request, one
    that does not exist, a customer already reviewed, a confirmation without its dialog."""
    from sqlalchemy import select

    from storage.models import Customer, Ticket, TicketStatus
    from tests.support.seed import NORD_PHONE

    ticket_id = await make_job(seeded, seeded.engine.clock.now())
    chats = await people(seeded)
    nord = await client_chat(seeded, 3004, NORD_PHONE)
    async with seeded.db.transaction() as session:
        acme = await session.scalar(select(Customer.id).where(Customer.external_ref == "ACME"))
    expected = [
        (nord, f"cx:{ticket_id}", "Request not found."),
        (chats["client"], "cx:999999", "Request not found."),
        (chats["client"], f"cx:ok:{ticket_id}", "This button is no longer active."),
        (chats["client"], f"cx:r:{ticket_id}:fixed", "This button is no longer active."),
        (chats["manager"], "mg:cx:999999", "Request not found."),
        (chats["manager"], f"mg:cx:ok:{ticket_id}", "This button is no longer active."),
        (chats["manager"], f"mg:rv:new:{acme}", "This new customer has already been reviewed."),
        (chats["manager"], f"mg:rv:link:{acme}", "This new customer has already been reviewed."),
        (chats["manager"], "mg:rv:to:999999:1", "This new customer has already been reviewed."),
    ]
    for chat, data, text in expected:
        await chat.press_data(data)
        assert chat.answer().text == text, data
    for chat in (chats["engineer"], chats["stranger"]):
        for data in (f"cx:{ticket_id}", f"mg:cx:{ticket_id}", f"mg:rv:new:{acme}"):
            await chat.press_data(data)
            assert chat.answer().alert, data
    async with seeded.db.transaction() as session:
        ticket = await session.get_one(Ticket, ticket_id)
        assert ticket.status is TicketStatus.NEW


# -- talking through a ticket: valid data, someone else's ticket --------------------------------
async def test_forged_ticket_ids_are_refused(
    client: FlowChat, engineer: FlowChat, other_engineer: FlowChat, clock: FrozenClock
) -> None:
    job = await make_job(
        client.app,
        clock.now(),
        reporter_user_id=client.user_id,
        status=TicketStatus.ON_SITE,
        engineer_user_id=ENGINEER_ID,
    )
    await add_files(client.app, job, [AttachmentKind.PHOTO])
    stranger = await client_chat(client.app, 3100, NORD_PHONE, name="Nikolai")
    for data in (f"tk:w:{job}", f"tk:pick:{job}"):
        await stranger.press_data(data)
        assert isinstance(stranger.last_replies[0], AnswerCallback)
        assert not [r for r in stranger.last_replies if isinstance(r, Send) and r.media]
    await stranger.press_data(f"tk:w:{job}")
    assert stranger.answer().text == "Request not found."
    for data in (f"mj:msg:{job}", f"mj:ask:{job}", f"mj:files:{job}"):
        await other_engineer.press_data(data)
        assert other_engineer.answer().alert
        assert not [r for r in other_engineer.last_replies if isinstance(r, Send)]
    for data in (f"mg:w:{job}", f"mg:files:{job}"):
        await client.press_data(data)
        assert "not available to you" in (client.answer().text or "")
    await client.press_data(f"mj:files:{job}")
    assert "not available to you" in (client.answer().text or "")
    # a reply naming another customer's ticket goes nowhere
    await stranger.say("mine?", reply_to=Shown(81001, f"#{job}"))
    assert "not sure what you mean" in stranger.joined()
    assert await events(client.app, job, TimelineKind.MESSAGE) == []
