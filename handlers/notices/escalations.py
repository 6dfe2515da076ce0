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
from handlers.notices.outbox import Background, Render, managers_rows, nobody_hears_managers
from handlers.texts import PRIORITY, ticket_ref
from storage.models import Priority

HEADLINE = {
    Kind.UNACCEPTED: N_("⏰ {ref} has waited {waited} and no engineer has taken it ({priority})"),
    Kind.RESPONSE_AT_RISK: N_("⚠️ {ref}: the response deadline is close — respond by {due}"),
    Kind.RESPONSE_BREACHED: N_("🚨 {ref}: the response deadline was missed ({due})"),
    Kind.RESOLUTION_AT_RISK: N_("⚠️ {ref}: the resolution deadline is close — resolve by {due}"),
    Kind.RESOLUTION_BREACHED: N_("🚨 {ref}: the resolution deadline was missed ({due})"),
}


SUMMARY_KIND = "sla_summary"


def outbox_kind(kind: Kind) -> str:
    return f"sla_{kind.value}"


def escalation_render(escalation: Escalation, facts: TicketBrief) -> Render:
    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [headline(t, escalation), *brief_lines(t, facts, description=False)]
        return "\n".join(lines), ticket_buttons(t, facts.ticket_id, facts.engineer is not None)

    return render


# How many tickets a summary lists; the rest are counted (``/open`` shows them all).
SUMMARY_LINES = 25
# A summary lists what is worst first: missed deadlines, then unaccepted jobs, then risks.
SEVERITY = {
    Kind.RESOLUTION_BREACHED: 0,
    Kind.RESPONSE_BREACHED: 1,
    Kind.UNACCEPTED: 2,
    Kind.RESOLUTION_AT_RISK: 3,
    Kind.RESPONSE_AT_RISK: 4,
}
URGENCY = {Priority.PRODUCTION_STOPPED: 0, Priority.URGENT: 1, Priority.NORMAL: 2}


def headline(t: Translator, escalation: Escalation) -> str:
    ticket = escalation.ticket
    return t._(
        HEADLINE[escalation.kind],
        ref=ticket_ref(ticket.id),
        waited=t.span(escalation.waited),
        priority=t._(PRIORITY[ticket.priority]),
        due=t.datetime(escalation.due) if escalation.due is not None else "",
    )


def summary_render(found: list[Escalation]) -> Render:
    """One message for a backlog: the worst few escalations, one line each, and how many
    more there are."""
    ordered = sorted(
        found,
        key=lambda item: (
            SEVERITY[item.kind],
            URGENCY[item.ticket.priority],
            item.ticket.created_at,
            item.ticket.id,
        ),
    )

    def render(t: Translator) -> tuple[str, Markup | None]:
        lines = [
            t.ngettext(
                "🚨 {n} escalation needs attention:",
                "🚨 {n} escalations need attention:",
                len(found),
            ),
            *(f"• {headline(t, item)}" for item in ordered[:SUMMARY_LINES]),
        ]
        rest = len(ordered) - SUMMARY_LINES
        if rest > 0:
            lines.append(
                t.ngettext("…and {n} more: see /open.", "…and {n} more: see /open.", rest)
            )
        return "\n".join(lines), None

    return render


async def escalate(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Alert the managers about every escalation due now; returns how many were queued.

    Up to ``FIELDBOT_ESCALATION_SUMMARY_AFTER`` go out as a live alert each; more (a backlog,
    say after an outage or on first start) as one summary message, so the group is not hours
    behind. With nobody to hear them (no manager chat, no manager) nothing is recorded either,
    so once there is someone the escalations still standing are sent.
    """
    if await nobody_hears_managers(session, settings):
        return 0
    speaker = Background(session, settings, catalogs, now)
    found = await escalations.due(session, now, settings)
    if len(found) > settings.escalation_summary_after:
        return len(await managers_rows(speaker, summary_render(found), SUMMARY_KIND))
    sent = 0
    for escalation in found:
        render = escalation_render(escalation, await brief(session, escalation.ticket))
        ticket_id = escalation.ticket.id
        sent += await live_alert(speaker, ticket_id, render, outbox_kind(escalation.kind))
    return sent
