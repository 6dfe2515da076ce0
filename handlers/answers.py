"""Reading what a person types at a dialog step: the text, or a prompt to type it."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.events import EventKind


def typed(ctx: Context, ask: str, shortest: int = 1) -> str | None:
    """The typed text, stripped; None, after sending ``ask`` (a msgid), for a photo, a
    sticker or a text shorter than ``shortest``."""
    text = ctx.event.text.strip()
    if ctx.event.kind is not EventKind.TEXT or len(text) < shortest:
        ctx.send(ctx._(ask))
        return None
    return text
