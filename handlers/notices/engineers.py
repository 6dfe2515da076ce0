"""What engineers hear of their jobs from others: a new job pushed to them (and what became of
it), a manager gave them one, or passed theirs to someone else; the customer confirmed the
work, or says it is not fixed.

Each goes to the engineer the service named (``Wave.engineers``, ``Assigned.engineer`` and
``.previous``, ``Confirmed.engineer``, ``Reopened.engineer``), in their language.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_, Translator
from bot.core.replies import Button, Markup, inline
from bot.services import equipment as equipment_service
from bot.services import jobs
from bot.services import live as live_messages
from bot.services.assignments import Assigned
from bot.services.cancelling import By, Cancelled
from bot.services.closing import Confirmed, Reopened
from bot.services.parts import PartMoved, part_name
from bot.services.pushes import Wave, waiting
from handlers.common.buttons import ServiceReportFile
from handlers.engineer.buttons import AcceptJob, OpenMyJob
from handlers.notices.facts import PRIORITY_MARK, brief
from handlers.notices.outbox import Render, Speaker, to_person
from handlers.texts import (
    PRIORITY,
    cancel_reason,
    description_line,
    heading,
    request_lines,
    ticket_ref,
)
from storage.models import (
    Customer,
    LivePurpose,
    PartStatus,
    Priority,
    Site,
    Ticket,
    TicketKind,
    TicketStatus,
)

ASSIGNED_BY_MANAGER = "job_assigned_by_manager"
REASSIGNED = "job_reassigned"
CONFIRMED = "confirmed"
REOPENED = "reopened"
CANCELLED = "job_cancelled"
JOB_PUSH = "job_push"
NO_LONGER_AVAILABLE = N_("{ref} is no longer available.")


# -- a new job pushed, in waves (bot/services/pushes.py) ------------------------------------------
@dataclass(frozen=True)
class Offer:
    """A job as a push offers it; the distance is each engineer's own."""

    ticket_id: int
    kind_label: str
    priority: Priority
    customer: str
    equipment: str | None
    address: str | None
    description: str
    wave: int
    kind: TicketKind = TicketKind.BREAKDOWN
    site: str | None = None  # the site's name
    order_ref: str | None = None
    preferred_date: str | None = None


async def offer(session: AsyncSession, ticket: Ticket, wave: int) -> Offer:
    facts = await brief(session, ticket)
    site = await session.get(Site, ticket.site_id) if ticket.site_id else None
    if site is None and ticket.equipment_id is not None:
        item = await equipment_service.get(session, ticket.equipment_id)
        site = item.site if item is not None else None
    return Offer(
        ticket.id,
        facts.kind_label,
        ticket.priority,
        facts.customer,
        facts.equipment,
        site.address if site is not None and site.address else None,
        ticket.description,
        wave,
        ticket.kind,
        site.name if site is not None else None,
        ticket.order_ref,
        ticket.preferred_date,
    )


def push_render(job: Offer, distance_km: float | None) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        values = {
            "mark": PRIORITY_MARK[job.priority],
            "heading": heading(t, ticket_ref(job.ticket_id), job.kind, job.priority),
        }
        if job.wave == 1:
            headline = t._("{mark} New job {heading}", **values)
        else:
            headline = t._("{mark} Still needs an engineer: {heading}", **values)
        equipment = job.equipment or t._("equipment not specified")
        lines = [
            headline,
            t._("Customer: {customer}", customer=job.customer),
            t._("Equipment: {equipment}", equipment=equipment),
            *request_lines(t, job.site, job.order_ref, job.preferred_date),
        ]
        if job.address:
            lines.append(t._("Address: {address}", address=job.address))
        if distance_km is not None:
            lines.append(t._("Distance: {distance}", distance=t.distance(distance_km)))
        if job.description:
            lines.append(description_line(t, job.kind, job.description[:500]))
        accept = Button(t._("✅ Accept"), AcceptJob(ticket=job.ticket_id).pack())
        return "\n".join(lines), inline([accept])

    return render


async def push(speaker: Speaker, wave: Wave) -> int:
    """Offer the wave's job to each of its engineers, each push kept live (edited to say who
    took it); returns how many were pushed."""
    if not wave.engineers:
        return 0
    job = await offer(speaker.session, wave.ticket, wave.number)
    for engineer in wave.engineers:
        render = push_render(job, jobs.distance_to(engineer, wave.ticket))
        row = await to_person(speaker, engineer, render, JOB_PUSH, ticket_id=wave.ticket.id)
        await live_messages.record(
            speaker.session, wave.ticket.id, LivePurpose.PUSH, row, speaker.now(), engineer.id
        )
    return len(wave.engineers)


