"""The managers' daily digest: yesterday's figures as the caption of a weekly chart, a
scheduler job (:mod:`handlers.notices.periodic`)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.services import digest
from bot.services.digest import ChartLabels, DayFigures
from handlers.notices.outbox import (
    Background,
    manager_translator,
    nobody_hears_managers,
    to_managers,
)

DIGEST = "digest"


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
                "SLA met: {percent} ({met} of {total} resolved in time)",
                percent=t.percent(percent / 100),
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
        title=t._("Requests opened and closed per week"),
        opened=t.pgettext("chart legend", "Opened"),
        closed=t.pgettext("chart legend", "Closed"),
        weeks=[t.day(week.monday) for week in weeks],
    )


async def send_digest(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Queue yesterday's digest with its chart once the digest time has passed; 1 if queued,
    0 also for a day without activity (claimed all the same, so it is not looked at again).

    The chart is uploaded as a photo (``upload_as_photo``), so it shows in the chat, with the
    figures as its caption.
    """
    day = digest.day_to_report(now, settings)
    if day is None or await nobody_hears_managers(session, settings):
        return 0
    if not await digest.claim(session, day, now):
        return 0
    figures = await digest.day_figures(session, day, settings)
    if figures.idle:
        return 0
    weeks = await digest.weekly_counts(session, day, settings)
    t = manager_translator(settings, catalogs)
    png = await asyncio.to_thread(digest.chart_png, weeks, chart_labels(t, weeks))
    await to_managers(
        Background(session, settings, catalogs, now),
        lambda reader: (digest_caption(reader, figures), None),  # each manager's language
        DIGEST,
        document=png,
        document_name=f"digest-{day.isoformat()}.png",
        upload_as_photo=True,
    )
    return 1
