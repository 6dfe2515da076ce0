"""Stand-ins at the edge for tests that need a runtime or an inbox but no Telegram: they record
what they were given."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.core.replies import Reply


class RecordingRuntime:
    """A runtime that sends nothing (every call "succeeds") and notes that it was closed."""

    name = "recording"

    def __init__(self) -> None:
        self.closed = False
        self.executed: list[Reply] = []

    async def execute(self, reply: Reply) -> int | None:
        self.executed.append(reply)
        return None

    async def close(self) -> None:
        self.closed = True


class RecordingStore:
    """Stands in for the inbox: what was stored, and a way to make storing fail."""

    def __init__(self) -> None:
        self.stored: list[dict[str, Any]] = []
        self.broken = False

    async def __call__(self, payloads: list[dict[str, Any]]) -> None:
        await asyncio.sleep(0.05)  # a database round trip the answer must wait for
        if self.broken:
            raise ConnectionError("database down")
        self.stored.extend(payloads)
