"""Accept pressed at the same moment in many bot processes, through the whole engine:
one engineer gets the job, every other one is told it was just taken."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.app import App, create_app
from bot.core.clock import FrozenClock
from bot.core.replies import AnswerCallback
from storage.models import TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.jobs import events, load_ticket, make_engineer, make_job

PROCESSES = 10


@pytest.fixture
async def processes(seeded: App) -> AsyncIterator[list[App]]:
    others = [create_app(seeded.settings, seeded.engine.clock) for _ in range(PROCESSES)]
    yield others
    await asyncio.gather(*(other.close() for other in others))


def answer_of(chat: FlowChat) -> str:
    answer = chat.last_replies[0]
    assert isinstance(answer, AnswerCallback)
    return answer.text or ""


async def test_engineers_race_for_one_job(
    seeded: App, processes: list[App], clock: FrozenClock
) -> None:
    job = await make_job(seeded, clock.now())
    chats = []
    for n, process in enumerate(processes):
        await make_engineer(seeded, 800 + n, f"E{n}")
        chats.append(FlowChat(process, user_id=800 + n, name=f"E{n}"))
    await asyncio.gather(*(chat.press_data(f"jb:acc:{job}") for chat in chats))
    answers = [answer_of(chat) for chat in chats]
    assert answers.count(f"Job #{job} is yours.") == 1
    assert answers.count(f"Sorry, #{job} was just taken by someone else.") == PROCESSES - 1
    winner = 800 + answers.index(f"Job #{job} is yours.")
    ticket = await load_ticket(seeded, job)
    assert ticket.status is TicketStatus.ASSIGNED
    assert ticket.engineer is not None and ticket.engineer.tg_user_id == winner
    [assigned] = await events(seeded, job, TimelineKind.ASSIGNED)
    assert assigned.actor_id == ticket.engineer_id


async def test_one_engineer_double_presses_on_two_processes(
    seeded: App, processes: list[App], clock: FrozenClock
) -> None:
    job = await make_job(seeded, clock.now())
    await make_engineer(seeded, 850)
    chats = [FlowChat(process, user_id=850, name="Petar") for process in processes[:4]]
    await asyncio.gather(*(chat.press_data(f"jb:acc:{job}") for chat in chats))
    answers = sorted(answer_of(chat) for chat in chats)
    assert answers == [f"#{job} is already yours."] * 3 + [f"Job #{job} is yours."]
    assert len(await events(seeded, job, TimelineKind.ASSIGNED)) == 1
