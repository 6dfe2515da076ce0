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
from datetime import UTC, datetime

from _demo_timing import arguments, demo, report, timed
from sqlalchemy import select

from bot.demo import data
from bot.services import jobs, tickets
from storage.models import OutboxMessage, Person, Priority


async def bench(args: argparse.Namespace) -> None:
    async with demo(args.runtime) as running:
        async with running.app.db.transaction() as session:
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
            ticket = await tickets.create(session, customer, new, now, running.app.settings)
            await jobs.accept(session, ticket.id, engineer, now)
            job = ticket.id
        maria = running.sandbox.user(data.CUSTOMER.user_id)
        petar = running.sandbox.user(data.ENGINEER.user_id)
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
            text = f"Still leaking, message {number}"
            arrived = petar.wait_for(lambda m, text=text: text in m.content, timeout=15)
            delays.append(await timed(args.gap, lambda text=text: maria.send_text(text), arrived))
            await maria.wait_idle()
        async with running.app.db.transaction() as session:
            rows = await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "customer_message")
            )
            queued = sorted(
                (row.sent_at - row.created_at).total_seconds()
                for row in rows
                if row.sent_at is not None
            )
    report(f"{args.runtime}: {len(delays)} messages, customer → engineer", delays)
    outbox = statistics.median(queued) * 1000
    print(f"  of which in the outbox (queued → sent): median {outbox:.0f} ms")


def main() -> None:
    asyncio.run(bench(arguments(__doc__, messages=20, gap=1.0)))


if __name__ == "__main__":
    main()
