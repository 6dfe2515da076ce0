"""The managers' alert when an incoming update is given up on (:mod:`bot.inbox`): somebody's
message was not handled, and an operator can look at it with ``fieldbot inbox list``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Markup
from bot.inbox.workers import DeadUpdate, OnDead
from handlers.notices.outbox import Background, to_managers

DEAD_UPDATE = "dead_update"


def dead_update(settings: Settings, catalogs: Catalogs) -> OnDead:
    """The inbox's hook: one alert per dead update, in the dead update's transaction."""

    async def alert(session: AsyncSession, dead: DeadUpdate, now: datetime) -> None:
        def render(t: Translator) -> tuple[str, Markup | None]:
            text = t._(
                "⚠️ A message to the bot could not be handled after {attempts} tries and was "
                "set aside (update {update}, chat {chat}). The person was asked to try again; "
                "`fieldbot inbox list` shows it, `fieldbot inbox retry {update}` runs it again.",
                attempts=dead.attempts,
                update=dead.update_id,
                chat=dead.chat_id if dead.chat_id is not None else "—",
            )
            return text, None

        await to_managers(Background(session, settings, catalogs, now), render, DEAD_UPDATE)

    return alert
