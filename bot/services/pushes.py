"""Which engineers are pushed a new job, in waves.

Wave 1, when the job is created (or handed back): the ``push_first_wave`` nearest on-duty
engineers whose skills fit the job (the rule Accept applies, :func:`jobs.can_take`), nearest
first, then fewest open jobs. Wave 2, ``push_wave_minutes`` later if nobody took it: every
other on-duty engineer who fits. Off-duty engineers, and those the bot cannot reach, are never
pushed; whoever handed the job back is not pushed it again.

Wave 2 is claimed with one conditional UPDATE per ticket (``push_wave`` 1 → 2 while the ticket
is new and the wave is due), so of several processes running the scheduler at once exactly one
pushes it. Who was pushed is what :mod:`bot.services.live` keeps: the pushes are live messages.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services import jobs, live, tickets
from storage.models import Person, Ticket, TicketEvent, TicketStatus, TimelineKind

FIRST, EVERYONE = 1, 2


@dataclass(frozen=True)
class Wave:
    """Push ``ticket`` to ``engineers`` (nearest first); ``number`` 1 or 2."""

    ticket: Ticket
    engineers: list[Person]
    number: int


def waiting(ticket: Ticket) -> bool:
    """A job nobody has: the only kind pushed."""
    return ticket.status is TicketStatus.NEW and ticket.engineer_id is None


async def matching_on_duty(
    session: AsyncSession, ticket: Ticket, exclude: Collection[int] = ()
) -> list[Person]:
    """On-duty, reachable engineers who may take the job: nearest first (unknown distance
    last), then fewest open jobs, then by name."""
    people, loads = await jobs.engineers_and_loads(session)
    found = [
        person
        for person in people
        if person.on_duty
        and not person.unreachable
        and person.id not in exclude
        and jobs.can_take(person, ticket)
    ]

    def rank(person: Person) -> tuple[bool, float, int, str, int]:
        distance = jobs.distance_to(person, ticket)
        return (
            distance is None,
            distance or 0.0,
            loads.get(person.id, 0),
            person.name.casefold(),
            person.id,
        )

    return sorted(found, key=rank)


async def handed_back_by(session: AsyncSession, ticket_id: int) -> set[int]:
    """Engineers who handed the job back: it is not pushed to them again."""
    rows = await session.scalars(
        select(TicketEvent.actor_id).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == TimelineKind.HANDED_BACK
        )
    )
    return {actor for actor in rows if actor is not None}


async def first_wave(
    session: AsyncSession, ticket: Ticket, now: datetime, settings: Settings
) -> Wave:
    """Start pushing a new (or handed back) job: the nearest few first. The wave is recorded
    even when nobody fits now, so everyone on duty by then gets wave 2."""
    if not waiting(ticket):
        return Wave(ticket, [], FIRST)
    ticket.push_wave, ticket.pushed_at = FIRST, now
    await session.flush()
    ticket = await tickets.card(session, ticket.id) or ticket  # what a new one has not loaded
    exclude = await handed_back_by(session, ticket.id)
    engineers = await matching_on_duty(session, ticket, exclude)
    return Wave(ticket, engineers[: settings.push_first_wave], FIRST)


async def second_waves(session: AsyncSession, now: datetime, settings: Settings) -> list[Wave]:
    """Claim every job whose first wave is due to widen, and say whom to push it to now."""
    cutoff = now - timedelta(minutes=settings.push_wave_minutes)
    due = list(
        await session.scalars(
            select(Ticket.id)
            .where(
                Ticket.push_wave == FIRST,
                Ticket.pushed_at <= cutoff,
                Ticket.status == TicketStatus.NEW,
                Ticket.engineer_id.is_(None),
            )
            .order_by(Ticket.id)
        )
    )
    waves = []
    for ticket_id in due:
        if not await _claim(session, ticket_id, cutoff):
            continue  # another process widened it, or someone took the job meanwhile
        ticket = await tickets.card(session, ticket_id)
        assert ticket is not None  # just claimed
        exclude = await live.pushed_people(session, ticket_id)
        exclude |= await handed_back_by(session, ticket_id)
        waves.append(Wave(ticket, await matching_on_duty(session, ticket, exclude), EVERYONE))
    return waves


async def _claim(session: AsyncSession, ticket_id: int, cutoff: datetime) -> bool:
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Ticket)
            .where(
                Ticket.id == ticket_id,
                Ticket.push_wave == FIRST,
                Ticket.pushed_at <= cutoff,
                Ticket.status == TicketStatus.NEW,
                Ticket.engineer_id.is_(None),
            )
            .values(push_wave=EVERYONE)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1
