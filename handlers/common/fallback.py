"""The answers when no handler fits: an unknown command or text, a stale or forged button,
and a command or button outside the person's role."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.router import Router
from handlers.client.offer import offer_report
from handlers.common.help import main_menu, not_understood
from handlers.common.start import ask_for_phone, is_registered

router = Router()


async def fallback(ctx: Context) -> None:
    """Anything no handler claimed: never silence in a private chat."""
    if ctx.event.chat_type != "private":
        ctx.answer()  # a stale button in a group; group chatter is not addressed to the bot
        return
    if ctx.event.kind is EventKind.CALLBACK:
        ctx.answer(ctx._("This button is no longer active."))
        return
    if not is_registered(ctx):
        ask_for_phone(ctx)
        return
    if ctx.event.kind is EventKind.TEXT and await offer_report(ctx):
        return
    if ctx.event.kind is EventKind.COMMAND:
        text = ctx._(
            "There is no such command. The buttons below show what you can do; "
            "/help explains each one."
        )
        ctx.send(text, main_menu(ctx))
    else:
        not_understood(ctx)


async def denied(ctx: Context) -> None:
    """A command or button outside this person's role: refused, nothing changes."""
    if ctx.event.kind is EventKind.CALLBACK:
        ctx.answer(ctx._("This action is not available to you."), alert=True)
        return
    ctx.send(ctx._("This command is not available to you."), main_menu(ctx))


router.fallback = fallback
router.denied = denied
router.menu = main_menu
