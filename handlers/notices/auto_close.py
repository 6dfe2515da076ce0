"""Closing what customers did not sign off in time, and telling them: a scheduler job
(:mod:`handlers.notices.periodic`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Markup
from bot.services import closing
from bot.services.closing import AutoClosed
from handlers.notices.customers import rating_keyboard
from handlers.notices.outbox import Background, Render, to_people
from handlers.texts import ticket_ref

AUTO_CLOSED = "auto_closed"


def auto_closed_note(event: AutoClosed) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        text = t.ngettext(
            "{ref} was closed automatically: {n} day passed since it was resolved. "
            "If the problem is back, please report it again with /report. "
            "How would you rate the work?",
            "{ref} was closed automatically: {n} days passed since it was resolved. "
            "If the problem is back, please report it again with /report. "
            "How would you rate the work?",
            event.days,
            ref=ticket_ref(event.ticket),
        )
        return text, rating_keyboard(event.ticket.id)

    return render


async def auto_close_job(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Close what customers did not confirm within ``auto_close_days`` and tell them, in their
    language, with a last chance to rate the work; returns how many were closed."""
    speaker = Background(session, settings, catalogs, now)
    closed = await closing.auto_close(session, now, settings.auto_close_days)
    for event in closed:
        await to_people(
            speaker,
            event.customers,
            auto_closed_note(event),
            AUTO_CLOSED,
            ticket_id=event.ticket.id,
        )
    return len(closed)
