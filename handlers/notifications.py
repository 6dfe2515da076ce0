"""Messages to people other than the one acting, each in the recipient's own language.

They go to the outbox in the current transaction (never straight to Telegram), so a
notification exists exactly when the change that caused it was committed.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.context import Context
from bot.core.i18n import Translator
from bot.core.replies import Markup
from bot.services import outbox
from storage.models import Person

Render = Callable[[Translator], tuple[str, Markup | None]]


async def notify(ctx: Context, person: Person, render: Render, kind: str = "") -> None:
    """Queue ``render``'s text for ``person``, rendered with their translator."""
    text, markup = render(ctx.catalogs.get(person.locale))
    await outbox.enqueue(
        ctx.session, person.chat_id, text, ctx.now(), markup=markup, person_id=person.id, kind=kind
    )
