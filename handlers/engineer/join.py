"""Joining through an invite link: the role, then (for engineers) name and skills.

``/start inv_<code>`` lands here through the router's deep links. The name and skills steps
are a dialog kept in the database, so the person can finish it on any process.
"""

from __future__ import annotations

from typing import Any

from bot.core import dialogs
from bot.core.context import Context
from bot.core.events import EventKind
from bot.core.replies import Button, InlineKeyboard, inline
from bot.core.router import Router
from bot.services import invites, jobs
from bot.services.invites import InviteRefused
from handlers.common.help import main_menu, send_help
from handlers.engineer.buttons import InviteLink, KeepName, SkillsDone, ToggleSkill
from handlers.engineer.card import ENGINEERS
from storage.models import Role

router = Router()
DIALOG = "join"
NAME_LENGTH = (2, 100)


def data(ctx: Context) -> dict[str, Any]:
    assert ctx.dialog is not None
    return ctx.dialog.data


def at_step(ctx: Context, step: str) -> bool:
    """Whether the dialog is at ``step``, so a button of that step still means something;
    either way the press is answered."""
    if dialogs.is_in(ctx, DIALOG, step):
        ctx.answer()
        return True
    ctx.answer(ctx._("This button is no longer active."))
    return False


@router.deep_link(InviteLink)
async def from_link(ctx: Context, link: InviteLink) -> None:
    """Redeem the invite; a refusal says why, in the person's language, and changes nothing."""
    try:
        invite = await invites.redeem(
            ctx.session,
            link.code,
            ctx.person,
            ctx.now(),
            attempts=ctx.settings.invite_attempts_per_hour,
        )
    except InviteRefused as refused:  # with the menu, and after /start's greeting
        ctx.send(ctx._(refused.message), main_menu(ctx))
        return
    if invite.role is Role.MANAGER:
        ctx.send(ctx._("You are now a service manager."))
        send_help(ctx)
        return
    ctx.send(ctx._("You are now an engineer."))
    await dialogs.start(ctx, DIALOG, "name", keeps_progress=True)
    ask_name(ctx)


# -- the name -------------------------------------------------------------------------------
def ask_name(ctx: Context) -> None:
    keep = ctx._("Keep “{name}”", name=ctx.person.name[:40])
    ctx.send(
        ctx._("What name should customers see when you take their job? Type it, or keep:"),
        inline([Button(keep, KeepName().pack())]),
    )


@router.dialog(DIALOG, step="name", roles=ENGINEERS)
async def name_typed(ctx: Context) -> None:
    text = ctx.event.text.strip()
    if ctx.event.kind is not EventKind.TEXT or not text:
        ask_name(ctx)
        return
    low, high = NAME_LENGTH
    if not low <= len(text) <= high:
        ctx.send(ctx._("Please type a name between 2 and 100 characters long."))
        return
    await jobs.set_profile(ctx.session, ctx.person, name=text)
    await ask_skills(ctx)


@router.callback(KeepName, roles=ENGINEERS)
async def keep_name(ctx: Context, button: KeepName) -> None:
    if at_step(ctx, "name"):
        await ask_skills(ctx)


# -- the skills -----------------------------------------------------------------------------
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
        [Button(f"✓ {name}" if name in chosen else name, ToggleSkill(index=index).pack())]
        for index, name in enumerate(categories)
    ]
    rows.append([Button(ctx._("Done"), SkillsDone().pack())])
    return inline(*rows)


@router.dialog(DIALOG, step="skills", roles=ENGINEERS)
async def typed_at_skills(ctx: Context) -> None:
    ctx.send(ctx._("Tap the categories you service, then press Done."), skills_keyboard(ctx))


@router.callback(ToggleSkill, roles=ENGINEERS)
async def toggle_skill(ctx: Context, button: ToggleSkill) -> None:
    categories = data(ctx)["categories"] if dialogs.is_in(ctx, DIALOG, "skills") else []
    if button.index >= len(categories):
        ctx.answer(ctx._("This button is no longer active."))
        return
    chosen = set(data(ctx)["chosen"]) ^ {categories[button.index]}
    dialogs.move(ctx, "skills", chosen=sorted(chosen))
    ctx.answer()
    ctx.edit(skills_text(ctx), skills_keyboard(ctx))


@router.callback(SkillsDone, roles=ENGINEERS)
async def skills_done(ctx: Context, button: SkillsDone) -> None:
    if at_step(ctx, "skills"):
        ctx.edit(skills_text(ctx))
        await finish(ctx)


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
