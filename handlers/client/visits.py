"""The customer's answer to the visit times offered (:mod:`handlers.common.visits`): one of
them, or "🔁 Another time" (also on /status for an agreed visit, to move it). The answer is
confirmed in a message of its own; the offers are edited to say how they ended."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.router import Router
from bot.services import visits
from handlers import notices
from handlers.common.buttons import AnotherVisitTime, PickVisit
from handlers.notices import visits as visit_notices
from handlers.notices.visits import Outcome
from handlers.texts import ticket_ref, visit_time
from storage.models import Role

router = Router()
CLIENTS = (Role.CLIENT,)


@router.callback(PickVisit, roles=CLIENTS)
async def pick_button(ctx: Context, button: PickVisit) -> None:
    done = await visits.agree(ctx.session, button.slot, ctx.person, ctx.now(), ctx.settings)
    await visit_notices.agreed(ctx, done)
    await visit_notices.close_offers(ctx, done.ticket.id, Outcome.AGREED, done.at)
    await notices.ticket_changed(ctx, done.ticket)  # the alerts show the visit
    ctx.answer()
    ctx.send(
        ctx._(
            "✅ The visit for {ref} is agreed: {time}. We will remind you the evening before "
            "and an hour before.",
            ref=ticket_ref(done.ticket),
            time=visit_time(ctx.t, done.at),
        )
    )


@router.callback(AnotherVisitTime, roles=CLIENTS)
async def another_button(ctx: Context, button: AnotherVisitTime) -> None:
    asked = await visits.another_time(ctx.session, button.ticket, ctx.person, ctx.now())
    await visit_notices.another(ctx, asked)
    await visit_notices.close_offers(ctx, asked.ticket.id, Outcome.DECLINED)
    await notices.ticket_changed(ctx, asked.ticket)
    ctx.answer()
    ctx.send(
        ctx._(
            "🔁 We asked for another time for the visit for {ref}; you will get new times "
            "to choose from. You can also reply to this message with the times that suit you.",
            ref=ticket_ref(asked.ticket),
        )
    )
