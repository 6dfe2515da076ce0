"""How long a person waits for the bot's direct answer, in the demo as it runs.

Starts ``fieldbot demo`` in process (its own SQLite file, the sandbox Bot API, the chosen
runtime), then has the demo customer send ``/help`` N times, timing each from the send to the
answer appearing in the chat. Since the inbox, an update is stored, claimed by a worker and
handled, and its answer queued in the same transaction and sent at once through the outbox
dispatcher; before, the runtime handled the update and sent the answer directly. Run:

    .venv/bin/python benchmarks/reply_latency.py [--messages 30] [--runtime aiogram|ptb]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.demo import data
from bot.demo.run import DemoOptions, running_demo


async def bench(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        options = DemoOptions(database=Path(folder) / "demo.sqlite3", runtime=args.runtime, port=0)
        async with running_demo(options) as demo:
            maria = demo.sandbox.user(data.CUSTOMER.user_id)
            await maria.wait_idle()
            delays: list[float] = []
            for _ in range(args.messages):
                await asyncio.sleep(args.gap)  # Telegram's one message a second per chat
                started = time.monotonic()
                maria.send_command("/help")
                await maria.wait_for(lambda m: "/report" in (m.text or ""), timeout=15)
                delays.append(time.monotonic() - started)
    delays.sort()
    print(f"{args.runtime}: {len(delays)} answers to /help")
    print(f"  median {statistics.median(delays) * 1000:.0f} ms")
    print(f"  p90    {delays[int(len(delays) * 0.9) - 1] * 1000:.0f} ms")
    print(f"  max    {delays[-1] * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=30)
    parser.add_argument("--runtime", choices=("aiogram", "ptb"), default="aiogram")
    parser.add_argument("--gap", type=float, default=1.1, help="seconds between messages")
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
