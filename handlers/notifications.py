"""Messages to people other than the one acting, each in the recipient's own language.

They go to the outbox in the current transaction (never straight to Telegram), so a
notification exists exactly when the change that caused it was committed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.context import Context
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Markup
from bot.services import outbox
from storage.models import Person

Render = Callable[[Translator], tuple[str, Markup | None]]


async def notify(ctx: Context, person: Person, render: Render, kind: str = "") -> None:
    """Queue ``render``'s text for ``person``, rendered with their translator."""
    await notify_person(ctx.session, ctx.catalogs, person, render, ctx.now(), kind)


async def notify_person(
    session: AsyncSession,
    catalogs: Catalogs,
    person: Person,
    render: Render,
    now: datetime,
    kind: str = "",
) -> None:
    """:func:`notify` for work that has no conversation (scheduler jobs)."""
    text, markup = render(catalogs.get(person.locale))
    await outbox.enqueue(
        session, person.chat_id, text, now, markup=markup, person_id=person.id, kind=kind
    )
