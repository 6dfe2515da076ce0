"""/open: open tickets with filters and pages, a manager's ticket card, assign and reassign.

Buttons (``mg:`` — managers only; the router refuses everyone else, the service re-checks):

- ``mg:o:<status>:<priority>:<engineer>:<customer>:<offset>`` a page of the list; each filter is
  ``-`` for any; ``engineer`` ``0`` means unassigned;
- ``mg:f:<field>:<status>:<priority>:<engineer>:<customer>`` choices for ``field`` (s, p, e);
- ``mg:cu:<customer>`` a customer's open tickets (from a complaint alert);
- ``mg:t:<ticket>`` the card; ``mg:as:<ticket>:<offset>`` whom to assign;
- ``mg:ae:<ticket>:<engineer>:<engineer seen, 0 none>`` assign — refused if the ticket's
  engineer is no longer the one the manager saw (someone else was faster).
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import Translator
from bot.core.replies import Button, InlineKeyboard, Markup, inline
from bot.core.router import Router
from bot.services import assignments, jobs
from bot.services.assignments import Filters
from bot.services.errors import Forbidden, InvalidState, NotFound
from handlers.alerts import PRIORITY_MARK
from handlers.keyboards import PAGE_SIZE, page_note, pager
from handlers.manager.chat import MANAGERS, card_text, reply, show
from handlers.notifications import notify
from handlers.texts import PRIORITY, STATUS, ticket_model, ticket_ref
from storage.models import OPEN_STATUSES, Customer, Person, Priority, Ticket, TicketStatus

router = Router()
OPEN_ORDER = tuple(status for status in TicketStatus if status in OPEN_STATUSES)
CANDIDATES_PAGE = 8


# -- filters in callback data ---------------------------------------------------------------------
def encode(filters: Filters) -> str:
    def part(value: object) -> str:
        return "-" if value is None else str(value)

    return ":".join(
        part(value)
        for value in (filters.status, filters.priority, filters.engineer_id, filters.customer_id)
    )


def decode(pieces: list[str]) -> Filters | None:
    """``["new", "-", "0", "-"]`` → Filters; None when forged."""
    if len(pieces) != 4:
        return None
    status, priority, engineer, customer = pieces
    try:
        return Filters(
            status=None if status == "-" else TicketStatus(status),
            priority=None if priority == "-" else Priority(priority),
            engineer_id=None if engineer == "-" else int(engineer),
            customer_id=None if customer == "-" else int(customer),
        )
    except ValueError:
        return None


def list_data(filters: Filters, offset: int = 0) -> str:
    return f"mg:o:{encode(filters)}:{offset}"


# -- the list -------------------------------------------------------------------------------------
@router.command("open", roles=MANAGERS)
async def open_command(ctx: Context) -> None:
    await show_list(ctx, Filters())


async def engineer_label(ctx: Context, engineer_id: int | None) -> str:
    if engineer_id is None:
        return ctx._("any")
    if engineer_id == 0:
        return ctx._("unassigned")
    person = await ctx.session.get(Person, engineer_id)
    return person.name if person is not None else "?"


def ticket_row(ctx: Context, ticket: Ticket, customer: str) -> str:
    return ctx._(
        "{mark} {ref} · {equipment} · {customer} · {status} · {engineer} · {age}",
        mark=PRIORITY_MARK[ticket.priority],
        ref=ticket_ref(ticket),
        equipment=ticket_model(ctx, ticket),
        customer=customer,
        status=ctx._(STATUS[ticket.status]),
        engineer=ticket.engineer.name if ticket.engineer else ctx._("unassigned"),
        age=ctx.t.age(ctx.now() - ticket.created_at),
    )


async def show_list(
    ctx: Context, filters: Filters, offset: int = 0, in_place: bool = False
) -> None:
    found, total = await assignments.open_tickets(ctx.session, filters, offset, PAGE_SIZE)
    customers = {
        ticket.customer_id: (await ctx.session.get_one(Customer, ticket.customer_id)).name
        for ticket in found
    }
    lines = [ctx.ngettext("{n} open request", "{n} open requests", total)]
    lines.append(
        ctx._(
            "Status: {status} · priority: {priority} · engineer: {engineer}",
            status=ctx._(STATUS[filters.status]) if filters.status else ctx._("any"),
            priority=ctx._(PRIORITY[filters.priority]) if filters.priority else ctx._("any"),
            engineer=await engineer_label(ctx, filters.engineer_id),
        )
    )
    if filters.customer_id is not None:
        customer = await ctx.session.get(Customer, filters.customer_id)
        lines.append(ctx._("Customer: {customer}", customer=customer.name if customer else "?"))
    if not total:
        lines.append(ctx._("Nothing matches these filters."))
    lines += [ticket_row(ctx, ticket, customers[ticket.customer_id]) for ticket in found]
    note = page_note(ctx, offset, total)
    if note:
        lines.append(note)
    buttons = [Button(ticket_ref(ticket), f"mg:t:{ticket.id}") for ticket in found]
    state = encode(filters)
    rows = [
        buttons[:3],
        buttons[3:],
        pager(f"mg:o:{state}", offset, total),
        [
            Button(ctx._("Status ▾"), f"mg:f:s:{state}"),
            Button(ctx._("Priority ▾"), f"mg:f:p:{state}"),
            Button(ctx._("Engineer ▾"), f"mg:f:e:{state}"),
        ],
    ]
    if filters != Filters():
        rows.append([Button(ctx._("✖ Clear filters"), list_data(Filters()))])
    show(ctx, "\n".join(lines), inline(*rows), in_place)


async def filter_choices(ctx: Context, field: str, filters: Filters) -> None:
    """The values of one filter; each button is the list with that value set."""
    options: list[tuple[str, Filters]] = [(ctx._("Any"), _set(filters, field, None))]
    if field == "s":
        text = ctx._("Show requests with status:")
        options += [(ctx._(STATUS[s]), _set(filters, field, s)) for s in OPEN_ORDER]
    elif field == "p":
        text = ctx._("Show requests with priority:")
        options += [
            (f"{PRIORITY_MARK[p]} {ctx._(PRIORITY[p])}", _set(filters, field, p)) for p in Priority
        ]
    else:
        text = ctx._("Show requests of engineer:")
        options.append((ctx._("Unassigned"), _set(filters, field, 0)))
        options += [
            (person.name, _set(filters, field, person.id))
            for person in await assignments.assigned_engineers(ctx.session)
        ]
    rows = [[Button(label[:60], list_data(value))] for label, value in options]
    show(ctx, text, inline(*rows), in_place=True)


def _set(filters: Filters, field: str, value: object) -> Filters:
    name = {"s": "status", "p": "priority", "e": "engineer_id"}[field]
    return Filters(**{**filters.__dict__, name: value})


# -- the card -------------------------------------------------------------------------------------
def card_buttons(ctx: Context, ticket: Ticket) -> InlineKeyboard:
    rows: list[list[Button]] = []
    if ticket.status in assignments.RESTART:
        label = ctx._("👷 Reassign") if ticket.engineer_id else ctx._("👷 Assign")
        rows.append([Button(label, f"mg:as:{ticket.id}:0")])
    rows.append([Button(ctx._("« Open requests"), list_data(Filters()))])
    return inline(*rows)


async def show_card(ctx: Context, ticket: Ticket, in_place: bool = False) -> None:
    show(ctx, await card_text(ctx, ticket), card_buttons(ctx, ticket), in_place)


# -- choosing the engineer ------------------------------------------------------------------------
def candidate_label(ctx: Context, candidate: assignments.Candidate) -> str:
    person = candidate.person
    mark = "🟢" if candidate.suits else ("🟡" if person.on_duty else "💤")
    jobs_text = ctx.ngettext("{n} open job", "{n} open jobs", candidate.open_jobs)
    return ctx._("{mark} {name} · {jobs}", mark=mark, name=person.name[:30], jobs=jobs_text)


async def show_candidates(ctx: Context, ticket: Ticket, offset: int) -> None:
    if ticket.status not in assignments.RESTART:
        ctx.answer(ctx._("{ref} is no longer open.", ref=ticket_ref(ticket)), alert=True)
        return
    ctx.answer()
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
        [Button(candidate_label(ctx, c), f"mg:ae:{ticket.id}:{c.person.id}:{seen}")] for c in page
    ]
    rows.append(pager(f"mg:as:{ticket.id}", offset, len(found), CANDIDATES_PAGE))
    rows.append([Button(ctx._("« Back"), f"mg:t:{ticket.id}")])
    reply(ctx, "\n".join(lines), inline(*rows))


async def assign(ctx: Context, ticket_id: int, engineer_id: int, seen: int) -> None:
    ref = ticket_ref(ticket_id)
    try:
        done = await assignments.assign(
            ctx.session, ticket_id, engineer_id, ctx.person, ctx.now(), seen or None
        )
    except assignments.AssignmentConflict as conflict:
        ctx.answer(
            ctx._("{ref} changed a moment ago; here is how it stands now.", ref=ref), alert=True
        )
        if conflict.ticket is not None:
            await show_card(ctx, conflict.ticket, in_place=True)
        return
    except (NotFound, Forbidden):
        ctx.answer(ctx._("This request or engineer is not available."), alert=True)
        return
    except InvalidState:
        ctx.answer(ctx._("{ref} cannot be assigned in its current state.", ref=ref), alert=True)
        return
    ctx.answer(ctx._("{ref} is assigned to {name}.", ref=ref, name=done.engineer.name))
    ctx.edit(ctx._("✅ {ref} is assigned to {name}.", ref=ref, name=done.engineer.name))
    await tell_everyone(ctx, done)


async def tell_everyone(ctx: Context, done: assignments.Assignment) -> None:
    """The new engineer, the previous one and the customer, each in their language."""
    ticket, ref = done.ticket, ticket_ref(done.ticket)
    customer = await ctx.session.get_one(Customer, ticket.customer_id)
    mark = PRIORITY_MARK[ticket.priority]
    priority = PRIORITY[ticket.priority]

    def to_engineer(t: Translator) -> tuple[str, Markup | None]:
        text = t._(
            "{mark} A manager assigned {ref} to you: {customer}, {priority}.",
            mark=mark,
            ref=ref,
            customer=customer.name,
            priority=t._(priority),
        )
        return text, inline([Button(t._("Open the job"), f"mj:open:{ticket.id}")])

    await notify(ctx, done.engineer, to_engineer, "job_assigned_by_manager")
    if done.previous is not None:

        def to_previous(t: Translator) -> tuple[str, Markup | None]:
            text = t._(
                "A manager passed {ref} to another engineer; it is no longer yours.", ref=ref
            )
            return text, None

        await notify(ctx, done.previous, to_previous, "job_reassigned")
    reporter = await jobs.reporter(ctx.session, ticket)
    if reporter is not None:
        name = done.engineer.name

        def to_customer(t: Translator) -> tuple[str, Markup | None]:
            text = t._("Engineer {name} will handle your request {ref}.", name=name, ref=ref)
            return text, inline([Button(t._("Request details"), f"tk:{ticket.id}")])

        await notify(ctx, reporter, to_customer, "job_assigned")


# -- buttons --------------------------------------------------------------------------------------
def numbers(pieces: list[str], count: int) -> list[int] | None:
    if len(pieces) != count or not all(piece.isdigit() for piece in pieces):
        return None
    return [int(piece) for piece in pieces]


@router.callback("mg", roles=MANAGERS)
async def manager_button(ctx: Context) -> None:
    pieces = ctx.event.button_fields
    action, rest = (pieces[0], pieces[1:]) if pieces else ("", [])
    if action == "o" and len(rest) == 5 and rest[4].isdigit():
        filters = decode(rest[:4])
        if filters is not None:
            ctx.answer()
            await show_list(ctx, filters, int(rest[4]), in_place=True)
            return
    elif action == "f" and len(rest) == 5 and rest[0] in ("s", "p", "e"):
        filters = decode(rest[1:])
        if filters is not None:
            ctx.answer()
            await filter_choices(ctx, rest[0], filters)
            return
    elif action == "cu" and numbers(rest, 1):
        ctx.answer()
        await show_list(ctx, Filters(customer_id=int(rest[0])))
        return
    elif action in ("t", "as") and rest and rest[0].isdigit():
        ticket = await ctx.session.get(Ticket, int(rest[0]))
        if ticket is None:
            ctx.answer(ctx._("Request not found."), alert=True)
            return
        if action == "t":
            ctx.answer()
            await show_card(ctx, ticket)
        else:
            offset = int(rest[1]) if len(rest) > 1 and rest[1].isdigit() else 0
            await show_candidates(ctx, ticket, offset)
        return
    elif action == "ae" and (ids := numbers(rest, 3)):
        await assign(ctx, *ids)
        return
    ctx.answer(ctx._("This button is no longer active."), alert=True)
