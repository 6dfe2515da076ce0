"""/invite engineer|manager: a single-use, expiring invite link for a new colleague, shown
only in the manager's private chat (asked for in the managers' group, it is sent there).

The link needs the bot's @username (``FIELDBOT_BOT_USERNAME``); without it the manager gets the
``/start inv_<code>`` text the new colleague sends to the bot instead. Without a role it asks,
with :class:`~handlers.manager.buttons.Invite` buttons.
"""

from __future__ import annotations

from bot.config import Settings
from bot.core.chats import PRIVATE
from bot.core.context import Context
from bot.core.i18n import N_, Translator
from bot.core.replies import Button, inline
from bot.core.router import Router
from bot.services import invites
from handlers.manager.buttons import Invite, Invitee
from handlers.manager.chat import MANAGERS
from handlers.notices import outbox
from storage import models
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


def invite_text(t: Translator, settings: Settings, invite: models.Invite) -> str:
    payload = invites.start_payload(invite)
    lines = [t._(MADE[invite.role], date=t.datetime(invite.expires_at))]
    username = (settings.bot_username or "").lstrip("@")
    if username:
        lines.append(f"https://t.me/{username}?start={payload}")
    else:
        lines.append(t._("They open the bot and send:"))
        lines.append(f"/start {payload}")
    return "\n".join(lines)


async def make_invite(ctx: Context, role: Role) -> None:
    """The link goes to the manager's private chat only: asked for in a group, it is sent there
    through the outbox, or (if the manager never opened a private chat with the bot, which
    then cannot write to them) not made at all."""
    manager = ctx.person
    private = ctx.event.chat_type == PRIVATE
    if not private and (not manager.private_chat or manager.unreachable):
        ctx.send(
            ctx._(
                "{name}, the bot cannot write to you privately yet, and an invite link must not "
                "be posted here. Please open a private chat with the bot, press Start, and ask "
                "again.",
                name=manager.name,
            )
        )
        return
    invite = await invites.create(ctx.session, role, ctx.now(), created_by=manager.id)
    if private:
        ctx.send(invite_text(ctx.t, ctx.settings, invite))
        return
    await outbox.to_person(
        ctx, manager, lambda t: (invite_text(t, ctx.settings, invite), None), "invite"
    )
    ctx.send(
        ctx._("{name}, the invite link is in your private chat with the bot.", name=manager.name)
    )


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
