"""The handlers' own queries on PostgreSQL seeded with 1k and 1M tickets, and the ratio between.

Each size gets its own database (``<db>_<size>``), created and seeded once by bulk SQL
(``INSERT … SELECT generate_series``: about two minutes for 1M on 2 cores), migrated to the
head and analysed; ``--reseed`` starts over. Proportional customers, sites, equipment,
contracts, timelines, feedback, complaints and outbox rows; 10 engineers at 1k, 1,000 at 1M.
Then every path below runs ``--runs`` times per size (after one warm-up, each in its own
transaction, rolled back) and the script prints min/median/max latency, statements, and the
1M ÷ 1k ratio against the targets of issue 11. Run:

    .venv/bin/python benchmarks/scale.py [--url postgresql+asyncpg://postgres@127.0.0.1/scalebench]
        [--sizes 1000,1000000] [--runs 7] [--reseed] [--paths /jobs,/open]

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import Settings
from bot.delivery.queue import OutboxQueue
from bot.services import assignments, escalations, jobs, reports, tickets, trend_days
from storage import equipment_copies
from storage.db import Database
from storage.migrate import upgrade
from storage.models import OutboxMessage, Person, Role, Ticket

MODELS, CATEGORIES = 200, 8

# One statement per table, all derived from the size :n; ids are dense from 1, so every
# foreign key is arithmetic. Tickets are spread over two years, oldest first; those of the
# last ten days are partly still open, a few older ones too (stuck jobs).
SEED = [
    """CREATE TABLE bench_meta (tickets bigint, seeded_at timestamptz)""",
    """INSERT INTO customers (id, name, needs_review, created_at)
       SELECT i, 'Customer ' || i, false, now() - interval '3 years'
       FROM generate_series(1, :customers) i""",
    """INSERT INTO sites (id, customer_id, name, address, latitude, longitude)
       SELECT i, i, 'Site ' || i, '', 42.0 + (i * 7 % 1000) / 700.0, 23.0 + (i * 13 % 1000) / 350.0
       FROM generate_series(1, :customers) i""",
    """INSERT INTO equipment_models (id, name, manufacturer, category, updated_at)
       SELECT i, 'Model ' || i, 'Maker ' || (i % 20), 'cat' || (i % :categories), :now
       FROM generate_series(1, :models) i""",
    """INSERT INTO contracts (id, customer_id, number, tier, response_hours, resolution_hours)
       SELECT i, 2 * i, 'C-' || i, 'standard', 8, 48 FROM generate_series(1, :customers / 2) i""",
    """INSERT INTO equipment (id, serial, model_id, customer_id, site_id, contract_id)
       SELECT i, 'SN' || i, 1 + i % :models, 1 + (i - 1) % :customers, 1 + (i - 1) % :customers,
              CASE WHEN (1 + (i - 1) % :customers) % 2 = 0
                   THEN (1 + (i - 1) % :customers) / 2 END
       FROM generate_series(1, :equipment) i""",
    """INSERT INTO people (id, tg_user_id, chat_id, role, name, locale, customer_id, skills,
                           on_duty, latitude, longitude, unreachable, private_chat, created_at)
       SELECT i, 1000000 + i, 1000000 + i,
              CASE WHEN i <= :customers THEN 'client'
                   WHEN i <= :customers + :engineers THEN 'engineer' ELSE 'manager' END,
              'Person ' || i, 'en', CASE WHEN i <= :customers THEN i END,
              CASE WHEN i > :customers AND i <= :customers + :engineers AND i % 3 <> 0
                   THEN json_build_array('cat' || (i % :categories),
                                         'cat' || ((i + 3) % :categories))
                   ELSE '[]'::json END,
              i % 2 = 0, 42.7 + (i % 50) / 100.0, 23.3 + (i % 70) / 100.0, false, true,
              now() - interval '3 years'
       FROM generate_series(1, :customers + :engineers + 3) i""",
    """INSERT INTO tickets (id, kind, status, priority, description, customer_id, equipment_id,
                           reporter_id, engineer_id, created_at, updated_at, response_due,
                           resolution_due, resolved_at, closed_at, responded_at, sla_paused_at,
                           sla_paused_seconds, push_wave)
       SELECT i, kind, status, priority, 'It stopped working', 1 + (e - 1) % :customers, e,
              1 + (e - 1) % :customers,
              CASE WHEN status <> 'new' THEN :customers + 1 + i % :engineers END,
              created, created + interval '1 hour', created + interval '8 hours',
              created + interval '48 hours',
              CASE WHEN status IN ('resolved', 'closed') THEN created + interval '20 hours' END,
              CASE WHEN status = 'closed' THEN created + interval '30 hours' END,
              CASE WHEN status <> 'new' THEN created + interval '2 hours' END,
              CASE WHEN status IN ('waiting_parts', 'waiting_customer')
                   THEN created + interval '3 hours' END,
              0, 0
       FROM (
         SELECT i, e, created,
                CASE WHEN age < 1 THEN (CASE WHEN h < 50 THEN 'new' WHEN h < 65 THEN 'assigned'
                                             WHEN h < 75 THEN 'en_route' WHEN h < 85 THEN 'on_site'
                                             WHEN h < 92 THEN 'waiting_parts'
                                             ELSE 'waiting_customer' END)
                     WHEN age < 10 THEN (CASE WHEN h < 3 THEN 'new' WHEN h < 18 THEN 'assigned'
                                              WHEN h < 26 THEN 'waiting_parts'
                                              WHEN h < 31 THEN 'on_site'
                                              WHEN h < 36 THEN 'waiting_customer'
                                              WHEN h < 45 THEN 'resolved'
                                              WHEN h < 97 THEN 'closed' ELSE 'cancelled' END)
                     WHEN h2 < 3 THEN 'assigned'
                     WHEN h < 97 THEN 'closed' ELSE 'cancelled' END AS status,
                CASE WHEN h3 < 5 THEN 'production_stopped' WHEN h3 < 20 THEN 'urgent'
                     ELSE 'normal' END AS priority,
                CASE WHEN h4 < 80 THEN 'breakdown' WHEN h4 < 90 THEN 'maintenance'
                     WHEN h4 < 95 THEN 'installation' ELSE 'upgrade' END AS kind
         FROM (
           SELECT i, 1 + (i * 7919) % :equipment AS e,
                  (:n - i) * 730.0 / :n AS age,
                  :now - ((:n - i) * 730.0 / :n) * interval '1 day' AS created,
                  (i * 2654435761) % 100 AS h, (i * 2246822519) % 1000 AS h2,
                  (i * 40503) % 100 AS h3, (i * 97) % 100 AS h4
           FROM generate_series(1::bigint, :n) i
         ) base
       ) shaped""",
    """INSERT INTO ticket_events (ticket_id, at, actor_id, kind, status, data)
       SELECT id, created_at, reporter_id, 'created', 'new', '{}'::json FROM tickets""",
    """INSERT INTO ticket_events (ticket_id, at, actor_id, kind, status, data)
       SELECT id, coalesce(closed_at, resolved_at, responded_at), engineer_id, 'status', status,
              '{}'::json
       FROM tickets WHERE status <> 'new'""",
    """INSERT INTO feedback (ticket_id, rating, comment, created_at)
       SELECT id, 1 + id % 5, NULL, closed_at + interval '1 hour'
       FROM tickets WHERE status = 'closed' AND id % 2 = 0""",
    """INSERT INTO complaints (customer_id, person_id, ticket_id, text, created_at)
       SELECT customer_id, reporter_id, id, 'Too slow', created_at + interval '2 days'
       FROM tickets WHERE id % 100 = 0""",
    """INSERT INTO outbox (chat_id, person_id, text, kind, ticket_id, status, attempts,
                          created_at, next_attempt_at, sent_at, upload_as_photo)
       SELECT 1000000 + reporter_id, reporter_id, 'Your request was updated', 'ticket', id,
              CASE WHEN id % 64 = 0 THEN 'pending' ELSE 'sent' END,
              CASE WHEN id % 64 = 0 THEN 0 ELSE 1 END, created_at,
              CASE WHEN id % 64 = 0 THEN :now - (id % 600) * interval '1 second'
                   ELSE created_at END,
              CASE WHEN id % 64 = 0 THEN NULL ELSE created_at END, false
       FROM tickets WHERE id % 2 = 0 OR id % 64 = 0""",
    """INSERT INTO processed_updates (update_id, processed_at)
       SELECT i, :now - (:n - i) * interval '1 minute' FROM generate_series(1, :n / 4) i""",
]
SEQUENCES = ["customers", "sites", "equipment_models", "contracts", "equipment", "people"]


def sizes_of(n: int) -> dict[str, Any]:
    customers = max(n // 10, 10)
    return {
        "n": n,
        "customers": customers,
        "equipment": customers * 2,
        "engineers": 10 if n <= 1000 else max(10, n // 1000),
        "models": MODELS,
        "categories": CATEGORIES,
    }


def database_url(base: str, n: int) -> str:
    url = make_url(base)
    return url.set(database=f"{url.database}_{n}").render_as_string(hide_password=False)


def _literal(statement: str, values: dict[str, Any]) -> str:
    """The seed's sizes and moment written into the SQL: bound parameters leave PostgreSQL
    guessing their types in arithmetic (``$1 + $2``)."""

    def value(match: re.Match[str]) -> str:
        found = values[match[1]]
        return f"'{found.isoformat()}'::timestamptz" if isinstance(found, datetime) else str(found)

    return re.sub(r"(?<!:):([a-z]+)\b", value, statement)


async def _admin(url: str) -> asyncpg.Connection:
    parsed = make_url(url)
    return await asyncpg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        database="postgres",
    )


async def prepare(url: str, n: int, reseed: bool, settings: Settings) -> None:
    """Seed the database for ``n`` tickets unless it holds them already; migrate to head."""
    name = make_url(url).database
    admin = await _admin(url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and reseed:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    db = Database(url)
    try:
        async with db.transaction() as session:
            seeded = await session.scalar(text("SELECT to_regclass('bench_meta') IS NOT NULL"))
            if seeded:
                seeded = await session.scalar(text("SELECT tickets FROM bench_meta")) == n
        if not seeded:
            await upgrade(url)
            started = time.perf_counter()
            values = {**sizes_of(n), "now": datetime.now(UTC)}
            async with db.transaction() as session:
                for statement in SEED:
                    await session.execute(text(_literal(statement, values)))
                # what the flush events would have copied onto each ticket from its equipment
                await session.execute(equipment_copies.refresh(Ticket.equipment_id.is_not(None)))
                for table in [*SEQUENCES, "tickets"]:
                    await session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT max(id) FROM {table}))"
                        )
                    )
                await session.execute(
                    text(_literal("INSERT INTO bench_meta VALUES (:n, :now)", values))
                )
            print(f"seeded {n:,} tickets in {time.perf_counter() - started:.0f} s", flush=True)
        await upgrade(url)
        async with db.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
        # The daily figures of /trends and the escalations standing since the seed are
        # computed and recorded once, as the scheduler would have done; the timed /trends and
        # pass are the ones of every read and tick after that.
        async with db.transaction() as session:
            first = time.perf_counter()
            await trend_days.refresh(session, datetime.now(UTC))
            print(f"daily trend figures at {n:,}: {time.perf_counter() - first:.1f} s")
        async with db.transaction() as session:
            first = time.perf_counter()
            found = await escalations.due(session, datetime.now(UTC), settings)
            if found:
                took = time.perf_counter() - first
                print(f"first escalation pass at {n:,}: {len(found):,} alerts, {took:.1f} s")
    finally:
        await db.dispose()


@dataclass
class Figures:
    times: list[float]
    statements: int

    @property
    def median(self) -> float:
        return statistics.median(self.times)


Path_ = Callable[[AsyncSession, "Subjects"], Awaitable[Any]]


@dataclass
class Subjects:
    """Who asks: a client's customer, an engineer with skills and a location; and when."""

    customer_id: int
    engineer: Person
    now: datetime
    settings: Settings
    db: Database


