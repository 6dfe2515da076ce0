"""How long a customer's message takes to reach the engineer, in the demo as it runs.

Starts ``fieldbot demo`` in process (its own SQLite file, the sandbox Bot API, the chosen
runtime, the outbox dispatcher with the demo's settings), gives the demo engineer a job of the
demo customer's, then has the customer press "💬 Write" and send a text N times, timing each
from the send to the message appearing in the engineer's chat. Prints the percentiles. Run:

    .venv/bin/python benchmarks/relay_delay.py [--messages 20] [--runtime aiogram|ptb] [--gap 1]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.demo import data
from bot.demo.run import DemoOptions, running_demo
from bot.services import jobs, tickets
from storage.models import OutboxMessage, Person, Priority


async def bench(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        options = DemoOptions(database=Path(folder) / "demo.sqlite3", runtime=args.runtime, port=0)
        async with running_demo(options) as demo:
            async with demo.app.db.transaction() as session:
                customer = await session.scalar(
                    select(Person).where(Person.tg_user_id == data.CUSTOMER.user_id)
                )
                engineer = await session.scalar(
                    select(Person).where(Person.tg_user_id == data.ENGINEER.user_id)
                )
                assert customer is not None and customer.customer_id is not None
                assert engineer is not None
                now = datetime.now(UTC)
                new = tickets.NewTicket(customer.customer_id, "Leaks", Priority.NORMAL)
                ticket = await tickets.create(session, customer, new, now, demo.app.settings)
                await jobs.accept(session, ticket.id, engineer, now)
                job = ticket.id
            maria = demo.sandbox.user(data.CUSTOMER.user_id)
            petar = demo.sandbox.user(data.ENGINEER.user_id)
            await petar.wait_idle()
            delays: list[float] = []
            for number in range(args.messages):
                maria.send_command("/status")
                listing = await maria.wait_for(
                    lambda m: m.find_button(f"tk:{job}") is not None, timeout=15
                )
                maria.press(f"tk:{job}", listing)
                details = await maria.wait_for(
                    lambda m: m.find_button(f"tk:w:{job}") is not None, timeout=15
                )
                maria.press(f"tk:w:{job}", details)
                await maria.wait_for(lambda m: f"#{job}" in m.content, timeout=15)
                # Telegram allows one message a second to a chat: a relay sooner than that
                # after the last one would wait for it, which is the limit, not the delay.
                await asyncio.sleep(args.gap)
                text = f"Still leaking, message {number}"
                started = time.monotonic()
                maria.send_text(text)
                await petar.wait_for(lambda m, text=text: text in m.content, timeout=15)
                delays.append(time.monotonic() - started)
                await maria.wait_idle()
            async with demo.app.db.transaction() as session:
                rows = await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == "customer_message")
                )
                queued = sorted(
                    (row.sent_at - row.created_at).total_seconds()
                    for row in rows
                    if row.sent_at is not None
                )
    delays.sort()
    print(f"{args.runtime}: {len(delays)} messages, customer → engineer")
    print(f"  median {statistics.median(delays) * 1000:.0f} ms")
    print(f"  p90    {delays[int(len(delays) * 0.9) - 1] * 1000:.0f} ms")
    print(f"  max    {delays[-1] * 1000:.0f} ms")
    outbox = statistics.median(queued) * 1000
    print(f"  of which in the outbox (queued → sent): median {outbox:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--runtime", choices=("aiogram", "ptb"), default="aiogram")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between messages")
    asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    main()
