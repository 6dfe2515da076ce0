"""Every message the bot sends on its own (alerts, escalations, pushes, digests), rendered
from what the services say happened, in each reader's language, queued in the outbox.

Handlers call this package, never the outbox: ``await notices.part_requested(ctx, requested)``
for the managers' alerts, ``await notices.to_person(ctx, person, render, kind)`` for a
:data:`Render` of their own. The modules are by audience: :mod:`.managers` (what customers
and engineers did), :mod:`.escalations`, :mod:`.maintenance` and :mod:`.digest` (scheduler
jobs, listed in :mod:`.periodic`), :mod:`.outbox` (queueing), :mod:`.facts` (a ticket as
managers read it) and :mod:`.buttons` (the manager buttons notices carry).
"""

from handlers.notices.managers import (
    complaint,
    new_ticket,
    part_requested,
    rated,
    rating_comment,
    reopened,
)
from handlers.notices.outbox import Background, Render, Speaker, to_managers, to_person

__all__ = [
    "Background",
    "Render",
    "Speaker",
    "complaint",
    "new_ticket",
    "part_requested",
    "rated",
    "rating_comment",
    "reopened",
    "to_managers",
    "to_person",
]
