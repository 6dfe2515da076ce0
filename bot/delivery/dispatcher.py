"""The outbox dispatcher: delivers queued messages, loses none, sends none twice, floods nobody.

It knows no framework: it is given ``send`` (normally ``runtime.execute``), which returns the
message id or raises one of the errors in :mod:`bot.runtimes.base`. What each answer means:

- accepted: the row is marked ``sent`` at once, in its own transaction;
- 429 ``RetryAfter``: the row comes back after the given seconds and the chat (or, when several
  chats are refused at once, the whole bot) is held that long;
- 5xx / timeout ``Transient``: exponential backoff with jitter, capped, retried until the row
  has failed for ``dead_after_seconds`` or ``dead_after_attempts`` times: then it is ``dead``
  (a dead letter: it stops holding its chat, the managers hear of it once, and
  ``fieldbot outbox`` lists, retries or drops it);
- 403 ``Unreachable``: the row and every pending row for that chat become ``unreachable`` and the
  person is flagged;
- 400 ``Rejected``: ``failed``, logged as our bug.

Rows for one chat go out in the order they were queued, across every dispatcher: a row is
claimed only when no earlier row of its chat is still waiting (:meth:`OutboxQueue.claim`), so
a row that failed, or that the flood budget handed back, holds the later ones and a
"technician on the way" never overtakes the "job assigned" before it. Flood limits are the
:class:`~bot.delivery.budget.FloodBudget`'s: this process's own, or shared through Redis.

An edit row goes out as an edit of its original's delivered message, once that message is out
(at once when both were claimed together); if the original was never delivered, the edit is
dropped.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.core.clock import Clock, SystemClock
from bot.core.replies import Edit, Send
from bot.delivery.budget import FloodBudget, LocalBudget, Permit
from bot.delivery.limits import Rate
from bot.delivery.queue import Claimed, Original, OutboxQueue
from bot.ops import metrics
from bot.runtimes.base import Rejected, RetryAfter, Transient, Unreachable
from bot.services import leases
from storage.db import Database
from storage.models import OutboxStatus

log = logging.getLogger(__name__)

SendFunction = Callable[[Send | Edit], Awaitable[int | None]]
# Told, in the transaction that made it dead, about a row that became a dead letter.
DeadLetterHook = Callable[[AsyncSession, Claimed, str, datetime], Awaitable[None]]

# The lease that makes one process at a time the claimer on SQLite.
CLAIMER_LEASE = "outbox-claimer"
# Tries at recording a delivered message before giving up (the row would then come back after
# its claim expires and be sent a second time, so it is worth insisting a little).
MARK_SENT_TRIES = 4

TELEGRAM_PER_BOT = Rate(30, 1.0)
TELEGRAM_PER_PRIVATE_CHAT = Rate(1, 1.0)
TELEGRAM_PER_GROUP = Rate(20, 60.0)


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    """How fast and how patiently the dispatcher works; defaults are Telegram's limits."""

    batch_size: int = 20
    poll_seconds: float = 0.5
    # Claimed rows are invisible to other claimers this long. It must exceed the runtime's
    # request timeout plus the in-batch waits, or a slow send could be claimed twice.
    claim_seconds: float = 120.0
    concurrency: int = 8
    backoff_base: float = 1.0
    backoff_cap: float = 300.0
    # Wait in process for a flood window at most this long; longer waits go back to the table.
    max_inline_wait: float = 2.0
    sqlite_lease_seconds: float = 30.0
    per_bot: Rate = TELEGRAM_PER_BOT
    per_private_chat: Rate = TELEGRAM_PER_PRIVATE_CHAT
    per_group: Rate = TELEGRAM_PER_GROUP
    # A row failing transiently this long, or this many times, becomes a dead letter.
    dead_after_seconds: float = 3600.0
    dead_after_attempts: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliverySettings:
        return cls(
            batch_size=settings.outbox_batch_size,
            poll_seconds=settings.outbox_poll_seconds,
            claim_seconds=settings.outbox_claim_seconds,
            concurrency=settings.outbox_concurrency,
            backoff_cap=settings.outbox_backoff_cap_seconds,
            per_bot=Rate(settings.flood_per_bot_per_second, 1.0),
            per_private_chat=Rate(settings.flood_per_private_chat_per_second, 1.0),
            per_group=Rate(settings.flood_per_group_per_minute, 60.0),
            dead_after_seconds=settings.outbox_dead_after_seconds,
            dead_after_attempts=settings.outbox_dead_after_attempts,
        )


