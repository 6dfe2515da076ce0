"""Telegram's flood limits, kept proactively so the bot rarely hears 429 at all.

Telegram documents "about 30 messages per second" per bot, "no more than one message per
second" in a private chat and "no more than 20 messages per minute" in a group. Those read as
sliding windows (at most N sends in any window of W seconds), so that is what is counted here:
a token bucket with a burst would allow twice the rate across a window's edge.

An album counts as the messages it makes: Telegram counts each against the limits.

These windows live in one process (:class:`bot.delivery.budget.LocalBudget`). Several
processes share one budget through Redis instead (:mod:`bot.delivery.redis_budget`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

# Added to every window so network jitter between us and Telegram cannot squeeze N+1 sends
# into Telegram's view of a window.
WINDOW_MARGIN = 0.05
# How often to look again when only sends still in flight could free a slot.
IN_FLIGHT_POLL = 0.02


@dataclass(frozen=True, slots=True)
class Rate:
    """At most ``count`` sends in any ``seconds``-long window."""

    count: int
    seconds: float


class SlidingWindow:
    """Recent sends; says how long to wait before one more fits in the window.

    Telegram counts a message when it arrives, somewhere between our request leaving and its
    answer coming back. So a send holds a slot while in flight and is then counted from the
    moment it finished: never earlier than Telegram saw it, however slow the network was.
    """

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self._span = rate.seconds + WINDOW_MARGIN
        self._times: deque[float] = deque()  # when finished sends ended, oldest first
        self._in_flight = 0

    def wait(self, now: float, messages: int = 1) -> float:
        self._trim(now)
        # How many counted sends must leave the window before these fit (an album larger than
        # the window waits for an empty one).
        excess = (
            len(self._times) + self._in_flight - self.rate.count + min(messages, self.rate.count)
        )
        if excess <= 0:
            return 0.0
        if excess > len(self._times):  # only a send still in flight can make room
            return IN_FLIGHT_POLL
        return self._times[excess - 1] + self._span - now

    def start(self, messages: int = 1) -> None:
        self._in_flight += messages

    def finish(self, now: float, messages: int = 1) -> None:
        self._in_flight -= messages
        self._times.extend([now] * messages)

    def idle(self, now: float) -> bool:
        self._trim(now)
        return not self._times and not self._in_flight

    def _trim(self, now: float) -> None:
        while self._times and self._times[0] <= now - self._span:
            self._times.popleft()


class SendLimits:
    """The bot-wide window, a window per chat, and holds ordered by Telegram's 429 answers.

    Times are ``time.monotonic()`` seconds. Private chats have positive ids; groups, supergroups
    and channels negative ones.
    """

    def __init__(
        self,
        per_bot: Rate,
        per_private_chat: Rate,
        per_group: Rate,
        global_429_chats: int = 3,
        global_429_window: float = 1.0,
    ) -> None:
        self.per_private_chat = per_private_chat
        self.per_group = per_group
        self._bot = SlidingWindow(per_bot)
        self._chats: dict[int, SlidingWindow] = {}
        self._chat_holds: dict[int, float] = {}
        self._bot_hold = 0.0
        self._global_429_chats = global_429_chats
        self._global_429_window = global_429_window
        self._recent_429: deque[tuple[float, int]] = deque()

    def wait(self, chat_id: int, now: float, messages: int = 1) -> float:
        """Seconds until a send of ``messages`` to ``chat_id`` is allowed; 0 when it may go."""
        chat = self._chats.get(chat_id)
        return max(
            0.0,
            self._bot.wait(now, messages),
            chat.wait(now, messages) if chat else 0.0,
            self._chat_holds.get(chat_id, 0.0) - now,
            self._bot_hold - now,
        )

    def start(self, chat_id: int, messages: int = 1) -> None:
        """A send to ``chat_id`` is leaving now; it holds its slots until :meth:`finish`."""
        self._bot.start(messages)
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = SlidingWindow(
                self.per_private_chat if chat_id > 0 else self.per_group
            )
        chat.start(messages)

    def finish(self, chat_id: int, now: float, messages: int = 1) -> None:
        """The send came back (failed ones count too: Telegram may have seen them)."""
        self._bot.finish(now, messages)
        self._chats[chat_id].finish(now, messages)

    def retry_after(self, chat_id: int, seconds: float, now: float) -> bool:
        """Hold the chat after a 429; returns True when it looks bot-wide and holds the bot too.

        Telegram does not say which limit was hit. When several different chats are refused
        within a moment, the bot-wide limit is the likely one.
        """
        until = now + seconds
        self._chat_holds[chat_id] = max(self._chat_holds.get(chat_id, 0.0), until)
        self._recent_429.append((now, chat_id))
        while self._recent_429 and self._recent_429[0][0] < now - self._global_429_window:
            self._recent_429.popleft()
        if len({chat for _, chat in self._recent_429}) >= self._global_429_chats:
            self._bot_hold = max(self._bot_hold, until)
            return True
        return False

    def known(self, chat_id: int) -> bool:
        """Whether this process has a window for the chat (else it has no memory of it)."""
        return chat_id in self._chats

    def remember(self, chat_id: int, finished: list[float]) -> None:
        """Count sends this process did not make (an earlier process's, from the outbox), so a
        restart does not start the chat's budget from zero. ``finished``: monotonic times."""
        if chat_id in self._chats:
            return
        window = self._chats[chat_id] = SlidingWindow(
            self.per_private_chat if chat_id > 0 else self.per_group
        )
        for moment in sorted(finished):
            window.start()
            window.finish(moment)

    def forget_idle(self, now: float) -> None:
        """Drop windows and holds that no longer constrain anything (memory stays bounded)."""
        for chat_id in [c for c, window in self._chats.items() if window.idle(now)]:
            del self._chats[chat_id]
        for chat_id in [c for c, until in self._chat_holds.items() if until <= now]:
            del self._chat_holds[chat_id]
