"""What every role's side of a conversation through a ticket shares: reading the message a
person sent, relaying it with a short confirmation, answering a relayed message by a Telegram
reply, and sending a ticket's files again."""

from __future__ import annotations

from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import Attachment, EventKind
from bot.core.i18n import N_
from bot.core.replies import albums
from bot.services import conversation, tickets
from bot.services.conversation import Said
from handlers import notices
from handlers.notices import conversation as relayed
from handlers.texts import ticket_ref
from storage.models import Ticket

DIALOG = "talk"  # the customers' and managers' dialog; engineers write in their job dialog
MESSAGE_PROMPT = N_(
    "Type your message to the customer about {ref}, or send a photo, a document, a voice note "
    "or a video. /cancel to stop."
)
ASK_MESSAGE = N_(
    "Please send a text, a photo, a document, a voice note or a video, or /cancel to stop."
)


def message(ctx: Context) -> tuple[str, Attachment | None] | None:
    """The text and file (with its caption) the person just sent; None for anything else."""
    event = ctx.event
    if event.kind is EventKind.TEXT and event.text.strip():
        return event.text, None
    if event.kind is EventKind.ATTACHMENT and event.attachments:
        return event.text, event.attachments[0]
    return None


async def start_writing(
    ctx: Context, ticket: Ticket, step: str, prompt: str, dialog: str = DIALOG, **data: Any
) -> None:
    """Start writing about ``ticket`` (if it still takes messages) at ``step`` of ``dialog``
    (with ``data`` kept in it) and ask for the message."""
    conversation.may_talk(ticket, ctx.person)
    ctx.answer()
    await dialogs.start(ctx, dialog, step, ticket_id=ticket.id, **data)
    ctx.ask(ctx._(prompt, ref=ticket_ref(ticket)))


def message_or_ask(ctx: Context) -> tuple[str, Attachment | None] | None:
    """:func:`message`, or None after asking again for one."""
    said = message(ctx)
    if said is None:
        ctx.send(ctx._(ASK_MESSAGE))
    return said


async def relay(ctx: Context, said: Said) -> None:
    """Send what was said on to the other side, and tell the author it went; when its
    recipient is known to have blocked the bot, that it is kept on the ticket."""
    passed = await relayed.said(ctx, said)
    if said.moved is not None:  # the job waits for the customer, or their answer resumed it
        await notices.job_moved(ctx, said.moved)
    ref = ticket_ref(said.ticket)
    recipient = said.recipient
    if not passed:
        text = ctx._("✅ Added to {ref}.", ref=ref)
    elif said.from_customer and said.to_managers:
        text = ctx._("✅ Added to {ref} and passed to our service team.", ref=ref)
    elif said.from_customer:
        text = ctx._("✅ Added to {ref} and passed to the engineer.", ref=ref)
    elif said.question:
        assert recipient is not None
        text = ctx._(
            "✅ Question sent to {name}. {ref} now waits for their answer, with the deadline "
            "paused.",
            name=recipient.name,
            ref=ref,
        )
    else:
        assert recipient is not None
        text = ctx._("✅ Sent to {name} on {ref}.", name=recipient.name, ref=ref)
    if recipient is not None and recipient.unreachable:
        text += "\n" + ctx._(
            "{name} cannot receive messages from the bot at the moment (it may be blocked). "
            "Your message is kept on {ref}.",
            name=recipient.name,
            ref=ref,
        )
    ctx.send(text)


async def staff_replied(ctx: Context) -> bool:
    """A member of staff answered a relayed customer message by a Telegram reply: it goes to
    that ticket's customer. False when the message replies to nothing of the kind."""
    said = message(ctx)
    replied_to = ctx.event.reply_to_message_id
    if said is None or replied_to is None:
        return False
    ticket_id = await conversation.replied_ticket(
        ctx.session, ctx.event.chat_id, replied_to, frozenset({relayed.CUSTOMER_MESSAGE})
    )
    if ticket_id is None:
        return False
    ticket = await conversation.staff_ticket(ctx.session, ticket_id, ctx.person)
    text, attachment = said
    await relay(
        ctx,
        await conversation.staff_writes(
            ctx.session, ticket, ctx.person, text, attachment, ctx.now(), ctx.settings
        ),
    )
    return True


async def send_files(ctx: Context, ticket: Ticket) -> None:
    """The ticket's files again, by their Telegram file ids: photos and videos as albums,
    documents grouped, voice notes one by one, each message captioned with the ticket."""
    files = await tickets.attachments(ctx.session, ticket.id)
    ref = ticket_ref(ticket)
    if not files:
        ctx.answer(ctx._("{ref} has no files yet.", ref=ref), alert=True)
        return
    ctx.answer()
    groups = albums(files)
    for number, group in enumerate(groups, start=1):
        if len(groups) == 1:
            caption = ctx._("📎 Files of {ref}", ref=ref)
        else:
            caption = ctx._(
                "📎 Files of {ref} ({n} of {total})", ref=ref, n=number, total=len(groups)
            )
        ctx.send(caption, media=group)
