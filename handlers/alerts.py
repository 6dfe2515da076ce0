"""Alerts to the managers' notification chat, in that chat's language.

Every producer (new tickets, escalations, part requests, ratings, complaints, the digest) goes
through :func:`alert_managers`, so the chat, its language and its topics are decided in one
place. The alert is an outbox row in the current transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Markup
from bot.services import outbox

Render = Callable[[Translator], tuple[str, Markup | None]]


def manager_translator(settings: Settings, catalogs: Catalogs) -> Translator:
    return catalogs.get(settings.manager_locale or settings.default_locale)


async def alert_managers(
    session: AsyncSession,
    settings: Settings,
    catalogs: Catalogs,
    kind: str,
    render: Render,
    now: datetime,
) -> bool:
    """Queue an alert of ``kind`` for the manager chat; False when no chat is configured."""
    if settings.manager_chat_id is None:
        return False
    text, markup = render(manager_translator(settings, catalogs))
    await outbox.enqueue(session, settings.manager_chat_id, text, now, markup=markup, kind=kind)
    return True
