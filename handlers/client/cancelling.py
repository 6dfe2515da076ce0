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
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import cancelling
from bot.services.cancelling import Reason
from handlers import cancelling as shared
from handlers import notices
from handlers.answers import typed
from handlers.client.buttons import CancelConfirm, CancelKeep, CancelTicket, CancelWhy
from handlers.common.help import main_menu
from handlers.texts import CANCEL_REASON, cancel_reason, ticket_ref
from storage.models import Role

router = Router()
CLIENTS = (Role.CLIENT,)
DIALOG = "cancelticket"


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
        inline(*reasons, [shared.keep_button(ctx, CancelKeep(ticket=ticket.id))]),
    )


@router.callback(CancelWhy, roles=CLIENTS)
async def reason_pressed(ctx: Context, button: CancelWhy) -> None:
    shared.require(ctx, DIALOG, button.ticket, "reason", "confirm")
    if button.reason is Reason.OTHER:
        dialogs.move(ctx, "reason")
        ctx.send(ctx._("Please type the reason in a few words."))
        return
    ask_to_confirm(ctx, button.ticket, button.reason, "")


@router.dialog(DIALOG, step="reason", roles=CLIENTS)
async def reason_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = typed(ctx, N_("Please type the reason, or choose one of the buttons."))
    if text is None:
        return
    ask_to_confirm(ctx, int(ctx.dialog.data["ticket_id"]), Reason.OTHER, text)


def ask_to_confirm(ctx: Context, ticket_id: int, reason: Reason, note: str) -> None:
    note = note[: cancelling.MAX_REASON]
    dialogs.move(ctx, "confirm", reason=reason.value, note=note)
    shared.ask_to_confirm(
        ctx,
        ticket_id,
        cancel_reason(ctx.t, reason, note),
        CancelConfirm(ticket=ticket_id),
        CancelKeep(ticket=ticket_id),
    )


@router.dialog(DIALOG, step="confirm", roles=CLIENTS)
async def confirm_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    ticket_id = int(ctx.dialog.data["ticket_id"])
    shared.press_yes_or_keep(ctx, CancelConfirm(ticket=ticket_id), CancelKeep(ticket=ticket_id))


@router.callback(CancelConfirm, roles=CLIENTS)
async def confirm_pressed(ctx: Context, button: CancelConfirm) -> None:
    dialog = shared.require(ctx, DIALOG, button.ticket, "confirm")
    reason, note = Reason(dialog.data["reason"]), str(dialog.data.get("note") or "")
    await dialogs.end(ctx)
    async with ending_dialog():
        cancelled = await cancelling.by_customer(
            ctx.session, button.ticket, ctx.person, reason, note, ctx.now()
        )
    await notices.cancelled(ctx, cancelled)
    ref = ticket_ref(cancelled.ticket)
    ctx.edit(ctx._("✖ {ref} is cancelled.", ref=ref))
    ctx.send(ctx._("{ref} is cancelled; the service team is told.", ref=ref), main_menu(ctx))


@router.callback(CancelKeep, roles=CLIENTS)
async def keep_pressed(ctx: Context, button: CancelKeep) -> None:
    await shared.keep(ctx, DIALOG, button.ticket)
