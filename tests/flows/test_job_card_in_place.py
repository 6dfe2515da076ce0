"""The engineer's job card is one message: each action redraws it in place, a choice shown on
it (the ETA) is replaced once made or left, and what is typed in a dialog started from the card
(a note, the resolution) redraws that card rather than posting a fresh copy."""

from __future__ import annotations

from bot.app import App
from bot.core.clock import FrozenClock
from storage.models import TicketStatus
from tests.support.chat import FlowChat, Shown
from tests.support.jobs import load_ticket, make_job
from tests.support.people import CLIENT_ID, engineer_chat


async def card_of(seeded: App, clock: FrozenClock) -> tuple[FlowChat, int, Shown]:
    """An engineer who took a job from the board, and the card they got."""
    job = await make_job(seeded, clock.now(), reporter_user_id=CLIENT_ID)
    chat = await engineer_chat(seeded)
    await chat.press_data(f"jb:acc:{job}")
    card = chat.last
    assert "Problem: Does not start" in card.text
    return chat, job, card


def labels(shown: Shown) -> list[str]:
    return [label for label, _ in shown.buttons()]


def cards(chat: FlowChat) -> list[Shown]:
    return [shown for shown in chat.shown if "Problem: Does not start" in shown.text]


async def test_the_board_opens_a_job_in_place(client: FlowChat, clock: FrozenClock) -> None:
    job = await make_job(client.app, clock.now())
    chat = await engineer_chat(client.app)
    await chat.say("/jobs")
    board = chat.last
    await chat.press(f"#{job}")
    assert chat.last is board and "Problem: Does not start" in board.text
    assert labels(board) == ["✅ Accept", "« All jobs"]
    await chat.press("All jobs")
    assert chat.last is board and board.text.startswith("1 open job you can take:")


async def test_every_step_redraws_the_one_card(client: FlowChat, clock: FrozenClock) -> None:
    chat, job, card = await card_of(client.app, clock)
    await chat.press("On my way")
    await chat.press("« Back")  # leaves the choice: the card's own buttons again
    assert chat.last is card and "🚗 On my way" in labels(card)
    await chat.say("45")  # no longer asked for a time: not taken as one
    assert (await load_ticket(client.app, job)).status is TicketStatus.ASSIGNED
    await chat.press("On site")
    await chat.press("Waiting for parts")
    assert "▶ Parts arrived" in labels(card) and "Deadline paused" in card.text
    await chat.press("Add note")
    await chat.say("Ordered the pump")
    assert chat.last.text == f"Note added to #{job}."
    await chat.press("Parts arrived")
    assert "⏸ Waiting for parts" in labels(card)
    assert len(cards(chat)) == 1


async def test_a_stale_step_redraws_the_card_in_place(
    client: FlowChat, clock: FrozenClock
) -> None:
    chat, job, card = await card_of(client.app, clock)
    await chat.press("On site")
    await chat.press_data(f"mj:go:{job}", card.message_id)  # the old "On my way"
    assert chat.answer().text == "That step does not fit the job's current status."
    assert chat.last is card and "⏸ Waiting for parts" in labels(card)
    assert len(cards(chat)) == 1


async def test_resolving_redraws_the_card_without_its_steps(
    client: FlowChat, clock: FrozenClock
) -> None:
    chat, job, card = await card_of(client.app, clock)
    await chat.press("Resolve")
    prompt = chat.last
    await chat.say("Replaced the pressure switch")
    assert f"#{job} is resolved." in chat.last.text
    assert "Status: Resolved" in card.text and labels(card) == ["« My jobs"]
    assert len(cards(chat)) == 1
    await chat.press_data(f"rs:cancel:{job}", prompt.message_id)  # the answered prompt
    assert prompt.text == f"#{job}: nothing to cancel any more." and labels(prompt) == []
    assert (await load_ticket(client.app, job)).status is TicketStatus.RESOLVED
