"""Many processes pressing Accept on one job at once: exactly one engineer gets it.

Each app instance has its own engine and connection pool, as separate processes would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.app import App
from bot.core.clock import FrozenClock
from bot.services import jobs
from storage.models import Person, TicketStatus, TimelineKind
from tests.support.jobs import events, load_ticket, make_job
from tests.support.people import make_engineer
from tests.support.seed import seed_app

PROCESSES = 12


async def try_accept(process: App, ticket_id: int, engineer_id: int) -> str:
    try:
        async with process.db.transaction() as session:
            engineer = await session.get_one(Person, engineer_id)
            await jobs.accept(session, ticket_id, engineer, process.engine.clock.now())
    except jobs.JobTaken as taken:
        return "mine already" if taken.mine else "taken"
    return "won"


async def test_many_engineers_accept_at_once(
    app: App, processes: Callable[..., list[App]], clock: FrozenClock
) -> None:
    await seed_app(app)
    job = await make_job(app, clock.now())
    engineers = [await make_engineer(app, 400 + n, name=f"E{n}") for n in range(PROCESSES)]
    results = await asyncio.gather(
        *(
            try_accept(process, job, engineer)
            for process, engineer in zip(processes(PROCESSES), engineers, strict=True)
        )
    )
    assert sorted(results) == ["taken"] * (PROCESSES - 1) + ["won"]
    winner = engineers[results.index("won")]
    ticket = await load_ticket(app, job)
    assert ticket.status is TicketStatus.ASSIGNED and ticket.engineer_id == winner
    [assigned] = await events(app, job, TimelineKind.ASSIGNED)
    assert assigned.actor_id == winner


async def test_same_engineer_pressing_in_many_processes(
    app: App, processes: Callable[..., list[App]], clock: FrozenClock
) -> None:
    await seed_app(app)
    job = await make_job(app, clock.now())
    engineer = await make_engineer(app, 450)
    others = processes(PROCESSES)
    results = await asyncio.gather(*(try_accept(process, job, engineer) for process in others))
    assert sorted(results) == ["mine already"] * (PROCESSES - 1) + ["won"]
    assert len(await events(app, job, TimelineKind.ASSIGNED)) == 1
    assert (await load_ticket(app, job)).engineer_id == engineer
