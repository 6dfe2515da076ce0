"""One flood budget for every process of the bot, kept in Redis (``FIELDBOT_REDIS_URL``).

The same sliding windows as :mod:`bot.delivery.limits`, made atomic by Lua scripts that run
inside Redis: the bot-wide window and the chat's window are checked and taken together, holds
after a 429 are seen by everyone, and Redis's own clock (``TIME``) is the only clock, so
processes on different machines agree on what "the last second" was.

Why a script of our own rather than a limiter library: the established one on PyPI
(``limits``) counts a hit when it is taken and checks one key at a time, so a send refused by
its chat would still have spent a bot-wide slot, a slow send would be counted before Telegram
sees it, and there is no place for Telegram's ``retry_after``. Here a send holds its slots
while in flight and counts from the moment it came back, exactly as in one process.

A window is a sorted set: one member per message, scored by when its send finished; a send
still in flight is scored ``IN_FLIGHT_TTL`` ahead (so a process that died mid-send frees its
slot by itself) and re-scored when it returns.
"""

from __future__ import annotations

import uuid
from typing import Any

from redis.asyncio import Redis

from bot.delivery.budget import Permit
from bot.delivery.limits import IN_FLIGHT_POLL, WINDOW_MARGIN, Rate

# Longer than any request the runtimes make: a send still "in flight" after this is dead.
IN_FLIGHT_TTL = 90.0
GLOBAL_429_CHATS = 3
GLOBAL_429_WINDOW = 1.0

_WINDOWS = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local take = ARGV[1] == 'take'
local messages = tonumber(ARGV[2])
local poll, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
local wait = 0
for i, key in ipairs({KEYS[1], KEYS[2]}) do
  local count, span = tonumber(ARGV[3 + 2 * i]), tonumber(ARGV[4 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - span)
  local excess = redis.call('ZCARD', key) - count + math.min(messages, count)
  if excess > 0 then
    local entry = redis.call('ZRANGE', key, excess - 1, excess - 1, 'WITHSCORES')
    local ends = tonumber(entry[2])
    if ends > now then ends = now - span + poll end  -- still in flight: look again soon
    wait = math.max(wait, ends + span - now)
  end
end
for _, key in ipairs({KEYS[3], KEYS[4]}) do
  local until_ = tonumber(redis.call('GET', key) or '0')
  wait = math.max(wait, until_ - now)
end
if wait > 0 or not take then return tostring(wait) end
for i, key in ipairs({KEYS[1], KEYS[2]}) do
  local span = tonumber(ARGV[4 + 2 * i])
  for n = 1, messages do redis.call('ZADD', key, now + ttl, ARGV[9] .. ':' .. n) end
  redis.call('PEXPIRE', key, math.ceil((span + ttl) * 1000))
end
return '0'
"""

_DONE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for _, key in ipairs(KEYS) do
  for n = 1, tonumber(ARGV[2]) do redis.call('ZADD', key, 'XX', now, ARGV[1] .. ':' .. n) end
end
return 1
"""

_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local seconds, chat = tonumber(ARGV[1]), ARGV[2]
local chats, window = tonumber(ARGV[3]), tonumber(ARGV[4])
local function hold(key)
  local until_ = math.max(tonumber(redis.call('GET', key) or '0'), now + seconds)
  redis.call('SET', key, tostring(until_), 'PX', math.ceil((until_ - now) * 1000) + 1)
end
hold(KEYS[1])
redis.call('ZADD', KEYS[3], now, chat)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
redis.call('PEXPIRE', KEYS[3], math.ceil(window * 1000) + 1)
if redis.call('ZCARD', KEYS[3]) >= chats then hold(KEYS[2]) return 1 end
return 0
"""


class RedisBudget:
    """Telegram's limits for all processes of one bot; ``prefix`` names the bot's keys."""

    def __init__(
        self,
        redis: Redis,
        per_bot: Rate,
        per_private_chat: Rate,
        per_group: Rate,
        prefix: str = "fieldbot:flood:",
    ) -> None:
        self.redis = redis
        self.per_bot = per_bot
        self.per_private_chat = per_private_chat
        self.per_group = per_group
        self.prefix = prefix
        self._windows = redis.register_script(_WINDOWS)
        self._done = redis.register_script(_DONE)
        self._hold = redis.register_script(_HOLD)

    @classmethod
    def from_url(
        cls, url: str, per_bot: Rate, per_private_chat: Rate, per_group: Rate, prefix: str
    ) -> RedisBudget:
        return cls(Redis.from_url(url), per_bot, per_private_chat, per_group, prefix)

    async def close(self) -> None:
        await self.redis.aclose()

    async def wait(self, chat_id: int, messages: int) -> float:
        return float(await self._ask("peek", chat_id, messages, ""))

    async def take(self, chat_id: int, messages: int) -> Permit | None:
        token = uuid.uuid4().hex
        if float(await self._ask("take", chat_id, messages, token)) > 0:
            return None
        return Permit(chat_id, messages, token)

    async def done(self, permit: Permit) -> None:
        keys = [self._key("bot"), self._key(f"chat:{permit.chat_id}")]
        await self._done(keys=keys, args=[permit.token, permit.messages])

    async def hold(self, chat_id: int, seconds: float) -> bool:
        keys = [self._key(f"hold:{chat_id}"), self._key("hold:bot"), self._key("recent429")]
        args = [seconds, chat_id, GLOBAL_429_CHATS, GLOBAL_429_WINDOW]
        return bool(await self._hold(keys=keys, args=args))

    def needs_history(self, chat_id: int) -> bool:
        return False  # the windows outlive any one process

    def remember(self, chat_id: int, ages: list[float]) -> None:
        """Nothing to do: Redis already holds every process's sends."""

    def forget_idle(self) -> None:
        """Nothing to do: idle keys expire in Redis."""

    async def _ask(self, mode: str, chat_id: int, messages: int, token: str) -> Any:
        chat = self.per_private_chat if chat_id > 0 else self.per_group
        keys = [
            self._key("bot"),
            self._key(f"chat:{chat_id}"),
            self._key(f"hold:{chat_id}"),
            self._key("hold:bot"),
        ]
        args: list[str | int | float] = [
            mode,
            messages,
            IN_FLIGHT_POLL,
            IN_FLIGHT_TTL,
            self.per_bot.count,
            self.per_bot.seconds + WINDOW_MARGIN,
            chat.count,
            chat.seconds + WINDOW_MARGIN,
            token,
        ]
        return await self._windows(keys=keys, args=args)

    def _key(self, name: str) -> str:
        return f"{self.prefix}{name}"
