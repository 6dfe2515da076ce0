"""An update's replies as outbox rows, written in the update's transaction.

A message or an edit is queued, so a crash after commit leaves it for the dispatcher instead
of losing it; the process sends it at once after commit. A callback answer and a command menu
are performed directly: Telegram lets a button's answer expire within seconds, so a queued one
would be useless later, and a menu is set again at the next start anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Edit, Reply, Send, markup_to_json, shorten
from bot.services import outbox
from storage.models import OutboxMessage

REPLY_KIND = "reply"


async def queue_replies(
    session: AsyncSession, replies: Sequence[Reply], now: datetime
) -> tuple[list[int], list[Reply]]:
    """Queue the messages and edits (one flush for all); returns their row ids, in order, and
    the replies left to perform directly."""
    rows: list[OutboxMessage] = []
    direct: list[Reply] = []
    for reply in replies:
        match reply:
            case Send():
                rows += outbox.messages(
                    reply.chat_id,
                    reply.text,
                    now,
                    markup=reply.markup,
                    kind=REPLY_KIND,
                    thread_id=reply.thread_id,
                    media=reply.media,
                    document=reply.document,
                    document_name=reply.document_name,
                    upload_as_photo=reply.upload_as_photo,
                )
            case Edit():
                rows.append(
                    OutboxMessage(
                        chat_id=reply.chat_id,
                        text=shorten(reply.text),
                        markup=markup_to_json(reply.markup),
                        edit_message_id=reply.message_id,
                        kind=REPLY_KIND,
                        created_at=now,
                        next_attempt_at=now,
                    )
                )
            case _:
                direct.append(reply)
    if rows:
        session.add_all(rows)
        await session.flush()
    return [row.id for row in rows], direct