async def status(session: AsyncSession, who: Subjects) -> Any:
    return await tickets.for_customer(
        session, who.customer_id, who.now, who.settings.recent_ticket_days
    )


async def board(session: AsyncSession, who: Subjects) -> Any:
    engineer = await session.get(Person, who.engineer.id)
    assert engineer is not None
    return await jobs.board(session, engineer, who.now, 0, 6)


async def open_list(session: AsyncSession, who: Subjects) -> Any:
    return await assignments.open_tickets(session, assignments.Filters(), 0, 6)


async def stats_month(session: AsyncSession, who: Subjects) -> Any:
    span = reports.period("month", who.now, who.settings.tz)
    return await reports.stats(session, span, who.now)


async def trends(session: AsyncSession, who: Subjects) -> Any:
    return await reports.trends(session, who.now)


async def escalation_pass(session: AsyncSession, who: Subjects) -> Any:
    return await escalations.due(session, who.now, who.settings)


async def outbox_claim(session: AsyncSession, who: Subjects) -> Any:
    """The dispatcher's claim (its own transaction); the rows are handed back afterwards."""
    claimed = await OutboxQueue(who.db).claim(who.now, 20, timedelta(seconds=60))
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([row.id for row in claimed]))
        .values(next_attempt_at=who.now - timedelta(minutes=1))
    )
    await session.commit()
    return claimed


