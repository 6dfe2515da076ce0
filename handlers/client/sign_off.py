"""The customer's sign-off of a resolved job: confirmed and rated, or not fixed.

:class:`ConfirmWork` closes the job and asks for a rating (:class:`Rate`), then an optional
comment (dialog ``feedback``, :class:`SkipComment`). :class:`NotFixed` asks what is still wrong
(dialog ``notfixed``, :class:`SkipReason`) and reopens the job to the same engineer.
Resolved jobs nobody signs off are closed by :mod:`handlers.notices.auto_close`, which offers
the rating too.
"""

from __future__ import annotations

from bot.core import dialogs
from bot.core.buttons import parse_int
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import closing
from bot.services.errors import InvalidState
from handlers import notices
from handlers.answers import typed
from handlers.client.buttons import ConfirmWork, NotFixed, Rate, SkipComment, SkipReason
from handlers.common.help import main_menu
from handlers.common.service_report import issue_and_send
from handlers.notices.customers import rating_keyboard
from handlers.texts import ticket_ref
from storage.models import Role, TicketKind

router = Router()
CLIENTS = (Role.CLIENT,)


# -- confirmed ------------------------------------------------------------------------------------
@router.callback(ConfirmWork, roles=CLIENTS)
async def confirm_button(ctx: Context, button: ConfirmWork) -> None:
    confirmed = await closing.confirm(ctx.session, button.ticket, ctx.person, ctx.now())
    ticket = confirmed.ticket
    ctx.edit(ctx._("Thank you! {ref} is closed.", ref=ticket_ref(ticket)))
    await issue_and_send(ctx, ticket, ctx.person)
    ctx.send(
        ctx._("How would you rate the work? 1 is poor, 5 is excellent."),
        rating_keyboard(ticket.id),
    )
    await notices.confirmed(ctx, confirmed)


# -- not fixed ------------------------------------------------------------------------------------
@router.callback(NotFixed, roles=CLIENTS)
async def not_fixed_button(ctx: Context, button: NotFixed) -> None:
    ticket = await closing.awaiting_confirmation(ctx.session, button.ticket, ctx.person)
    await dialogs.start(ctx, "notfixed", "reason", ticket_id=ticket.id)
    if ticket.kind is TicketKind.BREAKDOWN:
        ask = ctx._("Sorry about that. What is still wrong? Type it, or press Skip.")
    else:
        ask = ctx._("What are your remarks on the work? Type them, or press Skip.")
    ctx.send(
        ask,
        inline([Button(ctx._("Skip"), SkipReason(ticket=ticket.id).pack())]),
    )


@router.callback(SkipReason, roles=CLIENTS)
async def skip_reason_button(ctx: Context, button: SkipReason) -> None:
    dialog = ctx.dialog
    if dialog is None or dialog.name != "notfixed" or dialog.data["ticket_id"] != button.ticket:
        raise InvalidState(N_("This button is no longer active."), alert=False)
    await reopen(ctx, button.ticket, "")


@router.dialog("notfixed", step="reason", roles=CLIENTS)
async def not_fixed_reason(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = typed(ctx, N_("Please describe what is still wrong, or press Skip."))
    if text is None:
        return
    await reopen(ctx, int(ctx.dialog.data["ticket_id"]), text)


async def reopen(ctx: Context, ticket_id: int, reason: str) -> None:
    """Back to the engineer; refused, the dialog ends with the refusal."""
    await dialogs.end(ctx)
    async with ending_dialog(N_("This request is not waiting for your confirmation.")):
        reopened = await closing.not_fixed(
            ctx.session, ticket_id, ctx.person, reason, ctx.now(), ctx.settings
        )
    await notices.reopened(ctx, reopened)
    ctx.send(
        ctx._(
            "{ref} is reopened, and the engineer is told. We will be in touch soon.",
            ref=ticket_ref(reopened.ticket),
        ),
        main_menu(ctx),
    )


# -- rating and comment ---------------------------------------------------------------------------
@router.callback(Rate, roles=CLIENTS)
async def rating_button(ctx: Context, button: Rate) -> None:
    rating = parse_int(button.stars, minimum=min(closing.RATINGS), maximum=max(closing.RATINGS))
    if rating is None:
        raise InvalidState(N_("Ratings are from 1 to 5."))
    rated = await closing.rate(ctx.session, button.ticket, ctx.person, rating, ctx.now())
    await notices.rated(ctx, rated)
    ctx.edit(ctx._("Your rating: {stars}", stars="⭐" * rating))
    await dialogs.start(ctx, "feedback", "comment", keeps_progress=True, ticket_id=button.ticket)
    ctx.send(
        ctx._("Thank you! Would you like to add a comment? Type it, or press Skip."),
        inline([Button(ctx._("Skip"), SkipComment(ticket=button.ticket).pack())]),
    )


@router.callback(SkipComment, roles=CLIENTS)
async def skip_comment_button(ctx: Context, button: SkipComment) -> None:
    if dialogs.is_in(ctx, "feedback"):
        await dialogs.end(ctx)
    ctx.edit(ctx._("Thank you for your feedback!"))


@router.dialog("feedback", step="comment", roles=CLIENTS)
async def feedback_comment(ctx: Context) -> None:
    """The comment; refused, the dialog ends with the refusal."""
    assert ctx.dialog is not None
    text = typed(ctx, N_("Please type your comment, or press Skip."))
    if text is None:
        return
    ticket_id = int(ctx.dialog.data["ticket_id"])
    await dialogs.end(ctx)
    async with ending_dialog(N_("This request does not take a comment now.")):
        commented = await closing.comment(ctx.session, ticket_id, ctx.person, text, ctx.now())
    await notices.rating_comment(ctx, commented)
    ctx.send(ctx._("Thank you! Your comment is passed to the service team."), main_menu(ctx))
