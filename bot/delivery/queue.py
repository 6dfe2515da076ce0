"""The outbox table seen by the dispatcher: claim due rows, record what Telegram answered.

Every call is its own short transaction, so a row Telegram acknowledged is marked ``sent`` the
moment the answer arrives and is never picked up again, whatever happens to the rest of a batch.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, bindparam, exists, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.replies import Edit, InlineKeyboard, Send, markup_from_json
from bot.services.outbox import media_from_json
from storage.db import Database
from storage.group_commit import GroupCommit
from storage.models import OutboxMessage, OutboxStatus, Person

PENDING = OutboxStatus.PENDING
ERROR_LIMIT = 2000  # characters of an error message kept on the row
# PostgreSQL advisory lock taken by a claim, so claims run one after another (each is a few
# milliseconds) and every claimer sees what the one before it took.
CLAIM_LOCK = 0x0F1E1DB07
# An earlier row of the same chat, in the claims' order checks. Made once: a fresh alias has
# to build every column expression again, which cost a claim more than its SQL did.
EARLIER = aliased(OutboxMessage, name="earlier")


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed row, detached from any session: what to send and where."""

    id: int
    chat_id: int
    person_id: int | None
    text: str
    markup: dict[str, Any] | None
    media: list[Any] | None
    thread_id: int | None
    attempts: int
    document: bytes | None = None
    document_name: str | None = None
    # An edit: the row whose message it changes, and that row's state when this was claimed.
    edit_of: int | None = None
    original: Original | None = None
    upload_as_photo: bool = False  # the uploaded ``document`` goes as a photo
    failing_since: datetime | None = None  # first transient failure of a row still failing
    kind: str = ""
    edit_message_id: int | None = None  # an edit of this Telegram message (a button's)

    @property
    def messages(self) -> int:
        """How many messages Telegram counts for this row: an album is one per file."""
        return len(self.media) if self.media and len(self.media) > 1 else 1

    @property
    def edit_ready(self) -> bool:
        """An edit whose message has been delivered, so it has an id to edit."""
        return self.original is not None and self.original.message_id is not None

    @classmethod
    def of(cls, row: OutboxMessage, original: Original | None = None) -> Claimed:
        return cls(
            row.id,
            row.chat_id,
            row.person_id,
            row.text,
            row.markup,
            row.media,
            row.thread_id,
            row.attempts,
            row.document,
            row.document_name,
            row.edit_of,
            original,
            bool(row.upload_as_photo),
            row.failing_since,
            row.kind,
            row.edit_message_id,
        )

    def reply(self) -> Send | Edit:
        markup = markup_from_json(self.markup)
        if self.edit_message_id is not None:
            assert markup is None or isinstance(markup, InlineKeyboard)
            return Edit(self.chat_id, self.edit_message_id, self.text, markup)
        if self.edit_of is not None:
            assert self.original is not None and self.original.message_id is not None
            assert markup is None or isinstance(markup, InlineKeyboard)
            return Edit(self.chat_id, self.original.message_id, self.text, markup)
        return Send(
            self.chat_id,
            self.text,
            markup,
            media=tuple(media_from_json(item) for item in self.media or ()),
            document=self.document,
            document_name=self.document_name,
            thread_id=self.thread_id,
            upload_as_photo=self.upload_as_photo,
        )


@dataclass(frozen=True, slots=True)
class _SentMark:
    row_id: int
    person_id: int | None
    message_id: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Original:
    """The message an edit row changes: its id once delivered, and whether it still may be."""

    status: OutboxStatus
    message_id: int | None


