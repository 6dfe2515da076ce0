"""An update's replies as outbox rows, written in the update's transaction.

A message or an edit is queued, so a crash after commit leaves it for the dispatcher instead
of losing it; the process sends it at once after commit. The rows are born claimed by this
process (their next attempt a claim's length away), so sending them needs no claim of its own
and no turn at the dispatchers' claim lock; a chat with an older row still pending keeps its
order: its rows are queued unclaimed, for the dispatcher. A callback answer and a command menu
are performed directly: Telegram lets a button's answer expire within seconds, so a queued one
would be useless later, and a menu is set again at the next start anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.replies import Edit, Reply, Send, markup_to_json, shorten
from bot.delivery.queue import Claimed
from bot.services import outbox
from storage.models import OutboxMessage, OutboxStatus

REPLY_KIND = "reply"


async def queue_replies(
    session: AsyncSession, replies: Sequence[Reply], now: datetime, claim: timedelta
) -> tuple[list[Claimed], list[Reply]]:
    """Queue the messages and edits (one flush for all); returns the rows claimed for ``claim``
    to send right after commit, in order, and the replies left to perform directly."""
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
    if not rows:
        return [], direct
    held = await _chats_with_pending(session, {row.chat_id for row in rows})
    for row in rows:
        if row.chat_id not in held:
            row.next_attempt_at = now + claim
    session.add_all(rows)
    await session.flush()
    return [Claimed.of(row) for row in rows if row.chat_id not in held], direct


async def _chats_with_pending(session: AsyncSession, chats: set[int]) -> set[int]:
    """The chats that still have a row waiting (all older than ours, not yet written)."""
    found = await session.scalars(
        select(OutboxMessage.chat_id)
        .where(OutboxMessage.chat_id.in_(chats), OutboxMessage.status == OutboxStatus.PENDING)
        .distinct()
    )
    return set(found)
