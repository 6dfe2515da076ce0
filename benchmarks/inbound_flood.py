"""One person floods the bot while another asks for /status: how long the other's answers
take, and what each flooding update costs once over the inbound limit.

Drives the engine directly (as a runtime would, one update after another) on a fresh SQLite
file and, when FIELDBOT_TEST_DATABASE_URL is set, on PostgreSQL (its tables are emptied
first). Prints per-update times for the flooder (admitted, over the limit) and the other
person's /status. Run:

    .venv/bin/python benchmarks/inbound_flood.py [--updates 500] [--limit 30]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import create_app
from bot.config import Settings
from bot.core.clock import FrozenClock
from storage.migrate import upgrade
from tests.support import databases
from tests.support.chat import FlowChat
from tests.support.people import client_chat
from tests.support.seed import seed_app
from tests.support.steps import report


def ms(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if len(ordered) > 1 else ordered[0]
    return f"median {statistics.median(values) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


async def measure(url: str, updates: int, limit: int) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        bot_token="123456:BENCH",  # type: ignore[arg-type]
        inbound_limit=limit,
        admins=frozenset({900}),
    )
    clock = FrozenClock(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    app = create_app(settings, clock)
    try:
        await seed_app(app)
        client = await client_chat(app, 501, name="Maria")
        await report(client)
        flooder = FlowChat(app, 6001, "Spam")
        admitted: list[float] = []
        ignored: list[float] = []
        status: list[float] = []
        for number in range(updates):
            clock.advance(timedelta(seconds=10 / updates))
            started = time.perf_counter()
            replies = await flooder.say(f"buy now {number}")
            (admitted if replies else ignored).append(time.perf_counter() - started)
            if number % 25 == 0:
                started = time.perf_counter()
                await client.say("/status")
                status.append(time.perf_counter() - started)
                assert "#1" in client.joined()
        print(f"  flooder admitted ({len(admitted)}): {ms(admitted)}")
        print(f"  flooder ignored  ({len(ignored)}): {ms(ignored)}")
        print(f"  other's /status  ({len(status)}): {ms(status)}")
    finally:
        await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=500)
    parser.add_argument("--limit", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = databases.sqlite_url(Path(folder) / "bench.sqlite3")
        await upgrade(url)
        print("SQLite:")
        await measure(url, args.updates, args.limit)
    if postgres := os.environ.get("FIELDBOT_TEST_DATABASE_URL"):
        await databases.reset_postgres_schema(postgres)
        await upgrade(postgres)
        print("PostgreSQL:")
        await measure(postgres, args.updates, args.limit)


if __name__ == "__main__":
    asyncio.run(main())
