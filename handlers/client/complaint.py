"""/complaint: a client tells the managers what went wrong, in a short dialog kept in the
database. The managers' alert carries the customer's latest requests with status and rating."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.router import Router
from bot.services import complaints
from handlers import notices
from handlers.answers import typed
from handlers.common.help import main_menu
from handlers.common.start import require_registration
from storage.models import Role

router = Router()
DIALOG = "complaint"
CLIENTS = (Role.CLIENT,)


@router.command("complaint", roles=CLIENTS, help=N_("tell the service managers what went wrong"))
async def complaint_command(ctx: Context) -> None:
    if not await require_registration(ctx):
        return
    await dialogs.start(ctx, DIALOG, "text")
    ctx.send(
        ctx._(
            "We are sorry something went wrong. Tell us what happened in a few sentences; "
            "a service manager will read it and get back to you. /cancel if you changed "
            "your mind."
        )
    )


@router.dialog(DIALOG, step="text", roles=CLIENTS)
async def complaint_text(ctx: Context) -> None:
    ask = N_("Please type your complaint in a few words, or /cancel.")
    text = typed(ctx, ask, complaints.MIN_TEXT)
    if text is None:
        return
    filed = await complaints.file(ctx.session, ctx.person, text, ctx.now())
    await dialogs.end(ctx)
    if await notices.complaint(ctx, filed):
        thanks = ctx._(
            "Thank you. Your complaint is with our service managers, and one of them will "
            "contact you soon."
        )
    else:  # no manager chat and no manager: say nothing we cannot keep
        thanks = ctx._(
            "Thank you. Your complaint is recorded; our service team will review it and "
            "contact you."
        )
    ctx.send(thanks, main_menu(ctx))