class OutboxQueue:
    """Claims and outcomes, each in its own transaction on ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._sent_marks = GroupCommit(self._write_sent)

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
        """Take up to ``limit`` due rows, oldest first, by moving them ``lease`` into the future.

        A row is due only when every earlier pending row of its chat is due too: one waiting
        for a retry, handed back by the flood budget or claimed by another dispatcher (its
        lease is in the future) holds the rest of its chat, so a chat's rows go out in order
        whichever process sends them. Once committed the rows are no longer due, so nobody
        else claims them until the lease runs out (which only happens if this claimer died).
        Claims are one at a time: on SQLite the claimer lease, on PostgreSQL an advisory lock.
        """
        earlier = EARLIER
        waiting_before = exists().where(
            and_(
                earlier.chat_id == OutboxMessage.chat_id,
                earlier.status == PENDING,
                earlier.id < OutboxMessage.id,
                earlier.next_attempt_at > now,
            )
        )
        due = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == PENDING,
                OutboxMessage.next_attempt_at <= now,
                ~waiting_before,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return await self._take(due, now, lease)

    async def _take(
        self, due: Select[OutboxMessage], now: datetime, lease: timedelta
    ) -> list[Claimed]:
        async with self.db.transaction() as session:
            if not self.db.is_sqlite:
                await session.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK}
                )
            rows = (await session.scalars(due)).all()
            originals = await _originals(session, [row.edit_of for row in rows if row.edit_of])
            claimed = [Claimed.of(row, originals.get(row.edit_of or 0)) for row in rows]
            if claimed:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_([row.id for row in claimed]))
                    .values(next_attempt_at=now + lease)
                )
        return claimed

    async def mark_sent(self, row: Claimed, message_id: int | None, now: datetime) -> None:
        """Record a delivery; returns once it is committed. Marks arriving while another
        commit is under way are written together in the next one (a group commit), so a
        busy dispatcher pays one transaction for many sends rather than one each."""
        await self._sent_marks.add(_SentMark(row.id, row.person_id, message_id, now))

    async def _write_sent(self, marks: Sequence[_SentMark]) -> None:
        async with self.db.transaction() as session:
            connection = await session.connection()
            await connection.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == bindparam("row_id"), OutboxMessage.status == PENDING)
                .values(
                    status=OutboxStatus.SENT,
                    message_id=bindparam("sent_message_id"),
                    sent_at=bindparam("sent_now"),
                    attempts=OutboxMessage.attempts + 1,
                ),
                [
                    {"row_id": m.row_id, "sent_message_id": m.message_id, "sent_now": m.at}
                    for m in marks
                ],
            )
            reached = {mark.person_id for mark in marks if mark.person_id is not None}
            if reached:  # delivered: they can be reached again
                await session.execute(
                    update(Person)
                    .where(Person.id.in_(sorted(reached)), Person.unreachable.is_(True))
                    .values(unreachable=False)
                )

    async def retry(
        self, row: Claimed, at: datetime, error: str, failing_since: datetime | None = None
    ) -> None:
        """A failed attempt: count it, keep the error, try again at ``at``. ``failing_since``
        (a transient failure) starts the row's dead-letter clock if it is not running."""
        values: dict[str, Any] = {}
        if failing_since is not None:
            values["failing_since"] = func.coalesce(OutboxMessage.failing_since, failing_since)
        await self._update(
            [row.id],
            next_attempt_at=at,
            attempts=OutboxMessage.attempts + 1,
            error=error[:ERROR_LIMIT],
            **values,
        )

    async def mark_dead(
        self,
        row: Claimed,
        error: str,
        now: datetime,
        on_dead: Callable[[AsyncSession, Claimed, str, datetime], Awaitable[None]] | None,
    ) -> bool:
        """The row failed too long: ``dead``, and ``on_dead`` (the managers' alert) in the same
        transaction, so the alert exists exactly once. False if it was no longer pending."""
        async with self.db.transaction() as session:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id, OutboxMessage.status == PENDING)
                .values(
                    status=OutboxStatus.DEAD,
                    attempts=OutboxMessage.attempts + 1,
                    error=error[:ERROR_LIMIT],
                    failing_since=func.coalesce(OutboxMessage.failing_since, now),
                )
            )
            dead = bool(getattr(result, "rowcount", 0))
            if dead and on_dead is not None:
                await on_dead(session, row, error, now)
        return dead

    async def sent_since(self, chat_id: int, since: datetime) -> list[datetime]:
        """When the chat's messages went out after ``since`` (by any process): its budget."""
        async with self.db.transaction() as session:
            rows = await session.scalars(
                select(OutboxMessage.sent_at).where(
                    OutboxMessage.chat_id == chat_id,
                    OutboxMessage.status == OutboxStatus.SENT,
                    OutboxMessage.sent_at > since,
                )
            )
            return [at for at in rows if at is not None]

    async def defer(self, ids: Sequence[int], at: datetime) -> None:
        """Hand rows back unsent (a flood limit or an earlier row's failure): no attempt made."""
        if ids:
            await self._update(ids, next_attempt_at=at)

    async def mark_failed(self, row: Claimed, error: str) -> None:
        await self._update(
            [row.id],
            status=OutboxStatus.FAILED,
            attempts=OutboxMessage.attempts + 1,
            error=error[:ERROR_LIMIT],
        )

    async def mark_unreachable(self, row: Claimed, error: str) -> int:
        """The chat refused us (blocked, kicked, deleted): close every pending row for it and
        flag the person, so nothing keeps retrying into a closed door. Returns rows closed."""
        async with self.db.transaction() as session:
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.chat_id == row.chat_id, OutboxMessage.status == PENDING)
                .values(status=OutboxStatus.UNREACHABLE, error=error[:ERROR_LIMIT])
            )
            if row.person_id is not None:
                await session.execute(
                    update(Person).where(Person.id == row.person_id).values(unreachable=True)
                )
        return int(getattr(result, "rowcount", 0) or 0)

    async def pending_count(self) -> int:
        async with self.db.transaction() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == PENDING)
            )
        return int(count or 0)

    async def _update(self, ids: Sequence[int], **values: Any) -> None:
        async with self.db.transaction() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(list(ids)), OutboxMessage.status == PENDING)
                .values(**values)
            )


async def _originals(session: AsyncSession, ids: Sequence[int]) -> dict[int, Original]:
    if not ids:
        return {}
    rows = await session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.message_id).where(
            OutboxMessage.id.in_(ids)
        )
    )
    return {id_: Original(status, message_id) for id_, status, message_id in rows}
