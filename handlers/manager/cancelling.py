"""A manager cancels a ticket from its card, with a reason the customer and the engineer read.
Dialog ``mcancel``: step ``reason`` (typed), then ``confirm``. Any open ticket may be cancelled
by a manager, even with an engineer on the way; the service checks it again on confirming."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import cancelling
from bot.services.errors import InvalidState
from handlers import notices
from handlers.answers import typed
from handlers.manager.buttons import CancelTicketByManager, ConfirmCancel, KeepTicket
from handlers.manager.chat import MANAGERS
from handlers.texts import ticket_ref

router = Router()
DIALOG = "mcancel"
STALE = N_("This button is no longer active.")


def in_dialog_for(ctx: Context, ticket_id: int, *steps: str) -> bool:
    dialog = ctx.dialog
    return (
        dialogs.is_in(ctx, DIALOG, *steps)
        and dialog is not None
        and dialog.data.get("ticket_id") == ticket_id
    )


def keep_button(ctx: Context, ticket_id: int) -> Button:
    return Button(ctx._("« Keep the request"), KeepTicket(ticket=ticket_id).pack())


@router.callback(CancelTicketByManager, roles=MANAGERS)
async def cancel_pressed(ctx: Context, button: CancelTicketByManager) -> None:
    ticket = await cancelling.cancellable_by_manager(ctx.session, button.ticket, ctx.person)
    await dialogs.start(ctx, DIALOG, "reason", ticket_id=ticket.id)
    ctx.send(
        ctx._(
            "Why is {ref} cancelled? Type the reason; the customer and the engineer will read it.",
            ref=ticket_ref(ticket),
        ),
        inline([keep_button(ctx, ticket.id)]),
    )


@router.dialog(DIALOG, step="reason", roles=MANAGERS)
async def reason_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = typed(ctx, N_("Please type why the request is cancelled."))
    if text is None:
        return
    ticket_id = int(ctx.dialog.data["ticket_id"])
    dialogs.move(ctx, "confirm", note=text[: cancelling.MAX_REASON])
    ctx.send(
        ctx._("Cancel {ref}? Reason: {reason}", ref=ticket_ref(ticket_id), reason=text),
        confirm_keyboard(ctx, ticket_id),
    )


@router.dialog(DIALOG, step="confirm", roles=MANAGERS)
async def confirm_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    ticket_id = int(ctx.dialog.data["ticket_id"])
    ctx.send(
        ctx._("Press “Yes, cancel it” to cancel the request, or “Keep the request”."),
        confirm_keyboard(ctx, ticket_id),
    )


def confirm_keyboard(ctx: Context, ticket_id: int) -> InlineKeyboard:
    return inline(
        [Button(ctx._("✅ Yes, cancel it"), ConfirmCancel(ticket=ticket_id).pack())],
        [keep_button(ctx, ticket_id)],
    )


@router.callback(ConfirmCancel, roles=MANAGERS)
async def confirm_pressed(ctx: Context, button: ConfirmCancel) -> None:
    dialog = ctx.dialog
    if dialog is None or not in_dialog_for(ctx, button.ticket, "confirm"):
        raise InvalidState(STALE, alert=False)
    note = str(dialog.data.get("note") or "")
    await dialogs.end(ctx)
    async with ending_dialog():
        cancelled = await cancelling.by_manager(
            ctx.session, button.ticket, ctx.person, note, ctx.now()
        )
    await notices.cancelled(ctx, cancelled)
    ctx.edit(
        ctx._(
            "✖ {ref} is cancelled: {reason}",
            ref=ticket_ref(cancelled.ticket),
            reason=cancelled.note,
        )
    )


@router.callback(KeepTicket, roles=MANAGERS)
async def keep_pressed(ctx: Context, button: KeepTicket) -> None:
    if in_dialog_for(ctx, button.ticket):
        await dialogs.end(ctx)
    ctx.edit(ctx._("{ref} is kept as it is.", ref=ticket_ref(button.ticket)))
