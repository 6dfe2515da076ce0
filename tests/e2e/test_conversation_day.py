"""Issue 9 end to end, one service day through the real frameworks, the outbox and the sandbox:
a Russian customer reports with a photo and a voice note; the two nearest on-duty engineers with
the skill are pushed, the nearest accepts and the other's push turns to "taken"; the managers'
alert (Bulgarian) follows; the engineer asks a question (the deadline pauses, /status says so),
the customer answers by a Telegram reply with a photo (it resumes, the engineer gets the photo);
the engineer opens the ticket's files; a manager writes to the customer from the alert; the job
is resolved and the alert's buttons are gone. Each person reads only their own language."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from bot.sandbox import SandboxMessage, SandboxUser
from storage.models import Ticket, TicketStatus
from tests.support.live import TIMEOUT, LiveBot, button, register
from tests.support.people import MANAGER_ID, make_engineer
from tests.support.seed import ACME_PHONE, PLOVDIV_CENTRE, SOFIA_CENTRE

pytestmark = pytest.mark.manager_chat(manager_locale="bg")

CYRILLIC = re.compile("[а-яА-Я]")


TYPED = ("Паровая трубка течёт", "Да, полный", "Инженер будет у вас сегодня до 15:00.")
NAMES = ("Мария", "Борис", "Елена")


def ours(text: str) -> str:
    """What the bot wrote in ``text``: without what people typed or their names."""
    for words in (*TYPED, *NAMES):
        text = text.replace(words, "")
    return text


def has(data: str) -> Callable[[SandboxMessage], bool]:
    return lambda message: message.find_button(data) is not None


def edit_of(message: SandboxMessage, text: str) -> Callable[[SandboxMessage], bool]:
    return lambda m: m.message_id == message.message_id and text in m.content


async def report_with_files(customer: SandboxUser) -> int:
    """/report for the Linea PB with a photo and a voice note; the new ticket's number."""
    customer.send_command("/report")
    await customer.wait_for(has("rp:other"), timeout=TIMEOUT)
    customer.send_text("linea")
    matches = await customer.wait_for(
        lambda m: any("Linea PB" in text for text in m.button_texts), timeout=TIMEOUT
    )
    customer.press(button(matches, "Linea PB"), matches)
    await customer.wait_for(lambda m: not m.buttons, timeout=TIMEOUT)
    customer.send_text(TYPED[0])
    files = await customer.wait_for(has("rp:done"), timeout=TIMEOUT)
    customer.send_photo()
    await customer.wait_for(lambda m: has("rp:done")(m) and m is not files, timeout=TIMEOUT)
    customer.send_voice()
    await customer.wait_idle()
    customer.press("rp:done", customer.last)
    urgency = await customer.wait_for(has("rp:pr:urgent"), timeout=TIMEOUT)
    customer.press("rp:pr:urgent", urgency)
    summary = await customer.wait_for(has("rp:send"), timeout=TIMEOUT)
    customer.press("rp:send", summary)
    registered = await customer.wait_for(
        lambda m: "#" in m.content and m.message_id == summary.message_id, timeout=TIMEOUT
    )
    return int(re.search(r"#(\d+)", registered.content).group(1))  # type: ignore[union-attr]


