"""Joining through an invite link: the role, then (for engineers) name and skills.

``/start inv_<code>`` lands here from ``handlers.common.start``. The name and skills steps are
a dialog kept in the database, so the person can finish it on any process.
"""

from __future__ import annotations

from typing import Any

from bot.core import dialogs
from bot.core.buttons import DeepLink
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.i18n import N_
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import invites, jobs
from bot.services.invites import InviteRefused, Refusal
from handlers.common.help import main_menu, send_help
from storage.models import Role

router = Router()
DIALOG = "join"
ENGINEERS = (Role.ENGINEER,)
NAME_LENGTH = (2, 100)
REFUSALS = {
    Refusal.UNKNOWN: N_(
        "This invite link is not valid. Please check that you opened the whole link, "
        "or ask your manager for a new one."
    ),
    Refusal.USED: N_(
        "This invite link has already been used. Each link works once; "
        "please ask your manager for a new one."
    ),
    Refusal.EXPIRED: N_("This invite link has expired. Please ask your manager for a new one."),
    Refusal.DOWNGRADE: N_(
        "You are a service manager already; an engineer invite would not change that."
    ),
    Refusal.ALREADY: N_("You already have this role, so the invite was not used."),
}


def data(ctx: Context) -> dict[str, Any]:
    assert ctx.dialog is not None
    return ctx.dialog.data


class InviteLink(DeepLink, prefix="inv"):
    """``/start inv_<code>``: a single-use invite made by a manager."""

    code: str


@router.deep_link(InviteLink)
async def from_link(ctx: Context, link: InviteLink) -> None:
    await begin(ctx, link.code)


async def begin(ctx: Context, code: str) -> None:
    """Redeem the invite; a refusal says why, in the person's language, and changes nothing."""
    try:
        invite = await invites.redeem(ctx.session, code, ctx.person, ctx.now())
    except InviteRefused as refused:
        ctx.send(ctx._(REFUSALS[refused.reason]), main_menu(ctx))
        return
    if invite.role is Role.MANAGER:
        ctx.send(ctx._("You are now a service manager."))
        send_help(ctx)
        return
    ctx.send(ctx._("You are now an engineer."))
    await dialogs.start(ctx, DIALOG, "name", keeps_progress=True)
    ask_name(ctx)


def ask_name(ctx: Context) -> None:
    ctx.send(
        ctx._("What name should customers see when you take their job? Type it, or keep:"),
        inline([Button(ctx._("Keep “{name}”", name=ctx.person.name[:40]), "jn:keep")]),
    )


async def ask_skills(ctx: Context) -> None:
    categories = await jobs.skill_choices(ctx.session)
    if not categories:
        await finish(ctx)
        return
    dialogs.move(ctx, "skills", categories=categories, chosen=[])
    ctx.send(skills_text(ctx), skills_keyboard(ctx))


def skills_text(ctx: Context) -> str:
    return ctx._(
        "Which equipment do you service? Tap every category that applies, then Done. "
        "You will see jobs for these categories; choose none to see all jobs."
    )


def skills_keyboard(ctx: Context) -> InlineKeyboard:
    categories, chosen = data(ctx)["categories"], set(data(ctx)["chosen"])
    rows = [
        [Button(f"✓ {name}" if name in chosen else name, f"jn:sk:{index}")]
        for index, name in enumerate(categories)
    ]
    rows.append([Button(ctx._("Done"), "jn:done")])
    return inline(*rows)


async def finish(ctx: Context) -> None:
    skills = list(data(ctx).get("chosen", []))
    await jobs.set_profile(ctx.session, ctx.person, skills=skills)
    await dialogs.end(ctx)
    ctx.send(
        ctx._(
            "Welcome to the team, {name}! Share your location now and then, so the nearest "
            "jobs come first, and use /duty to say when you are working.",
            name=ctx.person.name,
        )
    )
    send_help(ctx)


@router.callback("jn", roles=ENGINEERS)
async def join_button(ctx: Context) -> None:
    action, argument = ctx.event.button_field(0), ctx.event.button_field(1)
    if action == "keep" and dialogs.is_in(ctx, DIALOG, "name"):
        ctx.answer()
        await ask_skills(ctx)
    elif action == "sk" and dialogs.is_in(ctx, DIALOG, "skills") and argument.isdigit():
        categories = data(ctx)["categories"]
        index = int(argument)
        if index >= len(categories):
            ctx.answer(ctx._("This button is no longer active."))
            return
        chosen = set(data(ctx)["chosen"]) ^ {categories[index]}
        dialogs.move(ctx, "skills", chosen=sorted(chosen))
        ctx.answer()
        ctx.edit(skills_text(ctx), skills_keyboard(ctx))
    elif action == "done" and dialogs.is_in(ctx, DIALOG, "skills"):
        ctx.answer()
        ctx.edit(skills_text(ctx))
        await finish(ctx)
    else:
        ctx.answer(ctx._("This button is no longer active."))


@router.dialog(DIALOG, roles=ENGINEERS)
async def join_message(ctx: Context) -> None:
    assert ctx.dialog is not None
    text = ctx.event.text.strip()
    if ctx.dialog.step == "name" and ctx.event.kind is EventKind.TEXT and text:
        low, high = NAME_LENGTH
        if not low <= len(text) <= high:
            ctx.send(ctx._("Please type a name between 2 and 100 characters long."))
            return
        await jobs.set_profile(ctx.session, ctx.person, name=text)
        await ask_skills(ctx)
    elif ctx.dialog.step == "name":
        ask_name(ctx)
    else:
        ctx.send(ctx._("Tap the categories you service, then press Done."), skills_keyboard(ctx))
