"""Part requests from a job: search the catalog, see stock per warehouse, ask for a quantity.

Dialog ``parts`` (data ``ticket_id``, ``part_id``): steps ``query`` (typed name or number)
and ``quantity``. Buttons: ``pq:start:<ticket>``, ``pq:pick:<ticket>:<part>``,
``pq:cancel:<ticket>``; after a request on site, the job card's ``mj:wait:<ticket>``.
"""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import jobs, parts
from bot.services.errors import InvalidState, NotFound
from handlers import alerts
from handlers.keyboards import action_and_ids
from handlers.texts import ticket_ref
from storage.models import Role, TicketStatus

router = Router()
DIALOG = "parts"
ENGINEERS = (Role.ENGINEER,)


def cancel_row(ctx: Context, ticket_id: int) -> list[Button]:
    return [Button(ctx._("✖ Cancel"), f"pq:cancel:{ticket_id}")]


async def begin(ctx: Context, ticket_id: int) -> None:
    try:
        ticket = await parts.job_for_parts(ctx.session, ticket_id, ctx.person)
    except NotFound:
        ctx.answer(ctx._("This job is not assigned to you."), alert=True)
        return
    except InvalidState:
        ctx.answer(ctx._("This job is no longer open."), alert=True)
        return
    ctx.answer()
    await dialogs.start(ctx, DIALOG, "query", ticket_id=ticket.id)
    ctx.send(
        ctx._("Parts for {ref}: type a part name or number.", ref=ticket_ref(ticket)),
        inline(cancel_row(ctx, ticket.id)),
    )


async def search(ctx: Context, ticket_id: int, text: str) -> None:
    hits = await parts.search(ctx.session, text)
    if not hits:
        ctx.send(
            ctx._("No part matches “{text}”. Try another name or number.", text=text),
            inline(cancel_row(ctx, ticket_id)),
        )
        return
    rows = [
        [
            Button(
                ctx._(
                    "{number} · {name} (in stock: {n})",
                    number=hit.part.number,
                    name=hit.part.name[:40],
                    n=hit.total,
                ),
                f"pq:pick:{ticket_id}:{hit.part.id}",
            )
        ]
        for hit in hits
    ]
    rows.append(cancel_row(ctx, ticket_id))
    ctx.send(ctx._("Choose the part, or type another name or number:"), inline(*rows))


async def pick(ctx: Context, ticket_id: int, part_id: int) -> None:
    try:
        part = await parts.get_part(ctx.session, part_id)
    except NotFound:
        ctx.send(ctx._("That part is not in the catalog. Please choose from the list."))
        return
    stock = await parts.stock_by_warehouse(ctx.session, part.id)
    lines = [ctx._("{number} · {name}", number=part.number, name=part.name)]
    if stock:
        lines.append(ctx._("In stock:"))
        lines += [
            ctx._("{warehouse}: {n}", warehouse=name, n=quantity) for name, quantity in stock
        ]
    else:
        lines.append(ctx._("Not in stock in any warehouse."))
    lines.append(ctx._("How many do you need? Type a number from 1 to 99."))
    dialogs.move(ctx, "quantity", part_id=part.id)
    ctx.send("\n".join(lines), inline(cancel_row(ctx, ticket_id)))


async def take_quantity(ctx: Context, ticket_id: int, part_id: int, text: str) -> None:
    quantity = parts.parse_quantity(text)
    if quantity is None:
        ctx.send(
            ctx._("Please type a whole number from 1 to 99, for example 2."),
            inline(cancel_row(ctx, ticket_id)),
        )
        return
    try:
        request = await parts.request_part(
            ctx.session, ticket_id, ctx.person, part_id, quantity, ctx.now()
        )
        ticket = await jobs.get_my_job(ctx.session, ticket_id, ctx.person)
        part = await parts.get_part(ctx.session, part_id)
    except (NotFound, InvalidState):
        await dialogs.end(ctx)
        ctx.send(ctx._("This job is no longer open. Nothing was requested."))
        return
    await dialogs.end(ctx)
    await alerts.part_requested(ctx, request)
    rows = [[Button(ctx._("Request another part"), f"pq:start:{ticket_id}")]]
    if ticket.status is TicketStatus.ON_SITE:
        # the job card's own status button, so the customer hears it the same way
        rows.insert(0, [Button(ctx._("⏸ Waiting for parts"), f"mj:wait:{ticket_id}")])
    ctx.send(
        ctx._(
            "Requested for {ref}: {number} · {name} × {n}. The service office will arrange it.",
            ref=ticket_ref(ticket),
            number=part.number,
            name=part.name,
            n=request.quantity,
        ),
        inline(*rows),
    )


@router.callback("pq", roles=ENGINEERS)
async def parts_button(ctx: Context) -> None:
    parsed = action_and_ids(ctx.event)
    if parsed is None:
        ctx.answer(ctx._("This button is no longer active."))
        return
    action, numbers = parsed
    ticket_id = numbers[0]
    if action == "start":
        await begin(ctx, ticket_id)
        return
    in_dialog = dialogs.is_in(ctx, DIALOG) and ctx.dialog and ctx.dialog.data["ticket_id"]
    if in_dialog != ticket_id:
        ctx.answer(ctx._("That button belongs to an earlier step. Please use the latest message."))
        return
    ctx.answer()
    if action == "cancel":
        await dialogs.end(ctx)
        ctx.edit(ctx._("Cancelled. Nothing was requested."))
    elif action == "pick" and len(numbers) == 2:
        await pick(ctx, ticket_id, numbers[1])
    else:
        ctx.send(ctx._("That button belongs to an earlier step. Please use the latest message."))


@router.dialog(DIALOG, roles=ENGINEERS)
async def parts_message(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = ctx.event.text.strip()
    ticket_id = int(ctx.dialog.data["ticket_id"])
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.send(ctx._("Please type a part name or number."))
    elif ctx.dialog.step == "quantity":
        await take_quantity(ctx, ticket_id, int(ctx.dialog.data["part_id"]), text)
    else:
        await search(ctx, ticket_id, text)