async def test_a_day_through_the_ticket(live: LiveBot) -> None:
    profile = {"skills": ("coffee",), "on_duty": True}
    await make_engineer(live.app, 8301, "Ana", location=SOFIA_CENTRE, **profile)
    await make_engineer(live.app, 8302, "Борис", location=PLOVDIV_CENTRE, locale="bg", **profile)
    ana, boris = live.user(8301, "Ana", "en"), live.user(8302, "Борис", "bg")
    for engineer in (ana, boris):
        engineer.open_chat()
    maria = live.user(8304, "Мария", "ru")
    await register(maria, ACME_PHONE, "Мария", "Acme Coffee Sofia")
    managers = live.managers

    job = await report_with_files(maria)

    # The nearest engineer is pushed first, both have the offer; the managers have the alert.
    to_ana = await ana.wait_for(has(f"jb:acc:{job}"), timeout=TIMEOUT)
    to_boris = await boris.wait_for(has(f"jb:acc:{job}"), timeout=TIMEOUT)
    alert = await managers.wait_for(has(f"mg:as:{job}"), timeout=TIMEOUT)
    assert "Linea PB" in alert.content

    ana.press(f"jb:acc:{job}", to_ana)
    taken = await boris.wait_for(edit_of(to_boris, "Ana"), timeout=TIMEOUT)
    assert taken.buttons == [] and CYRILLIC.search(taken.content)
    await managers.wait_for(edit_of(alert, "Ana"), timeout=TIMEOUT)
    card = await ana.wait_for(has(f"mj:ask:{job}"), timeout=TIMEOUT)

    # A question: the job waits for the customer, the deadline stands still.
    ana.press(f"mj:ask:{job}", card)
    await ana.wait_for(lambda m: "question" in m.content, timeout=TIMEOUT)
    ana.send_text("Is the water tank full?")
    question = await maria.wait_for(
        lambda m: "Is the water tank full?" in m.content, timeout=TIMEOUT
    )
    async with live.app.db.transaction() as session:
        ticket = await session.get_one(Ticket, job)
        assert ticket.status is TicketStatus.WAITING_CUSTOMER
        assert ticket.sla_paused_at is not None
    maria.send_command("/status")
    listing = await maria.wait_for(has(f"tk:{job}"), timeout=TIMEOUT)
    maria.press(f"tk:{job}", listing)
    details = await maria.wait_for(lambda m: "Ana" in m.content, timeout=TIMEOUT)
    paused = live.app.catalogs.get("ru")._("Deadline paused — waiting for your reply")
    assert paused in details.content and CYRILLIC.search(paused)

    # The answer, as a Telegram reply with a photo: the clock runs again, Ana gets the photo.
    maria.send_photo(TYPED[1], reply_to=question)
    relayed = await ana.wait_for(
        lambda m: bool(m.photo) and "Да, полный" in m.content, timeout=TIMEOUT
    )
    assert f"#{job}" in relayed.content
    async with live.app.db.transaction() as session:
        ticket = await session.get_one(Ticket, job)
        assert ticket.status is TicketStatus.ASSIGNED
        assert ticket.sla_paused_at is None

    # The ticket's files: the two photos as one album, the voice note on its own.
    before = len(ana.messages)
    ana.press(f"mj:files:{job}", card)
    await ana.wait_for(lambda m: m.voice is not None, timeout=TIMEOUT)
    await ana.wait_idle()
    sent = ana.messages[before:]
    album = [m for m in sent if m.media_group_id is not None]
    assert len(album) == 2 and all(m.photo for m in album)
    assert len({m.media_group_id for m in album}) == 1

    # A manager writes to the customer from the alert.
    boss = live.user(MANAGER_ID, "Елена", "bg")
    current = await managers.wait_for(has(f"mg:w:{job}"), timeout=TIMEOUT)
    managers.press(boss.person, f"mg:w:{job}", current)
    await managers.wait_for(lambda m: f"#{job}" in m.content and not m.buttons, timeout=TIMEOUT)
    managers.send_text(boss.person, "Инженер будет у вас сегодня до 15:00.")
    from_office = await maria.wait_for(
        lambda m: "Инженер будет у вас сегодня до 15:00." in m.content, timeout=TIMEOUT
    )
    assert "Елена" in from_office.content

    # Resolved: the alert keeps no buttons.
    ana.press(f"rs:{job}", card)
    await ana.wait_for(has(f"rs:cancel:{job}"), timeout=TIMEOUT)
    ana.send_text("Refilled the tank, replaced the steam wand gasket")
    await managers.wait_for(
        lambda m: m.message_id == alert.message_id and not m.buttons, timeout=TIMEOUT
    )
    await maria.wait_for(has(f"cf:ok:{job}"), timeout=TIMEOUT)

    # Everyone in their own language: Maria Russian, Ana English, Boris and the group Bulgarian
    # (what people typed and their names aside).
    await maria.wait_idle()
    for message in maria.messages:
        assert CYRILLIC.search(message.content) or not message.content, message.content
    for message in ana.messages:
        assert not CYRILLIC.search(ours(message.content)), message.content
    for message in [*boris.messages, *managers.messages]:
        assert CYRILLIC.search(ours(message.content)), message.content
    async with live.app.db.transaction() as session:
        status = await session.scalar(select(Ticket.status).where(Ticket.id == job))
    assert status is TicketStatus.RESOLVED
