"""The per-person limit on inbound updates, so one flooding account cannot starve the others
or fill the outbox.

Each update costs one statement (:func:`storage.throttles.hit`), before the person is even
looked up. Over the limit, the first update of the window is answered once with "slow down"
and recorded in the audit log; the rest of the window is ignored, with no reply and no work.
The counter lives in the database, so it holds across processes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.events import Incoming
from storage import audit, throttles


class Verdict(Enum):
    ADMIT = "admit"
    SLOW_DOWN = "slow_down"  # the first update over the limit: say so, once
    IGNORE = "ignore"


def key(user_id: int) -> str:
    return f"in:{user_id}"


async def admit(
    session: AsyncSession, event: Incoming, settings: Settings, now: datetime
) -> Verdict:
    window = timedelta(seconds=settings.inbound_window_seconds)
    hits = await throttles.hit(session, key(event.user_id), now, window)
    if hits <= settings.inbound_limit:
        return Verdict.ADMIT
    if hits > settings.inbound_limit + 1:
        return Verdict.IGNORE
    await audit.record(
        session,
        "rate_limited",
        now,
        user=event.user_id,
        limit=settings.inbound_limit,
        seconds=settings.inbound_window_seconds,
    )
    return Verdict.SLOW_DOWN
