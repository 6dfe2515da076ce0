"""/myjobs: the engineer's jobs, a job's card with the actions its status allows, and the
status steps on it (on site, waiting for parts, parts arrived).

Every button carries only a ticket id; the services re-check that the job is this engineer's
and that the step fits its status, so a stale or forged button changes nothing. The job's
typed dialog (ETA, note, photos, hand-back reason) is routed by step through :func:`job_step`.

The card is one message, edited in place as the engineer works the job: a step pressed on it
redraws it, and a dialog started from it remembers it (:data:`CARD` in the dialog's data), so
what is typed in the dialog redraws that card too (:func:`refresh_card`) rather than posting a
fresh copy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import Attachment
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import checklists, jobs, parts, tickets
from bot.services.errors import InvalidState
from handlers import notices, part_texts
from handlers.common.buttons import ProposeVisit
from handlers.engineer.buttons import (
    AddNote,
    AddPhotos,
    AskCustomer,
    BackToCard,
    HandBack,
    JobFiles,
    JobsPage,
    LogTests,
    MessageCustomer,
    Move,
    MoveJob,
    MyJobs,
    OnMyWay,
    OpenMyJob,
    RequestParts,
    ResolveJob,
)
from handlers.keyboards import PAGE_SIZE, page_note, pager
from handlers.texts import (
    STATUS,
    about_line,
    coverage_lines,
    files_line,
    request_lines,
    ticket_heading,
    ticket_model,
    ticket_ref,
    visit_line,
    visit_time,
)
from storage.models import Part, PartRequest, Role, Ticket, TicketStatus

router = Router()
ENGINEERS = (Role.ENGINEER,)
DIALOG = "job"
CARD = "card"  # in a dialog's data: the message id of the card it was started from
NOT_YOURS = N_("This job is not yours or no longer open.")
MOVES = {
    Move.SITE: TicketStatus.ON_SITE,
    Move.WAIT: TicketStatus.WAITING_PARTS,
    Move.RESUME: TicketStatus.ON_SITE,
}


async def my_job(ctx: Context, ticket_id: int) -> Ticket:
    """The engineer's own job; refused (not yours or no longer open) otherwise."""
    return await jobs.get_my_job(ctx.session, ticket_id, ctx.person, missing=NOT_YOURS)


# -- the card -----------------------------------------------------------------------------------
async def card_text(
    ctx: Context,
    ticket: Ticket,
    mine: bool,
    files: list[Attachment] | None = None,
    requests: list[tuple[PartRequest, Part]] | None = None,
) -> str:
    """Everything an engineer needs about a job; the customer's phone only once it is theirs.
    ``files`` and ``requests`` are read here unless the caller already has them."""
    if files is None:
        files = await tickets.attachments(ctx.session, ticket.id)
    if requests is None:
        requests = await parts.requests_for(ctx.session, ticket.id)
    lines = [
        ticket_heading(ctx, ticket),
        ctx._("Status: {status}", status=ctx._(STATUS[ticket.status])),
        ctx._("Customer: {customer}", customer=await jobs.customer_name(ctx.session, ticket)),
    ]
    equipment, site = ticket.equipment, ticket.where
    if equipment is not None:
        label = f"{equipment.model.name} · {equipment.serial}"
        lines.append(ctx._("Equipment: {equipment}", equipment=label))
        lines += coverage_lines(ctx, equipment, ctx.now().astimezone(ctx.t.tz).date())
    else:
        lines.append(ctx._("Equipment: {equipment}", equipment=ticket_model(ctx, ticket)))
    lines += request_lines(
        ctx.t, site.name if site is not None else None, ticket.order_ref, ticket.preferred_date
    )
    if site is not None and site.address:
        lines.append(ctx._("Address: {address}", address=site.address))
    distance = jobs.distance_to(ctx.person, ticket)
    if distance is not None:
        lines.append(ctx._("Distance: {distance}", distance=ctx.t.distance(distance)))
    if mine:
        phone = await jobs.contact_phone(ctx.session, ticket)
        if phone:
            lines.append(ctx._("Contact phone: {phone}", phone=ctx.t.phone(phone)))
    if about := about_line(ctx.t, ticket):
        lines.append(about)
    lines += progress_lines(ctx, ticket, files)
    lines += part_texts.request_lines(ctx.t, requests)
    return "\n".join(lines)


def progress_lines(ctx: Context, ticket: Ticket, files: list[Attachment]) -> list[str]:
    """Files, the ETA and the deadline: what has happened on the job so far."""
    lines = []
    if attached := files_line(ctx, files):
        lines.append(attached)
    if ticket.status is TicketStatus.EN_ROUTE and ticket.eta is not None:
        lines.append(ctx._("You are expected at {time}", time=ctx.t.datetime(ticket.eta)))
    visit = visit_line(ctx.t, ticket)
    if visit:
        lines.append(visit)
    if ticket.sla_paused_at is not None and ticket.status is TicketStatus.WAITING_CUSTOMER:
        lines.append(ctx._("Deadline paused while waiting for the customer's reply"))
    elif ticket.sla_paused_at is not None:
        lines.append(ctx._("Deadline paused while waiting for parts"))
    elif ticket.resolution_due is not None and ticket.is_open:
        lines.append(
            ctx._("Resolution due by {due}", due=ctx.t.datetime(ticket.resolution_due, ctx.now()))
        )
    return lines


