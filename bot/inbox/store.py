"""The inbox table: store received updates, claim the next one of a chat, record outcomes.

Claiming takes only the oldest open row of a chat, so one chat's updates are handled in order
while other chats run in parallel, in this process and in others. On PostgreSQL the claim uses
``FOR UPDATE SKIP LOCKED``, so claimers never wait for each other; on SQLite every transaction
takes the write lock up front (``BEGIN IMMEDIATE``), which makes any claim exclusive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.db import Database
from storage.models import InboxStatus, InboxUpdate

OPEN = (InboxStatus.PENDING, InboxStatus.CLAIMED)
# An earlier update of the same chat, in the claim's order check. Made once: a fresh alias has
# to build every column expression again, which cost a claim more than its SQL did.
EARLIER = aliased(InboxUpdate, name="earlier")
ERROR_LIMIT = 2000  # characters of an error kept on the row


def chat_key(payload: Mapping[str, Any]) -> int:
    """What orders an update: its chat, else its sender, else the update itself."""
    for key, value in payload.items():
        if key == "update_id" or not isinstance(value, Mapping):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if isinstance(chat, Mapping) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        sender = value.get("from")
        if isinstance(sender, Mapping) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return int(payload["update_id"])


@dataclass(frozen=True, slots=True)
class Claimed:
    """An inbox row a worker holds: the update to handle, and which claim of it this is."""

    update_id: int
    payload: dict[str, Any]
    attempts: int


class InboxStore:
    """Every call but :meth:`finish` is its own short transaction on ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(self, payloads: Sequence[Mapping[str, Any]], now: datetime) -> None:
        """Keep these updates; one already kept (a redelivery) is ignored."""
        if not payloads:
            return
        rows = [
            {
                "update_id": int(payload["update_id"]),
                "chat_key": chat_key(payload),
                "payload": dict(payload),
                "status": InboxStatus.PENDING,
                "attempts": 0,
                "received_at": now,
            }
            for payload in payloads
        ]
        dialect = sqlite if self.db.is_sqlite else postgresql
        statement = dialect.insert(InboxUpdate).on_conflict_do_nothing(
            index_elements=["update_id"]
        )
        async with self.db.transaction() as session:
            await session.execute(statement, rows)

    async def claim(self, holder: str, now: datetime, lease: timedelta) -> Claimed | None:
        """Take the oldest update whose chat has nothing older open, for ``lease``."""
        taken = await self.claim_batch(holder, now, lease, 1)
        return taken[0] if taken else None

    async def claim_batch(
        self, holder: str, now: datetime, lease: timedelta, limit: int
    ) -> list[Claimed]:
        """Take up to ``limit`` of the oldest updates whose chats have nothing older open (so
        at most one per chat), for ``lease``, in one transaction: under load the workers of a
        process share one claim instead of paying one each."""
        earlier = EARLIER
        older_open = (
            select(earlier.update_id)
            .where(
                earlier.chat_key == InboxUpdate.chat_key,
                earlier.status.in_(OPEN),
                earlier.update_id < InboxUpdate.update_id,
            )
            .exists()
        )
        ready = or_(InboxUpdate.lease_until.is_(None), InboxUpdate.lease_until <= now)
        due: Select[InboxUpdate] = (
            select(InboxUpdate)
            .where(InboxUpdate.status.in_(OPEN), ready, ~older_open)
            .order_by(InboxUpdate.update_id)
            .limit(limit)
        )
        if not self.db.is_sqlite:
            due = due.with_for_update(skip_locked=True, of=InboxUpdate)
        async with self.db.transaction() as session:
            rows = list(await session.scalars(due))
            for row in rows:
                row.status = InboxStatus.CLAIMED
                row.holder = holder
                row.lease_until = now + lease
                row.attempts += 1
            return [Claimed(row.update_id, row.payload, row.attempts) for row in rows]

    async def release(self, claimed: Sequence[Claimed], holder: str) -> None:
        """Hand back claimed updates this process will not handle after all (it is stopping),
        as they were: not counted as a try, ready for any worker at once."""
        async with self.db.transaction() as session:
            for one in claimed:
                await self._set(
                    session,
                    one.update_id,
                    holder,
                    status=InboxStatus.PENDING,
                    holder=None,
                    lease_until=None,
                    attempts=one.attempts - 1,
                )

    async def finish(
        self, session: AsyncSession, update_id: int, holder: str, now: datetime
    ) -> bool:
        """Mark the update done in the caller's transaction (the update's own); False when
        the claim was lost (the lease ran out and another worker took it)."""
        result = await session.execute(
            update(InboxUpdate)
            .where(
                InboxUpdate.update_id == update_id,
                InboxUpdate.status == InboxStatus.CLAIMED,
                InboxUpdate.holder == holder,
            )
            .values(status=InboxStatus.DONE, done_at=now, holder=None, lease_until=None)
        )
        return bool(getattr(result, "rowcount", 0))

    async def failed(
        self, session: AsyncSession, claimed: Claimed, holder: str, error: str, retry_at: datetime
    ) -> bool:
        """Hand a crashed update back for another try at ``retry_at``; it keeps its chat's
        place, so the chat's later updates wait for it. False when the claim was lost."""
        return await self._set(
            session,
            claimed.update_id,
            holder,
            status=InboxStatus.PENDING,
            holder=None,
            lease_until=retry_at,
            error=error[:ERROR_LIMIT],
        )

    async def bury(
        self, session: AsyncSession, claimed: Claimed, holder: str, error: str, now: datetime
    ) -> bool:
        """Give up on an update: ``dead`` no longer holds its chat. False when not ours."""
        return await self._set(
            session,
            claimed.update_id,
            holder,
            status=InboxStatus.DEAD,
            holder=None,
            lease_until=None,
            done_at=now,
            error=error[:ERROR_LIMIT],
        )

    async def _set(self, session: AsyncSession, update_id: int, owner: str, **values: Any) -> bool:
        result = await session.execute(
            update(InboxUpdate)
            .where(
                InboxUpdate.update_id == update_id,
                InboxUpdate.status == InboxStatus.CLAIMED,
                InboxUpdate.holder == owner,
            )
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0))

    # -- for operators (fieldbot inbox) and tests ------------------------------------------------

    async def open_count(self) -> int:
        async with self.db.transaction() as session:
            count = await session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.status.in_(OPEN))
            )
        return int(count or 0)

    async def dead(self) -> list[InboxUpdate]:
        async with self.db.transaction() as session:
            rows = await session.scalars(
                select(InboxUpdate)
                .where(InboxUpdate.status == InboxStatus.DEAD)
                .order_by(InboxUpdate.update_id)
            )
            return list(rows)

    async def retry(self, update_ids: Sequence[int]) -> int:
        """Dead updates become pending again with a fresh count; how many were."""
        return await self._dead_to(
            update_ids, status=InboxStatus.PENDING, attempts=0, lease_until=None, done_at=None
        )

    async def drop(self, update_ids: Sequence[int], now: datetime) -> int:
        """Dead updates are given up for good (kept as done, so a redelivery stays ignored)."""
        return await self._dead_to(update_ids, status=InboxStatus.DONE, done_at=now)

    async def _dead_to(self, update_ids: Sequence[int], **values: Any) -> int:
        async with self.db.transaction() as session:
            result = await session.execute(
                update(InboxUpdate)
                .where(
                    and_(
                        InboxUpdate.update_id.in_(list(update_ids)),
                        InboxUpdate.status == InboxStatus.DEAD,
                    )
                )
                .values(**values)
            )
        return int(getattr(result, "rowcount", 0) or 0)
