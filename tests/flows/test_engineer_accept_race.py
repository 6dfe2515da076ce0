"""Accept pressed at the same moment in many bot processes, through the whole engine:
one engineer gets the job, every other one is told it was just taken."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.app import App
from bot.core.clock import FrozenClock
from storage.models import TicketStatus, TimelineKind
from tests.support.chat import FlowChat
from tests.support.jobs import events, load_ticket, make_job
from tests.support.people import make_engineer

PROCESSES = 10


async def test_engineers_race_for_one_job(
    seeded: App, processes: Callable[..., list[App]], clock: FrozenClock
) -> None:
    job = await make_job(seeded, clock.now())
    chats = []
    for n, process in enumerate(processes(PROCESSES)):
        await make_engineer(seeded, 800 + n, f"E{n}")
        chats.append(FlowChat(process, user_id=800 + n, name=f"E{n}"))
    await asyncio.gather(*(chat.press_data(f"jb:acc:{job}") for chat in chats))
    answers = [chat.answer().text or "" for chat in chats]
    assert answers.count(f"Job #{job} is yours.") == 1
    assert answers.count(f"Sorry, #{job} was just taken by someone else.") == PROCESSES - 1
    winner = 800 + answers.index(f"Job #{job} is yours.")
    ticket = await load_ticket(seeded, job)
    assert ticket.status is TicketStatus.ASSIGNED
    assert ticket.engineer is not None and ticket.engineer.tg_user_id == winner
    [assigned] = await events(seeded, job, TimelineKind.ASSIGNED)
    assert assigned.actor_id == ticket.engineer_id


async def test_one_engineer_double_presses_on_two_processes(
    seeded: App, processes: Callable[..., list[App]], clock: FrozenClock
) -> None:
    job = await make_job(seeded, clock.now())
    await make_engineer(seeded, 850)
    chats = [FlowChat(process, user_id=850, name="Petar") for process in processes(4)]
    await asyncio.gather(*(chat.press_data(f"jb:acc:{job}") for chat in chats))
    answers = sorted(chat.answer().text or "" for chat in chats)
    assert answers == [f"#{job} is already yours."] * 3 + [f"Job #{job} is yours."]
    assert len(await events(seeded, job, TimelineKind.ASSIGNED)) == 1
