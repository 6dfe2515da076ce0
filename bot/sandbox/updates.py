"""One bot's update queue with Telegram's ``getUpdates`` semantics.

Updates stay queued until a later call's ``offset`` confirms them, so an update handed to a client
that crashed is handed out again. A second concurrent ``getUpdates`` ends the first with 409, as
Telegram does. :meth:`UpdateQueue.redeliver` re-queues an already confirmed update under its old id
to test duplicate handling.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import ApiError

CONFLICT = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
)
# Telegram leaves these out unless a bot asks for them explicitly.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(slots=True)
class _Entry:
    update_id: int
    payload: dict[str, Any]
    forced: bool = False
    delivered: bool = False

    @property
    def kind(self) -> str:
        return next(iter(self.payload), "")

    def as_update(self) -> dict[str, Any]:
        return {"update_id": self.update_id, **self.payload}


class UpdateQueue:
    def __init__(self) -> None:
        self._next_id = 1
        self._pending: list[_Entry] = []
        self._history: dict[int, dict[str, Any]] = {}
        self._confirmed_below = 0
        self._generation = 0
        self._wake = asyncio.Event()
        self._closed = False
        self._allowed: frozenset[str] | None = None
        self.last_delivery = 0.0

    def push(self, payload: dict[str, Any]) -> int:
        """Queue an update (``{"message": {...}}`` etc.); returns its new id."""
        update_id = self._next_id
        self._next_id += 1
        self._history[update_id] = payload
        self._pending.append(_Entry(update_id, payload))
        self._notify()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Hand an already delivered update out again with the same id."""
        if update_id not in self._history:
            raise KeyError(f"no update {update_id}")
        self._pending.append(_Entry(update_id, self._history[update_id], forced=True))
        self._pending.sort(key=lambda entry: entry.update_id)
        self._notify()

    def get_payload(self, update_id: int) -> dict[str, Any] | None:
        return self._history.get(update_id)

    def drop_pending(self) -> None:
        """``drop_pending_updates=True``: forget everything queued."""
        self._pending.clear()
        self._confirmed_below = self._next_id

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def undelivered_count(self) -> int:
        return sum(1 for entry in self._pending if not entry.delivered)

    def close(self) -> None:
        """Release every waiting ``getUpdates`` with an empty answer."""
        self._closed = True
        self._notify()

    def _notify(self) -> None:
        self._wake.set()
        self._wake = asyncio.Event()

    def _confirm(self, offset: int | None) -> None:
        if not offset:
            return
        if offset < 0:
            keep = [entry for entry in self._pending if not entry.forced][offset:]
            self._pending = keep
            if keep:
                self._confirmed_below = keep[0].update_id
            return
        self._confirmed_below = max(self._confirmed_below, offset)
        self._pending = [
            entry
            for entry in self._pending
            if (entry.forced and not (entry.delivered and entry.update_id < offset))
            or (not entry.forced and entry.update_id >= self._confirmed_below)
        ]

    def _allowed_kind(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in NOT_BY_DEFAULT
        return kind in self._allowed

    def _ready(self, limit: int) -> list[_Entry]:
        self._pending = [entry for entry in self._pending if self._allowed_kind(entry.kind)]
        return self._pending[:limit]

    async def get(
        self,
        offset: int | None,
        limit: int,
        wait: float,
        allowed_updates: Iterable[str] | None,
    ) -> list[dict[str, Any]]:
        """Answer one ``getUpdates`` call, waiting up to ``wait`` seconds for an update."""
        if allowed_updates is not None:
            self._allowed = frozenset(allowed_updates) or None
        self._confirm(offset)
        self._generation += 1
        generation = self._generation
        self._notify()
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            if self._closed:
                return []
            if generation != self._generation:
                raise CONFLICT
            ready = self._ready(max(1, min(limit, 100)))
            if ready:
                for entry in ready:
                    entry.delivered = True
                self.last_delivery = time.monotonic()
                return [entry.as_update() for entry in ready]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            wake = self._wake
            try:
                async with asyncio.timeout(remaining):
                    await wake.wait()
            except TimeoutError:
                pass
