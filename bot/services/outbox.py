"""The transactional outbox: messages the bot sends on its own initiative.

A row is written in the same transaction as the change that caused it, so a notification
exists exactly when the change does; the dispatcher delivers it afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.events import Attachment
from bot.core.replies import Markup, markup_to_json, shorten, split_text
from storage.models import AttachmentKind, OutboxMessage


async def enqueue(session: AsyncSession, rows: Sequence[OutboxMessage]) -> OutboxMessage:
    """Queue the rows :func:`messages` built for one message. Returns the last, flushed, so a
    live message can point at it."""
    session.add_all(rows)
    await session.flush()
    return rows[-1]


def messages(
    chat_id: int,
    text: str,
    now: datetime,
    *,
    markup: Markup | None = None,
    person_id: int | None = None,
    kind: str = "",
    thread_id: int | None = None,
    media: Sequence[Attachment] = (),
    document: bytes | None = None,
    document_name: str | None = None,
    upload_as_photo: bool = False,
    ticket_id: int | None = None,
) -> list[OutboxMessage]:
    """A message's rows for :func:`enqueue`, at least one, in order: a text over Telegram's
    limit becomes several, with the buttons under the last (a caption of a file is the
    caller's to keep short)."""
    parts = split_text(text) if not media and document is None else [text]
    return [
        OutboxMessage(
            chat_id=chat_id,
            thread_id=thread_id,
            person_id=person_id,
            text=part,
            markup=markup_to_json(markup) if number == len(parts) else None,
            media=[media_to_json(item) for item in media] or None,
            document=document,
            document_name=document_name,
            upload_as_photo=upload_as_photo and document is not None,
            kind=kind,
            ticket_id=ticket_id,
            created_at=now,
            next_attempt_at=now,
        )
        for number, part in enumerate(parts, start=1)
    ]


async def enqueue_edit(
    session: AsyncSession,
    original: OutboxMessage,
    text: str,
    now: datetime,
    *,
    markup: Markup | None = None,
) -> None:
    """Queue an edit of ``original``'s message: new text and keyboard (none removes it). It
    goes out in the chat's order, after the original, whose message id it takes when sent."""
    session.add(
        OutboxMessage(
            chat_id=original.chat_id,
            thread_id=original.thread_id,
            person_id=original.person_id,
            text=shorten(text),
            markup=markup_to_json(markup),
            kind=original.kind,
            ticket_id=original.ticket_id,
            edit_of=original.id,
            created_at=now,
            next_attempt_at=now,
        )
    )
    await session.flush()


def media_to_json(attachment: Attachment) -> dict[str, str]:
    data = {"kind": attachment.kind.value, "file_id": attachment.file_id}
    if attachment.file_name:
        data["file_name"] = attachment.file_name
    return data


def media_from_json(data: dict[str, str]) -> Attachment:
    return Attachment(AttachmentKind(data["kind"]), data["file_id"], data.get("file_name"))
