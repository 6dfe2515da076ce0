"""What an engineer adds to a job from its card: a note, photos, or the reason for handing the
job back to the board.

Photos are saved as they arrive (leaving the dialog keeps them); a note or a reason is a draft
until it is sent. When it is done, the card the dialog was started from is redrawn in place.
"""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.i18n import N_
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import jobs
from handlers import notices
from handlers.answers import typed
from handlers.engineer.buttons import AddNote, AddPhotos, HandBack, MyJobs, PhotosDone
from handlers.engineer.card import (
    DIALOG,
    ENGINEERS,
    card_message,
    from_card,
    job_step,
    my_job,
    next_jobs,
    refresh_card,
    wrong_step,
)
from handlers.texts import ticket_ref
from storage.models import Ticket

router = Router()
MIN_TEXT = 3
ASK = N_("Please type a few words, or /cancel.")
NOTE_PROMPT = N_("Type the note for {ref}.")
HAND_BACK_PROMPT = N_(
    "Why are you handing {ref} back? The reason goes into its timeline, and the job "
    "returns to the board for another engineer. /cancel keeps it yours."
)


async def job_at_work(ctx: Context, ticket_id: int) -> Ticket | None:
    """The engineer's job if it is still being worked; None (after saying so) if not."""
    ticket = await my_job(ctx, ticket_id)
    if ticket.status not in jobs.WORKING_STATUSES:
        await wrong_step(ctx, ticket)
        return None
    return ticket


async def ask_for_text(ctx: Context, ticket_id: int, step: str, prompt: str) -> None:
    """Start the job dialog at ``step`` with ``prompt``."""
    ticket = await job_at_work(ctx, ticket_id)
    if ticket is None:
        return
    ctx.answer()
    await dialogs.start(ctx, DIALOG, step, ticket_id=ticket.id, **from_card(ctx))
    ctx.send(ctx._(prompt, ref=ticket_ref(ticket)))


# -- a note ---------------------------------------------------------------------------------
@router.callback(AddNote, roles=ENGINEERS)
async def add_note(ctx: Context, button: AddNote) -> None:
    await ask_for_text(ctx, button.ticket, "note", NOTE_PROMPT)


@job_step(router, "note")
async def note_typed(ctx: Context, ticket: Ticket) -> None:
    text = typed(ctx, ASK, MIN_TEXT)
    if text is None:
        return
    await jobs.add_note(ctx.session, ticket, ctx.person, text[:3000], ctx.now())
    card = card_message(ctx)
    await dialogs.end(ctx)
    ctx.send(ctx._("Note added to {ref}.", ref=ticket_ref(ticket)))
    await refresh_card(ctx, ticket, card)


# -- handing the job back -------------------------------------------------------------------
@router.callback(HandBack, roles=ENGINEERS)
async def hand_back(ctx: Context, button: HandBack) -> None:
    await ask_for_text(ctx, button.ticket, "hand", HAND_BACK_PROMPT)


@job_step(router, "hand")
async def reason_typed(ctx: Context, ticket: Ticket) -> None:
    text = typed(ctx, ASK, MIN_TEXT)
    if text is None:
        return
    moved = await jobs.hand_back(
        ctx.session, ticket, ctx.person, text[:1000], ctx.now(), ctx.settings
    )
    card = card_message(ctx)
    await dialogs.end(ctx)
    await notices.job_moved(ctx, moved)
    ref = ticket_ref(ticket)
    ctx.send(
        ctx._("{ref} is back on the board. Thank you for saying why.", ref=ref), next_jobs(ctx)
    )
    if card is not None:  # the card of a job no longer theirs
        mine = inline([Button(ctx._("« My jobs"), MyJobs().pack())])
        ctx.edit(ctx._("↩ {ref} was handed back.", ref=ref), mine, message_id=card)


# -- photos ---------------------------------------------------------------------------------
def photos_done(ctx: Context, ticket: Ticket) -> InlineKeyboard:
    return inline([Button(ctx._("Done"), PhotosDone(ticket=ticket.id).pack())])


def ask_for_photos(ctx: Context, ticket: Ticket) -> None:
    ctx.send(
        ctx._("Send photos for {ref}, then press Done.", ref=ticket_ref(ticket)),
        photos_done(ctx, ticket),
    )


@router.callback(AddPhotos, roles=ENGINEERS)
async def add_photos(ctx: Context, button: AddPhotos) -> None:
    ticket = await job_at_work(ctx, button.ticket)
    if ticket is None:
        return
    ctx.answer()
    await dialogs.start(
        ctx, DIALOG, "photos", keeps_progress=True, ticket_id=ticket.id, count=0, **from_card(ctx)
    )
    ask_for_photos(ctx, ticket)


@job_step(router, "photos")
async def photo_sent(ctx: Context, ticket: Ticket) -> None:
    event = ctx.event
    if event.kind is not EventKind.ATTACHMENT:
        ask_for_photos(ctx, ticket)
        return
    caption = event.text.strip() or None
    await jobs.add_attachment(
        ctx.session, ticket, ctx.person, event.attachments[0], ctx.now(), caption
    )
    count = int(ctx.dialog.data.get("count", 0)) + 1 if ctx.dialog else 1
    dialogs.move(ctx, "photos", count=count)
    ctx.send(
        ctx.ngettext(
            "{n} photo added to {ref}. Send more or press Done.",
            "{n} photos added to {ref}. Send more or press Done.",
            count,
            ref=ticket_ref(ticket),
        ),
        photos_done(ctx, ticket),
    )


@router.callback(PhotosDone, roles=ENGINEERS)
async def photos_finished(ctx: Context, button: PhotosDone) -> None:
    """Done: the pressed message loses its button, and the card (redrawn in place when it is
    known) counts the photos."""
    ticket = await my_job(ctx, button.ticket)
    ctx.answer()
    card = None
    if dialogs.is_in(ctx, DIALOG, "photos"):
        card = card_message(ctx)
        count = int(ctx.dialog.data.get("count", 0)) if ctx.dialog else 0
        await dialogs.end(ctx)
        ctx.edit(
            ctx.ngettext(
                "{n} photo added to {ref}.",
                "{n} photos added to {ref}.",
                count,
                ref=ticket_ref(ticket),
            )
        )
    await refresh_card(ctx, ticket, card)
