"""Messages about a ticket that stay current: the managers' alerts and the pushes of a new job
to engineers. Whatever changes a ticket's state calls :func:`ticket_changed`, which queues an
edit of each of its live messages that no longer says how the ticket stands (in its reader's
language): a push becomes "taken by …" (or "yours", or "no longer available") without its
Accept button; an alert says where the ticket is now and keeps only the buttons that apply.

A new job is pushed in waves (:mod:`bot.services.pushes`): :func:`first_wave` when it is
created or handed back, :func:`widen_waves` as a scheduler job (:mod:`.periodic`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.i18n import Catalogs, Translator
from bot.services import live, pushes
from bot.services.jobs import JobMoved
from handlers.notices import engineers, managers, visits
from handlers.notices.outbox import Background, Render, Speaker, manager_translator
from storage.models import LivePurpose, Person, Ticket


async def ticket_changed(speaker: Speaker, ticket: Ticket) -> None:
    """The ticket moved (taken, assigned, en route, resolved, closed, cancelled…): bring every
    live message about it up to date. Call it after the change, in the same transaction."""
    session = speaker.session
    if not ticket.is_open:
        await visits.close_offers(speaker, ticket.id, visits.Outcome.CLOSED)
    messages = await live.of_ticket(session, ticket.id)
    if not messages:
        return
    engineer = await session.get(Person, ticket.engineer_id) if ticket.engineer_id else None
    name = engineer.name if engineer is not None else None
    fresh: Render | None = None
    for item in messages:
        if item.message.purpose is LivePurpose.PUSH:
            render = engineers.push_now(ticket, item.person_id, name)
            reader = await session.get(Person, item.person_id) if item.person_id else None
            if render is None or reader is None:
                continue
            t = speaker.catalogs.get(reader.locale)
        elif item.original.kind == managers.PART_REQUEST:
            # about a part request: says where the request stands (and the job, by its buttons)
            part_render = await managers.part_alert_now(speaker, item.original.id)
            if part_render is None:
                continue
            render = part_render
            t = await alert_translator(speaker, item)
        else:
            rewrite = None
            if item.original.kind == managers.NEW_TICKET:
                fresh = fresh or await managers.new_ticket_alert(speaker, ticket)
                rewrite = fresh
            render = managers.alert_now(ticket, name, item.original.text, rewrite)
            t = await alert_translator(speaker, item)
        await _edit(speaker, item, render, t)


async def alert_translator(speaker: Speaker, item: live.Live) -> Translator:
    """An alert's language: the manager chat's, or a private copy's reader's own."""
    reader = await speaker.session.get(Person, item.person_id) if item.person_id else None
    if reader is not None:
        return speaker.catalogs.get(reader.locale)
    return manager_translator(speaker.settings, speaker.catalogs)


async def _edit(speaker: Speaker, item: live.Live, render: Render, t: Translator) -> None:
    text, markup = render(t)
    await live.edit(speaker.session, item, text, markup, speaker.now())


async def first_wave(speaker: Speaker, ticket: Ticket) -> int:
    """Push a new job to the nearest engineers who fit it; returns how many."""
    wave = await pushes.first_wave(speaker.session, ticket, speaker.now(), speaker.settings)
    return await engineers.push(speaker, wave)


async def handed_back(speaker: Speaker, moved: JobMoved) -> None:
    """An engineer gave the job back: its old pushes are withdrawn, the alerts say it waits
    again, the managers hear why (and how urgent it is), and it is pushed anew, nearest first
    (not to whoever gave it back)."""
    ticket, session = moved.ticket, speaker.session
    withdrawn = await live.of_ticket(session, ticket.id, LivePurpose.PUSH)
    for item in withdrawn:
        reader = await session.get(Person, item.person_id) if item.person_id else None
        if reader is not None:
            t = speaker.catalogs.get(reader.locale)
            await _edit(speaker, item, engineers.push_gone(ticket), t)
    await live.forget(session, withdrawn)
    await ticket_changed(speaker, ticket)
    await managers.handed_back(speaker, moved)
    await first_wave(speaker, ticket)


async def widen_waves(
    session: AsyncSession, now: datetime, settings: Settings, catalogs: Catalogs
) -> int:
    """Push every job nobody took within ``push_wave_minutes`` of its first wave to every
    other on-duty engineer who fits it (each job once, whatever the number of processes);
    returns how many pushes were queued."""
    speaker = Background(session, settings, catalogs, now)
    pushed = 0
    for wave in await pushes.second_waves(session, now, settings):
        pushed += await engineers.push(speaker, wave)
    return pushed
