"""A message outside any dialog that is a Telegram reply to a bot message about a ticket: a
customer's goes to that ticket, a staff member's reply to a relayed customer message goes to
that customer. Anything else gets the usual answer (:mod:`handlers.common.fallback`)."""

from __future__ import annotations

from bot.core.chats import STAFF_ROOM
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.router import Router
from handlers.common.fallback import fallback
from storage.models import Role

router = Router()


async def replied(ctx: Context) -> bool:
    from handlers.client.conversation import replied as customer_replied
    from handlers.talk import staff_replied

    if ctx.event.reply_to_message_id is None:
        return False
    if ctx.person.role is Role.CLIENT:
        # customers talk to the bot in private; in a group a reply is not addressed to it
        return ctx.event.chat_type == "private" and await customer_replied(ctx)
    return await staff_replied(ctx)


@router.on(EventKind.TEXT, places=STAFF_ROOM)
@router.on(EventKind.ATTACHMENT, places=STAFF_ROOM)
async def message_outside_dialogs(ctx: Context) -> None:
    if not await replied(ctx):
        await fallback(ctx)
