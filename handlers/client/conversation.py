"""A customer writes to a ticket: "💬 Write" under a ticket (in /status and under the service
team's messages), or a Telegram reply to any bot message about a ticket.

A reply finds its ticket by the message it answers (the outbox row that sent it), else by the
``#N`` of the customer's own tickets in that message's text: one is that ticket, several are
asked about with a button each (the message is held in the dialog meanwhile), none leaves the
message to the usual answers. The services check the ticket is the customer's and still open.
"""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import Attachment
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import conversation
from bot.services.errors import InvalidState
from bot.services.outbox import media_from_json, media_to_json
from handlers.client.buttons import PickTicket, WriteToTicket
from handlers.common.start import require_registration
from handlers.talk import DIALOG, message, message_or_ask, relay, start_writing
from handlers.texts import ticket_ref
from storage.models import Role, Ticket

router = Router()
CLIENTS = (Role.CLIENT,)
WRITE, PICK = "customer", "pick"
PROMPT = N_(
    "Write your message about {ref}: a text, a photo, a document, a voice note or a video. "
    "/cancel to stop."
)
GONE = N_("That message was already added to a request, or dropped.")


async def write_to(ctx: Context, ticket: Ticket, text: str, attachment: Attachment | None) -> None:
    said = await conversation.customer_writes(
        ctx.session, ticket, ctx.person, text, attachment, ctx.now(), ctx.settings
    )
    await relay(ctx, said)


# -- 💬 Write ---------------------------------------------------------------------------------
@router.callback(WriteToTicket, roles=CLIENTS)
async def write_pressed(ctx: Context, button: WriteToTicket) -> None:
    if not await require_registration(ctx):
        return
    ticket = await conversation.customer_ticket(ctx.session, button.ticket, ctx.person)
    await start_writing(ctx, ticket, WRITE, PROMPT)


@router.dialog(DIALOG, step=WRITE, roles=CLIENTS)
async def written(ctx: Context) -> None:
    said = message_or_ask(ctx)
    if said is None:
        return
    assert ctx.dialog is not None
    async with ending_dialog():
        ticket = await conversation.customer_ticket(
            ctx.session, int(ctx.dialog.data["ticket_id"]), ctx.person
        )
        await dialogs.end(ctx)
        await write_to(ctx, ticket, *said)


# -- a Telegram reply -------------------------------------------------------------------------
async def replied(ctx: Context) -> bool:
    """A customer's reply to a bot message about a ticket goes to that ticket; False when the
    message answers nothing about one of theirs."""
    said = message(ctx)
    event = ctx.event
    if said is None or event.reply_to_message_id is None or ctx.person.customer_id is None:
        return False
    ticket_id = await conversation.replied_ticket(
        ctx.session, event.chat_id, event.reply_to_message_id
    )
    if ticket_id is not None:
        ticket = await conversation.customer_ticket(ctx.session, ticket_id, ctx.person)
        await write_to(ctx, ticket, *said)
        return True
    named = await conversation.referenced_tickets(ctx.session, event.reply_to_text, ctx.person)
    if not named:
        return False
    if len(named) == 1:
        ticket = await conversation.customer_ticket(ctx.session, named[0].id, ctx.person)
        await write_to(ctx, ticket, *said)
        return True
    text, attachment = said
    held = [media_to_json(attachment)] if attachment is not None else []
    await dialogs.start(
        ctx, DIALOG, PICK, text=text, media=held, choices=[ticket.id for ticket in named]
    )
    rows = [[Button(ticket_ref(ticket), PickTicket(ticket=ticket.id).pack())] for ticket in named]
    ctx.send(ctx._("Which request is your message about?"), inline(*rows))
    return True


@router.callback(PickTicket, roles=CLIENTS)
async def ticket_picked(ctx: Context, button: PickTicket) -> None:
    if not dialogs.is_in(ctx, DIALOG, PICK):
        raise InvalidState(GONE)
    assert ctx.dialog is not None
    data = ctx.dialog.data
    if button.ticket not in data.get("choices", []):
        raise InvalidState(GONE)
    ticket = await conversation.customer_ticket(ctx.session, button.ticket, ctx.person)
    media = [media_from_json(item) for item in data.get("media", [])]
    await dialogs.end(ctx)
    ctx.answer()
    ctx.edit(ctx._("Your message is about {ref}.", ref=ticket_ref(ticket)))
    await write_to(ctx, ticket, str(data.get("text", "")), media[0] if media else None)


@router.dialog(DIALOG, step=PICK, roles=CLIENTS)
async def not_picked(ctx: Context) -> None:
    """Something else while the held message waits for its ticket: ask again."""
    ctx.send(ctx._("Please choose the request above, or /cancel to drop the message."))
