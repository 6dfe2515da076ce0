"""/duty and shared locations: when an engineer works, and where they are, so the board
lists the nearest jobs first and managers see who is close."""

from __future__ import annotations

from datetime import timedelta

from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.i18n import N_
from bot.core.replies import (
    Button,
    InlineKeyboard,
    inline,
)
from bot.core.router import Router
from bot.services import jobs
from handlers.common.help import main_menu
from handlers.engineer.buttons import SetDuty
from handlers.engineer.card import ENGINEERS
from storage.models import Role

router = Router()
LIVE_LOCATION_QUIET = timedelta(minutes=10)


@router.command("duty", roles=ENGINEERS, help=N_("go on or off duty"))
async def duty_command(ctx: Context) -> None:
    """Where the engineer stands now, and both choices as buttons: no guessing what a
    toggle will do."""
    now = ctx._("You are on duty.") if ctx.person.on_duty else ctx._("You are off duty.")
    ctx.send(now, duty_buttons(ctx))


def duty_buttons(ctx: Context) -> InlineKeyboard:
    on, off = ctx._("🟢 On duty"), ctx._("⚪ Off duty")
    current = "• {label}"
    return inline(
        [
            Button(
                current.format(label=on) if ctx.person.on_duty else on, SetDuty(on=True).pack()
            ),
            Button(
                off if ctx.person.on_duty else current.format(label=off),
                SetDuty(on=False).pack(),
            ),
        ]
    )


@router.callback(SetDuty, roles=ENGINEERS)
async def duty_pressed(ctx: Context, button: SetDuty) -> None:
    await jobs.set_duty(ctx.session, ctx.person, button.on)
    if button.on:
        ctx.edit(ctx._("You are on duty."), duty_buttons(ctx))
        ctx.send(
            ctx._(
                "You are on duty now. Share your location so the nearest jobs come first; "
                "/duty when you finish."
            ),
            main_menu(ctx),
        )
    else:
        ctx.edit(ctx._("You are off duty."), duty_buttons(ctx))
        ctx.send(ctx._("You are off duty now. Thank you for today!"), main_menu(ctx))


@router.on(EventKind.LOCATION)
async def location_shared(ctx: Context) -> None:
    """Engineers' positions sort the board; live locations update quietly."""
    location = ctx.event.location
    assert location is not None
    if ctx.person.role is not Role.ENGINEER:
        ctx.send(
            ctx._(
                "Thank you, but there is no need to share your location: your sites' addresses "
                "are on file, and we use locations only to send the nearest engineer."
            ),
            main_menu(ctx),
        )
        return
    try:
        previous = await jobs.record_location(
            ctx.session, ctx.person, location.latitude, location.longitude, ctx.now()
        )
    except ValueError:
        ctx.send(ctx._("That location looks wrong. Please share it again."))
        return
    if location.live and previous is not None and ctx.now() - previous < LIVE_LOCATION_QUIET:
        return
    ctx.send(ctx._("Location updated. /jobs now shows the nearest jobs first."), main_menu(ctx))
