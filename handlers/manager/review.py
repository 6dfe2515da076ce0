"""Reviewing a new customer (one made for a phone number nobody had): from the alert, link its
people to an existing customer, found by the company name the manager types (dialog
``review``, step ``company``), or confirm it as new. The service refuses a review done twice."""

from __future__ import annotations

from bot.core import dialogs
from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.refusals import ending_dialog
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import review
from handlers.answers import typed
from handlers.manager.buttons import ReviewConfirm, ReviewLink, ReviewPick
from handlers.manager.chat import MANAGERS
from handlers.notices import customers as customer_notices

router = Router()
DIALOG = "review"


@router.callback(ReviewLink, roles=MANAGERS)
async def link_pressed(ctx: Context, button: ReviewLink) -> None:
    customer = await review.pending(ctx.session, button.customer, ctx.person)
    await dialogs.start(ctx, DIALOG, "company", customer_id=customer.id)
    ctx.ask(
        ctx._("Which customer is “{name}”? Type the company name to look for.", name=customer.name)
    )


@router.dialog(DIALOG, step="company", roles=MANAGERS)
async def company_typed(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = typed(ctx, N_("Please type the company name to look for."))
    if text is None:
        return
    customer_id = int(ctx.dialog.data["customer_id"])
    async with ending_dialog():
        placeholder = await review.pending(ctx.session, customer_id, ctx.person)
    found = await review.find(ctx.session, text, ctx.person)
    if not found:
        ctx.send(ctx._("No customer has a name like “{text}”. Type another name.", text=text))
        return
    rows = [
        [Button(match.name[:60], ReviewPick(customer=placeholder.id, target=match.id).pack())]
        for match in found
    ]
    ctx.send(
        ctx._("Link “{name}” to which of these? Or type another name.", name=placeholder.name),
        inline(*rows),
    )


@router.callback(ReviewPick, roles=MANAGERS)
async def pick_pressed(ctx: Context, button: ReviewPick) -> None:
    linked = await review.link(ctx.session, button.customer, button.target, ctx.person, ctx.now())
    if dialogs.is_in(ctx, DIALOG):
        await dialogs.end(ctx)
    await customer_notices.linked(ctx, linked)
    ctx.answer(ctx._("Linked to {customer}.", customer=linked.customer.name))
    ctx.edit(
        ctx._(
            "🔗 “{name}” is linked to {customer}; they are told.",
            name=linked.name,
            customer=linked.customer.name,
        )
    )


@router.callback(ReviewConfirm, roles=MANAGERS)
async def confirm_pressed(ctx: Context, button: ReviewConfirm) -> None:
    customer = await review.confirm(ctx.session, button.customer, ctx.person)
    ctx.answer(ctx._("Confirmed as a new customer."))
    ctx.edit(ctx._("✅ “{name}” is confirmed as a new customer.", name=customer.name))
