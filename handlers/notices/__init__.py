"""Every message the bot sends on its own (alerts, pushes, escalations, digests), rendered
from what the services say happened, in each reader's language, queued in the outbox.

Handlers pass this package what a service returned, and nothing else: ``await
notices.job_moved(ctx, moved)``. The service has decided who hears of it (the event names
them, or says whether the managers do); the functions here decide the words, per reader.

The modules are by audience: :mod:`.customers` (their request moves along, the sign-off),
:mod:`.engineers` (new jobs pushed to them, assigned, confirmed, not fixed), :mod:`.managers`
(what customers and engineers did); :mod:`.live` keeps the alerts and pushes about a ticket
current as it moves (every function here that tells of a ticket's move calls it); scheduler
jobs, listed in :mod:`.periodic`, each have theirs (:mod:`.escalations`, :mod:`.maintenance`,
:mod:`.digest`, :mod:`.auto_close`, the push waves in :mod:`.live`); :mod:`.outbox` queues a
:data:`~.outbox.Render` for a person or the managers' chat, and :mod:`.facts` is a ticket as
managers read it.
"""

from __future__ import annotations

from bot.services import parts
from bot.services.assignments import Assigned
from bot.services.cancelling import Cancelled
from bot.services.closing import Confirmed, Reopened, Resolved
from bot.services.jobs import JobMoved
from bot.services.parts import PartMoved
from handlers.notices import customers, engineers, live, managers
from handlers.notices.live import ticket_changed
from handlers.notices.managers import (
    complaint,
    new_customer,
    part_requested,
    rated,
    rating_comment,
)
from handlers.notices.outbox import Speaker
from storage.models import Ticket, TicketStatus


async def new_ticket(speaker: Speaker, ticket: Ticket) -> bool:
    """A ticket was registered: the managers are alerted and the nearest engineers who fit it
    are pushed it; False when there is no manager chat."""
    sent = await managers.new_ticket(speaker, ticket)
    await live.first_wave(speaker, ticket)
    return sent


async def job_moved(speaker: Speaker, moved: JobMoved) -> None:
    """An engineer took, moved or handed back their job: the customer hears, the alerts and
    pushes follow; handed back, the managers hear why and it is pushed anew."""
    await customers.job_moved(speaker, moved)
    if moved.status is TicketStatus.NEW:
        await live.handed_back(speaker, moved)
    else:
        await ticket_changed(speaker, moved.ticket)


async def assigned(speaker: Speaker, event: Assigned) -> None:
    """A manager assigned a job: the engineer, the one who had it, and the customer hear."""
    await engineers.assigned(speaker, event)
    await customers.assigned(speaker, event)
    await ticket_changed(speaker, event.ticket)


async def resolved(speaker: Speaker, event: Resolved) -> None:
    """The engineer resolved the job: the customers are asked to sign it off."""
    await customers.resolved(speaker, event)
    await ticket_changed(speaker, event.ticket)


async def confirmed(speaker: Speaker, event: Confirmed) -> None:
    """The customer signed the work off: it is closed."""
    await engineers.confirmed(speaker, event)
    await ticket_changed(speaker, event.ticket)


async def cancelled(speaker: Speaker, event: Cancelled) -> None:
    """A ticket is cancelled: its engineer hears; the customer when a manager cancelled it,
    the managers when the customer did; and the live alerts about it say so."""
    await engineers.cancelled(speaker, event)
    await customers.cancelled(speaker, event)
    await managers.cancelled(speaker, event)
    await ticket_changed(speaker, event.ticket)


async def reopened(speaker: Speaker, event: Reopened) -> None:
    """The customer says the job is not fixed: its engineer and the managers hear."""
    await engineers.reopened(speaker, event)
    await ticket_changed(speaker, event.ticket)
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
    "ticket_changed",
]


async def part_moved(speaker: Speaker, event: PartMoved) -> None:
    """A part request moved on: its engineer hears what the managers decided, its alert says
    where it stands (and the alerts of the part's other open requests show the new stock), and
    the managers hear once when this made the part's stock low."""
    await engineers.part_moved(speaker, event)
    await managers.part_request_changed(speaker, event.request)
    if event.warehouse is not None:  # the stock moved: the other alerts show it as it is now
        for other in await parts.pending_of_part(speaker.session, event.part.id):
            await managers.part_request_changed(speaker, other)
    if event.low_stock is not None:
        await managers.low_stock(speaker, event.low_stock, event.ticket.id)
