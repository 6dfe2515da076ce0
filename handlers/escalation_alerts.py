"""Periodic alerts to the managers: escalations, new maintenance jobs and the daily digest.

These are the scheduler's jobs that speak: the services decide what is due (and record it so
it goes out once), this module renders it in the manager chat's language through
:func:`handlers.alerts.alert_managers`. Outbox kinds start with ``sla_`` for escalations, so
``FIELDBOT_MANAGER_TOPIC_IDS=sla=…`` routes them all to one topic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from babel.dates import format_skeleton
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import N_, Catalogs, Translator
from bot.core.replies import Markup
from bot.services import digest, escalations, maintenance
from bot.services.digest import ChartLabels, DayFigures
from bot.services.escalations import Escalation, Kind
from handlers.alerts import (
    TicketBrief,
    alert_managers,
    brief,
    brief_lines,
    manager_translator,
    ticket_buttons,
)
from handlers.texts import PRIORITY, ticket_ref

HEADLINE = {
    Kind.UNACCEPTED: N_("⏰ {ref} has waited {waited} and no engineer has taken it ({priority})"),
    Kind.RESPONSE_AT_RISK: N_("⚠️ {ref}: the response deadline is close — respond by {due}"),
    Kind.RESPONSE_BREACHED: N_("🚨 {ref}: the response deadline was missed ({due})"),
    Kind.RESOLUTION_AT_RISK: N_("⚠️ {ref}: the resolution deadline is close — resolve by {due}"),
    Kind.RESOLUTION_BREACHED: N_("🚨 {ref}: the resolution deadline was missed ({due})"),
}
MAINTENANCE_CREATED = "maintenance_created"
DIGEST = "digest"


def outbox_kind(kind: Kind) -> str:
    return f"sla_{kind.value}"


# -- renderers (no I/O) -------------------------------------------------------------------------
def escalation_render(
    escalation: Escalation, facts: TicketBrief
) -> Callable[[Translator], tuple[str, Markup | None]]:
    def render(t: Translator) -> tuple[str, Markup | None]:
        headline = t._(
            HEADLINE[escalation.kind],
            ref=ticket_ref(facts.ticket_id),
            waited=t.duration(escalation.waited),
            priority=t._(PRIORITY[facts.priority]),
            due=t.datetime(escalation.due) if escalation.due is not None else "",
        )
        lines = [headline, *brief_lines(t, facts, description=False)]
        return "\n".join(lines), ticket_buttons(t, facts.ticket_id, facts.engineer is not None)

    return render


def maintenance_render(
    planned: maintenance.Planned, facts: TicketBrief
) -> Callable[[Translator], tuple[str, Markup | None]]:
    def render(t: Translator) -> tuple[str, Markup | None]:
        headline = t._(
            "🛠 Preventive maintenance {ref} is on the job board, due {date}",
            ref=ticket_ref(facts.ticket_id),
            date=t.date(planned.due_on),
        )
        lines = [headline, *brief_lines(t, facts, description=False)]
        return "\n".join(lines), ticket_buttons(t, facts.ticket_id, assigned=False)

    return render


def digest_caption(t: Translator, figures: DayFigures) -> str:
    """The digest text; it is the chart's caption, so it stays well under 1024 characters."""
    lines = [
        t._("📊 Daily digest for {date}", date=t.date(figures.day)),
        t._("Opened: {n}", n=figures.opened),
        t._("Closed: {n}", n=figures.closed),
    ]
    percent = figures.sla_met_percent
    if percent is None:
        lines.append(t._("SLA met: nothing was resolved"))
    else:
        lines.append(
            t._(
                "SLA met: {percent}% ({met} of {total} resolved in time)",
                percent=t.number(round(percent)),
                met=figures.resolved_in_time,
                total=figures.resolved,
            )
        )
    if figures.average_rating is None:
        lines.append(t._("Average rating: no ratings"))
    else:
        lines.append(
            t.ngettext(
                "Average rating: {rating} ({n} rating)",
                "Average rating: {rating} ({n} ratings)",
                figures.ratings,
                rating=t.number(round(figures.average_rating, 1)),
            )
        )
    lines.append(t._("Open now: {n}", n=figures.open_now))
    return "\n".join(lines)


def chart_labels(t: Translator, weeks: list[digest.WeekCounts]) -> ChartLabels:
    return ChartLabels(
        title=t._("Jobs opened and closed per week"),
        opened=t._("Opened"),
        closed=t._("Closed"),
        weeks=[format_skeleton("MMMd", week.monday, locale=t.locale) for week in weeks],
    )


# -- the periodic jobs --------------------------------------------------------------------------
async def escalate(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Alert the managers about every escalation due now; returns how many were queued.

    Without a manager chat nothing is recorded either, so once one is configured the
    escalations still standing are sent.
    """
    if settings.manager_chat_id is None:
        return 0
    sent = 0
    for escalation in await escalations.due(session, now, settings):
        facts = await brief(session, escalation.ticket)
        render = escalation_render(escalation, facts)
        kind = outbox_kind(escalation.kind)
        sent += await alert_managers(session, settings, catalogs, kind, render, now)
    return sent


async def plan_maintenance(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Create due maintenance jobs and tell the managers; returns how many were created."""
    planned = await maintenance.create_due_jobs(session, now, settings)
    for item in planned:
        facts = await brief(session, item.ticket)
        render = maintenance_render(item, facts)
        await alert_managers(session, settings, catalogs, MAINTENANCE_CREATED, render, now)
    return len(planned)


async def send_digest(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Queue yesterday's digest with its chart once the digest time has passed; 1 if queued.

    The chart travels as a PNG document (``outbox.document``) with the figures as caption:
    a Telegram photo needs a file id or an upload, and documents are what the runtimes upload.
    """
    day = digest.day_to_report(now, settings)
    if day is None or settings.manager_chat_id is None:
        return 0
    if not await digest.claim(session, day, now):
        return 0
    figures = await digest.day_figures(session, day, settings)
    weeks = await digest.weekly_counts(session, day, settings)
    t = manager_translator(settings, catalogs)
    png = await asyncio.to_thread(digest.chart_png, weeks, chart_labels(t, weeks))
    caption = digest_caption(t, figures)
    await alert_managers(
        session,
        settings,
        catalogs,
        DIGEST,
        lambda t: (caption, None),
        now,
        document=png,
        document_name=f"digest-{day.isoformat()}.png",
    )
    return 1
