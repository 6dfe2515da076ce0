"""One outbox dispatcher as a process of its own, for the tests of several processes sharing a
bot: ``python -m tests.support.dispatch_process DB_URL API_BASE TOKEN REDIS_URL PREFIX``.

It delivers through the real python-telegram-bot runtime (quicker to start than aiogram) until
no message is pending anywhere, then prints how many it sent itself. The limits are scaled like
the other sandbox delivery tests', except the bot-wide 30 per second, which is Telegram's own.
"""

from __future__ import annotations

import asyncio
import sys

from bot.core.events import Incoming
from bot.core.replies import Reply
from bot.delivery import DeliverySettings, Dispatcher, Rate
from bot.delivery.redis_budget import RedisBudget
from bot.runtimes.ptb_runtime import PtbRuntime
from storage.db import Database

PER_BOT = Rate(30, 1.0)
PER_PRIVATE_CHAT = Rate(1, 1.0)
PER_GROUP = Rate(5, 2.0)
SETTINGS = DeliverySettings(
    batch_size=10,
    poll_seconds=0.05,
    backoff_base=0.2,
    backoff_cap=1.0,
    per_bot=PER_BOT,
    per_private_chat=PER_PRIVATE_CHAT,
    per_group=PER_GROUP,
)


async def ignore_updates(_incoming: Incoming) -> list[Reply]:
    return []


async def main(database_url: str, api_base: str, token: str, redis_url: str, prefix: str) -> None:
    db = Database(database_url)
    runtime = PtbRuntime(token, ignore_updates, api_base, request_timeout=0.5)
    budget = RedisBudget.from_url(redis_url, PER_BOT, PER_PRIVATE_CHAT, PER_GROUP, prefix)
    dispatcher = Dispatcher(db, runtime.execute, SETTINGS, budget=budget)
    try:
        await dispatcher.drain(timeout=90)
    finally:
        await budget.close()
        await runtime.close()
        await db.dispose()
    print(f"sent {dispatcher.stats.sent}")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
