"""A manager's ticket card, and assigning or reassigning its engineer.

Assigning is refused when the ticket's engineer is no longer the one the manager saw
(:class:`~handlers.manager.buttons.AssignTo` carries it): someone else was faster, and the
card shows how it stands now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import assignments, parts, tickets
from bot.services.errors import InvalidState, NotFound
from handlers import notices, part_texts
from handlers.common.buttons import ProposeVisit
from handlers.common.service_report import with_report_button
from handlers.keyboards import pager
from handlers.manager.buttons import (
    AssignTo,
    CancelTicketByManager,
    Candidates,
    OpenList,
    OpenTicket,
    ShowPartRequest,
    TicketFiles,
    WriteCustomer,
)
from handlers.manager.chat import MANAGERS, show
from handlers.notices.facts import brief, brief_lines
from handlers.texts import STATUS, ticket_heading, ticket_ref, timeline_line
from storage.models import Part, PartRequest, Person, Ticket, TicketEvent, TicketStatus

router = Router()
TIMELINE_TAIL = 6
CANDIDATES_PAGE = 8


async def existing(ctx: Context, ticket_id: int) -> Ticket:
    ticket = await tickets.card(ctx.session, ticket_id)
    if ticket is None:
        raise NotFound(N_("Request not found."))
    return ticket


@router.callback(OpenTicket, roles=MANAGERS)
async def card_button(ctx: Context, button: OpenTicket) -> None:
    await show_card(ctx, await existing(ctx, button.ticket))


@router.callback(Candidates, roles=MANAGERS)
async def candidates_button(ctx: Context, button: Candidates) -> None:
    await show_candidates(ctx, await existing(ctx, button.ticket), button.offset)


@router.callback(AssignTo, roles=MANAGERS)
async def assign_button(ctx: Context, button: AssignTo) -> None:
    ref = ticket_ref(button.ticket)
    engineer = await ctx.session.get(Person, button.engineer)
    if not button.confirmed and engineer is not None and not engineer.on_duty:
        ask_off_duty(ctx, button, engineer.name)
        return
    try:
        done = await assignments.assign(
            ctx.session, button.ticket, button.engineer, ctx.person, ctx.now(), button.seen or None
        )
    except assignments.AssignmentConflict as conflict:
        ctx.answer(
            ctx._("{ref} changed a moment ago; here is how it stands now.", ref=ref), alert=True
        )
        if conflict.ticket is not None:
            await show_card(ctx, conflict.ticket, in_place=True)
        return
    ctx.answer(ctx._("{ref} is assigned to {name}.", ref=ref, name=done.engineer.name))
    ctx.edit(ctx._("✅ {ref} is assigned to {name}.", ref=ref, name=done.engineer.name))
    await notices.assigned(ctx, done)


def ask_off_duty(ctx: Context, button: AssignTo, name: str) -> None:
    """An off-duty engineer may not see the job until their next shift: the manager says so."""
    ctx.answer()
    ctx.edit(
        ctx._(
            "💤 {name} is off duty and may not see {ref} until they are back. Assign it to "
            "them anyway?",
            name=name,
            ref=ticket_ref(button.ticket),
        ),
        inline(
            [Button(ctx._("✅ Assign anyway"), replace(button, confirmed=True).pack())],
            [Button(ctx._("← Other engineers"), Candidates(ticket=button.ticket).pack())],
        ),
    )


# -- the card -------------------------------------------------------------------------------------
async def card_text(ctx: Context, ticket: Ticket, requests: list[tuple[PartRequest, Part]]) -> str:
    facts = await brief(ctx.session, ticket)
    lines = [
        ticket_heading(ctx, ticket),
        ctx._("Status: {status}", status=ctx._(STATUS[ticket.status])),
        *brief_lines(ctx.t, facts),
    ]
    if ticket.is_open and ticket.responded_at is None and ticket.response_due is not None:
        lines.append(ctx._("Respond by {due}", due=ctx.t.datetime(ticket.response_due, ctx.now())))
    if ticket.sla_paused_at is not None and ticket.status is TicketStatus.WAITING_CUSTOMER:
        lines.append(ctx._("Deadline paused while waiting for the customer's reply"))
    elif ticket.sla_paused_at is not None:
        lines.append(ctx._("Deadline paused while waiting for parts"))
    elif ticket.is_open and ticket.resolution_due is not None:
        lines.append(
            ctx._("Resolution due by {due}", due=ctx.t.datetime(ticket.resolution_due, ctx.now()))
        )
    lines += part_texts.request_lines(ctx.t, requests)
    timeline = await tickets.timeline(ctx.session, ticket.id)
    if timeline:
        names = await actor_names(ctx, timeline)
        lines += ["", ctx._("Timeline:")]
        lines += [
            timeline_line(ctx, event, names.get(event.actor_id or 0, ""), staff=True)
            for event in timeline[-TIMELINE_TAIL:]
        ]
    return "\n".join(lines)


async def actor_names(ctx: Context, events: list[TicketEvent]) -> dict[int, str]:
    ids = {event.actor_id for event in events if event.actor_id is not None}
    if not ids:
        return {}
    rows = await ctx.session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {person_id: name for person_id, name in rows.all()}


def card_buttons(
    ctx: Context,
    ticket: Ticket,
    files: int = 0,
    requests: Sequence[tuple[PartRequest, Part]] = (),
) -> InlineKeyboard:
    rows: list[list[Button]] = []
    if ticket.status in assignments.RESTART:
        label = ctx._("👷 Reassign") if ticket.engineer_id else ctx._("👷 Assign")
        rows.append([Button(label, Candidates(ticket=ticket.id).pack())])
    if ticket.status not in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
        write = WriteCustomer(ticket=ticket.id).pack()
        rows.append([Button(ctx._("💬 Write to customer"), write)])
    if files:
        label = ctx._("📎 Attachments ({n})", n=files)
        rows.append([Button(label, TicketFiles(ticket=ticket.id).pack())])
    rows += [
        [
            Button(
                ctx._("📦 Decide on {number}", number=part.number),
                ShowPartRequest(request=request.id).pack(),
            )
        ]
        for request, part in requests
        if request.status in parts.PENDING
    ]
    if ticket.is_open:
        propose = ProposeVisit(ticket=ticket.id).pack()
        rows.append([Button(ctx._("📅 Propose a visit"), propose)])
        cancel = CancelTicketByManager(ticket=ticket.id).pack()
        rows.append([Button(ctx._("✖ Cancel request"), cancel)])
    rows.append([Button(ctx._("« Open requests"), OpenList().pack())])
    return inline(*rows)


async def show_card(ctx: Context, ticket: Ticket, in_place: bool = False) -> None:
    files = len(await tickets.attachments(ctx.session, ticket.id))
    requests = await parts.requests_for(ctx.session, ticket.id)
    text = await card_text(ctx, ticket, requests)
    keyboard = await with_report_button(ctx, ticket, card_buttons(ctx, ticket, files, requests))
    show(ctx, text, keyboard, in_place)


# -- choosing the engineer ------------------------------------------------------------------------
def candidate_label(ctx: Context, candidate: assignments.Candidate) -> str:
    person = candidate.person
    mark = "🟢" if candidate.suits else ("🟡" if person.on_duty else "💤")
    jobs_text = ctx.ngettext("{n} open job", "{n} open jobs", candidate.open_jobs)
    return ctx._("{mark} {name} · {jobs}", mark=mark, name=person.name[:30], jobs=jobs_text)


async def show_candidates(ctx: Context, ticket: Ticket, offset: int) -> None:
    if ticket.status not in assignments.RESTART:
        raise InvalidState(N_("{ref} is no longer open."), ref=ticket_ref(ticket))
    found = await assignments.candidates(ctx.session, ticket)
    page = found[offset : offset + CANDIDATES_PAGE]
    lines = [
        ctx._("Who should take {ref}?", ref=ticket_ref(ticket)),
        ctx._("🟢 on duty with the right skills · 🟡 on duty, other skills · 💤 off duty"),
    ]
    if ticket.engineer is not None:
        lines.append(ctx._("Now with {name}.", name=ticket.engineer.name))
    if not found:
        lines.append(ctx._("There are no engineers yet. /invite engineer makes an invite link."))
    seen = ticket.engineer_id or 0
    rows = [
        [
            Button(
                candidate_label(ctx, c),
                AssignTo(ticket=ticket.id, engineer=c.person.id, seen=seen).pack(),
            )
        ]
        for c in page
    ]
    rows.append(
        pager(
            lambda at: Candidates(ticket=ticket.id, offset=at), offset, len(found), CANDIDATES_PAGE
        )
    )
    rows.append([Button(ctx._("« Back"), OpenTicket(ticket=ticket.id).pack())])
    ctx.send("\n".join(lines), inline(*rows))