def card_buttons(
    ctx: Context,
    ticket: Ticket,
    files: int = 0,
    requests: Sequence[tuple[PartRequest, Part]] = (),
    checklist: bool = True,
) -> InlineKeyboard:
    """Actions that fit the job's status, plus the tests/parts/resolve flows, talking to the
    customer, the job's ``files``, and Used/Return for each part issued to it; "Log tests"
    only for a job with a ``checklist``."""
    tid, status = ticket.id, ticket.status
    rows: list[list[Button]] = []
    if status is TicketStatus.ASSIGNED:
        rows.append([Button(ctx._("🚗 On my way"), OnMyWay(ticket=tid).pack())])
    if status in (TicketStatus.ASSIGNED, TicketStatus.EN_ROUTE, TicketStatus.WAITING_CUSTOMER):
        rows.append([Button(ctx._("📍 On site"), MoveJob(step=Move.SITE, ticket=tid).pack())])
    if status is TicketStatus.ON_SITE:
        wait = MoveJob(step=Move.WAIT, ticket=tid).pack()
        rows.append([Button(ctx._("⏸ Waiting for parts"), wait)])
    if status is TicketStatus.WAITING_PARTS:
        resume = MoveJob(step=Move.RESUME, ticket=tid).pack()
        rows.append([Button(ctx._("▶ Parts arrived"), resume)])
    if checklist and status in (TicketStatus.ON_SITE, TicketStatus.WAITING_PARTS):
        rows.append([Button(ctx._("🧪 Log tests"), LogTests(ticket=tid).pack())])
    if status in jobs.WORKING_STATUSES:
        rows.append([Button(ctx._("📦 Request parts"), RequestParts(ticket=tid).pack())])
        rows.append(
            [
                Button(ctx._("📝 Add note"), AddNote(ticket=tid).pack()),
                Button(ctx._("📷 Add photo"), AddPhotos(ticket=tid).pack()),
            ]
        )
        talk = [Button(ctx._("💬 Message the customer"), MessageCustomer(ticket=tid).pack())]
        if status in jobs.ASKING:
            talk.append(Button(ctx._("❓ Ask the customer"), AskCustomer(ticket=tid).pack()))
        rows.append(talk)
        rows.append([Button(ctx._("📅 Propose a visit"), ProposeVisit(ticket=tid).pack())])
        rows.append([Button(ctx._("✅ Resolve"), ResolveJob(ticket=tid).pack())])
        rows.append([Button(ctx._("↩ Hand back"), HandBack(ticket=tid).pack())])
    rows += part_texts.issued_buttons(ctx.t, requests)  # even once resolved
    if files:
        label = ctx._("📎 Attachments ({n})", n=files)
        rows.append([Button(label, JobFiles(ticket=tid).pack())])
    rows.append([Button(ctx._("« My jobs"), MyJobs().pack())])
    return inline(*rows)


async def my_card(ctx: Context, ticket: Ticket) -> tuple[str, InlineKeyboard]:
    """The engineer's own job card, its files and part requests read once for both halves."""
    files = await tickets.attachments(ctx.session, ticket.id)
    requests = await parts.requests_for(ctx.session, ticket.id)
    text = await card_text(ctx, ticket, mine=True, files=files, requests=requests)
    checklist = await checklists.for_ticket(ctx.session, ticket) is not None
    return text, card_buttons(ctx, ticket, len(files), requests, checklist)


async def show_card(ctx: Context, ticket: Ticket, in_place: bool = False) -> None:
    (ctx.edit if in_place else ctx.send)(*await my_card(ctx, ticket))


def card_message(ctx: Context) -> int | None:
    """The card the current dialog was started from, if it was (read before ending it)."""
    value = ctx.dialog.data.get(CARD) if ctx.dialog is not None else None
    return value if isinstance(value, int) else None


def from_card(ctx: Context) -> dict[str, Any]:
    """Dialog data remembering the pressed card, for :func:`card_message`."""
    return {CARD: ctx.event.message_id} if ctx.event.message_id is not None else {}


async def refresh_card(ctx: Context, ticket: Ticket, message_id: int | None) -> None:
    """Redraw the card in its own message (``message_id``); a new card when it is unknown."""
    if message_id is None:
        await show_card(ctx, ticket)
        return
    ctx.edit(*await my_card(ctx, ticket), message_id=message_id)


async def wrong_step(ctx: Context, ticket: Ticket) -> None:
    """A card button whose step does not fit the job's status (a stale button, or the job
    moved on meanwhile): say so, and redraw the card as it is now in place."""
    ctx.answer(ctx._("That step does not fit the job's current status."), alert=True)
    await show_card(ctx, ticket, in_place=True)


