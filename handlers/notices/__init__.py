"""Every message the bot sends on its own (alerts, escalations, pushes, digests), rendered
from what the services say happened, in each reader's language, queued in the outbox.

Handlers call this package, never the outbox: ``await notices.part_requested(ctx, requested)``
for the managers' alerts, ``await notices.job_moved(ctx, moved)`` for the customer's,
``await notices.to_person(ctx, person, render, kind)`` for a :data:`Render` of their own. The
modules are by audience: :mod:`.customers` (their request moves along), :mod:`.engineers`
(assigned), :mod:`.managers` (what customers and engineers did), :mod:`.escalations`,
:mod:`.maintenance` and :mod:`.digest` (scheduler jobs, listed in :mod:`.periodic`),
:mod:`.outbox` (queueing) and :mod:`.facts` (a ticket as managers read it).
"""

from __future__ import annotations

from bot.services.assignments import Assigned
from handlers.notices import customers, engineers
from handlers.notices.customers import job_moved
from handlers.notices.managers import (
    complaint,
    new_ticket,
    part_requested,
    rated,
    rating_comment,
    reopened,
)
from handlers.notices.outbox import Background, Render, Speaker, to_managers, to_person


async def assigned(speaker: Speaker, event: Assigned) -> None:
    """A manager assigned a job: the engineer, the one who had it, and the customer hear."""
    await engineers.assigned(speaker, event)
    await customers.assigned(speaker, event)


__all__ = [
    "Background",
    "Render",
    "Speaker",
    "assigned",
    "complaint",
    "job_moved",
    "new_ticket",
    "part_requested",
    "rated",
    "rating_comment",
    "reopened",
    "to_managers",
    "to_person",
]
