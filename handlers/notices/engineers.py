"""What engineers hear of their jobs from others: a manager gave them one, or passed theirs to
someone else; the customer confirmed the work, or says it is not fixed.

Each goes to the engineer the service named (``Assigned.engineer`` and ``.previous``,
``Confirmed.engineer``, ``Reopened.engineer``), in their language.
"""

from __future__ import annotations

from bot.core.i18n import Translator
from bot.core.replies import Button, Markup, inline
from bot.services.assignments import Assigned
from bot.services.cancelling import By, Cancelled
from bot.services.closing import Confirmed, Reopened
from handlers.engineer.buttons import OpenMyJob
from handlers.notices.facts import PRIORITY_MARK
from handlers.notices.outbox import Speaker, to_person
from handlers.texts import PRIORITY, cancel_reason, ticket_ref
from storage.models import Customer

ASSIGNED_BY_MANAGER = "job_assigned_by_manager"
REASSIGNED = "job_reassigned"
CONFIRMED = "confirmed"
REOPENED = "reopened"
CANCELLED = "job_cancelled"


async def assigned(speaker: Speaker, event: Assigned) -> None:
    """The job is the new engineer's, with a button to open it; the one who had it is told it
    is no longer theirs."""
    ticket, ref = event.ticket, ticket_ref(event.ticket)
    customer = await speaker.session.get_one(Customer, ticket.customer_id)

    def to_engineer(t: Translator) -> tuple[str, Markup | None]:
        text = t._(
            "{mark} A manager assigned {ref} to you: {customer}, {priority}.",
            mark=PRIORITY_MARK[ticket.priority],
            ref=ref,
            customer=customer.name,
            priority=t._(PRIORITY[ticket.priority]),
        )
        return text, inline([Button(t._("Open the job"), OpenMyJob(ticket=ticket.id).pack())])

    def to_previous(t: Translator) -> tuple[str, Markup | None]:
        text = t._("A manager passed {ref} to another engineer; it is no longer yours.", ref=ref)
        return text, None

    await to_person(speaker, event.engineer, to_engineer, ASSIGNED_BY_MANAGER)
    if event.previous is not None:
        await to_person(speaker, event.previous, to_previous, REASSIGNED)


async def confirmed(speaker: Speaker, event: Confirmed) -> None:
    """The customer signed the work off."""
    if event.engineer is None:
        return
    ref = ticket_ref(event.ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        return t._("The customer confirmed {ref}: it is closed.", ref=ref), None

    await to_person(speaker, event.engineer, render, CONFIRMED)


async def reopened(speaker: Speaker, event: Reopened) -> None:
    """The customer says the job is not fixed: it is the engineer's again, with what is wrong."""
    if event.engineer is None:
        return
    ref = ticket_ref(event.ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [t._("The customer says {ref} is not fixed; it is yours again.", ref=ref)]
        if event.reason:
            lines.append(t._("What is still wrong: {reason}", reason=event.reason))
        return "\n".join(lines), None

    await to_person(speaker, event.engineer, render, REOPENED)


async def cancelled(speaker: Speaker, event: Cancelled) -> None:
    """The job is cancelled (by the customer or a manager): its engineer need not go."""
    if event.engineer is None or event.engineer.id == event.by.id:
        return
    ref = ticket_ref(event.ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        reason = cancel_reason(t, event.reason, event.note)
        if event.who is By.CUSTOMER:
            text = t._(
                "✖ The customer cancelled {ref}: {reason}. The job is no longer yours.",
                ref=ref,
                reason=reason,
            )
        else:
            text = t._(
                "✖ A manager cancelled {ref}: {reason}. The job is no longer yours.",
                ref=ref,
                reason=reason,
            )
        return text, None

    await to_person(speaker, event.engineer, render, CANCELLED)
