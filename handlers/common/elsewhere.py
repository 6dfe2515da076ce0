"""The answer to a command or button used in a chat where it has no place (see
:mod:`bot.core.chats`): a group the bot is in, a channel, or the managers' chat for a
command that is not the managers'. A button press is told briefly; a command gets one polite
pointer to the private chat, once per person and chat (remembered in the database), and
never any data. Anything else said in a group is not addressed to the bot.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.router import Router
from storage import throttles

router = Router()


def private_link(ctx: Context) -> str | None:
    username = (ctx.settings.bot_username or "").lstrip("@")
    return f"https://t.me/{username}" if username else None


async def elsewhere(ctx: Context) -> None:
    if ctx.event.kind is EventKind.CALLBACK:
        ctx.answer(ctx._("This works in our private chat only."), alert=True)
        return
    if ctx.event.kind is not EventKind.COMMAND:
        return
    key = f"elsewhere:{ctx.event.chat_id}:{ctx.person.id}"
    if await throttles.hit(ctx.session, key, ctx.now(), throttles.FOREVER) > 1:
        return  # told once already
    link = private_link(ctx)
    if link is None:
        text = ctx._(
            "{name}, we answer this only in a private chat, so that nothing of yours is shown "
            "here. Please open a private chat with the bot and write there.",
            name=ctx.event.user_name,
        )
    else:
        text = ctx._(
            "{name}, we answer this only in a private chat, so that nothing of yours is shown "
            "here. Please write to the bot there: {link}",
            name=ctx.event.user_name,
            link=link,
        )
    ctx.send(text)


router.elsewhere = elsewhere
