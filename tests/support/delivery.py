"""For the delivery tests: fast pacing, clients to send to, plain messages queued now, and a
recording fake ``send``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.core.replies import Send
from bot.delivery import DeliverySettings, Rate
from bot.services import outbox
from storage.db import Database
from tests.support.people import make_person

# Fast settings for tests that are not about pacing.
FAST = DeliverySettings(
    batch_size=10,
    poll_seconds=0.05,
    backoff_base=0.05,
    backoff_cap=0.2,
    per_bot=Rate(1000, 1.0),
    per_private_chat=Rate(1000, 1.0),
    per_group=Rate(1000, 1.0),
)


def now() -> datetime:
    return datetime.now(UTC)


async def add_people(db: Database, chat_ids: list[int]) -> dict[int, int]:
    """A client per private chat id; returns chat id -> person id."""
    return {chat: await make_person(db, chat) for chat in chat_ids}


async def queue(
    db: Database, messages: list[tuple[int, str]], people: dict[int, int] | None = None
) -> None:
    """Queue ``(chat_id, text)`` messages in one transaction, in this order."""
    people = people or {}
    async with db.transaction() as session:
        for chat_id, text in messages:
            await outbox.enqueue(
                session, outbox.messages(chat_id, text, now(), person_id=people.get(chat_id))
            )


@dataclass
class FakeTelegram:
    """A ``send`` that records deliveries and answers with scripted errors per text."""

    sent: list[Send] = field(default_factory=list)
    errors: dict[str, list[Exception]] = field(default_factory=dict)
    delay: float = 0.0
    before_send: Callable[[Send], object] | None = None

    async def __call__(self, reply: Send) -> int:
        if self.before_send is not None:
            waited = self.before_send(reply)
            if asyncio.iscoroutine(waited):
                await waited
        if self.delay:
            await asyncio.sleep(self.delay)
        scripted = self.errors.get(reply.text)
        if scripted:
            raise scripted.pop(0)
        self.sent.append(reply)
        return len(self.sent)

    def texts(self, chat_id: int) -> list[str]:
        return [reply.text for reply in self.sent if reply.chat_id == chat_id]
