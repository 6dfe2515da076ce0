"""The transactional outbox: messages the bot sends on its own initiative.

A row is written in the same transaction as the change that caused it, so a notification
exists exactly when the change does; the dispatcher delivers it afterwards.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Markup, markup_to_json, split_text
from storage.models import OutboxMessage


async def enqueue(
    session: AsyncSession,
    chat_id: int,
    text: str,
    now: datetime,
    *,
    markup: Markup | None = None,
    person_id: int | None = None,
    kind: str = "",
    thread_id: int | None = None,
    photo: str | None = None,
    document: bytes | None = None,
    document_name: str | None = None,
) -> None:
    """Queue a message; a text over Telegram's limit becomes several rows, in order, with the
    buttons under the last (a caption of a photo or file is the caller's to keep short)."""
    parts = split_text(text) if photo is None and document is None else [text]
    for number, part in enumerate(parts, start=1):
        last = number == len(parts)
        session.add(
            OutboxMessage(
                chat_id=chat_id,
                thread_id=thread_id,
                person_id=person_id,
                text=part,
                markup=markup_to_json(markup) if last else None,
                photo=photo,
                document=document,
                document_name=document_name,
                kind=kind,
                created_at=now,
                next_attempt_at=now,
            )
        )
    await session.flush()
