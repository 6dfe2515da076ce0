"""/jobs: the board of open jobs an engineer can take, a job opened from it, and Accept.

Of several engineers pressing Accept at once exactly one gets the job (one conditional UPDATE
in the service); the others are told it was just taken, and their board message says so.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import jobs
from bot.services.errors import NotFound
from handlers import notices
from handlers.engineer.buttons import AcceptJob, JobsPage, OpenJob
from handlers.engineer.card import ENGINEERS, card_text, show_card
from handlers.keyboards import PAGE_SIZE, page_note, pager
from handlers.texts import PRIORITY, URGENCY_MARK, ticket_model, ticket_ref, visit_time
from storage.models import Ticket, TicketStatus

router = Router()


def place(customer: str, ticket: Ticket) -> str:
    site = ticket.equipment.site if ticket.equipment is not None else None
    return f"{customer} / {site.name}" if site is not None else customer


def board_line(ctx: Context, item: jobs.BoardItem) -> str:
    ticket = item.ticket
    values: dict[str, Any] = {
        "ref": URGENCY_MARK[ticket.priority] + ticket_ref(ticket),
        "equipment": ticket_model(ctx, ticket),
        "place": place(item.customer_name, ticket),
        "priority": ctx._(PRIORITY[ticket.priority]),
        "age": ctx.t.age(ctx.now() - ticket.created_at),
    }
    visit = f" · 📅 {visit_time(ctx.t, ticket.visit_at)}" if ticket.visit_at else ""
    if item.distance_km is None:
        return ctx._("{ref} · {equipment} · {place} · {priority} · {age}", **values) + visit
    return (
        ctx._(
            "{ref} · {equipment} · {place} · {priority} · {distance} · {age}",
            distance=ctx.t.distance(item.distance_km),
            **values,
        )
        + visit
    )


async def show_board(ctx: Context, offset: int = 0, in_place: bool = False) -> None:
    items, total = await jobs.board(ctx.session, ctx.person, ctx.now(), offset, PAGE_SIZE)
    show = ctx.edit if in_place else ctx.send
    if not total:
        text = ctx._("No open jobs for you right now. New ones will appear here as they come.")
        show(text, inline([Button(ctx._("↻ Refresh"), JobsPage(offset=0).pack())]))
        return
    lines = [ctx.ngettext("{n} open job you can take:", "{n} open jobs you can take:", total)]
    lines += [board_line(ctx, item) for item in items]
    note = page_note(ctx, offset, total)
    if note:
        lines.append(note)
    lines.append(ctx._("Tap a job to see it and accept it."))
    buttons = [
        Button(ticket_ref(item.ticket), OpenJob(ticket=item.ticket.id).pack()) for item in items
    ]
    rows = [buttons[:3], buttons[3:], pager(lambda at: JobsPage(offset=at), offset, total)]
    show("\n".join(lines), inline(*rows))


@router.command(
    "jobs",
    roles=ENGINEERS,
    help=N_("open jobs you can take, most urgent and nearest first"),
    button=N_("📋 Open jobs"),
)
async def jobs_command(ctx: Context) -> None:
    await show_board(ctx)


@router.callback(JobsPage, roles=ENGINEERS)
async def board_page(ctx: Context, button: JobsPage) -> None:
    ctx.answer()
    await show_board(ctx, button.offset, in_place=True)


@router.callback(OpenJob, roles=ENGINEERS)
async def open_job(ctx: Context, button: OpenJob) -> None:
    """The job in place of the board; "« All jobs" brings the board back."""
    ticket = await jobs.board_job(ctx.session, button.ticket, ctx.person)
    ctx.answer()
    back = [Button(ctx._("« All jobs"), JobsPage(offset=0).pack())]
    if ticket.engineer_id == ctx.person.id:
        await show_card(ctx, ticket, in_place=True)
        return
    if ticket.status is not TicketStatus.NEW:
        ctx.edit(ctx._(jobs.GONE), inline(back))
        return
    accept = [Button(ctx._("✅ Accept"), AcceptJob(ticket=ticket.id).pack())]
    ctx.edit(await card_text(ctx, ticket, mine=False), inline(accept, back))


@router.callback(AcceptJob, roles=ENGINEERS)
async def accept(ctx: Context, button: AcceptJob) -> None:
    ref = ticket_ref(button.ticket)
    try:
        moved = await jobs.accept(ctx.session, button.ticket, ctx.person, ctx.now())
    except jobs.JobTaken as taken:
        await too_late(ctx, button.ticket, taken.mine)
        return
    ctx.answer(ctx._("Job {ref} is yours.", ref=ref))
    ctx.edit(ctx._("Job {ref} is yours.", ref=ref))
    await notices.job_moved(ctx, moved)
    await show_card(ctx, moved.ticket)


async def too_late(ctx: Context, ticket_id: int, mine: bool) -> None:
    """Someone took the job first: this engineer on a second press (their card again), or
    another engineer (the board message says so too)."""
    ref = ticket_ref(ticket_id)
    if mine:
        ctx.answer(ctx._("{ref} is already yours.", ref=ref))
        with suppress(NotFound):  # unless it has been closed since
            await show_card(ctx, await jobs.get_my_job(ctx.session, ticket_id, ctx.person))
        return
    ctx.answer(ctx._("Sorry, {ref} was just taken by someone else.", ref=ref), alert=True)
    ctx.edit(ctx._("Sorry, {ref} was just taken by someone else.", ref=ref))
