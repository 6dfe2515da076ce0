"""/status: a client's open and recent tickets, and one ticket's details and timeline."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import cancelling, holidays, parts, sla, tickets, visits
from handlers import part_texts
from handlers.client.buttons import CancelTicket, StatusPage, TicketDetails, WriteToTicket
from handlers.common.buttons import AnotherVisitTime, PickVisit
from handlers.common.start import require_registration
from handlers.keyboards import PAGE_SIZE, page_note, pager
from handlers.texts import (
    about_line,
    coverage_lines,
    customer_sees,
    files_line,
    status_label,
    ticket_equipment,
    ticket_heading,
    ticket_line,
    ticket_ref,
    timeline_line,
    visit_line,
    visit_time,
)
from storage.models import Role, Ticket, TicketStatus

router = Router()
CLIENTS = (Role.CLIENT,)


async def show_list(ctx: Context, offset: int = 0, in_place: bool = False) -> None:
    assert ctx.person.customer_id is not None
    found = await tickets.for_customer(
        ctx.session, ctx.person.customer_id, ctx.now(), ctx.settings.recent_ticket_days
    )
    if not found:
        ctx.send(ctx._("You have no requests yet. Use /report to report a breakdown."))
        return
    page = found[offset : offset + PAGE_SIZE]
    open_count = sum(ticket.is_open for ticket in found)
    lines = [ctx.ngettext("You have {n} open request.", "You have {n} open requests.", open_count)]
    lines += [ticket_line(ctx, ticket) for ticket in page]
    note = page_note(ctx, offset, len(found))
    if note:
        lines.append(note)
    lines.append(ctx._("Tap a request to see its progress."))
    rows = [
        [details_button(ticket) for ticket in page[:3]],
        [details_button(ticket) for ticket in page[3:]],
        pager(lambda at: StatusPage(offset=at), offset, len(found)),
    ]
    (ctx.edit if in_place else ctx.send)("\n".join(lines), inline(*rows))


def details_button(ticket: Ticket) -> Button:
    return Button(ticket_ref(ticket), TicketDetails(ticket=ticket.id).pack())


@router.command(
    "status",
    roles=CLIENTS,
    help=N_("your requests and their progress"),
    button=N_("📋 My requests"),
)
async def status_command(ctx: Context) -> None:
    if await require_registration(ctx):
        await show_list(ctx)


@router.callback(StatusPage, roles=CLIENTS)
async def status_page(ctx: Context, button: StatusPage) -> None:
    if await require_registration(ctx):
        await show_list(ctx, button.offset, in_place=True)


async def details(ctx: Context, ticket: Ticket) -> str:
    lines = [
        ticket_heading(ctx, ticket),
        ctx._("Equipment: {equipment}", equipment=ticket_equipment(ctx, ticket)),
    ]
    if ticket.equipment is not None:
        lines += coverage_lines(ctx, ticket.equipment, ctx.now().astimezone(ctx.t.tz).date())
    lines.append(ctx._("Status: {status}", status=status_label(ctx.t, ticket.status, staff=False)))
    if ticket.engineer is not None:
        lines.append(ctx._("Engineer: {name}", name=ticket.engineer.name))
    if ticket.status is TicketStatus.EN_ROUTE and ticket.eta is not None:
        lines.append(ctx._("Expected at {time}", time=ctx.t.datetime(ticket.eta)))
    visit = visit_line(ctx.t, ticket)
    if visit:
        lines.append(visit)
    lines += await deadline_lines(ctx, ticket)
    if about := about_line(ctx.t, ticket):
        lines.append(about)
    if files := files_line(ctx, await tickets.attachments(ctx.session, ticket.id)):
        lines.append(files)
    lines += part_texts.used_lines(ctx.t, await parts.used_on(ctx.session, ticket.id))
    lines += ["", ctx._("Timeline:")]
    events = await tickets.timeline(ctx.session, ticket.id)
    lines += [timeline_line(ctx, event) for event in events if customer_sees(event)]
    return "\n".join(lines)


# {left} is a duration ("2 hr 15 min"), {due} a date and time.
CLOCK_WORDS = {
    (sla.Clock.RESPONSE, False): N_("Answer due in {left} (by {due})"),
    (sla.Clock.RESPONSE, True): N_("Answer overdue by {left}"),
    (sla.Clock.RESOLUTION, False): N_("Resolution due in {left} (by {due})"),
    (sla.Clock.RESOLUTION, True): N_("Resolution overdue by {left}"),
}
PAUSED_WORDS = {
    TicketStatus.WAITING_PARTS: N_("Deadline paused — waiting for spare parts"),
    TicketStatus.WAITING_CUSTOMER: N_("Deadline paused — waiting for your reply"),
}


async def deadline_lines(ctx: Context, ticket: Ticket) -> list[str]:
    """How the open ticket's clocks stand: time left (or overdue) in its own calendar, or
    why they are paused; a company holiday that moves a deadline is named in its line."""
    if not ticket.is_open:
        return []
    if ticket.status in PAUSED_WORDS:
        return [ctx._(PAUSED_WORDS[ticket.status])]
    days_off = await holidays.days(ctx.session, ctx.settings)
    lines = []
    for clock in sla.remaining(ticket, ctx.now(), ctx.settings, days_off):
        line = ctx._(
            CLOCK_WORDS[clock.clock, clock.overdue],
            left=ctx.t.span(clock.left),
            due=ctx.t.datetime(clock.due, ctx.now()),
        )
        if clock.holidays:
            # {line} is a deadline line, {day} the holiday's date.
            line = ctx._(
                "{line}, paused for the holiday on {day}",
                line=line,
                day=", ".join(ctx.t.date(day) for day in clock.holidays),
            )
        lines.append(line)
    return lines


@router.callback(TicketDetails)
async def ticket_pressed(ctx: Context, button: TicketDetails) -> None:
    """Any role may open a ticket it is allowed to see; for others it is not found."""
    ticket = await tickets.get_visible(ctx.session, button.ticket, ctx.person)
    rows: list[list[Button]] = []
    if ctx.person.role is Role.CLIENT:
        rows += await visit_rows(ctx, ticket)
        if ticket.status not in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
            rows.append([Button(ctx._("💬 Write"), WriteToTicket(ticket=ticket.id).pack())])
        if await cancelling.customer_may_cancel(ctx.session, ticket):
            rows.append([Button(ctx._("✖ Cancel request"), CancelTicket(ticket=ticket.id).pack())])
        rows.append([Button(ctx._("« All requests"), StatusPage(offset=0).pack())])
    ctx.send(await details(ctx, ticket), inline(*rows))


async def visit_rows(ctx: Context, ticket: Ticket) -> list[list[Button]]:
    """The visit times still offered, to pick one, and "🔁 Another time" while a visit is
    offered or agreed."""
    if not ticket.is_open:
        return []
    offered = await visits.offered(ctx.session, ticket.id)
    rows = [
        [Button(visit_time(ctx.t, slot.starts_at), PickVisit(slot=slot.id).pack())]
        for slot in offered
    ]
    if offered:
        rows.append([Button(ctx._("🔁 Another time"), AnotherVisitTime(ticket=ticket.id).pack())])
    elif ticket.visit_at is not None and ticket.status not in visits.ON_THE_WAY:
        label = ctx._("🔁 Change the visit time")
        rows.append([Button(label, AnotherVisitTime(ticket=ticket.id).pack())])
    return rows
