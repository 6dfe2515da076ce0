"""/invite engineer|manager: a single-use, expiring invite link for a new colleague.

The link needs the bot's @username (``FIELDBOT_BOT_USERNAME``); without it the manager gets the
``/start inv_<code>`` text the new colleague sends to the bot instead. Without a role it asks,
with :class:`~handlers.manager.buttons.Invite` buttons.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.i18n import N_
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import invites
from handlers.manager.buttons import Invite, Invitee
from handlers.manager.chat import MANAGERS
from storage.models import Role

router = Router()
ROLES: dict[str, Role] = {Invitee.ENGINEER: Role.ENGINEER, Invitee.MANAGER: Role.MANAGER}
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
    ctx.send("\n".join(lines))


@router.command("invite", roles=MANAGERS, help=N_("an invite link for a new engineer or manager"))
async def invite_command(ctx: Context) -> None:
    role = ROLES.get(ctx.event.args.strip().lower())
    if role is None:
        buttons = [
            Button(ctx._("An engineer"), Invite(role=Invitee.ENGINEER).pack()),
            Button(ctx._("A manager"), Invite(role=Invitee.MANAGER).pack()),
        ]
        ctx.send(ctx._("Whom do you want to invite?"), inline(buttons))
        return
    await make_invite(ctx, role)


@router.callback(Invite, roles=MANAGERS)
async def invite_button(ctx: Context, button: Invite) -> None:
    await make_invite(ctx, ROLES[button.role])
