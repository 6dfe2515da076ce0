"""Fault injection and Telegram's flood limits, both off until a test turns them on.

Injected faults never perform the call: a client that retries after 429, 5xx or a timeout must
not produce a duplicate message. Flood limits are optional because they slow tests down; tests
that check pacing enable them and read :attr:`SandboxServer.calls`.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from bot.sandbox.errors import ApiError, too_many_requests

FAULT_KINDS = ("429", "5xx", "timeout")
# Methods that send or change messages: what flood control counts.
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendvoice",
        "sendvideo",
        "sendmediagroup",
        "sendlocation",
        "editmessagetext",
        "editmessagecaption",
        "editmessagereplymarkup",
    }
)


@dataclass(frozen=True, slots=True)
class Fault:
    """What to do instead of performing a call."""

    kind: str
    retry_after: int = 1
    delay: float = 0.0
    status: int = 502

    def error(self) -> ApiError:
        if self.kind == "429":
            return too_many_requests(self.retry_after)
        if self.status == 500:
            return ApiError(500, "Internal Server Error")
        return ApiError(self.status, "Bad Gateway")


@dataclass(frozen=True, slots=True)
class _Queued:
    kind: str
    methods: frozenset[str] | None
    retry_after: int | None
    delay: float | None


class Faults:
    """Decides, per call, whether the sandbox misbehaves; seeded so runs repeat."""

    def __init__(self, seed: int = 0) -> None:
        self.rate = 0.0
        self.kinds: tuple[str, ...] = FAULT_KINDS
        self.methods: frozenset[str] | None = None
        self.retry_after = 1
        self.delay = 65.0
        self.latency = 0.0
        self.blocked: set[int] = set()
        self._queued: deque[_Queued] = deque()
        self._random = random.Random(seed)

    def configure(
        self,
        rate: float = 0.3,
        kinds: Iterable[str] = FAULT_KINDS,
        methods: Iterable[str] | None = None,
        retry_after: int = 1,
        delay: float | None = None,
        seed: int | None = None,
    ) -> None:
        """Fail ``rate`` of matching calls with one of ``kinds``.

        ``methods=None`` means every method except ``getUpdates``. ``delay`` is how long a
        "timeout" fault holds the request; make it longer than the client's timeout.
        """
        kinds = tuple(kinds)
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; use {FAULT_KINDS}")
        self.rate = rate
        self.kinds = kinds
        self.methods = _lower(methods)
        self.retry_after = retry_after
        if delay is not None:
            self.delay = delay
        if seed is not None:
            self._random.seed(seed)

    def fail_next(
        self,
        kind: str = "429",
        methods: Iterable[str] | None = None,
        count: int = 1,
        retry_after: int | None = None,
        delay: float | None = None,
    ) -> None:
        """Fail exactly the next ``count`` matching calls: for deterministic tests."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; use {FAULT_KINDS}")
        for _ in range(count):
            self._queued.append(_Queued(kind, _lower(methods), retry_after, delay))

    def block(self, chat_id: int) -> None:
        """Calls into this chat get 403, as when the user blocked the bot."""
        self.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self.blocked.discard(chat_id)

    def slow(self, seconds: float) -> None:
        """Add this latency to every call (which is then performed)."""
        self.latency = seconds

    def reset(self) -> None:
        """Back to a well-behaved Telegram."""
        self.rate = 0.0
        self.latency = 0.0
        self.blocked.clear()
        self._queued.clear()

    def decide(self, method: str) -> Fault | None:
        """The fault for this call, if any; ``method`` is the lower-case method name."""
        for index, queued in enumerate(self._queued):
            if _matches(method, queued.methods):
                del self._queued[index]
                return self._make(queued.kind, queued.retry_after, queued.delay)
        if self.rate > 0 and _matches(method, self.methods):
            if self._random.random() < self.rate:
                return self._make(self._random.choice(self.kinds), None, None)
        return None

    def _make(self, kind: str, retry_after: int | None, delay: float | None) -> Fault:
        return Fault(
            kind=kind,
            retry_after=retry_after if retry_after is not None else self.retry_after,
            delay=delay if delay is not None else self.delay,
            status=self._random.choice((500, 502)),
        )


def _lower(methods: Iterable[str] | None) -> frozenset[str] | None:
    return None if methods is None else frozenset(m.lower() for m in methods)


def _matches(method: str, methods: frozenset[str] | None) -> bool:
    if methods is None:
        return method != "getupdates"
    return method in methods


class FloodLimits:
    """Telegram's documented send limits: per bot, per private chat, per group.

    Private chats use a token bucket (``private_rate`` per second with a small ``private_burst``);
    the bot-wide and group limits are sliding windows. A refused call is not counted.
    """

    def __init__(self) -> None:
        self.enabled = False
        self.per_bot = 30
        self.private_rate = 1.0
        self.private_burst = 3
        self.per_group_minute = 20
        self._bot_window: dict[int, deque[float]] = {}
        self._group_window: dict[tuple[int, int], deque[float]] = {}
        self._private_bucket: dict[tuple[int, int], tuple[float, float]] = {}

    def enable(
        self,
        per_bot: int = 30,
        private_rate: float = 1.0,
        private_burst: int = 3,
        per_group_minute: int = 20,
    ) -> None:
        self.enabled = True
        self.per_bot = per_bot
        self.private_rate = private_rate
        self.private_burst = private_burst
        self.per_group_minute = per_group_minute

    def disable(self) -> None:
        self.enabled = False

    def check(self, bot_id: int, chat_id: int, chat_type: str, now: float) -> ApiError | None:
        """A 429 when this send would exceed a limit; None when it may go."""
        if not self.enabled:
            return None
        waits: list[float] = []
        window = _trim(self._bot_window.setdefault(bot_id, deque()), now, 1.0)
        if len(window) >= self.per_bot:
            waits.append(window[0] + 1.0 - now)
        if chat_type == "private":
            tokens = self._tokens(bot_id, chat_id, now)
            if tokens < 1:
                waits.append((1 - tokens) / self.private_rate)
        else:
            group = _trim(self._group_window.setdefault((bot_id, chat_id), deque()), now, 60.0)
            if len(group) >= self.per_group_minute:
                waits.append(group[0] + 60.0 - now)
        if not waits:
            return None
        return too_many_requests(max(1, math.ceil(max(waits))))

    def record(self, bot_id: int, chat_id: int, chat_type: str, now: float) -> None:
        """Count a performed send."""
        if not self.enabled:
            return
        self._bot_window.setdefault(bot_id, deque()).append(now)
        if chat_type == "private":
            tokens = self._tokens(bot_id, chat_id, now)
            self._private_bucket[(bot_id, chat_id)] = (tokens - 1, now)
        else:
            self._group_window.setdefault((bot_id, chat_id), deque()).append(now)

    def _tokens(self, bot_id: int, chat_id: int, now: float) -> float:
        tokens, last = self._private_bucket.get((bot_id, chat_id), (self.private_burst, now))
        return min(float(self.private_burst), tokens + (now - last) * self.private_rate)


def _trim(window: deque[float], now: float, span: float) -> deque[float]:
    while window and window[0] <= now - span:
        window.popleft()
    return window
