"""What the customer hears as an engineer moves their job along, in the customer's language."""

from __future__ import annotations

from datetime import datetime

from bot.core.context import Context
from bot.core.i18n import N_, Translator
from bot.core.replies import InlineKeyboard
from bot.services import jobs
from handlers import notices
from handlers.notices.facts import details_for_customer
from handlers.texts import ticket_ref
from storage.models import Ticket

# {name} is the engineer, {ref} the ticket.
PUSH_ASSIGNED = N_("Engineer {name} will handle your request {ref}.")
PUSH_EN_ROUTE = N_("{name} is on the way to you for request {ref}, expected at {time}.")
PUSH_ON_SITE = N_("{name} has arrived for request {ref}.")
PUSH_WAITING_PARTS = N_(
    "Request {ref}: {name} is waiting for spare parts. The deadline is paused until they "
    "arrive; we will keep you posted."
)
PUSH_RESUMED = N_("Request {ref}: the spare parts have arrived and {name} is back at work.")
PUSH_HANDED_BACK = N_(
    "Request {ref}: {name} had to pass it on, so it is waiting for another engineer. "
    "We will tell you as soon as someone takes it."
)


async def push(
    ctx: Context, ticket: Ticket, message: str, kind: str, eta: datetime | None = None
) -> None:
    """Tell the ticket's reporter, in their language, what just happened to their request."""
    reporter = await jobs.reporter(ctx.session, ticket)
    if reporter is None or reporter.id == ctx.person.id:
        return
    name, ref = ctx.person.name, ticket_ref(ticket)

    def render(t: Translator) -> tuple[str, InlineKeyboard]:
        time = t.datetime(eta) if eta is not None else ""
        text = t._(message, name=name, ref=ref, time=time)
        return text, details_for_customer(t, ticket.id)

    await notices.to_person(ctx, reporter, render, kind)
