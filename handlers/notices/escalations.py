"""SLA escalations to the managers: a scheduler job (:mod:`handlers.notices.periodic`).

``escalations.due`` decides what is due and records it, so each goes out once; this module
words it. Outbox kinds start with ``sla_``, so ``FIELDBOT_MANAGER_TOPIC_IDS=sla=…`` routes
them all to one topic.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import N_, Catalogs, Translator
from bot.core.replies import Markup
from bot.services import escalations
from bot.services.escalations import Escalation, Kind
from handlers.notices.facts import TicketBrief, brief, brief_lines, ticket_buttons
from handlers.notices.managers import live_alert
from handlers.notices.outbox import Background, Render, nobody_hears_managers
from handlers.texts import PRIORITY, ticket_ref

HEADLINE = {
    Kind.UNACCEPTED: N_("⏰ {ref} has waited {waited} and no engineer has taken it ({priority})"),
    Kind.RESPONSE_AT_RISK: N_("⚠️ {ref}: the response deadline is close — respond by {due}"),
    Kind.RESPONSE_BREACHED: N_("🚨 {ref}: the response deadline was missed ({due})"),
    Kind.RESOLUTION_AT_RISK: N_("⚠️ {ref}: the resolution deadline is close — resolve by {due}"),
    Kind.RESOLUTION_BREACHED: N_("🚨 {ref}: the resolution deadline was missed ({due})"),
}


def outbox_kind(kind: Kind) -> str:
    return f"sla_{kind.value}"


def escalation_render(escalation: Escalation, facts: TicketBrief) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        headline = t._(
            HEADLINE[escalation.kind],
            ref=ticket_ref(facts.ticket_id),
            waited=t.span(escalation.waited),
            priority=t._(PRIORITY[facts.priority]),
            due=t.datetime(escalation.due) if escalation.due is not None else "",
        )
        lines = [headline, *brief_lines(t, facts, description=False)]
        return "\n".join(lines), ticket_buttons(t, facts.ticket_id, facts.engineer is not None)

    return render


async def escalate(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Alert the managers about every escalation due now; returns how many were queued.

    With nobody to hear them (no manager chat, no manager) nothing is recorded either, so
    once there is someone the escalations still standing are sent.
    """
    if await nobody_hears_managers(session, settings):
        return 0
    speaker = Background(session, settings, catalogs, now)
    sent = 0
    for escalation in await escalations.due(session, now, settings):
        render = escalation_render(escalation, await brief(session, escalation.ticket))
        ticket_id = escalation.ticket.id
        sent += await live_alert(speaker, ticket_id, render, outbox_kind(escalation.kind))
    return sent
