"""Part requests from a job: search the catalog (names in every language), see stock per
warehouse, ask for a quantity; then, once a manager issued the part, mark it used on the job
or return it from the job card.

Dialog ``parts`` (data ``ticket_id``, ``part_id``): steps ``query`` (a typed name or number)
and ``quantity``. After a request on site, the job card's own Waiting-for-parts button.
"""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import parts
from bot.services.errors import NotFound
from handlers import notices
from handlers.answers import typed
from handlers.engineer.buttons import (
    CancelParts,
    Move,
    MoveJob,
    PickPart,
    RequestParts,
    ReturnPart,
    UsedPart,
)
from handlers.engineer.card import ENGINEERS, show_card
from handlers.texts import ticket_ref
from storage.models import Part, PartRequest, Ticket, TicketStatus

router = Router()
DIALOG = "parts"
ASK = N_("Please type a part name or number.")


def cancel_row(ctx: Context, ticket_id: int) -> list[Button]:
    return [Button(ctx._("✖ Cancel"), CancelParts(ticket=ticket_id).pack())]


def in_parts_of(ctx: Context, ticket_id: int) -> bool:
    """Whether the dialog is about this job (else the button is from an earlier step)."""
    if ctx.dialog is not None and dialogs.is_in(ctx, DIALOG):
        return bool(ctx.dialog.data["ticket_id"] == ticket_id)
    return False


def earlier_step(ctx: Context) -> None:
    ctx.answer(ctx._("That button belongs to an earlier step. Please use the latest message."))


@router.callback(RequestParts, roles=ENGINEERS)
async def begin(ctx: Context, button: RequestParts) -> None:
    ticket = await parts.job_for_parts(ctx.session, button.ticket, ctx.person)
    ctx.answer()
    await dialogs.start(ctx, DIALOG, "query", ticket_id=ticket.id)
    ctx.send(
        ctx._("Parts for {ref}: type a part name or number.", ref=ticket_ref(ticket)),
        inline(cancel_row(ctx, ticket.id)),
    )


@router.callback(CancelParts, roles=ENGINEERS)
async def cancel(ctx: Context, button: CancelParts) -> None:
    if not in_parts_of(ctx, button.ticket):
        earlier_step(ctx)
        return
    ctx.answer()
    await dialogs.end(ctx)
    ctx.edit(ctx._("Cancelled. Nothing was requested."))


# -- finding the part -----------------------------------------------------------------------
@router.dialog(DIALOG, step="query", roles=ENGINEERS)
async def query_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    ticket_id, text = int(ctx.dialog.data["ticket_id"]), typed(ctx, ASK)
    if text is None:
        return
    hits = await parts.search(ctx.session, text)
    if not hits:
        ctx.send(
            ctx._("No part matches “{text}”. Try another name or number.", text=text),
            inline(cancel_row(ctx, ticket_id)),
        )
        return
    rows = [[hit_button(ctx, ticket_id, hit)] for hit in hits]
    rows.append(cancel_row(ctx, ticket_id))
    ctx.send(ctx._("Choose the part, or type another name or number:"), inline(*rows))


def hit_button(ctx: Context, ticket_id: int, hit: parts.PartHit) -> Button:
    part = hit.part
    label = ctx._(
        "{number} · {name} (in stock: {n})",
        number=part.number,
        name=parts.part_name(part, ctx.t.locale)[:40],
        n=hit.total,
    )
    return Button(label, PickPart(ticket=ticket_id, part=part.id).pack())


@router.callback(PickPart, roles=ENGINEERS)
async def pick(ctx: Context, button: PickPart) -> None:
    if not in_parts_of(ctx, button.ticket):
        earlier_step(ctx)
        return
    ctx.answer()
    try:
        part = await parts.get_part(ctx.session, button.part)
    except NotFound:  # a message, not a toast: the engineer is still choosing
        ctx.send(ctx._("That part is not in the catalog. Please choose from the list."))
        return
    stock = await parts.stock_by_warehouse(ctx.session, part.id)
    name = parts.part_name(part, ctx.t.locale)
    lines = [ctx._("{number} · {name}", number=part.number, name=name)]
    if stock:
        lines.append(ctx._("In stock:"))
        lines += [
            ctx._("{warehouse}: {n}", warehouse=name, n=quantity) for name, quantity in stock
        ]
    else:
        lines.append(ctx._("Not in stock in any warehouse."))
    lines.append(ctx._("How many do you need? Type a number from 1 to 99."))
    dialogs.move(ctx, "quantity", part_id=part.id)
    ctx.send("\n".join(lines), inline(cancel_row(ctx, button.ticket)))


# -- the quantity and the request -----------------------------------------------------------
@router.dialog(DIALOG, step="quantity", roles=ENGINEERS)
async def quantity_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    ticket_id, part_id = int(ctx.dialog.data["ticket_id"]), int(ctx.dialog.data["part_id"])
    text = typed(ctx, ASK)
    if text is None:
        return
    quantity = parts.parse_quantity(text)
    if quantity is None:
        ctx.send(
            ctx._("Please type a whole number from 1 to 99, for example 2."),
            inline(cancel_row(ctx, ticket_id)),
        )
        return
    async with ending_dialog(N_("This job is no longer open. Nothing was requested.")):
        requested = await parts.request_part(
            ctx.session, ticket_id, ctx.person, part_id, quantity, ctx.now(), ctx.settings
        )
    await dialogs.end(ctx)
    await notices.part_requested(ctx, requested)
    confirm(ctx, requested.ticket, requested.part, requested.request)


def confirm(ctx: Context, ticket: Ticket, part: Part, request: PartRequest) -> None:
    """What was requested, with the next steps: another part, or (on site) waiting for them."""
    rows = [[Button(ctx._("Request another part"), RequestParts(ticket=ticket.id).pack())]]
    if ticket.status is TicketStatus.ON_SITE:
        # the job card's own status button, so the customer hears it the same way
        wait = MoveJob(step=Move.WAIT, ticket=ticket.id).pack()
        rows.insert(0, [Button(ctx._("⏸ Waiting for parts"), wait)])
    ctx.send(
        ctx._(
            "Requested for {ref}: {number} · {name} × {n}. The service team will arrange it.",
            ref=ticket_ref(ticket),
            number=part.number,
            name=parts.part_name(part, ctx.t.locale),
            n=request.quantity,
        ),
        inline(*rows),
    )


# -- an issued part: used on the job, or returned ---------------------------------------------
@router.callback(UsedPart, roles=ENGINEERS)
async def used(ctx: Context, button: UsedPart) -> None:
    moved = await parts.use(ctx.session, button.request, ctx.person, ctx.now())
    await notices.part_moved(ctx, moved)
    ctx.answer(
        ctx._(
            "Marked as used: {number} × {n}.", number=moved.part.number, n=moved.request.quantity
        )
    )
    await show_card(ctx, moved.ticket, in_place=True)


@router.callback(ReturnPart, roles=ENGINEERS)
async def give_back(ctx: Context, button: ReturnPart) -> None:
    moved = await parts.give_back(ctx.session, button.request, ctx.person, ctx.now(), ctx.settings)
    await notices.part_moved(ctx, moved)
    ctx.answer(
        ctx._(
            "Returned to {warehouse}: {number} × {n}.",
            warehouse=moved.warehouse.name if moved.warehouse else "—",
            number=moved.part.number,
            n=moved.request.quantity,
        )
    )
    await show_card(ctx, moved.ticket, in_place=True)
