"""What a customer's and a manager's cancelling share (:mod:`handlers.client.cancelling`,
:mod:`handlers.manager.cancelling`): which ticket a dialog is about, the question "Cancel #42?
Reason: …" with its Yes and Keep buttons, and keeping the request."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.buttons import ButtonData
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, InlineKeyboard, inline
from bot.services.errors import InvalidState
from handlers.texts import ticket_ref
from storage.models import Dialog

STALE = N_("This button is no longer active.")


def about(ctx: Context, name: str, ticket_id: int, *steps: str) -> Dialog | None:
    """The person's dialog ``name`` (at one of ``steps``, if given) if it is about
    ``ticket_id``; None otherwise."""
    dialog = ctx.dialog
    if dialog is None or not dialogs.is_in(ctx, name, *steps):
        return None
    return dialog if dialog.data.get("ticket_id") == ticket_id else None


def require(ctx: Context, name: str, ticket_id: int, *steps: str) -> Dialog:
    """:func:`about`, refusing a button pressed outside that dialog (stale, or forged)."""
    dialog = about(ctx, name, ticket_id, *steps)
    if dialog is None:
        raise InvalidState(STALE, alert=False)
    return dialog


def keep_button(ctx: Context, keep: ButtonData) -> Button:
    return Button(ctx._("« Keep the request"), keep.pack())


def confirm_keyboard(ctx: Context, yes: ButtonData, keep: ButtonData) -> InlineKeyboard:
    return inline([Button(ctx._("✅ Yes, cancel it"), yes.pack())], [keep_button(ctx, keep)])


def ask_to_confirm(
    ctx: Context, ticket_id: int, reason: str, yes: ButtonData, keep: ButtonData
) -> None:
    ctx.send(
        ctx._("Cancel {ref}? Reason: {reason}", ref=ticket_ref(ticket_id), reason=reason),
        confirm_keyboard(ctx, yes, keep),
    )


def press_yes_or_keep(ctx: Context, yes: ButtonData, keep: ButtonData) -> None:
    """Anything typed on the confirmation."""
    ctx.send(
        ctx._("Press “Yes, cancel it” to cancel the request, or “Keep the request”."),
        confirm_keyboard(ctx, yes, keep),
    )


async def keep(ctx: Context, name: str, ticket_id: int) -> None:
    """Changed their mind: the dialog about the ticket ends and the ticket stays as it is."""
    if about(ctx, name, ticket_id) is not None:
        await dialogs.end(ctx)
    ctx.edit(ctx._("{ref} is kept as it is.", ref=ticket_ref(ticket_id)))
