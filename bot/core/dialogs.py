"""Dialog state in the database: one row per person, so any process can continue a dialog.

A dialog belongs to the chat it was started in: only that chat's messages feed it, so a
message in a group never lands in a private dialog (and a manager's dialog in the managers'
chat is not fed from their private chat)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm.attributes import flag_modified

from bot.core.chats import PRIVATE
from bot.core.context import Context
from storage.models import Dialog


def _here(ctx: Context) -> ColumnElement[bool]:
    """The dialog row of this chat (a row from before dialogs had a chat: the private one)."""
    if ctx.event.chat_type == PRIVATE:
        return Dialog.chat_id.is_(None) | (Dialog.chat_id == ctx.event.chat_id)
    return Dialog.chat_id == ctx.event.chat_id


async def load(ctx: Context) -> Dialog | None:
    """The person's dialog in this chat, locked for the update; None when there is none here
    (one in another chat waits untouched)."""
    ctx.dialog = await ctx.session.scalar(
        select(Dialog).where(Dialog.person_id == ctx.person.id, _here(ctx)).with_for_update()
    )
    return ctx.dialog


KEEPS_PROGRESS = "keeps_progress"


async def start(
    ctx: Context, name: str, step: str, *, keeps_progress: bool = False, **data: Any
) -> Dialog:
    """Begin ``name`` at ``step``, replacing whatever dialog the person was in.

    ``keeps_progress``: the dialog saves as it goes (each photo, each measurement), so leaving
    it keeps what was saved; otherwise it collects a draft that only its last step sends.
    """
    await ctx.session.execute(delete(Dialog).where(Dialog.person_id == ctx.person.id))
    if keeps_progress:
        data[KEEPS_PROGRESS] = True
    ctx.dialog = Dialog(
        person_id=ctx.person.id,
        chat_id=ctx.event.chat_id,
        name=name,
        step=step,
        data=dict(data),
    )
    ctx.session.add(ctx.dialog)
    return ctx.dialog


def move(ctx: Context, step: str, **data: Any) -> None:
    """Go to ``step``, merging ``data`` into what the dialog has collected."""
    assert ctx.dialog is not None, "move() outside a dialog"
    ctx.dialog.step = step
    ctx.dialog.data = {**ctx.dialog.data, **data}
    flag_modified(ctx.dialog, "data")
    ctx.dialog.updated_at = ctx.now()


async def end(ctx: Context) -> None:
    """End the person's dialog in this chat; one in another chat goes on."""
    await ctx.session.execute(delete(Dialog).where(Dialog.person_id == ctx.person.id, _here(ctx)))
    ctx.dialog = None


def keeps_progress(ctx: Context) -> bool:
    return ctx.dialog is not None and bool(ctx.dialog.data.get(KEEPS_PROGRESS))


def is_in(ctx: Context, name: str, *steps: str) -> bool:
    dialog = ctx.dialog
    return dialog is not None and dialog.name == name and (not steps or dialog.step in steps)
