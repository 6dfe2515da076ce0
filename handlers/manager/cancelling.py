"""A manager cancels a ticket from its card, with a reason the customer and the engineer read.
Dialog ``mcancel``: step ``reason`` (typed), then ``confirm``. Any open ticket may be cancelled
by a manager, even with an engineer on the way; the service checks it again on confirming."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import inline
from bot.core.router import Router
from bot.services import cancelling
from handlers import cancelling as shared
from handlers import notices
from handlers.answers import typed
from handlers.manager.buttons import CancelTicketByManager, ConfirmCancel, KeepTicket
from handlers.manager.chat import MANAGERS
from handlers.texts import ticket_ref

router = Router()
DIALOG = "mcancel"


@router.callback(CancelTicketByManager, roles=MANAGERS)
async def cancel_pressed(ctx: Context, button: CancelTicketByManager) -> None:
    ticket = await cancelling.cancellable_by_manager(ctx.session, button.ticket, ctx.person)
    await dialogs.start(ctx, DIALOG, "reason", ticket_id=ticket.id)
    ctx.ask(
        ctx._(
            "Why is {ref} cancelled? Type the reason; the customer and the engineer will read it.",
            ref=ticket_ref(ticket),
        ),
        inline([shared.keep_button(ctx, KeepTicket(ticket=ticket.id))]),
    )


@router.dialog(DIALOG, step="reason", roles=MANAGERS)
async def reason_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = typed(ctx, N_("Please type why the request is cancelled."))
    if text is None:
        return
    ticket_id, note = int(ctx.dialog.data["ticket_id"]), text[: cancelling.MAX_REASON]
    dialogs.move(ctx, "confirm", note=note)
    shared.ask_to_confirm(
        ctx, ticket_id, note, ConfirmCancel(ticket=ticket_id), KeepTicket(ticket=ticket_id)
    )


@router.dialog(DIALOG, step="confirm", roles=MANAGERS)
async def confirm_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    ticket_id = int(ctx.dialog.data["ticket_id"])
    shared.press_yes_or_keep(ctx, ConfirmCancel(ticket=ticket_id), KeepTicket(ticket=ticket_id))


@router.callback(ConfirmCancel, roles=MANAGERS)
async def confirm_pressed(ctx: Context, button: ConfirmCancel) -> None:
    dialog = shared.require(ctx, DIALOG, button.ticket, "confirm")
    note = str(dialog.data.get("note") or "")
    await dialogs.end(ctx)
    async with ending_dialog():
        cancelled = await cancelling.by_manager(
            ctx.session, button.ticket, ctx.person, note, ctx.now()
        )
    await notices.cancelled(ctx, cancelled)
    ref = ticket_ref(cancelled.ticket)
    ctx.edit(ctx._("✖ {ref} is cancelled: {reason}", ref=ref, reason=cancelled.note))


@router.callback(KeepTicket, roles=MANAGERS)
async def keep_pressed(ctx: Context, button: KeepTicket) -> None:
    await shared.keep(ctx, DIALOG, button.ticket)
