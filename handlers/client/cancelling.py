"""A customer cancels a request from /status: why (a reason button, or typed after "Other"),
then a confirmation. Dialog ``cancelticket``: step ``reason``, then ``confirm``.

The service decides whether it may still be cancelled (no engineer on the way yet), on the
first press and again on the confirmation; the engineer and the managers hear why.
"""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import cancelling
from bot.services.cancelling import Reason
from bot.services.errors import InvalidState
from handlers import notices
from handlers.answers import typed
from handlers.client.buttons import CancelConfirm, CancelKeep, CancelTicket, CancelWhy
from handlers.common.help import main_menu
from handlers.texts import CANCEL_REASON, cancel_reason, ticket_ref
from storage.models import Role

router = Router()
CLIENTS = (Role.CLIENT,)
DIALOG = "cancelticket"
STALE = N_("This button is no longer active.")


def in_dialog_for(ctx: Context, ticket_id: int, *steps: str) -> bool:
    dialog = ctx.dialog
    return (
        dialogs.is_in(ctx, DIALOG, *steps)
        and dialog is not None
        and dialog.data.get("ticket_id") == ticket_id
    )


@router.callback(CancelTicket, roles=CLIENTS)
async def cancel_pressed(ctx: Context, button: CancelTicket) -> None:
    ticket = await cancelling.cancellable_by_customer(ctx.session, button.ticket, ctx.person)
    await dialogs.start(ctx, DIALOG, "reason", ticket_id=ticket.id)
    reasons = [
        [Button(ctx._(CANCEL_REASON[reason]), CancelWhy(ticket=ticket.id, reason=reason).pack())]
        for reason in Reason
    ]
    ctx.send(
        ctx._(
            "Why do you want to cancel {ref}? Choose a reason or type it.",
            ref=ticket_ref(ticket),
        ),
        inline(*reasons, [keep_button(ctx, ticket.id)]),
    )


def keep_button(ctx: Context, ticket_id: int) -> Button:
    return Button(ctx._("« Keep the request"), CancelKeep(ticket=ticket_id).pack())


@router.callback(CancelWhy, roles=CLIENTS)
async def reason_pressed(ctx: Context, button: CancelWhy) -> None:
    if not in_dialog_for(ctx, button.ticket, "reason", "confirm"):
        raise InvalidState(STALE, alert=False)
    if button.reason is Reason.OTHER:
        dialogs.move(ctx, "reason")
        ctx.send(ctx._("Please type the reason in a few words."))
        return
    await ask_to_confirm(ctx, button.ticket, button.reason, "")


@router.dialog(DIALOG, step="reason", roles=CLIENTS)
async def reason_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = typed(ctx, N_("Please type the reason, or choose one of the buttons."))
    if text is None:
        return
    await ask_to_confirm(ctx, int(ctx.dialog.data["ticket_id"]), Reason.OTHER, text)


@router.dialog(DIALOG, step="confirm", roles=CLIENTS)
async def confirm_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    ticket_id = int(ctx.dialog.data["ticket_id"])
    ctx.send(
        ctx._("Press “Yes, cancel it” to cancel the request, or “Keep the request”."),
        confirm_keyboard(ctx, ticket_id),
    )


async def ask_to_confirm(ctx: Context, ticket_id: int, reason: Reason, note: str) -> None:
    dialogs.move(ctx, "confirm", reason=reason.value, note=note[: cancelling.MAX_REASON])
    ctx.send(
        ctx._(
            "Cancel {ref}? Reason: {reason}",
            ref=ticket_ref(ticket_id),
            reason=cancel_reason(ctx.t, reason, note),
        ),
        confirm_keyboard(ctx, ticket_id),
    )


def confirm_keyboard(ctx: Context, ticket_id: int) -> InlineKeyboard:
    return inline(
        [Button(ctx._("✅ Yes, cancel it"), CancelConfirm(ticket=ticket_id).pack())],
        [keep_button(ctx, ticket_id)],
    )


@router.callback(CancelConfirm, roles=CLIENTS)
async def confirm_pressed(ctx: Context, button: CancelConfirm) -> None:
    dialog = ctx.dialog
    if dialog is None or not in_dialog_for(ctx, button.ticket, "confirm"):
        raise InvalidState(STALE, alert=False)
    reason, note = Reason(dialog.data["reason"]), str(dialog.data.get("note") or "")
    await dialogs.end(ctx)
    async with ending_dialog():
        cancelled = await cancelling.by_customer(
            ctx.session, button.ticket, ctx.person, reason, note, ctx.now()
        )
    await notices.cancelled(ctx, cancelled)
    ctx.edit(ctx._("✖ {ref} is cancelled.", ref=ticket_ref(cancelled.ticket)))
    ctx.send(
        ctx._("{ref} is cancelled; the service team is told.", ref=ticket_ref(cancelled.ticket)),
        main_menu(ctx),
    )


@router.callback(CancelKeep, roles=CLIENTS)
async def keep_pressed(ctx: Context, button: CancelKeep) -> None:
    if in_dialog_for(ctx, button.ticket):
        await dialogs.end(ctx)
    ctx.edit(ctx._("{ref} is kept as it is.", ref=ticket_ref(button.ticket)))
