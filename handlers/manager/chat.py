"""What the manager flows share: the role, and where they answer. ``ctx.send`` answers in the
chat (and forum topic) the command came from; the manager chat's language is the engine's."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.replies import InlineKeyboard, Markup
from storage.models import Role

MANAGERS = (Role.MANAGER,)


def show(ctx: Context, text: str, markup: Markup | None, in_place: bool) -> None:
    """Edit the pressed message (paging, filters) or send a new one."""
    editable = markup is None or isinstance(markup, InlineKeyboard)
    if in_place and ctx.event.message_id is not None and editable:
        ctx.edit(text, markup if isinstance(markup, InlineKeyboard) else None)
    else:
        ctx.send(text, markup)
