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

from _demo_timing import arguments, demo, report, timed

from bot.demo import data


async def bench(args: argparse.Namespace) -> None:
    async with demo(args.runtime) as running:
        maria = running.sandbox.user(data.CUSTOMER.user_id)
        await maria.wait_idle()
        delays = [
            await timed(
                args.gap,
                lambda: maria.send_command("/help"),
                maria.wait_for(lambda m: "/report" in (m.text or ""), timeout=15),
            )
            for _ in range(args.messages)
        ]
    report(f"{args.runtime}: {len(delays)} answers to /help", delays)


def main() -> None:
    asyncio.run(bench(arguments(__doc__, messages=30, gap=1.1)))


if __name__ == "__main__":
    main()
