"""Live messages: messages about a ticket that are edited as the ticket changes (the managers'
alerts, the pushes of a new job to engineers), so nobody acts on a stale one.

A live message points at the outbox row that sent it; an edit is another outbox row with
``edit_of`` set to it (:func:`bot.services.outbox.enqueue_edit`). An edit is queued only when
the words or buttons differ from the last ones queued for that message, so a ticket change
that does not show on a message costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Markup, markup_to_json, shorten
from bot.services import outbox
from storage.models import LiveMessage, LivePurpose, OutboxMessage


@dataclass(frozen=True)
class Live:
    """A live message, the row that sent it, and what it says now (as last queued)."""

    message: LiveMessage
    original: OutboxMessage
    text: str
    markup: dict[str, Any] | None

    @property
    def person_id(self) -> int | None:
        return self.message.person_id


async def record(
    session: AsyncSession,
    ticket_id: int,
    purpose: LivePurpose,
    row: OutboxMessage,
    now: datetime,
    person_id: int | None = None,
) -> LiveMessage:
    """Keep ``row`` (just queued) as a live message about the ticket."""
    message = LiveMessage(
        ticket_id=ticket_id, purpose=purpose, person_id=person_id, outbox_id=row.id, created_at=now
    )
    session.add(message)
    await session.flush()
    return message


async def of_ticket(
    session: AsyncSession, ticket_id: int, purpose: LivePurpose | None = None
) -> list[Live]:
    """The ticket's live messages, oldest first, each with what it says now."""
    query = (
        select(LiveMessage, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.id == LiveMessage.outbox_id)
        .where(LiveMessage.ticket_id == ticket_id)
        .order_by(LiveMessage.id)
    )
    if purpose is not None:
        query = query.where(LiveMessage.purpose == purpose)
    rows = (await session.execute(query)).all()
    found = []
    for message, original in rows:
        last = await session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.edit_of == original.id)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        now_shows = last if last is not None else original
        found.append(Live(message, original, now_shows.text, now_shows.markup))
    return found


async def pushed_people(session: AsyncSession, ticket_id: int) -> set[int]:
    """Who holds a live push of the ticket."""
    rows = await session.scalars(
        select(LiveMessage.person_id).where(
            LiveMessage.ticket_id == ticket_id,
            LiveMessage.purpose == LivePurpose.PUSH,
            LiveMessage.person_id.is_not(None),
        )
    )
    return {person_id for person_id in rows if person_id is not None}


async def edit(
    session: AsyncSession, live: Live, text: str, markup: Markup | None, now: datetime
) -> bool:
    """Queue an edit of the live message unless it already says this; True if queued."""
    if shorten(text) == live.text and markup_to_json(markup) == live.markup:
        return False
    await outbox.enqueue_edit(session, live.original, text, now, markup=markup)
    return True


async def forget(session: AsyncSession, messages: Iterable[Live]) -> None:
    """Stop keeping these messages current (they said their last word)."""
    ids = [live.message.id for live in messages]
    if ids:
        await session.execute(delete(LiveMessage).where(LiveMessage.id.in_(ids)))
