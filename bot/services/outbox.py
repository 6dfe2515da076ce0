"""The transactional outbox: messages the bot sends on its own initiative.

A row is written in the same transaction as the change that caused it, so a notification
exists exactly when the change does; the dispatcher delivers it afterwards.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Markup, markup_to_json
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
) -> OutboxMessage:
    message = OutboxMessage(
        chat_id=chat_id,
        thread_id=thread_id,
        person_id=person_id,
        text=text,
        markup=markup_to_json(markup),
        photo=photo,
        document=document,
        document_name=document_name,
        kind=kind,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(message)
    await session.flush()
    return message