PATHS: dict[str, tuple[Path_, str]] = {
    "/status (one client)": (status, "ratio"),
    "/jobs (engineer's board)": (board, "ratio"),
    "/open (managers)": (open_list, "ratio"),
    "/stats month": (stats_month, "300ms"),
    "/trends": (trends, "300ms"),
    "escalation pass": (escalation_pass, "ratio"),
    "outbox claim": (outbox_claim, "ratio"),
}


async def measure(url: str, runs: int, settings: Settings, paths: list[str]) -> dict[str, Figures]:
    db = Database(url)
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db.transaction() as session:
            engineer = await session.scalar(
                select(Person)
                .where(Person.role == Role.ENGINEER, Person.id % 3 != 0)
                .order_by(Person.id)
                .limit(1)
            )
            customers = int(await session.scalar(text("SELECT count(*) FROM customers")) or 0)
        assert engineer is not None
        who = Subjects(customers // 2 + 1, engineer, datetime.now(UTC), settings, db)
        found: dict[str, Figures] = {}
        for name, (path, _target) in PATHS.items():
            if name not in paths:
                continue
            times = []
            for run in range(runs + 1):
                async with db.sessions() as session:
                    statements = 0
                    started = time.perf_counter()
                    await path(session, who)
                    took = time.perf_counter() - started
                    await session.rollback()
                if run:  # the first is a warm-up
                    times.append(took)
            found[name] = Figures(times, statements)
        return found
    finally:
        await db.dispose()


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(results: dict[int, dict[str, Figures]]) -> None:
    small, large = min(results), max(results)
    header = (
        f"{'path':26} {'stmts':>5} {f'at {small:,} ms min/med/max':>24} {'stmts':>5} "
        f"{f'at {large:,} ms min/med/max':>28} {'ratio med (min–max)':>22}  target"
    )
    print(header)
    print("-" * len(header))
    for name, (_path, target) in PATHS.items():
        if name not in results[small]:
            continue
        a, b = results[small][name], results[large][name]
        ratio = b.median / a.median
        spread = f"{min(b.times) / max(a.times):.2f}–{max(b.times) / min(a.times):.2f}"
        if target == "ratio":
            verdict = f"≤1.5×: {'met' if ratio <= 1.5 else 'MISSED'}"
        else:
            verdict = f"≤300 ms: {'met' if b.median <= 0.3 else 'MISSED'}"
        print(
            f"{name:26} {a.statements:>5} "
            f"{'/'.join(_ms(t) for t in (min(a.times), a.median, max(a.times))):>24} "
            f"{b.statements:>5} "
            f"{'/'.join(_ms(t) for t in (min(b.times), b.median, max(b.times))):>28} "
            f"{f'{ratio:.2f}× ({spread})':>22}  {verdict}"
        )


async def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument(
        "--url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/scalebench"
    )
    options.add_argument("--sizes", default="1000,1000000")
    options.add_argument("--runs", type=int, default=7)
    options.add_argument("--reseed", action="store_true")
    options.add_argument(
        "--paths",
        default="",
        help="only the paths whose name contains one of these, comma-separated",
    )
    args = options.parse_args()
    wanted = [part for part in args.paths.split(",") if part]
    paths = [name for name in PATHS if not wanted or any(part in name for part in wanted)]
    sizes = [int(size) for size in args.sizes.split(",")]
    results: dict[int, dict[str, Figures]] = {}
    for n in sizes:
        url = database_url(args.url, n)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url,
            timezone="Europe/Sofia",
        )
        await prepare(url, n, args.reseed, settings)
        results[n] = await measure(url, args.runs, settings, paths)
    report(results)


if __name__ == "__main__":
    asyncio.run(main())
