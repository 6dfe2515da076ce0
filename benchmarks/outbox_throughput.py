"""Outbox delivery throughput: N queued messages through a real runtime and the sandbox Bot API.

Prints messages per second and the queue-to-Telegram latency percentiles, on SQLite and, when
FIELDBOT_TEST_DATABASE_URL is set, on PostgreSQL (its outbox table is emptied first). Run:

    .venv/bin/python benchmarks/outbox_throughput.py [--messages 600] [--chats 200]
        [--runtime aiogram|ptb] [--no-limits] [--dispatchers 3 --redis redis://127.0.0.1:6379/1]

With Telegram's limits (the default) throughput is capped at 30 messages/s by design; with
``--no-limits`` the figures show what the pipeline itself can do. ``--dispatchers N`` runs N
dispatchers side by side, each with its own connections, as N processes would; with ``--redis``
they share one flood budget there (else each counts alone). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.events import Incoming
from bot.core.replies import Reply
from bot.delivery import DeliverySettings, Dispatcher, Rate
from bot.delivery.budget import flood_budget
from bot.delivery.dispatcher import (
    TELEGRAM_PER_BOT,
    TELEGRAM_PER_GROUP,
    TELEGRAM_PER_PRIVATE_CHAT,
)
from bot.runtimes.factory import create_runtime
from bot.sandbox import SandboxServer
from bot.services.outbox import enqueue, messages
from storage.db import Database
from storage.migrate import upgrade
from storage.models import OutboxMessage, OutboxStatus

UNLIMITED = Rate(1_000_000, 1.0)


async def ignore(_incoming: Incoming) -> list[Reply]:
    return []


async def bench(url: str, label: str, args: argparse.Namespace) -> None:
    await upgrade(url)
    db = Database(url)
    settings = DeliverySettings(
        per_bot=UNLIMITED if args.no_limits else TELEGRAM_PER_BOT,
        per_private_chat=UNLIMITED if args.no_limits else TELEGRAM_PER_PRIVATE_CHAT,
        per_group=UNLIMITED if args.no_limits else TELEGRAM_PER_GROUP,
    )
    async with SandboxServer() as sandbox:
        token = sandbox.make_token()
        sandbox.bot(token)
        chats = list(range(10_001, 10_001 + args.chats))
        for chat in chats:
            sandbox.user(chat, language_code="en").send_command("/start")
        runtime = create_runtime(args.runtime, token, ignore, sandbox.base_url)
        try:
            async with db.transaction() as session:
                await session.execute(delete(OutboxMessage))
                start_wall = time.time()
                for n in range(args.messages):
                    await enqueue(
                        session, messages(chats[n % len(chats)], f"message {n}", datetime.now(UTC))
                    )
            databases = [db] + [Database(url) for _ in range(args.dispatchers - 1)]
            prefix = f"fieldbot-bench:{os.getpid()}:"
            dispatchers = [
                Dispatcher(
                    each,
                    runtime.execute,
                    settings,
                    budget=flood_budget(
                        args.redis,
                        prefix,
                        settings.per_bot,
                        settings.per_private_chat,
                        settings.per_group,
                    ),
                )
                for each in databases
            ]
            started = time.perf_counter()
            await asyncio.gather(*(each.drain(timeout=600) for each in dispatchers))
            elapsed = time.perf_counter() - started
            for each in dispatchers:
                await each.budget.close()
            for each in databases[1:]:
                await each.dispose()
        finally:
            await runtime.close()
    async with db.transaction() as session:
        sent = (
            await session.execute(
                select(OutboxMessage.created_at, OutboxMessage.sent_at).where(
                    OutboxMessage.status == OutboxStatus.SENT
                )
            )
        ).all()
        await session.execute(delete(OutboxMessage))
    await db.dispose()
    latencies = sorted((s - c).total_seconds() for c, s in sent if s is not None)
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(
        f"{label:10} {args.runtime:7} {'no limits' if args.no_limits else 'tg limits':9} "
        f"{args.dispatchers}x{' redis' if args.redis else ''} "
        f"{len(sent):5} sent in {elapsed:6.2f}s = {len(sent) / elapsed:7.1f} msg/s; "
        f"latency p50 {cuts[49]:.2f}s p90 {cuts[89]:.2f}s p99 {cuts[98]:.2f}s "
        f"max {latencies[-1]:.2f}s (enqueue took {time.time() - start_wall - elapsed:.2f}s)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--runtime", choices=["aiogram", "ptb"], default="aiogram")
    parser.add_argument("--no-limits", action="store_true")
    parser.add_argument("--dispatchers", type=int, default=1)
    parser.add_argument("--redis", help="share the flood budget in this Redis")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        await bench(f"sqlite+aiosqlite:///{folder}/bench.sqlite3", "sqlite", args)
    postgres = os.environ.get("FIELDBOT_TEST_DATABASE_URL")
    if postgres:
        await bench(postgres, "postgresql", args)


if __name__ == "__main__":
    asyncio.run(main())
