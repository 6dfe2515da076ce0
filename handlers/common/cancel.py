"""/cancel: leave the dialog the person is in, saying whether anything was kept."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.chats import STAFF_ROOM
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.router import Router
from handlers.common.help import main_menu

router = Router()


@router.command("cancel", help=N_("stop the current action"), places=STAFF_ROOM)
async def cancel(ctx: Context) -> None:
    if ctx.dialog is None:
        ctx.send(ctx._("There is nothing to cancel."), main_menu(ctx))
        return
    kept = dialogs.keeps_progress(ctx)
    await dialogs.end(ctx)
    if not kept:
        ctx.send(ctx._("Cancelled. Nothing was sent."), main_menu(ctx))
    else:
        ctx.send(ctx._("Cancelled. What you had already saved is kept."), main_menu(ctx))
