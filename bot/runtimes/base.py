"""The contract every runtime fulfils, and the delivery errors it normalises.

A runtime turns its framework's updates into :class:`~bot.core.events.Incoming`, passes them to
an :data:`UpdateHandler` and performs the replies it returns. It also exposes
:meth:`Runtime.execute` so the outbox dispatcher can send one reply and learn, in framework-free
terms, whether Telegram accepted it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from bot.core.events import Incoming
from bot.core.replies import Reply

UpdateHandler = Callable[[Incoming], Awaitable[Sequence[Reply]]]


class DeliveryError(Exception):
    """Telegram did not accept a call."""


class RetryAfter(DeliveryError):
    """429: flood control; try again after ``seconds``."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds}s")
        self.seconds = seconds


class Unreachable(DeliveryError):
    """403: the person blocked the bot or the chat is gone; retrying will not help."""


class Transient(DeliveryError):
    """5xx, a timeout or a broken connection: worth retrying with backoff."""


class Rejected(DeliveryError):
    """400 and other final refusals (message too long, bad markup, not modified...)."""


class Runtime(Protocol):
    name: str

    async def execute(self, reply: Reply) -> int | None:
        """Perform one reply; return the sent message id where there is one.

        Raises a :class:`DeliveryError` subclass when Telegram refuses.
        """
        ...

    async def run(self, stop: asyncio.Event) -> None:
        """Receive updates (long polling) until ``stop`` is set, then close cleanly
        (it calls :meth:`close` itself)."""
        ...

    async def poll(
        self,
        stop: asyncio.Event,
        store: Callable[[list[dict[str, Any]]], Awaitable[None]],
    ) -> None:
        """Long-poll until ``stop`` is set, passing each fetched batch to ``store`` before the
        offset moves past it; then close."""
        ...

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Ask Telegram to POST updates to ``url`` carrying ``secret_token``."""
        ...

    async def feed_webhook(self, payload: dict[str, object]) -> None:
        """Process one update received by the webhook server."""
        ...

    async def bot_username(self) -> str | None:
        """The bot's @username from getMe (cached); None when Telegram cannot be asked."""
        ...

    async def close(self) -> None:
        """Release the HTTP session."""
        ...
