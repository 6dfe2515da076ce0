"""Resolving a job and the customer's sign-off.

Engineer: ``rs:<ticket>`` → blocked with the list of failed or missing required checks, or
the dialog ``resolve`` asks for a resolution note → resolved; the customer gets the note and
the test summary in their language with ``cf:ok:<ticket>`` / ``cf:no:<ticket>``.
``rs:cancel:<ticket>`` leaves the note dialog.

Customer: ``cf:ok`` closes and asks for a rating ``rt:<ticket>:<1-5>``, then an optional
comment (dialog ``feedback``, ``rt:skip:<ticket>``). ``cf:no`` asks what is still wrong
(dialog ``notfixed``, ``cf:skip:<ticket>``) and reopens the job to the same engineer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Button, InlineKeyboard, Markup, inline
from bot.core.router import Router
from bot.services import checklists, closing
from bot.services.checklists import CheckOutcome
from bot.services.closing import ChecksIncomplete
from bot.services.errors import InvalidState, NotFound
from handlers import alerts
from handlers.common.help import main_menu
from handlers.engineer_tests import outcome_line, summary_lines
from handlers.notifications import Render, notify, notify_person
from handlers.texts import ticket_ref
from storage.models import Person, Role, Ticket

router = Router()
ENGINEERS = (Role.ENGINEER,)
CLIENTS = (Role.CLIENT,)
MIN_NOTE = 3


def refuse(ctx: Context, text: str) -> None:
    ctx.answer(text, alert=True)


# -- the engineer resolves ------------------------------------------------------------------------
@router.callback("rs", roles=ENGINEERS)
async def resolve_button(ctx: Context) -> None:
    parts = ctx.event.button_fields
    if len(parts) == 2 and parts[0] == "cancel" and parts[1].isdigit():
        if dialogs.is_in(ctx, "resolve"):
            await dialogs.end(ctx)
        ctx.answer()
        ctx.edit(ctx._("Not resolved. The job stays open."))
        return
    if len(parts) != 1 or not parts[0].isdigit():
        ctx.answer(ctx._("This button is no longer active."))
        return
    ticket_id = int(parts[0])
    try:
        ticket = await closing.job_to_resolve(ctx.session, ticket_id, ctx.person)
    except NotFound:
        refuse(ctx, ctx._("This job is not assigned to you."))
        return
    except ChecksIncomplete as blocked:
        ctx.answer()
        show_blocked(ctx, ticket_id, blocked.outcomes)
        return
    except InvalidState:
        refuse(ctx, ctx._("This job is already resolved or closed."))
        return
    ctx.answer()
    await dialogs.start(ctx, "resolve", "note", ticket_id=ticket.id)
    ctx.send(
        ctx._(
            "Resolving {ref}. What was done? Type a short note for the customer.",
            ref=ticket_ref(ticket),
        ),
        inline([Button(ctx._("✖ Cancel"), f"rs:cancel:{ticket.id}")]),
    )


def show_blocked(ctx: Context, ticket_id: int, outcomes: Sequence[CheckOutcome]) -> None:
    lines = [
        ctx._(
            "{ref} cannot be resolved yet. These required checks failed or are not logged:",
            ref=ticket_ref(ticket_id),
        )
    ]
    lines += [outcome_line(ctx.t, outcome) for outcome in outcomes]
    ctx.send("\n".join(lines), inline([Button(ctx._("🔁 Log tests"), f"ts:start:{ticket_id}")]))


@router.dialog("resolve", roles=ENGINEERS)
async def resolution_note(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = ctx.event.text.strip()
    ticket_id = int(ctx.dialog.data["ticket_id"])
    if ctx.event.kind is not EventKind.TEXT or len(text) < MIN_NOTE:
        ctx.send(ctx._("Please type a few words about what was done."))
        return
    try:
        ticket = await closing.resolve(
            ctx.session, ticket_id, ctx.person, text, ctx.now(), ctx.settings
        )
    except ChecksIncomplete as blocked:
        await dialogs.end(ctx)
        show_blocked(ctx, ticket_id, blocked.outcomes)
        return
    except (NotFound, InvalidState):
        await dialogs.end(ctx)
        ctx.send(ctx._("This job is no longer open. Nothing was changed."))
        return
    await dialogs.end(ctx)
    outcomes = await checklists.outcomes(ctx.session, ticket)
    for person in await closing.customer_recipients(ctx.session, ticket):
        await notify(ctx, person, sign_off_request(ticket, text, outcomes), kind="resolved")
    ctx.send(
        ctx._(
            "{ref} is resolved. The customer is asked to confirm the work.",
            ref=ticket_ref(ticket),
        )
    )


def sign_off_request(ticket: Ticket, note: str, outcomes: Sequence[CheckOutcome]) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._("Your request {ref} is resolved.", ref=ticket_ref(ticket)),
            t._("What was done: {note}", note=note),
        ]
        if outcomes:
            lines += ["", t._("Acceptance tests:"), *summary_lines(t, outcomes)]
        lines += ["", t._("Please confirm that the work is done.")]
        markup = inline(
            [Button(t._("✅ Confirm the work is done"), f"cf:ok:{ticket.id}")],
            [Button(t._("❌ Not fixed"), f"cf:no:{ticket.id}")],
        )
        return "\n".join(lines), markup

    return render


# -- the customer signs off -----------------------------------------------------------------------
@router.callback("cf", roles=CLIENTS)
async def confirmation_button(ctx: Context) -> None:
    parts = ctx.event.button_fields
    if len(parts) != 2 or not parts[1].isdigit() or parts[0] not in ("ok", "no", "skip"):
        ctx.answer(ctx._("This button is no longer active."))
        return
    action, ticket_id = parts[0], int(parts[1])
    if action == "skip":
        dialog = ctx.dialog
        if dialog is None or dialog.name != "notfixed" or dialog.data["ticket_id"] != ticket_id:
            ctx.answer(ctx._("This button is no longer active."))
            return
        ctx.answer()
        await reopen(ctx, ticket_id, "")
        return
    try:
        if action == "ok":
            ticket = await closing.confirm(ctx.session, ticket_id, ctx.person, ctx.now())
        else:
            ticket = await closing.awaiting_confirmation(ctx.session, ticket_id, ctx.person)
    except NotFound:
        refuse(ctx, ctx._("This request was not found."))
        return
    except InvalidState:
        refuse(ctx, ctx._("This request is not waiting for your confirmation."))
        return
    ctx.answer()
    if action == "no":
        await dialogs.start(ctx, "notfixed", "reason", ticket_id=ticket.id)
        ctx.send(
            ctx._("Sorry about that. What is still wrong? Type it, or press Skip."),
            inline([Button(ctx._("Skip"), f"cf:skip:{ticket.id}")]),
        )
        return
    ctx.edit(ctx._("Thank you! {ref} is closed.", ref=ticket_ref(ticket)))
    ctx.send(
        ctx._("How would you rate the work? 1 is poor, 5 is excellent."),
        rating_keyboard(ticket.id),
    )
    engineer = await assigned_engineer(ctx, ticket)
    if engineer is not None:
        await notify(ctx, engineer, confirmed_note(ticket), kind="confirmed")


async def assigned_engineer(ctx: Context, ticket: Ticket) -> Person | None:
    if ticket.engineer_id is None:
        return None
    return await ctx.session.get(Person, ticket.engineer_id)


def confirmed_note(ticket: Ticket) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        return t._("The customer confirmed {ref}: it is closed.", ref=ticket_ref(ticket)), None

    return render


@router.dialog("notfixed", roles=CLIENTS)
async def not_fixed_reason(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = ctx.event.text.strip()
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.send(ctx._("Please describe what is still wrong, or press Skip."))
        return
    await reopen(ctx, int(ctx.dialog.data["ticket_id"]), text)


async def reopen(ctx: Context, ticket_id: int, reason: str) -> None:
    await dialogs.end(ctx)
    try:
        ticket = await closing.not_fixed(
            ctx.session, ticket_id, ctx.person, reason, ctx.now(), ctx.settings
        )
    except (NotFound, InvalidState):
        ctx.send(ctx._("This request is not waiting for your confirmation."))
        return
    engineer = await assigned_engineer(ctx, ticket)
    if engineer is not None:
        await notify(ctx, engineer, reopened_note(ticket, reason), kind="reopened")
    await alerts.reopened(ctx, ticket, reason)
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


# -- rating and comment -------------------------------------------------------------------------
@router.callback("rt", roles=CLIENTS)
async def rating_button(ctx: Context) -> None:
    parts = ctx.event.button_fields
    if len(parts) == 2 and parts[0] == "skip" and parts[1].isdigit():
        if dialogs.is_in(ctx, "feedback"):
            await dialogs.end(ctx)
        ctx.answer()
        ctx.edit(ctx._("Thank you for your feedback!"))
        return
    if len(parts) != 2 or not parts[0].isdigit() or not parts[1].lstrip("-").isdigit():
        ctx.answer(ctx._("This button is no longer active."))
        return
    ticket_id, rating = int(parts[0]), int(parts[1])
    if rating not in closing.RATINGS:
        refuse(ctx, ctx._("Ratings are from 1 to 5."))
        return
    try:
        await closing.rate(ctx.session, ticket_id, ctx.person, rating, ctx.now())
    except NotFound:
        refuse(ctx, ctx._("This request was not found."))
        return
    except InvalidState:
        refuse(ctx, ctx._("This request cannot be rated now, or it is rated already."))
        return
    await alerts.rated(ctx, ticket_id, rating)
    ctx.answer()
    ctx.edit(ctx._("Your rating: {stars}", stars="⭐" * rating))
    await dialogs.start(ctx, "feedback", "comment", keeps_progress=True, ticket_id=ticket_id)
    ctx.send(
        ctx._("Thank you! Would you like to add a comment? Type it, or press Skip."),
        inline([Button(ctx._("Skip"), f"rt:skip:{ticket_id}")]),
    )


@router.dialog("feedback", roles=CLIENTS)
async def feedback_comment(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = ctx.event.text.strip()
    if ctx.event.kind is not EventKind.TEXT or not text:
        ctx.send(ctx._("Please type your comment, or press Skip."))
        return
    ticket_id = int(ctx.dialog.data["ticket_id"])
    await dialogs.end(ctx)
    try:
        feedback = await closing.comment(ctx.session, ticket_id, ctx.person, text, ctx.now())
    except (NotFound, InvalidState):
        ctx.send(ctx._("This request takes no comment now."))
        return
    await alerts.rating_comment(ctx, ticket_id, feedback.rating, text)
    ctx.send(ctx._("Thank you! Your comment is passed to the service team."), main_menu(ctx))


def rating_keyboard(ticket_id: int) -> InlineKeyboard:
    """⭐1…⭐5 (``rt:<ticket>:<n>``); shared by the sign-off and the automatic close message."""
    return inline([Button(f"⭐{n}", f"rt:{ticket_id}:{n}") for n in closing.RATINGS])


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
            await notify_person(session, catalogs, person, render, now, kind="auto_closed")
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
