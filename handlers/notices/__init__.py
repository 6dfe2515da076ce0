"""Every message the bot sends on its own (alerts, pushes, escalations, digests), rendered
from what the services say happened, in each reader's language, queued in the outbox.

Handlers pass this package what a service returned, and nothing else: ``await
notices.job_moved(ctx, moved)``. The service has decided who hears of it (the event names
them, or says whether the managers do); the functions here decide the words, per reader.

The modules are by audience: :mod:`.customers` (their request moves along, the sign-off),
:mod:`.engineers` (assigned, confirmed, not fixed), :mod:`.managers` (what customers and
engineers did); scheduler jobs, listed in :mod:`.periodic`, each have theirs
(:mod:`.escalations`, :mod:`.maintenance`, :mod:`.digest`, :mod:`.auto_close`);
:mod:`.outbox` queues a :data:`~.outbox.Render` for a person or the managers' chat, and
:mod:`.facts` is a ticket as managers read it.
"""

from __future__ import annotations

from bot.services.assignments import Assigned
from bot.services.cancelling import Cancelled
from bot.services.closing import Reopened
from handlers.notices import customers, engineers, managers
from handlers.notices.customers import job_moved, resolved
from handlers.notices.engineers import confirmed
from handlers.notices.managers import (
    complaint,
    new_customer,
    new_ticket,
    part_requested,
    rated,
    rating_comment,
)
from handlers.notices.outbox import Speaker


async def assigned(speaker: Speaker, event: Assigned) -> None:
    """A manager assigned a job: the engineer, the one who had it, and the customer hear."""
    await engineers.assigned(speaker, event)
    await customers.assigned(speaker, event)


async def cancelled(speaker: Speaker, event: Cancelled) -> None:
    """A ticket is cancelled: its engineer hears; the customer when a manager cancelled it,
    the managers when the customer did; and the live alerts about it say so."""
    await engineers.cancelled(speaker, event)
    await customers.cancelled(speaker, event)
    await managers.cancelled(speaker, event)
    # LIVE (issue 9, helper "live"): the one call site for a cancelled ticket's live messages;
    # wire it at merge, when handlers/notices/live.py exists:
    # await live.ticket_changed(speaker, event.ticket)


async def reopened(speaker: Speaker, event: Reopened) -> None:
    """The customer says the job is not fixed: its engineer and the managers hear."""
    await engineers.reopened(speaker, event)
    await managers.reopened(speaker, event)


__all__ = [
    "assigned",
    "cancelled",
    "complaint",
    "confirmed",
    "job_moved",
    "new_customer",
    "new_ticket",
    "part_requested",
    "rated",
    "rating_comment",
    "reopened",
    "resolved",
]
