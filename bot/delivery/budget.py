"""The flood budget the dispatcher asks before each send: in this process, or shared.

Both kinds answer the same questions, so the dispatcher does not care which it has:
:class:`LocalBudget` keeps Telegram's windows in memory (one process, as without Redis);
:class:`bot.delivery.redis_budget.RedisBudget` keeps them in Redis for every process of the bot.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from bot.delivery.limits import Rate, SendLimits


@dataclass(frozen=True, slots=True)
class Permit:
    """A send allowed to leave now; hand it back to :meth:`FloodBudget.done` when it returns."""

    chat_id: int
    messages: int
    token: str = ""


class FloodBudget(Protocol):
    async def wait(self, chat_id: int, messages: int) -> float:
        """Seconds until ``messages`` sends to ``chat_id`` fit; 0 when they fit now."""

    async def take(self, chat_id: int, messages: int) -> Permit | None:
        """Take the slots if they are free (atomically); None when someone else was faster."""

    async def done(self, permit: Permit) -> None:
        """The send came back (failed or not: Telegram may have counted it)."""

    async def hold(self, chat_id: int, seconds: float) -> bool:
        """A 429 for ``chat_id``: hold it; True when it looks bot-wide and the bot is held."""

    def needs_history(self, chat_id: int) -> bool:
        """Whether :meth:`remember` should be told the chat's recent sends first."""

    def remember(self, chat_id: int, ages: list[float]) -> None:
        """Sends to the chat that finished ``ages`` seconds ago (from the outbox)."""

    def forget_idle(self) -> None:
        """Drop what no longer constrains anything."""

    async def close(self) -> None:
        """Let go of connections."""


class LocalBudget:
    """Telegram's windows in this process: :class:`SendLimits` on ``time.monotonic()``."""

    def __init__(self, per_bot: Rate, per_private_chat: Rate, per_group: Rate) -> None:
        self.limits = SendLimits(per_bot, per_private_chat, per_group)

    async def wait(self, chat_id: int, messages: int) -> float:
        return self.limits.wait(chat_id, time.monotonic(), messages)

    async def take(self, chat_id: int, messages: int) -> Permit | None:
        if self.limits.wait(chat_id, time.monotonic(), messages) > 0:
            return None
        self.limits.start(chat_id, messages)
        return Permit(chat_id, messages)

    async def done(self, permit: Permit) -> None:
        self.limits.finish(permit.chat_id, time.monotonic(), permit.messages)

    async def hold(self, chat_id: int, seconds: float) -> bool:
        return self.limits.retry_after(chat_id, seconds, time.monotonic())

    def needs_history(self, chat_id: int) -> bool:
        # A group's minute is long enough for a restart to fall inside it; a private chat's
        # second is not worth a query.
        return chat_id < 0 and not self.limits.known(chat_id)

    def remember(self, chat_id: int, ages: list[float]) -> None:
        now = time.monotonic()
        self.limits.remember(chat_id, [now - age for age in ages])

    def forget_idle(self) -> None:
        self.limits.forget_idle(time.monotonic())

    async def close(self) -> None:
        """Nothing to let go of."""


def flood_budget(
    redis_url: str | None, prefix: str, per_bot: Rate, per_private_chat: Rate, per_group: Rate
) -> FloodBudget:
    """Shared through Redis when ``redis_url`` is set, else this process's own."""
    if not redis_url:
        return LocalBudget(per_bot, per_private_chat, per_group)
    from bot.delivery.redis_budget import RedisBudget

    return RedisBudget.from_url(redis_url, per_bot, per_private_chat, per_group, prefix)
