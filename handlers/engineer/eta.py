"""On my way: the engineer says when they will be there, by button or typed, and the customer
hears it with the time in their own language. The choices replace the card's buttons; once
the time is set (or the engineer goes back) the card is redrawn in place."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from bot.core import dialogs
from bot.core.buttons import parse_int
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.replies import Button, inline
from bot.core.router import Router
from handlers.engineer.buttons import BackToCard, OnMyWay, SetEta
from handlers.engineer.card import (
    DIALOG,
    ENGINEERS,
    card_message,
    card_text,
    change_status,
    from_card,
    job_step,
    my_job,
    refresh_card,
    step_fits,
    wrong_step,
)
from handlers.texts import ticket_ref
from storage.models import Ticket, TicketStatus

router = Router()
ETA_CHOICES = (15, 30, 60, 120)
MAX_ETA = timedelta(days=2)
TIME_OF_DAY = re.compile(r"(\d{1,2})[:.](\d{2})")


@router.callback(OnMyWay, roles=ENGINEERS)
async def on_my_way(ctx: Context, button: OnMyWay) -> None:
    ticket = await my_job(ctx, button.ticket)
    if ticket.status is not TicketStatus.ASSIGNED:
        await wrong_step(ctx, ticket)
        return
    ctx.answer()
    await dialogs.start(ctx, DIALOG, "eta", ticket_id=ticket.id, **from_card(ctx))
    labels = {15: ctx._("15 min"), 30: ctx._("30 min"), 60: ctx._("1 h"), 120: ctx._("2 h")}
    buttons = [
        Button(labels[minutes], SetEta(ticket=ticket.id, minutes=minutes).pack())
        for minutes in ETA_CHOICES
    ]
    back = Button(ctx._("« Back"), BackToCard(ticket=ticket.id).pack())
    question = ctx._("When will you be there? Choose, or type minutes (45) or a time (14:30).")
    ctx.edit(f"{await card_text(ctx, ticket, mine=True)}\n\n{question}", inline(buttons, [back]))


@router.callback(SetEta, roles=ENGINEERS)
async def eta_chosen(ctx: Context, button: SetEta) -> None:
    ticket = await my_job(ctx, button.ticket)
    if button.minutes not in ETA_CHOICES:
        await wrong_step(ctx, ticket)
        return
    async with step_fits(ctx, ticket):
        await set_eta(ctx, ticket, ctx.now() + timedelta(minutes=button.minutes))


@job_step(router, "eta")
async def eta_typed(ctx: Context, ticket: Ticket) -> None:
    eta = parse_eta(ctx, ctx.event.text) if ctx.event.kind is EventKind.TEXT else None
    if eta is None:
        ctx.send(ctx._("Please type minutes (45) or a time (14:30), or use the buttons."))
        return
    await set_eta(ctx, ticket, eta)


def parse_eta(ctx: Context, text: str) -> datetime | None:
    """``45`` → in 45 minutes; ``14:30`` → the next 14:30 in the company's time zone."""
    now, text = ctx.now(), text.strip()
    minutes = parse_int(text, maximum=int(MAX_ETA.total_seconds()) // 60)
    if minutes is not None:
        eta = now + timedelta(minutes=minutes)
    else:
        match = TIME_OF_DAY.fullmatch(text)
        hour = parse_int(match[1], maximum=23) if match else None
        minute = parse_int(match[2], maximum=59) if match else None
        if hour is None or minute is None:
            return None
        local = now.astimezone(ctx.t.tz)
        eta = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if eta <= local:
            eta += timedelta(days=1)
    return eta if now < eta <= now + MAX_ETA else None


async def set_eta(ctx: Context, ticket: Ticket, eta: datetime) -> None:
    """On the way: the card shows it in place (the pressed one, or the one the typed time
    answers), and the engineer is told the customer knows."""
    card = ctx.event.message_id if ctx.event.callback_id is not None else card_message(ctx)
    await change_status(ctx, ticket, TicketStatus.EN_ROUTE, eta)
    if dialogs.is_in(ctx, DIALOG, "eta"):
        await dialogs.end(ctx)
    told = ctx._(
        "{ref}: the customer knows you are on the way, expected at {time}.",
        ref=ticket_ref(ticket),
        time=ctx.t.datetime(eta),
    )
    if ctx.event.callback_id is not None:
        ctx.answer(told)
    else:
        ctx.send(told)
    await refresh_card(ctx, ticket, card)
