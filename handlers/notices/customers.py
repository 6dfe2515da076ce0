"""What customers hear as their request moves along: an engineer takes it (or a manager gives
it to one), is on the way, on site, waiting for parts, back at work, or hands it back; and once
it is resolved, the request to sign it off.

Each goes to whom the service named (``JobMoved.reporter``, ``Assigned.reporter``,
``Resolved.customers``), in their language, with the request's details or the sign-off buttons
under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.core.i18n import N_, Translator
from bot.core.replies import Button, InlineKeyboard, Markup, inline
from bot.services import closing, parts
from bot.services.assignments import Assigned
from bot.services.cancelling import Cancelled
from bot.services.closing import Resolved
from bot.services.jobs import JobMoved
from bot.services.review import Linked
from handlers import part_texts
from handlers.client.buttons import ConfirmWork, NotFixed, Rate, TicketDetails
from handlers.engineer.outcomes import summary_lines
from handlers.notices.outbox import Render, Speaker, to_people, to_person
from handlers.texts import cancel_reason, ticket_ref
from storage.models import Part, Ticket, TicketKind, TicketStatus

JOB_ASSIGNED = "job_assigned"
CANCELLED = "cancelled"
LINKED = "customer_linked"
RESOLVED = "resolved"

# {name} is the engineer, {ref} the ticket.
PUSH_ASSIGNED = N_("Engineer {name} will handle your request {ref}.")
PUSH_EN_ROUTE = N_("{name} is on the way to you for request {ref}, expected at {time}.")
PUSH_ON_SITE = N_("{name} has arrived for request {ref}.")
PUSH_WAITING_PARTS = N_(
    "Request {ref}: {name} is waiting for spare parts. The deadline is paused until they "
    "arrive; we will keep you posted."
)
PUSH_RESUMED = N_("Request {ref}: the spare parts have arrived and {name} is back at work.")
PUSH_HANDED_BACK = N_(
    "Request {ref}: {name} had to pass it on, so it is waiting for another engineer. "
    "We will tell you as soon as someone takes it."
)

# What the customer hears of a job that moved to a status: the words and the outbox kind.
# Resolving is told by :func:`resolved`, with the sign-off buttons.
PROGRESS = {
    TicketStatus.ASSIGNED: (PUSH_ASSIGNED, JOB_ASSIGNED),
    TicketStatus.EN_ROUTE: (PUSH_EN_ROUTE, "job_en_route"),
    TicketStatus.ON_SITE: (PUSH_ON_SITE, "job_on_site"),
    TicketStatus.WAITING_PARTS: (PUSH_WAITING_PARTS, "job_waiting_parts"),
    TicketStatus.NEW: (PUSH_HANDED_BACK, "job_handed_back"),
}
RESUMED = (PUSH_RESUMED, "job_resumed")


def details_for_customer(t: Translator, ticket_id: int) -> InlineKeyboard:
    """Under a push to the customer: their request's details (as in /status)."""
    return inline([Button(t._("Request details"), TicketDetails(ticket=ticket_id).pack())])


def rating_keyboard(ticket_id: int) -> InlineKeyboard:
    """⭐1…⭐5: after the customer's sign-off, and under the automatic close message."""
    return inline(
        [Button(f"⭐{n}", Rate(ticket=ticket_id, stars=str(n)).pack()) for n in closing.RATINGS]
    )


# -- the job moves along --------------------------------------------------------------------------
def progress_render(
    message: str, ticket: Ticket, engineer: str, eta: datetime | None = None
) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        time = t.datetime(eta) if eta is not None else ""
        text = t._(message, name=engineer, ref=ticket_ref(ticket), time=time)
        return text, details_for_customer(t, ticket.id)

    return render


def progress(moved: JobMoved) -> tuple[str, str] | None:
    """The words and outbox kind for the move; None for one told elsewhere (resolving)."""
    if moved.status is TicketStatus.ON_SITE and moved.previous is TicketStatus.WAITING_PARTS:
        return RESUMED
    return PROGRESS.get(moved.status)


async def job_moved(speaker: Speaker, moved: JobMoved) -> None:
    """Tell the reporter what the engineer just did with their request."""
    told = progress(moved)
    if moved.reporter is None or told is None:
        return
    message, kind = told
    render = progress_render(message, moved.ticket, moved.engineer.name, moved.eta)
    await to_person(speaker, moved.reporter, render, kind, ticket_id=moved.ticket.id)


async def assigned(speaker: Speaker, event: Assigned) -> None:
    """A manager gave the request to an engineer: as when an engineer takes it."""
    if event.reporter is None:
        return
    render = progress_render(PUSH_ASSIGNED, event.ticket, event.engineer.name)
    await to_person(speaker, event.reporter, render, JOB_ASSIGNED, ticket_id=event.ticket.id)


# -- resolved: please sign it off -----------------------------------------------------------------
# The customer's "no" to the sign-off: a repair is not fixed; planned work has remarks.
NOT_DONE = {
    TicketKind.BREAKDOWN: N_("❌ Not fixed"),
    TicketKind.INSTALLATION: N_("❌ There are remarks"),
    TicketKind.MAINTENANCE: N_("❌ There are remarks"),
    TicketKind.UPGRADE: N_("❌ There are remarks"),
}


def sign_off_request(event: Resolved, used: Sequence[tuple[Part, int]] = ()) -> Render:
    ticket = event.ticket

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._("Your request {ref} is resolved.", ref=ticket_ref(ticket)),
            t._("What was done: {note}", note=event.note),
        ]
        if event.outcomes:
            lines += ["", t._("Acceptance tests:"), *summary_lines(t, event.outcomes)]
        if used:
            lines += ["", *part_texts.used_lines(t, used)]
        lines += ["", t._("Please confirm that the work is done.")]
        markup = inline(
            [Button(t._("✅ Confirm the work is done"), ConfirmWork(ticket=ticket.id).pack())],
            [Button(t._(NOT_DONE[ticket.kind]), NotFixed(ticket=ticket.id).pack())],
        )
        return "\n".join(lines), markup

    return render


async def resolved(speaker: Speaker, event: Resolved) -> None:
    """The job is resolved: the customers confirm the work, or say it is not fixed."""
    used = await parts.used_on(speaker.session, event.ticket.id)
    await to_people(
        speaker,
        event.customers,
        sign_off_request(event, used),
        RESOLVED,
        ticket_id=event.ticket.id,
    )


# -- cancelled by the service desk ----------------------------------------------------------------
async def cancelled(speaker: Speaker, event: Cancelled) -> None:
    """A manager cancelled the request: whoever reported it hears why."""
    if event.reporter is None:
        return
    ticket = event.ticket

    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t._(
            "Your request {ref} is cancelled by the service team: {reason}",
            ref=ticket_ref(ticket),
            reason=cancel_reason(t, event.reason, event.note),
        )
        return text, details_for_customer(t, ticket.id)

    await to_person(speaker, event.reporter, render, CANCELLED, ticket_id=event.ticket.id)


# -- a manager linked a new customer to the company it is -----------------------------------------
async def linked(speaker: Speaker, event: Linked) -> None:
    """The people of a reviewed new customer hear which company they now belong to."""

    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t._(
            "A manager has checked your details: you are registered as a contact of {customer}.",
            customer=event.customer.name,
        )
        return text, None

    await to_people(speaker, event.people, render, LINKED)
