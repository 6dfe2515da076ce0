"""/invite engineer|manager: a single-use, expiring invite link for a new colleague.

The link needs the bot's @username (``FIELDBOT_BOT_USERNAME``); without it the manager gets the
``/start inv_<code>`` text the new colleague sends to the bot instead.
Buttons: ``mi:<engineer|manager>`` (managers only).
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import invites
from handlers.manager.chat import MANAGERS, reply
from storage.models import Role

router = Router()
ROLES = {"engineer": Role.ENGINEER, "manager": Role.MANAGER}
MADE = {
    Role.ENGINEER: N_(
        "Invite for a new engineer. It works once and expires on {date}. Send it to the "
        "person only:"
    ),
    Role.MANAGER: N_(
        "Invite for a new manager. It works once and expires on {date}. Send it to the "
        "person only:"
    ),
}


async def make_invite(ctx: Context, role: Role) -> None:
    invite = await invites.create(ctx.session, role, ctx.now(), created_by=ctx.person.id)
    payload = invites.start_payload(invite)
    lines = [ctx._(MADE[role], date=ctx.t.datetime(invite.expires_at))]
    username = (ctx.settings.bot_username or "").lstrip("@")
    if username:
        lines.append(f"https://t.me/{username}?start={payload}")
    else:
        lines.append(ctx._("They open the bot and send:"))
        lines.append(f"/start {payload}")
    reply(ctx, "\n".join(lines))


@router.command("invite", roles=MANAGERS)
async def invite_command(ctx: Context) -> None:
    role = ROLES.get(ctx.event.args.strip().lower())
    if role is None:
        reply(
            ctx,
            ctx._("Whom do you want to invite?"),
            inline(
                [
                    Button(ctx._("An engineer"), "mi:engineer"),
                    Button(ctx._("A manager"), "mi:manager"),
                ]
            ),
        )
        return
    await make_invite(ctx, role)


@router.callback("mi", roles=MANAGERS)
async def invite_button(ctx: Context) -> None:
    role = ROLES.get(ctx.event.button_argument)
    if role is None:
        ctx.answer(ctx._("This button is no longer active."))
        return
    ctx.answer()
    await make_invite(ctx, role)
