"""A manager writes to a ticket's customer ("💬 Write to customer" on the card and the alerts)
and opens its files ("📎 Attachments"), in the managers' chat or in private."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.refusals import ending_dialog
from bot.core.router import Router
from bot.services import conversation
from handlers.manager.buttons import TicketFiles, WriteCustomer
from handlers.manager.card import existing
from handlers.manager.chat import MANAGERS
from handlers.talk import DIALOG, MESSAGE_PROMPT, message_or_ask, relay, send_files, start_writing

router = Router()
WRITE = "manager"


@router.callback(WriteCustomer, roles=MANAGERS)
async def write_pressed(ctx: Context, button: WriteCustomer) -> None:
    ticket = await conversation.staff_ticket(ctx.session, button.ticket, ctx.person)
    await start_writing(ctx, ticket, WRITE, MESSAGE_PROMPT)


@router.dialog(DIALOG, step=WRITE, roles=MANAGERS)
async def written(ctx: Context) -> None:
    said = message_or_ask(ctx)
    if said is None:
        return
    assert ctx.dialog is not None
    text, attachment = said
    async with ending_dialog():
        ticket = await conversation.staff_ticket(
            ctx.session, int(ctx.dialog.data["ticket_id"]), ctx.person
        )
        await dialogs.end(ctx)
        done = await conversation.staff_writes(
            ctx.session, ticket, ctx.person, text, attachment, ctx.now(), ctx.settings
        )
        await relay(ctx, done)


@router.callback(TicketFiles, roles=MANAGERS)
async def files_pressed(ctx: Context, button: TicketFiles) -> None:
    await send_files(ctx, await existing(ctx, button.ticket))