def push_now(ticket: Ticket, person_id: int | None, engineer: str | None) -> Render | None:
    """What a push says once the job moved on: yours, taken by someone, or gone; None while
    it is still waiting for an engineer (the offer stands as sent)."""
    if waiting(ticket):
        return None
    ref = ticket_ref(ticket)

    def render(t: Translator) -> tuple[str, Markup | None]:
        if ticket.engineer_id is not None and ticket.engineer_id == person_id:
            job = Button(t._("Open the job"), OpenMyJob(ticket=ticket.id).pack())
            return t._("Job {ref} is yours.", ref=ref), inline([job])
        if ticket.status is TicketStatus.CANCELLED:
            return t._("{ref} was cancelled.", ref=ref), None
        if engineer is not None:
            return t._("{ref} was taken by {name}.", ref=ref, name=engineer), None
        return t._(NO_LONGER_AVAILABLE, ref=ref), None

    return render


def push_gone(ticket: Ticket) -> Render:
    """A push withdrawn: the job was handed back and is offered anew."""

    def render(t: Translator) -> tuple[str, Markup | None]:
        return t._(NO_LONGER_AVAILABLE, ref=ticket_ref(ticket)), None

    return render


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

    await to_person(
        speaker, event.engineer, to_engineer, ASSIGNED_BY_MANAGER, ticket_id=event.ticket.id
    )
    if event.previous is not None:
        await to_person(
            speaker, event.previous, to_previous, REASSIGNED, ticket_id=event.ticket.id
        )


async def confirmed(speaker: Speaker, event: Confirmed) -> None:
    """The customer signed the work off."""
    if event.engineer is None:
        return
    ref = ticket_ref(event.ticket)

    report = ServiceReportFile(ticket=event.ticket.id).pack()

    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t._("The customer confirmed {ref}: it is closed.", ref=ref)
        return text, inline([Button(t._("📄 Service report"), report)])

    await to_person(speaker, event.engineer, render, CONFIRMED, ticket_id=event.ticket.id)


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

    await to_person(speaker, event.engineer, render, REOPENED, ticket_id=event.ticket.id)


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

    await to_person(speaker, event.engineer, render, CANCELLED, ticket_id=event.ticket.id)


# -- part requests: a manager issued, ordered or rejected what the engineer asked for ------------
PART_ISSUED = "part_issued"
PART_ORDERED = "part_ordered"
PART_REJECTED = "part_rejected"


def part_render(event: PartMoved) -> Render | None:
    request, part, ref = event.request, event.part, ticket_ref(event.ticket)
    if request.status not in (PartStatus.ISSUED, PartStatus.ORDERED, PartStatus.REJECTED):
        return None

    def render(t: Translator) -> tuple[str, Markup | None]:
        what = t._(
            "{number} · {name} × {n}",
            number=part.number,
            name=part_name(part, t.locale),
            n=request.quantity,
        )
        if request.status is PartStatus.ISSUED:
            lines = [
                t._(
                    "📦 {part} for {ref} is issued from {warehouse}.",
                    part=what,
                    ref=ref,
                    warehouse=event.warehouse.name if event.warehouse else "—",
                ),
                t._("Once fitted, mark it used on the job card; or return it if not needed."),
            ]
        elif request.status is PartStatus.ORDERED:
            expected = t.date(request.expected_on) if request.expected_on else "—"
            lines = [
                t._(
                    "🚚 {part} for {ref} is ordered, expected on {date}.",
                    part=what,
                    ref=ref,
                    date=expected,
                )
            ]
        else:
            lines = [
                t._(
                    "✖ Your request for {part} for {ref} was rejected: {reason}",
                    part=what,
                    ref=ref,
                    reason=request.reason or "—",
                )
            ]
        card = Button(t._("Open the job"), OpenMyJob(ticket=event.ticket.id).pack())
        return "\n".join(lines), inline([card])

    return render


async def part_moved(speaker: Speaker, event: PartMoved) -> None:
    """Whoever asked for the part hears what the managers decided (not of their own moves)."""
    render = part_render(event)
    engineer = event.engineer
    if render is None or engineer is None or engineer.id == event.by.id:
        return
    kind = {
        PartStatus.ISSUED: PART_ISSUED,
        PartStatus.ORDERED: PART_ORDERED,
        PartStatus.REJECTED: PART_REJECTED,
    }[event.request.status]
    await to_person(speaker, engineer, render, kind, ticket_id=event.ticket.id)
