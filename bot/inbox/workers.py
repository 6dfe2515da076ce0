"""Workers that handle the inbox: claim an update, run the engine on it, send its replies.

Each process runs ``FIELDBOT_WORKERS`` of them; the claim gives a chat to one worker at a time
(:mod:`bot.inbox.store`), so one slow person holds up nobody else. One claim takes several
chats' next updates; the process's workers take them in turn, and a stopping process hands
back those it did not start (a killed one leaves them to their lease). The update's transaction
marks its row done and queues its replies (:mod:`bot.inbox.replies`); right after commit the
replies go out through the outbox dispatcher (same flood limits and retries as everything it
sends), and whatever a crash leaves unsent the dispatcher sends later. An update whose handling
crashes is retried with a growing pause, holding its chat's later updates back; after
``FIELDBOT_INBOX_MAX_ATTEMPTS`` it becomes ``dead``, the person gets the apology, the managers
one alert, and the chat moves on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.engine import DuplicateUpdate, Engine
from bot.core.replies import Reply
from bot.delivery import Dispatcher
from bot.delivery.dispatcher import default_holder
from bot.delivery.queue import Claimed as ClaimedRow
from bot.inbox.replies import queue_replies
from bot.inbox.store import Claimed, InboxStore
from bot.runtimes.convert import Execute, incoming_from_update, perform

log = logging.getLogger(__name__)

# The pause before another try at an update that crashed: doubling, at most this long.
RETRY_CAP_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class DeadUpdate:
    """An update given up on, for the managers' alert."""

    update_id: int
    chat_id: int | None
    attempts: int
    error: str


