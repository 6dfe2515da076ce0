"""The managers' alert about a dead letter: a message the outbox gave up on after failing for
too long (``FIELDBOT_OUTBOX_DEAD_AFTER_*``), which no longer holds back its chat.

It says whose message it was and what went wrong, never the text itself (the managers' chat
is a group; the message may be private), and how an operator sends it again.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Markup
from bot.delivery.dispatcher import DeadLetterHook
from bot.delivery.queue import Claimed
from handlers.notices.outbox import Background, Render, to_managers
from storage.models import Person

DEAD_LETTER = "dead_letter"


def dead_letter_alerts(settings: Settings, catalogs: Catalogs) -> DeadLetterHook:
    """The dispatcher's ``on_dead``: one alert per dead letter, queued with its death."""

    async def alert(session: AsyncSession, row: Claimed, error: str, now: datetime) -> None:
        if row.kind == DEAD_LETTER:  # an alert about an alert would never end
            return
        person = await session.get(Person, row.person_id) if row.person_id else None
        speaker = Background(session, settings, catalogs, now)
        await to_managers(speaker, _render(row, person, error), DEAD_LETTER)

    return alert


def _render(row: Claimed, person: Person | None, error: str) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        recipient = person.name if person else t._("chat {chat}").format(chat=row.chat_id)
        text = t._(
            "📭 A message to {recipient} could not be delivered and was set aside (outbox #{id}, "
            "{error}). Their later messages are delivered as usual. To send it again: fieldbot "
            "outbox retry {id}"
        ).format(recipient=recipient, id=row.id, error=error)
        return text, None

    return render
