"""/open: the open tickets with filters and pages (buttons in :mod:`handlers.manager.buttons`).

Every page and filter choice carries the whole list state in its button, so any manager in
the shared chat can page on from where another one filtered.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import assignments
from bot.services.assignments import Filters
from handlers.keyboards import PAGE_SIZE, page_note, pager
from handlers.manager.buttons import (
    CustomerTickets,
    FilterChoices,
    FilterField,
    OpenList,
    OpenTicket,
)
from handlers.manager.chat import MANAGERS, show
from handlers.notices.facts import PRIORITY_MARK
from handlers.texts import (
    KIND,
    PRIORITY,
    STATUS,
    ticket_model,
    ticket_ref,
    ticket_request_lines,
    visit_time,
)
from storage.models import (
    OPEN_STATUSES,
    Customer,
    Person,
    Priority,
    Ticket,
    TicketKind,
    TicketStatus,
)

router = Router()
OPEN_ORDER = tuple(status for status in TicketStatus if status in OPEN_STATUSES)
FILTERED = {
    FilterField.STATUS: "status",
    FilterField.PRIORITY: "priority",
    FilterField.ENGINEER: "engineer_id",
}


@router.command(
    "open",
    roles=MANAGERS,
    help=N_("open requests: filter, assign, reassign"),
    button=N_("📂 Open requests"),
)
async def open_command(ctx: Context) -> None:
    await show_list(ctx, OpenList())


@router.callback(OpenList, roles=MANAGERS)
async def list_button(ctx: Context, page: OpenList) -> None:
    await show_list(ctx, page, in_place=True)


@router.callback(CustomerTickets, roles=MANAGERS)
async def customer_button(ctx: Context, button: CustomerTickets) -> None:
    await show_list(ctx, OpenList(customer=button.customer))


@router.callback(FilterChoices, roles=MANAGERS)
async def filter_button(ctx: Context, button: FilterChoices) -> None:
    await filter_choices(ctx, button.field, button.filters)


# -- the list -------------------------------------------------------------------------------------
async def engineer_label(ctx: Context, engineer_id: int | None) -> str:
    if engineer_id is None:
        return ctx._("any")
    if engineer_id == 0:
        return ctx._("unassigned")
    person = await ctx.session.get(Person, engineer_id)
    return person.name if person is not None else "?"


def ticket_row(ctx: Context, ticket: Ticket, customer: str) -> str:
    """A ticket's line, and for planned work a second one: its kind, site, order reference
    and preferred dates (as far as the customer gave them)."""
    row = ctx._(
        "{mark} {ref} · {equipment} · {customer} · {status} · {engineer} · {age}",
        mark=PRIORITY_MARK[ticket.priority],
        ref=ticket_ref(ticket),
        equipment=ticket_model(ctx, ticket),
        customer=customer,
        status=ctx._(STATUS[ticket.status]),
        engineer=ticket.engineer.name if ticket.engineer else ctx._("unassigned"),
        age=ctx.t.age(ctx.now() - ticket.created_at),
    )
    if ticket.visit_at is not None:
        row += f" · 📅 {visit_time(ctx.t, ticket.visit_at)}"
    if ticket.kind is TicketKind.BREAKDOWN and not (ticket.order_ref or ticket.preferred_date):
        return row
    details = [ctx._(KIND[ticket.kind]), *ticket_request_lines(ctx.t, ticket)]
    return row + "\n    " + " · ".join(details)


async def heading(ctx: Context, filters: Filters, total: int) -> list[str]:
    """How many match, and the filters that are set."""
    lines = [
        ctx.ngettext("{n} open request", "{n} open requests", total),
        ctx._(
            "Status: {status} · priority: {priority} · engineer: {engineer}",
            status=ctx._(STATUS[filters.status]) if filters.status else ctx._("any"),
            priority=ctx._(PRIORITY[filters.priority]) if filters.priority else ctx._("any"),
            engineer=await engineer_label(ctx, filters.engineer_id),
        ),
    ]
    if filters.customer_id is not None:
        customer = await ctx.session.get(Customer, filters.customer_id)
        lines.append(ctx._("Customer: {customer}", customer=customer.name if customer else "?"))
    if not total:
        lines.append(ctx._("Nothing matches these filters."))
    return lines


async def show_list(ctx: Context, page: OpenList, in_place: bool = False) -> None:
    filters, offset = page.filters, page.offset
    found, total = await assignments.open_tickets(ctx.session, filters, offset, PAGE_SIZE)
    customers = {
        ticket.customer_id: (await ctx.session.get_one(Customer, ticket.customer_id)).name
        for ticket in found
    }
    lines = await heading(ctx, filters, total)
    lines += [ticket_row(ctx, ticket, customers[ticket.customer_id]) for ticket in found]
    note = page_note(ctx, offset, total)
    if note:
        lines.append(note)
    buttons = [Button(ticket_ref(ticket), OpenTicket(ticket=ticket.id).pack()) for ticket in found]
    rows = [
        buttons[:3],
        buttons[3:],
        pager(lambda at: replace(page, offset=at), offset, total),
        [
            Button(ctx._("Status ▾"), FilterChoices.of(FilterField.STATUS, filters).pack()),
            Button(ctx._("Priority ▾"), FilterChoices.of(FilterField.PRIORITY, filters).pack()),
            Button(ctx._("Engineer ▾"), FilterChoices.of(FilterField.ENGINEER, filters).pack()),
        ],
    ]
    if filters != Filters():
        rows.append([Button(ctx._("✖ Clear filters"), OpenList().pack())])
    show(ctx, "\n".join(lines), inline(*rows), in_place)


# -- the filters ----------------------------------------------------------------------------------
async def filter_choices(ctx: Context, field: FilterField, filters: Filters) -> None:
    """The values of one filter; each button is the list with that value set."""
    values: list[tuple[str, Any]] = [(ctx._("Any"), None)]
    if field is FilterField.STATUS:
        text = ctx._("Show requests with status:")
        values += [(ctx._(STATUS[status]), status) for status in OPEN_ORDER]
    elif field is FilterField.PRIORITY:
        text = ctx._("Show requests with priority:")
        values += [(f"{PRIORITY_MARK[p]} {ctx._(PRIORITY[p])}", p) for p in Priority]
    else:
        text = ctx._("Show the requests of engineer:")
        values.append((ctx._("Unassigned"), 0))
        values += [
            (person.name, person.id)
            for person in await assignments.assigned_engineers(ctx.session)
        ]
    rows = [
        [Button(label[:60], OpenList.of(replace(filters, **{FILTERED[field]: value})).pack())]
        for label, value in values
    ]
    show(ctx, text, inline(*rows), in_place=True)
