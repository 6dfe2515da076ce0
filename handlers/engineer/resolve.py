"""Resolving a job. :class:`ResolveJob` (the Resolve button on the engineer's card) is refused
while required checks failed or are not logged, listing them; otherwise the dialog
``resolve`` asks for a note for the customer, who then gets it with the test summary and the
sign-off buttons (:func:`handlers.notices.customers.resolved`; the sign-off itself is
:mod:`handlers.client.sign_off`), and the card it was started from is redrawn in place.
:class:`CancelResolve` leaves the note.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import dialogs
from bot.core.buttons import ButtonData
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import closing
from bot.services.checklists import CheckOutcome
from bot.services.closing import ChecksIncomplete
from handlers import notices
from handlers.answers import typed
from handlers.engineer.buttons import LogTests, ResolveJob
from handlers.engineer.card import card_message, from_card, next_jobs, refresh_card
from handlers.engineer.outcomes import outcome_line
from handlers.texts import ticket_ref
from storage.models import Role

router = Router()
ENGINEERS = (Role.ENGINEER,)
MIN_NOTE = 3


class CancelResolve(ButtonData, prefix="rs:cancel"):
    ticket: int


@router.callback(ResolveJob, roles=ENGINEERS)
async def resolve_button(ctx: Context, button: ResolveJob) -> None:
    try:
        ticket = await closing.job_to_resolve(ctx.session, button.ticket, ctx.person)
    except ChecksIncomplete as blocked:
        show_blocked(ctx, button.ticket, blocked.outcomes)
        return
    await dialogs.start(ctx, "resolve", "note", ticket_id=ticket.id, **from_card(ctx))
    ctx.send(
        ctx._(
            "Resolving {ref}. What was done? Type a short note for the customer.",
            ref=ticket_ref(ticket),
        ),
        inline([Button(ctx._("✖ Cancel"), CancelResolve(ticket=ticket.id).pack())]),
    )


@router.callback(CancelResolve, roles=ENGINEERS)
async def cancel_button(ctx: Context, button: CancelResolve) -> None:
    """Leave the note; pressed on a prompt already answered (the job resolved, or another one
    being resolved), the prompt only loses its button."""
    dialog = ctx.dialog
    if (
        dialog is None
        or not dialogs.is_in(ctx, "resolve")
        or dialog.data.get("ticket_id") != button.ticket
    ):
        ctx.answer()
        ctx.edit(ctx._("{ref}: nothing to cancel any more.", ref=ticket_ref(button.ticket)))
        return
    await dialogs.end(ctx)
    ctx.edit(ctx._("Not resolved. The job stays open."))


def show_blocked(ctx: Context, ticket_id: int, outcomes: Sequence[CheckOutcome]) -> None:
    lines = [
        ctx._(
            "{ref} cannot be resolved yet. These required checks failed or are not logged:",
            ref=ticket_ref(ticket_id),
        )
    ]
    lines += [outcome_line(ctx.t, outcome) for outcome in outcomes]
    ctx.send(
        "\n".join(lines),
        inline([Button(ctx._("🔁 Log tests"), LogTests(ticket=ticket_id).pack())]),
    )


@router.dialog("resolve", step="note", roles=ENGINEERS)
async def resolution_note(ctx: Context) -> None:
    """The note resolves the job; refused or blocked, the dialog ends."""
    assert ctx.dialog is not None
    ticket_id = int(ctx.dialog.data["ticket_id"])
    text = typed(ctx, N_("Please type a few words about what was done."), MIN_NOTE)
    if text is None:
        return
    card = card_message(ctx)
    await dialogs.end(ctx)
    async with ending_dialog(N_("This job is no longer open. Nothing was changed.")):
        try:
            resolved = await closing.resolve(
                ctx.session, ticket_id, ctx.person, text, ctx.now(), ctx.settings
            )
        except ChecksIncomplete as blocked:
            show_blocked(ctx, ticket_id, blocked.outcomes)
            return
    await notices.resolved(ctx, resolved)
    ctx.send(
        ctx._(
            "{ref} is resolved. The customer is asked to confirm the work.",
            ref=ticket_ref(resolved.ticket),
        ),
        next_jobs(ctx),
    )
    if card is not None:  # the card it was resolved from, without the working steps
        await refresh_card(ctx, resolved.ticket, card)