OnDead = Callable[[AsyncSession, DeadUpdate, datetime], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class InboxSettings:
    workers: int = 4
    lease_seconds: float = 60.0
    poll_seconds: float = 0.5
    max_attempts: int = 5
    # Updates one claim takes at most (one per chat); the workers take them from the process's
    # hand in turn. Under load that is one claim transaction for several updates.
    claim_batch: int = 8


@dataclass(slots=True)
class _Unit:
    """The inbox's part of one update's transaction (see :class:`bot.core.engine.UnitOfWork`)."""

    store: InboxStore
    claimed: Claimed
    holder: str
    now: datetime
    reply_claim: timedelta
    queued: list[ClaimedRow] = field(default_factory=list)

    async def claim(self, session: AsyncSession) -> None:
        if not await self.store.finish(session, self.claimed.update_id, self.holder, self.now):
            raise DuplicateUpdate(self.claimed.update_id)

    async def keep(self, session: AsyncSession, replies: Sequence[Reply]) -> list[Reply]:
        self.queued, direct = await queue_replies(session, replies, self.now, self.reply_claim)
        return direct


def _now() -> datetime:
    """Real time, not the app's clock: leases and outbox sends are about real seconds."""
    return datetime.now(UTC)


class InboxWorkers:
    def __init__(
        self,
        engine: Engine,
        dispatcher: Dispatcher,
        execute: Execute,
        settings: InboxSettings | None = None,
        *,
        bot_username: Callable[[], str | None] = lambda: None,
        on_dead: OnDead | None = None,
        holder: str | None = None,
    ) -> None:
        self.engine = engine
        self.store = InboxStore(engine.db)
        self.dispatcher = dispatcher
        self.execute = execute
        self.settings = settings or InboxSettings()
        self.bot_username = bot_username
        self.on_dead = on_dead
        self.holder = holder or default_holder()
        self._wake = asyncio.Event()
        self._claimed: deque[Claimed] = deque()  # claimed in a batch, not started yet
        self._sending: set[asyncio.Task[None]] = set()

    async def receive(self, payloads: Sequence[Mapping[str, Any]]) -> None:
        """Persist received updates (the receiver acknowledges them only after this
        returned) and wake the workers."""
        await self.store.store(payloads, _now())
        self._notify()

    async def run(self, stop: asyncio.Event) -> None:
        """Handle updates until ``stop`` is set; each worker finishes the update in hand, and
        what was claimed for later is handed back."""
        await asyncio.gather(*(self._work(stop) for _ in range(self.settings.workers)))
        await self.release()
        await self.sent()

    async def handle_next(self) -> bool:
        """Handle one update, claimed now or earlier with others; False when none was ready."""
        claimed = self._claimed.popleft() if self._claimed else await self._claim()
        if claimed is None:
            return False
        try:
            await self._handle(claimed)
        finally:
            self._notify()  # the chat's next update may be ready now
        return True

    async def _claim(self) -> Claimed | None:
        """Claim a batch of updates; this worker handles the first, the rest wait in hand."""
        lease = timedelta(seconds=self.settings.lease_seconds)
        batch = await self.store.claim_batch(self.holder, _now(), lease, self.settings.claim_batch)
        if not batch:
            return None
        self._claimed.extend(batch[1:])
        if len(batch) > 1:
            self._notify()
        return batch[0]

    async def release(self) -> None:
        """Hand back the updates claimed but not started (each would wait out its lease)."""
        left, self._claimed = list(self._claimed), deque()
        if not left:
            return
        try:
            await self.store.release(left, self.holder)
        except Exception:  # they come back when their lease runs out, as after a kill
            log.exception("could not hand back %d claimed updates", len(left))

    async def _work(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            wake = self._wake
            try:
                busy = await self.handle_next()
            except Exception:
                log.exception("inbox claim failed; trying again shortly")
                busy = False
            if not busy:
                stopped = asyncio.ensure_future(stop.wait())
                woken = asyncio.ensure_future(wake.wait())
                await asyncio.wait(
                    {stopped, woken},
                    timeout=self.settings.poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                for waiter in (stopped, woken):
                    waiter.cancel()
                    with suppress(asyncio.CancelledError):
                        await waiter

    def _notify(self) -> None:
        self._wake.set()
        self._wake = asyncio.Event()

    async def _handle(self, claimed: Claimed) -> None:
        unit = _Unit(self.store, claimed, self.holder, _now(), self._reply_claim())
        event = None
        try:
            event = incoming_from_update(claimed.payload, self.bot_username())
            if event is None:  # nothing a person did: only the row to close
                async with self.engine.db.transaction() as session:
                    await unit.claim(session)
                return
            direct = await self.engine.handle(event, unit)
        except DuplicateUpdate:
            log.info("update %s was taken over by another worker", claimed.update_id)
            return
        except Exception as exc:
            log.exception("update %s failed (try %d)", claimed.update_id, claimed.attempts)
            await self._failed(claimed, event, exc)
            return
        await self._send(claimed.update_id, unit.queued, direct)

    def _reply_claim(self) -> timedelta:
        """How long the replies an update queues are held for this process to send them."""
        return timedelta(seconds=self.dispatcher.settings.claim_seconds)

    async def _send(
        self, update_id: int, queued: list[ClaimedRow], direct: Sequence[Reply]
    ) -> None:
        """Perform the direct replies, then send the queued ones beside the next update: a
        slow Telegram must not hold the workers (the dispatcher keeps each chat's order)."""
        for reply in direct:
            await perform(reply, self.execute, update_id)
        if queued:
            task = asyncio.create_task(self._deliver(update_id, queued))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _deliver(self, update_id: int, queued: list[ClaimedRow]) -> None:
        try:
            await self.dispatcher.deliver_claimed(queued)
        except Exception:  # they stay queued: the dispatcher sends them
            log.exception("could not send the replies to update %s now", update_id)

    async def sent(self) -> None:
        """Wait for the replies being sent right now."""
        while self._sending:
            await asyncio.gather(*self._sending, return_exceptions=True)

    async def _failed(self, claimed: Claimed, event: Any, exc: Exception) -> None:
        now = _now()
        error = f"{type(exc).__name__}: {exc}"
        queued: list[ClaimedRow] = []
        direct: list[Reply] = []
        async with self.engine.db.transaction() as session:
            if claimed.attempts < self.settings.max_attempts:
                pause = min(RETRY_CAP_SECONDS, 2.0 ** (claimed.attempts - 1))
                retry_at = now + timedelta(seconds=pause)
                await self.store.failed(session, claimed, self.holder, error, retry_at)
                return
            if not await self.store.bury(session, claimed, self.holder, error, now):
                return
            log.error("update %s is dead after %d tries", claimed.update_id, claimed.attempts)
            chat_id = event.chat_id if event is not None else None
            if self.on_dead is not None:
                dead = DeadUpdate(claimed.update_id, chat_id, claimed.attempts, error)
                await self.on_dead(session, dead, now)
            if event is not None:
                apology = self.engine.apology(event)
                queued, direct = await queue_replies(session, apology, now, self._reply_claim())
        await self._send(claimed.update_id, queued, direct)
