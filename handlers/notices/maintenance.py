"""New preventive maintenance jobs, told to the managers and pushed to the nearest engineers
who fit them: a scheduler job (:mod:`handlers.notices.periodic`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Markup
from bot.services import maintenance
from handlers.notices.facts import TicketBrief, brief, brief_lines, ticket_buttons
from handlers.notices.live import first_wave
from handlers.notices.managers import live_alert
from handlers.notices.outbox import Background, Render
from handlers.texts import ticket_ref

MAINTENANCE_CREATED = "maintenance_created"


def maintenance_render(planned: maintenance.Planned, facts: TicketBrief) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        headline = t._(
            "🛠 Preventive maintenance {ref} is on the job board, due {date}",
            ref=ticket_ref(facts.ticket_id),
            date=t.date(planned.due_on),
        )
        lines = [headline, *brief_lines(t, facts, description=False)]
        return "\n".join(lines), ticket_buttons(t, facts.ticket_id, assigned=False)

    return render


async def plan_maintenance(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Create due maintenance jobs, tell the managers and push them to engineers; returns how
    many were created."""
    speaker = Background(session, settings, catalogs, now)
    planned = await maintenance.create_due_jobs(session, now, settings)
    for item in planned:
        render = maintenance_render(item, await brief(session, item.ticket))
        await live_alert(speaker, item.ticket.id, render, MAINTENANCE_CREATED)
        await first_wave(speaker, item.ticket)
    return len(planned)
