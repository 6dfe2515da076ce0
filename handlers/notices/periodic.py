"""The scheduler's jobs that speak to people: services decide what is due, the notices
modules word it in each reader's language. ``bot.runner`` adds them to the services' own
jobs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs
from bot.services.scheduler import Job
from handlers.notices.auto_close import auto_close_job
from handlers.notices.digest import send_digest
from handlers.notices.escalations import escalate
from handlers.notices.live import widen_waves
from handlers.notices.maintenance import plan_maintenance
from handlers.notices.visits import remind_visits

PeriodicAction = Callable[[AsyncSession, datetime, Settings, Catalogs], Awaitable[int]]


def periodic_jobs(settings: Settings, catalogs: Catalogs) -> list[Job]:
    def bound(action: PeriodicAction) -> Callable[[AsyncSession, datetime], Awaitable[int]]:
        async def run(session: AsyncSession, now: datetime) -> int:
            return await action(session, now, settings, catalogs)

        return run

    return [
        Job("sla_escalations", timedelta(minutes=5), bound(escalate)),
        Job("push_waves", timedelta(minutes=1), bound(widen_waves)),
        Job("maintenance_plan", timedelta(hours=1), bound(plan_maintenance)),
        Job("daily_digest", timedelta(minutes=10), bound(send_digest)),
        Job("auto_close", timedelta(minutes=15), bound(auto_close_job)),
        Job("visit_reminders", timedelta(minutes=5), bound(remind_visits)),
    ]