@asynccontextmanager
async def step_fits(ctx: Context, ticket: Ticket) -> AsyncIterator[None]:
    """Around a step the service refuses when it does not fit the job's status: see
    :func:`wrong_step`."""
    try:
        yield
    except InvalidState:
        await wrong_step(ctx, ticket)


# -- /myjobs ------------------------------------------------------------------------------------
@router.command(
    "myjobs",
    roles=ENGINEERS,
    help=N_("your jobs: status, notes, photos, tests, parts, resolve"),
    button=N_("🧰 My jobs"),
)
async def myjobs_command(ctx: Context) -> None:
    await show_my_jobs(ctx)


@router.callback(MyJobs, roles=ENGINEERS)
async def my_jobs_button(ctx: Context, button: MyJobs) -> None:
    ctx.answer()
    await show_my_jobs(ctx, button.offset, in_place=True)


async def show_my_jobs(ctx: Context, offset: int = 0, in_place: bool = False) -> None:
    mine = await jobs.my_jobs(ctx.session, ctx.person)
    offset = offset if offset < len(mine) else 0
    show = ctx.edit if in_place else ctx.send
    if not mine:
        text = ctx._("You have no open jobs. /jobs lists the ones you can take.")
        show(text, inline([Button(ctx._("📋 Open jobs"), JobsPage(offset=0).pack())]))
        return
    page = mine[offset : offset + PAGE_SIZE]
    lines = [ctx.ngettext("You have {n} open job:", "You have {n} open jobs:", len(mine))]
    lines += [
        ctx._(
            "{ref} · {equipment} · {status}",
            ref=ticket_ref(ticket),
            equipment=ticket_model(ctx, ticket),
            status=ctx._(STATUS[ticket.status]),
        )
        + (f" · 📅 {visit_time(ctx.t, ticket.visit_at)}" if ticket.visit_at else "")
        for ticket in page
    ]
    note = page_note(ctx, offset, len(mine))
    if note:
        lines.append(note)
    rows = [[Button(ticket_ref(ticket), OpenMyJob(ticket=ticket.id).pack())] for ticket in page]
    rows.append(pager(lambda at: MyJobs(offset=at), offset, len(mine)))
    show("\n".join(lines), inline(*rows))


@router.callback(OpenMyJob, roles=ENGINEERS)
async def open_my_job(ctx: Context, button: OpenMyJob) -> None:
    """The card, as a message of its own: the list or notice it was opened from stays."""
    ticket = await my_job(ctx, button.ticket)
    ctx.answer()
    await show_card(ctx, ticket)


@router.callback(BackToCard, roles=ENGINEERS)
async def back_to_card(ctx: Context, button: BackToCard) -> None:
    """« Back from a choice shown on the card (the ETA): the choice is left, the card's own
    buttons come back in place."""
    ticket = await my_job(ctx, button.ticket)
    ctx.answer()
    if dialogs.is_in(ctx, DIALOG):
        await dialogs.end(ctx)
    await show_card(ctx, ticket, in_place=True)


# -- status steps -------------------------------------------------------------------------------
@router.callback(MoveJob, roles=ENGINEERS)
async def move_job(ctx: Context, button: MoveJob) -> None:
    ticket = await my_job(ctx, button.ticket)
    async with step_fits(ctx, ticket):
        await change_status(ctx, ticket, MOVES[button.step])
        ctx.answer(ctx._(STATUS[ticket.status]))
        await show_card(ctx, ticket, in_place=True)


async def change_status(
    ctx: Context, ticket: Ticket, status: TicketStatus, eta: datetime | None = None
) -> None:
    moved = await jobs.set_status(
        ctx.session, ticket, ctx.person, status, ctx.now(), ctx.settings, eta=eta
    )
    await notices.job_moved(ctx, moved)


# -- the job's typed dialog ---------------------------------------------------------------------
JobStep = Callable[[Context, Ticket], Awaitable[None]]


def job_step(router: Router, step: str) -> Callable[[JobStep], JobStep]:
    """Route what the engineer types or sends at ``step`` of the job dialog to a handler that
    gets the job. A job that is no longer theirs, or no longer open, ends the dialog."""

    def decorator(handler: JobStep) -> JobStep:
        @router.dialog(DIALOG, step=step, roles=ENGINEERS)
        async def answered(ctx: Context) -> None:
            assert ctx.dialog is not None
            async with ending_dialog(NOT_YOURS):
                await handler(ctx, await my_job(ctx, int(ctx.dialog.data["ticket_id"])))

        return handler

    return decorator


def next_jobs(ctx: Context) -> InlineKeyboard:
    """Where an engineer goes once a job left their hands (resolved, handed back): no dead end."""
    return inline(
        [
            Button(ctx._("« My jobs"), MyJobs().pack()),
            Button(ctx._("📋 Open jobs"), JobsPage(offset=0).pack()),
        ]
    )
