"""Periodic work inside ``fieldbot run``, done once per period however many processes run.

Time is cut into periods of each job's interval (aligned to the epoch, so every process agrees
on where a period starts). Running a period means inserting its ``job_runs`` row, in the same
transaction as the job's own work: a second process inserting the same (job, period) waits for
the first to commit and then finds the row, or takes over if the first rolled back. So a period
is done exactly once on success; a failure is recorded and the job tries again next period.

To add a job, add one line to :func:`default_jobs`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.ops import metrics
from bot.services import trend_days
from bot.services.leases import insert_for
from storage.db import Database
from storage.models import InboxStatus, InboxUpdate, JobRun, ProcessedUpdate

log = logging.getLogger(__name__)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
JOB_RUNS_KEPT = timedelta(days=30)

JobAction = Callable[[AsyncSession, datetime], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Job:
    """``action(session, now)`` runs once per ``every``; it must not commit (the scheduler
    commits it together with the record of the run)."""

    name: str
    every: timedelta
    action: JobAction


def period_start(now: datetime, every: timedelta) -> datetime:
    """The start of the period ``now`` falls in; the same in every process."""
    return EPOCH + ((now - EPOCH) // every) * every


class Scheduler:
    """Looks for due jobs every ``tick_seconds`` and runs each due period once."""

    def __init__(
        self,
        db: Database,
        jobs: Sequence[Job],
        *,
        clock: Clock | None = None,
        tick_seconds: float = 30.0,
    ) -> None:
        names = [job.name for job in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"job names must be unique: {names}")
        self.db = db
        self.jobs = list(jobs)
        self.clock = clock or SystemClock()
        self.tick_seconds = tick_seconds

    async def run(self, stop: asyncio.Event) -> None:
        """Run due jobs until ``stop`` is set; a failing job is logged, never fatal."""
        while not stop.is_set():
            try:
                await self.run_due()
            except Exception:  # e.g. the database is away: try again next tick
                log.exception("scheduler tick failed")
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.tick_seconds)

    async def run_due(self) -> list[str]:
        """Run every job whose current period nobody has run yet; returns the names run."""
        return [job.name for job in self.jobs if await self.run_job(job)]

    async def run_job(self, job: Job) -> bool:
        """Run ``job`` for the current period unless it was already run; True if run here."""
        now = self.clock.now()
        period = period_start(now, job.every)
        try:
            async with self.db.transaction() as session:
                if not await _claim(session, job.name, period, now):
                    return False
                await job.action(session, now)
                await session.execute(
                    update(JobRun)
                    .where(JobRun.job == job.name, JobRun.period_start == period)
                    .values(finished_at=self.clock.now())
                )
        except Exception as exc:
            log.exception("job %s failed for the period from %s", job.name, period.isoformat())
            metrics.SCHEDULER_RUNS.labels(job.name, "failed").inc()
            await self._record_failure(job.name, period, now, exc)
            return False
        log.info("job %s done for the period from %s", job.name, period.isoformat())
        metrics.SCHEDULER_RUNS.labels(job.name, "ok").inc()
        return True

    async def _record_failure(
        self, name: str, period: datetime, now: datetime, exc: Exception
    ) -> None:
        """Mark the period as tried so the job waits for the next period, not the next tick."""
        try:
            async with self.db.transaction() as session:
                await _claim(session, name, period, now, error=repr(exc)[:2000])
        except Exception:
            log.exception("could not record the failure of job %s", name)


async def _claim(
    session: AsyncSession, name: str, period: datetime, now: datetime, error: str | None = None
) -> bool:
    insert = insert_for(session, JobRun).values(
        job=name, period_start=period, started_at=now, error=error
    )
    result = await session.execute(insert.on_conflict_do_nothing().returning(JobRun.job))
    return result.first() is not None


# -- the jobs --------------------------------------------------------------------------------


def prune_processed_updates(keep: timedelta) -> JobAction:
    """Forget handled update ids older than ``keep`` (and the inbox's handled updates):
    Telegram redelivers for a day at most."""

    async def action(session: AsyncSession, now: datetime) -> int:
        result = await session.execute(
            delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < now - keep)
        )
        handled = await session.execute(
            delete(InboxUpdate).where(
                InboxUpdate.status == InboxStatus.DONE, InboxUpdate.done_at < now - keep
            )
        )
        return sum(int(getattr(r, "rowcount", 0) or 0) for r in (result, handled))

    return action


async def prune_job_runs(session: AsyncSession, now: datetime) -> None:
    """The scheduler's own bookkeeping: a month of history is plenty."""
    await session.execute(delete(JobRun).where(JobRun.started_at < now - JOB_RUNS_KEPT))


def default_jobs(settings: Settings) -> list[Job]:
    """Every periodic job of the bot, one line each."""
    keep_updates = timedelta(days=settings.processed_updates_keep_days)
    return [
        Job("prune_processed_updates", timedelta(hours=1), prune_processed_updates(keep_updates)),
        Job("prune_job_runs", timedelta(days=1), prune_job_runs),
        Job("trend_days", timedelta(hours=1), trend_days.refresh),
        # Jobs that speak to people (auto-close, escalations, maintenance, the digest) render
        # text, so they live in handlers.notices.periodic; bot.runner adds them.
    ]
