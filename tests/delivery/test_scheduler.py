"""Periodic jobs: one run per period across processes; a failing job does not stop the rest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.core.clock import FrozenClock
from bot.services.scheduler import Job, Scheduler, period_start, prune_processed_updates
from storage.db import Database
from storage.models import InboxStatus, InboxUpdate, JobRun, ProcessedUpdate

T0 = datetime(2026, 11, 22, 9, 7, tzinfo=UTC)
HOUR = timedelta(hours=1)


def counting_job(
    calls: list[datetime], pause: float = 0.0, ran: asyncio.Queue[datetime] | None = None
) -> Job:
    async def action(_session: object, now: datetime) -> None:
        calls.append(now)
        await asyncio.sleep(pause)  # keeps the transaction open, so the runs overlap
        if ran is not None:
            ran.put_nowait(now)

    return Job("count", HOUR, action)


async def job_runs(db: Database) -> list[JobRun]:
    async with db.transaction() as session:
        return list((await session.scalars(select(JobRun).order_by(JobRun.period_start))).all())


def test_periods_are_aligned_so_every_process_agrees() -> None:
    assert period_start(T0, HOUR) == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    assert period_start(T0, timedelta(days=1)) == datetime(2026, 11, 22, tzinfo=UTC)
    assert period_start(T0, timedelta(minutes=15)) == datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


async def test_two_processes_run_a_period_once(db: Database, other_db: Database) -> None:
    calls: list[datetime] = []
    clock = FrozenClock(T0)
    job = counting_job(calls, pause=0.2)
    here, there = Scheduler(db, [job], clock=clock), Scheduler(other_db, [job], clock=clock)
    results = await asyncio.gather(here.run_job(job), there.run_job(job))
    assert sorted(results) == [False, True] and len(calls) == 1
    assert not await here.run_job(job)  # later in the same period: nothing to do
    clock.advance(HOUR)
    assert await there.run_job(job)  # the next period runs again
    runs = await job_runs(db)
    assert [run.period_start for run in runs] == [
        T0.replace(minute=0),
        T0.replace(minute=0) + HOUR,
    ]
    assert all(run.finished_at is not None and run.error is None for run in runs)


async def test_a_failing_job_is_recorded_and_does_not_stop_the_loop(db: Database) -> None:
    calls: list[datetime] = []
    failures: list[datetime] = []
    ran: asyncio.Queue[datetime] = asyncio.Queue()

    async def broken(_session: object, now: datetime) -> None:
        failures.append(now)
        raise RuntimeError("boom")

    clock = FrozenClock(T0)
    scheduler = Scheduler(
        db,
        [Job("broken", HOUR, broken), counting_job(calls, ran=ran)],
        clock=clock,
        tick_seconds=0.02,
    )
    stop = asyncio.Event()
    loop = asyncio.create_task(scheduler.run(stop))
    await asyncio.wait_for(ran.get(), 2)
    clock.advance(HOUR)
    await asyncio.wait_for(ran.get(), 2)
    assert not loop.done()
    stop.set()
    await asyncio.wait_for(loop, 2)
    assert len(failures) == 2  # once per period, not once per tick
    broken_runs = [run for run in await job_runs(db) if run.job == "broken"]
    assert len(broken_runs) == 2 and all("boom" in (run.error or "") for run in broken_runs)


async def test_prune_processed_updates_keeps_the_last_week(db: Database) -> None:
    async with db.transaction() as session:
        session.add_all(
            [
                ProcessedUpdate(update_id=1, processed_at=T0 - timedelta(days=8)),
                ProcessedUpdate(update_id=2, processed_at=T0 - timedelta(days=6)),
            ]
        )
    prune = Job("prune", HOUR, prune_processed_updates(timedelta(days=7)))
    assert await Scheduler(db, [prune], clock=FrozenClock(T0)).run_job(prune)
    async with db.transaction() as session:
        assert list(await session.scalars(select(ProcessedUpdate.update_id))) == [2]


async def test_prune_keeps_a_week_of_handled_inbox_updates_and_every_open_one(
    db: Database,
) -> None:
    old, recent = T0 - timedelta(days=8), T0 - timedelta(days=6)
    async with db.transaction() as session:
        session.add_all(
            [
                InboxUpdate(
                    update_id=update_id,
                    chat_key=1,
                    payload={"update_id": update_id},
                    status=status,
                    received_at=old,
                    done_at=done,
                )
                for update_id, status, done in (
                    (1, InboxStatus.DONE, old),
                    (2, InboxStatus.DONE, recent),
                    (3, InboxStatus.DEAD, old),
                    (4, InboxStatus.PENDING, None),
                )
            ]
        )
    prune = Job("prune", HOUR, prune_processed_updates(timedelta(days=7)))
    assert await Scheduler(db, [prune], clock=FrozenClock(T0)).run_job(prune)
    async with db.transaction() as session:
        kept = await session.scalars(select(InboxUpdate.update_id).order_by(InboxUpdate.update_id))
        assert list(kept) == [2, 3, 4]
