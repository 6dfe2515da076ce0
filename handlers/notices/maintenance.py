"""New preventive maintenance jobs, told to the managers and pushed to the nearest engineers
who fit them, and to the customer with the due date and the times the engineer could come
(picked as any offered visit, :mod:`handlers.client.visits`): a scheduler job
(:mod:`handlers.notices.periodic`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.core.replies import Markup
from bot.services import holidays, maintenance, tickets, visits
from handlers.notices import visits as visit_notices
from handlers.notices.facts import TicketBrief, brief, brief_lines, ticket_buttons
from handlers.notices.live import first_wave
from handlers.notices.managers import live_alert
from handlers.notices.outbox import Background, Render, to_people
from handlers.texts import ticket_ref

MAINTENANCE_CREATED = "maintenance_created"
MAINTENANCE_CUSTOMER = visit_notices.MAINTENANCE_CUSTOMER


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
        await tell_customer(speaker, item)
    return len(planned)


async def tell_customer(speaker: Background, item: maintenance.Planned) -> None:
    """The due date, what the contract says, and the standard times of the last working days
    up to the due day (as many as one offer holds)."""
    session, settings = speaker.session, speaker.settings
    calendar = await holidays.company_calendar(session, settings)
    days = (item.deadline_on - speaker.now().date()).days + 1
    times = visits.standard_slots(
        speaker.now(), calendar, settings.visit_slots, max(days, 1), until=item.deadline_on
    )[-visits.MAX_SLOTS :]
    customers = await tickets.customer_recipients(session, item.ticket)
    slots = []
    if times:
        offer = await visits.propose(session, item.ticket, None, times, speaker.now(), settings)
        slots = offer.slots
    equipment = f"{item.equipment.model.name} · {item.equipment.serial}"
    ticket_id = item.ticket.id

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t._(
                "🛠 Preventive maintenance of your {equipment} is due on {date} ({ref}).",
                equipment=equipment,
                date=t.date(item.deadline_on),
                ref=ticket_ref(ticket_id),
            ),
            t.ngettext(
                "Your contract {contract} includes it every {n} day.",
                "Your contract {contract} includes it every {n} days.",
                item.interval_days,
                contract=item.contract,
            ),
        ]
        if not slots:
            lines.append(t._("We will call you to agree on a time for the engineer's visit."))
            return "\n".join(lines), None
        lines.append(t._("When may the engineer come?"))
        return "\n".join(lines), visit_notices.offer_keyboard(t, ticket_id, slots)

    await to_people(speaker, customers, render, MAINTENANCE_CUSTOMER, ticket_id=ticket_id)