@dataclass(slots=True)
class DeliveryStats:
    """What this dispatcher did, for logs and the benchmark."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    deferred: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Pause:
    """The chat's later rows wait until ``until``; None means the chat is closed for good."""

    until: datetime | None


def default_holder() -> str:
    """A name unique to this process, for leases."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Dispatcher:
    """Claims due outbox rows in small batches and delivers them through ``send``."""

    def __init__(
        self,
        db: Database,
        send: SendFunction,
        settings: DeliverySettings | None = None,
        *,
        clock: Clock | None = None,
        holder: str | None = None,
        rng: random.Random | None = None,
        budget: FloodBudget | None = None,
        on_dead: DeadLetterHook | None = None,
    ) -> None:
        self.db = db
        self.send = send
        self.settings = settings or DeliverySettings()
        self.clock = clock or SystemClock()
        self.holder = holder or default_holder()
        self.queue = OutboxQueue(db)
        self.budget = budget or LocalBudget(
            self.settings.per_bot, self.settings.per_private_chat, self.settings.per_group
        )
        self.on_dead = on_dead
        self.stats = DeliveryStats()
        self._random = rng or random.Random()
        self._slots = asyncio.Semaphore(self.settings.concurrency)
        self._stop: asyncio.Event | None = None
        self._has_lease = False
        # Chats whose earlier row waits for a retry: their later rows wait until then too.
        self._paused: dict[int, datetime] = {}
        # Rows delivered in this batch and their message ids: an edit claimed together with its
        # message goes out right after it instead of waiting for the next claim.
        self._delivered: dict[int, int] = {}
        # Each chat's turn to send, and how many deliveries wait for it.
        self._chat_locks: dict[int, tuple[asyncio.Lock, int]] = {}

    # -- loops ---------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a database hiccup is logged and retried, never fatal."""
        self._stop = stop
        try:
            while not stop.is_set():
                try:
                    claimed = await self.dispatch_once()
                except Exception:
                    log.exception("outbox dispatch failed; trying again shortly")
                    claimed = 0
                if claimed < self.settings.batch_size:  # nothing more is due right now
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.settings.poll_seconds)
        finally:
            await self._release_lease()
            await self.budget.close()

    async def drain(self, *, until_empty: bool = True, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        """Deliver until no row is pending (``until_empty``) or none is due; rows handled.

        Raises ``TimeoutError`` after ``timeout`` seconds. For tests and the benchmark.
        """
        handled = 0
        try:
            async with asyncio.timeout(timeout):
                while True:
                    claimed = await self.dispatch_once()
                    handled += claimed
                    if claimed:
                        continue
                    if not until_empty or await self.queue.pending_count() == 0:
                        return handled
                    await asyncio.sleep(min(self.settings.poll_seconds, 0.1))
        finally:
            await self._release_lease()

    async def dispatch_once(self) -> int:
        """Claim one batch and deliver it; returns how many rows were claimed."""
        if self.db.is_sqlite and not await self._hold_lease():
            return 0
        claim = timedelta(seconds=self.settings.claim_seconds)
        rows = await self.queue.claim(self.clock.now(), self.settings.batch_size, claim)
        self._delivered.clear()
        return await self._deliver_rows(rows)

    async def deliver_claimed(self, rows: Sequence[Claimed]) -> int:
        """Send rows their writer claimed as it wrote them (an update's replies, just
        committed), with the same limits and retry rules as every other row; whatever cannot go
        now stays for :meth:`run`."""
        return await self._deliver_rows(list(rows))

    async def _deliver_rows(self, rows: list[Claimed]) -> int:
        if not rows:
            return 0
        await self._recall_budget({row.chat_id for row in rows})
        # No send starts after half the claim, so every send ends well before the claim does.
        deadline = time.monotonic() + self.settings.claim_seconds / 2
        by_chat: dict[int, list[Claimed]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        results = await asyncio.gather(
            *(self._deliver_chat(chat_rows, deadline) for chat_rows in by_chat.values()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                # Its rows stay claimed and come back when the claim expires: delayed, not lost.
                log.error("outbox delivery failed", exc_info=result)
        self._forget_idle()
        return len(rows)

    # -- one chat, one row ---------------------------------------------------------------------

    async def _deliver_chat(self, rows: list[Claimed], deadline: float) -> None:
        """Send one chat's rows in order; after a failure the rest wait for the same moment.
        One chat's claims are sent one after another (an update's replies sent at once and a
        batch of the dispatcher's may hold rows of the same chat)."""
        async with self._chat_turn(rows[0].chat_id):
            await self._deliver_in_order(rows, deadline)

    @asynccontextmanager
    async def _chat_turn(self, chat_id: int) -> AsyncIterator[None]:
        lock, users = self._chat_locks.get(chat_id, (asyncio.Lock(), 0))
        self._chat_locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._chat_locks[chat_id]
            if users == 1:
                del self._chat_locks[chat_id]
            else:
                self._chat_locks[chat_id] = (lock, users - 1)

    async def _deliver_in_order(self, rows: list[Claimed], deadline: float) -> None:
        for index, row in enumerate(rows):
            pause = await self._deliver(row, deadline)
            if pause is None:
                continue
            if pause.until is not None:
                later = [later.id for later in rows[index + 1 :]]
                await self.queue.defer(later, pause.until)
                self.stats.deferred += len(later)
            return

    async def _deliver(self, row: Claimed, deadline: float) -> _Pause | None:
        """Wait for the flood limits, then attempt; hand the row back if the wait is long."""
        paused = self._paused.get(row.chat_id)
        if paused is not None and paused > self.clock.now():
            # An earlier row for this chat waits in the table for its retry; this one must not
            # overtake it, so it goes back to the table for the same moment.
            await self.queue.defer([row.id], paused)
            self.stats.deferred += 1
            return _Pause(paused)
        while True:
            now = time.monotonic()
            wait = await self.budget.wait(row.chat_id, row.messages)
            stopping = self._stop is not None and self._stop.is_set()
            if stopping or wait > self.settings.max_inline_wait or now + wait > deadline:
                until = self.clock.now() + timedelta(seconds=wait)
                await self.queue.defer([row.id], until)
                self.stats.deferred += 1
                return _Pause(until)
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            async with self._slots:
                permit = await self.budget.take(row.chat_id, row.messages)
                if permit is None:
                    continue  # another chat (or process) took the bot-wide slot meanwhile
                return await self._attempt(row, permit)

    async def _attempt(self, row: Claimed, permit: Permit) -> _Pause | None:
        try:
            return await self._attempt_with(row)
        finally:
            await self.budget.done(permit)

    async def _attempt_with(self, row: Claimed) -> _Pause | None:
        if row.edit_of is not None and not row.edit_ready:
            delivered = self._delivered.get(row.edit_of)
            if delivered is None:
                return await self._unready_edit(row)
            row = replace(row, original=Original(OutboxStatus.SENT, delivered))
        try:
            reply = row.reply()
        except (TypeError, ValueError, KeyError) as exc:  # a stored keyboard we cannot read
            await self._rejected(row, f"unreadable outbox row: {exc!r}")
            return None
        try:
            message_id = await self.send(reply)
        except RetryAfter as exc:
            metrics.OUTBOX_429.inc()
            if await self.budget.hold(row.chat_id, exc.seconds):
                log.warning("429 from several chats: holding all sends for %ss", exc.seconds)
            return await self._retry(row, exc.seconds, f"429: retry after {exc.seconds}s")
        except Transient as exc:
            return await self._failed(row, f"transient: {exc}")
        except Unreachable as exc:
            closed = await self.queue.mark_unreachable(row, f"unreachable: {exc}")
            self.stats.unreachable += closed
            log.info(
                "chat %s unreachable (%s): %d queued message(s) closed", row.chat_id, exc, closed
            )
            return _Pause(None)
        except Rejected as exc:
            await self._rejected(row, f"rejected: {exc}")
            return None
        except Exception as exc:
            # Not one of the runtime's normalised answers. Dropping the notification would
            # be worse than retrying it, so treat it as transient, loudly.
            log.exception("unexpected error sending outbox message %s", row.id)
            return await self._failed(row, f"error: {exc!r}")
        await self._record_sent(row, message_id)
        return None

    async def _unready_edit(self, row: Claimed) -> _Pause | None:
        """An edit whose message is not out yet waits for it; one whose message never went out
        (refused, or the person blocked the bot) has nothing to edit."""
        original = row.original
        if original is not None and original.status is OutboxStatus.PENDING:
            return await self._retry(row, self._backoff(row.attempts + 1), "original not sent")
        await self.queue.mark_failed(row, "the message to edit was never delivered")
        log.info("outbox edit %s dropped: message %s was never delivered", row.id, row.edit_of)
        return None

    async def _failed(self, row: Claimed, error: str) -> _Pause | None:
        """A transient failure: retried later, unless the row has failed too long or too often
        and becomes a dead letter (which no longer holds its chat)."""
        now = self.clock.now()
        since = row.failing_since or now
        if (
            row.attempts + 1 >= self.settings.dead_after_attempts
            or (now - since).total_seconds() >= self.settings.dead_after_seconds
        ):
            if await self.queue.mark_dead(row, error, now, self.on_dead):
                self.stats.dead += 1
                metrics.OUTBOX_DEAD.inc()
                log.error(
                    "outbox %s to %s is a dead letter after %d attempts: %s",
                    row.id,
                    row.chat_id,
                    row.attempts + 1,
                    error,
                )
            return None
        return await self._retry(row, self._backoff(row.attempts + 1), error, failing=True)

    async def _retry(
        self, row: Claimed, seconds: float, error: str, *, failing: bool = False
    ) -> _Pause:
        until = self.clock.now() + timedelta(seconds=seconds)
        since = self.clock.now() if failing else None
        await self.queue.retry(row, until, error, failing_since=since)
        self._paused[row.chat_id] = max(until, self._paused.get(row.chat_id, until))
        self.stats.retried += 1
        log.debug("outbox %s to %s: %s; again in %.1fs", row.id, row.chat_id, error, seconds)
        return _Pause(until)

    async def _rejected(self, row: Claimed, error: str) -> None:
        log.error(
            "Telegram refused outbox message %s to chat %s for good (%s): this is our bug",
            row.id,
            row.chat_id,
            error,
        )
        await self.queue.mark_failed(row, error)
        self.stats.failed += 1
        self.stats.errors.append(error)

    async def _record_sent(self, row: Claimed, message_id: int | None) -> None:
        delay = 0.25
        for attempt in range(1, MARK_SENT_TRIES + 1):
            try:
                await self.queue.mark_sent(row, message_id, self.clock.now())
                self.stats.sent += 1
                metrics.OUTBOX_SENT.inc()
                if message_id is not None:
                    self._delivered[row.id] = message_id
                return
            except Exception:
                if attempt == MARK_SENT_TRIES:
                    log.exception(
                        "outbox %s was delivered but cannot be marked sent; it may repeat", row.id
                    )
                    raise
                await asyncio.sleep(delay)
                delay *= 2

    async def _recall_budget(self, chat_ids: set[int]) -> None:
        """A chat this process has no window for may have had sends from a process before it
        (a restart inside a group's minute): count those from the outbox."""
        span = max(self.settings.per_private_chat.seconds, self.settings.per_group.seconds)
        now = self.clock.now()
        for chat_id in chat_ids:
            if self.budget.needs_history(chat_id):
                sent = await self.queue.sent_since(chat_id, now - timedelta(seconds=span))
                self.budget.remember(chat_id, [(now - at).total_seconds() for at in sent])

    def _forget_idle(self) -> None:
        self.budget.forget_idle()
        now = self.clock.now()
        for chat_id in [chat for chat, until in self._paused.items() if until <= now]:
            del self._paused[chat_id]

    def _backoff(self, attempt: int) -> float:
        """Exponential, capped, with jitter so a Telegram outage does not end in a stampede."""
        ceiling = min(self.settings.backoff_cap, self.settings.backoff_base * 2 ** (attempt - 1))
        return ceiling * self._random.uniform(0.5, 1.0)

    # -- the SQLite claimer lease ------------------------------------------------------------

    async def _hold_lease(self) -> bool:
        ttl = timedelta(seconds=self.settings.sqlite_lease_seconds)
        async with self.db.transaction() as session:
            held = await leases.acquire(session, CLAIMER_LEASE, self.holder, ttl, self.clock.now())
        if held != self._has_lease:
            log.info("%s the outbox claimer lease", "took" if held else "waiting for")
        self._has_lease = held
        return held

    async def _release_lease(self) -> None:
        if not self._has_lease:
            return
        self._has_lease = False
        try:
            async with self.db.transaction() as session:
                await leases.release(session, CLAIMER_LEASE, self.holder)
        except Exception:
            log.warning("could not release the outbox claimer lease (it expires)", exc_info=True)
