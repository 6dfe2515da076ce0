"""The customer's sign-off of a resolved job, and closing what nobody signed off.

:class:`ConfirmWork` closes the job and asks for a rating (:class:`Rate`), then an optional
comment (dialog ``feedback``, :class:`SkipComment`). :class:`NotFixed` asks what is still wrong
(dialog ``notfixed``, :class:`SkipReason`) and reopens the job to the same engineer.
:func:`auto_close_job` closes resolved jobs after ``auto_close_days`` and offers the rating.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core import dialogs
from bot.core.buttons import parse_int
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.i18n import N_, Catalogs, Translator
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, InlineKeyboard, Markup, inline
from bot.core.router import Router
from bot.services import closing
from bot.services.errors import InvalidState
from handlers import notices
from handlers.client.buttons import ConfirmWork, NotFixed, Rate, SkipComment, SkipReason
from handlers.common.help import main_menu
from handlers.notices import Background, Render
from handlers.texts import ticket_ref
from storage.models import Person, Role, Ticket

router = Router()
CLIENTS = (Role.CLIENT,)


# -- confirmed ------------------------------------------------------------------------------------
@router.callback(ConfirmWork, roles=CLIENTS)
async def confirm_button(ctx: Context, button: ConfirmWork) -> None:
    ticket = await closing.confirm(ctx.session, button.ticket, ctx.person, ctx.now())
    ctx.edit(ctx._("Thank you! {ref} is closed.", ref=ticket_ref(ticket)))
    ctx.send(
        ctx._("How would you rate the work? 1 is poor, 5 is excellent."),
        rating_keyboard(ticket.id),
    )
    engineer = await assigned_engineer(ctx, ticket)
    if engineer is not None:
        await notices.to_person(ctx, engineer, confirmed_note(ticket), kind="confirmed")


async def assigned_engineer(ctx: Context, ticket: Ticket) -> Person | None:
    if ticket.engineer_id is None:
        return None
    return await ctx.session.get(Person, ticket.engineer_id)


def confirmed_note(ticket: Ticket) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        return t._("The customer confirmed {ref}: it is closed.", ref=ticket_ref(ticket)), None

    return render


# -- not fixed ------------------------------------------------------------------------------------
@router.callback(NotFixed, roles=CLIENTS)
async def not_fixed_button(ctx: Context, button: NotFixed) -> None:
    ticket = await closing.awaiting_confirmation(ctx.session, button.ticket, ctx.person)
    await dialogs.start(ctx, "notfixed", "reason", ticket_id=ticket.id)
    ctx.send(
        ctx._("Sorry about that. What is still wrong? Type it, or press Skip."),
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
    text = ctx.event.text.strip()
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.send(ctx._("Please describe what is still wrong, or press Skip."))
        return
    await reopen(ctx, int(ctx.dialog.data["ticket_id"]), text)


async def reopen(ctx: Context, ticket_id: int, reason: str) -> None:
    """Back to the engineer; refused, the dialog ends with the refusal."""
    await dialogs.end(ctx)
    async with ending_dialog(N_("This request is not waiting for your confirmation.")):
        ticket = await closing.not_fixed(
            ctx.session, ticket_id, ctx.person, reason, ctx.now(), ctx.settings
        )
    engineer = await assigned_engineer(ctx, ticket)
    if engineer is not None:
        await notices.to_person(ctx, engineer, reopened_note(ticket, reason), kind="reopened")
    await notices.reopened(ctx, ticket, reason)
    ctx.send(
        ctx._(
            "{ref} is reopened, and the engineer is told. We will be in touch soon.",
            ref=ticket_ref(ticket),
        ),
        main_menu(ctx),
    )


def reopened_note(ticket: Ticket, reason: str) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._("The customer says {ref} is not fixed; it is yours again.", ref=ticket_ref(ticket))
        ]
        if reason:
            lines.append(t._("What is still wrong: {reason}", reason=reason))
        return "\n".join(lines), None

    return render


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
    text = ctx.event.text.strip()
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.send(ctx._("Please type your comment, or press Skip."))
        return
    ticket_id = int(ctx.dialog.data["ticket_id"])
    await dialogs.end(ctx)
    async with ending_dialog(N_("This request takes no comment now.")):
        commented = await closing.comment(ctx.session, ticket_id, ctx.person, text, ctx.now())
    await notices.rating_comment(ctx, commented)
    ctx.send(ctx._("Thank you! Your comment is passed to the service team."), main_menu(ctx))


def rating_keyboard(ticket_id: int) -> InlineKeyboard:
    """⭐1…⭐5; shared by the sign-off and the automatic close message."""
    return inline(
        [Button(f"⭐{n}", Rate(ticket=ticket_id, stars=str(n)).pack()) for n in closing.RATINGS]
    )


# -- closed automatically -------------------------------------------------------------------------
async def auto_close_job(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Scheduler job: close what customers did not confirm in time and tell them, in their
    language, with a last chance to rate the work."""
    days = settings.auto_close_days
    closed = await closing.auto_close(session, now, days)
    for ticket in closed:
        render = auto_closed_note(ticket, days)
        for person in await closing.customer_recipients(session, ticket):
            await notices.to_person(
                Background(session, settings, catalogs, now), person, render, kind="auto_closed"
            )
    return len(closed)


def auto_closed_note(ticket: Ticket, days: int) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t.ngettext(
            "{ref} was closed automatically: {n} day passed since it was resolved. "
            "If the problem is back, please report it again with /report. "
            "How would you rate the work?",
            "{ref} was closed automatically: {n} days passed since it was resolved. "
            "If the problem is back, please report it again with /report. "
            "How would you rate the work?",
            days,
            ref=ticket_ref(ticket),
        )
        return text, rating_keyboard(ticket.id)

    return render
