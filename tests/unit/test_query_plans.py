"""The interactive paths reach tickets through an index, never by reading the whole table.

Each service call runs on a small seeded database while its statements are captured; then each
statement that reads ``tickets`` is explained. PostgreSQL is asked with sequential scans
discouraged (``enable_seqscan = off``), so the plan shows whether an index can serve the query
at all (a tiny table would be scanned anyway); SQLite's ``EXPLAIN QUERY PLAN`` must not say
``SCAN tickets`` without an index. The outbox claim must read its rows in claim order from an
index, without sorting them (on PostgreSQL; SQLite, for small companies, may sort the few due
rows it found through an index). Sizes and timings are in ``benchmarks/scale.py``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.core.clock import FrozenClock
from bot.delivery.queue import OutboxQueue
from bot.services import assignments, escalations, jobs, reports, trend_days
from bot.services.outbox import enqueue, messages
from storage.models import Person, Role
from tests.support.known_month import known_month

Statement = tuple[str, Any]
Call = Callable[[AsyncSession, App], Awaitable[Any]]


async def engineer(session: AsyncSession) -> Person:
    """An engineer with skills and a position, so the board filters and measures distances."""
    found = await session.scalar(select(Person).where(Person.role == Role.ENGINEER).limit(1))
    if found is None:
        found = Person(tg_user_id=555, chat_id=555, role=Role.ENGINEER, locale="en")
        session.add(found)
    found.skills, found.latitude, found.longitude = ["coffee"], 42.69, 23.32
    await session.flush()
    return found


async def board(session: AsyncSession, app: App) -> Any:
    return await jobs.board(session, await engineer(session), app.engine.clock.now())


async def open_list(session: AsyncSession, app: App) -> Any:
    return await assignments.open_tickets(session, assignments.Filters(), 0, 6)


async def stats_month(session: AsyncSession, app: App) -> Any:
    now = app.engine.clock.now()
    return await reports.stats(session, reports.period("month", now, app.settings.tz), now)


async def trends(session: AsyncSession, app: App) -> Any:
    return await reports.trends(session, app.engine.clock.now())


async def escalation_pass(session: AsyncSession, app: App) -> Any:
    return await escalations.due(session, app.engine.clock.now(), app.settings)


PATHS = {
    "board": board,
    "open": open_list,
    "stats": stats_month,
    "trends": trends,
    "escalations": escalation_pass,
}


async def captured(app: App, call: Call) -> list[Statement]:
    """The SELECTs ``call`` ran (rolled back afterwards)."""
    seen: list[Statement] = []

    def grab(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(app.db.engine.sync_engine, "before_cursor_execute", grab)
    try:
        async with app.db.sessions() as session:
            await call(session, app)
            await session.rollback()
    finally:
        event.remove(app.db.engine.sync_engine, "before_cursor_execute", grab)
    return seen


async def plan(app: App, statement: Statement) -> str:
    sql, parameters = statement
    async with app.db.engine.connect() as connection:
        if app.db.is_sqlite:
            rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
            lines = [str(row[-1]) for row in rows]
        else:
            await connection.exec_driver_sql("SET enable_seqscan = off")
            rows = await connection.exec_driver_sql(f"EXPLAIN {sql}", parameters)
            lines = [str(row[0]) for row in rows]
        await connection.rollback()
    return "\n".join(lines)


def scans_whole(table: str, explained: str, sqlite: bool) -> bool:
    if sqlite:
        return re.search(rf"\bSCAN {table}\b(?! USING)", explained) is not None
    return re.search(rf"Seq Scan on {table}\b", explained) is not None


@pytest.mark.parametrize("path", list(PATHS))
async def test_paths_reach_tickets_through_an_index(seeded: App, path: str) -> None:
    await known_month(seeded)
    statements = [
        statement
        for statement in await captured(seeded, PATHS[path])
        if re.search(r"\bFROM tickets\b|\bJOIN tickets\b", statement[0])
    ]
    assert statements, "the path reads tickets"
    for statement in statements:
        explained = await plan(seeded, statement)
        assert not scans_whole("tickets", explained, seeded.db.is_sqlite), (
            f"{statement[0]}\n{explained}"
        )


async def test_outbox_claim_reads_in_claim_order_from_an_index(seeded: App) -> None:
    now = seeded.engine.clock.now()
    async with seeded.db.transaction() as session:
        for chat in range(5):
            await enqueue(session, messages(1000 + chat, "hello", now))
    queue = OutboxQueue(seeded.db)

    async def claim(_session: AsyncSession, _app: App) -> Any:
        return await queue.claim(now, 20, timedelta(seconds=60))

    # the first statement that reads the outbox (on PostgreSQL the claim first takes its lock)
    [statement, *_] = [s for s in await captured(seeded, claim) if "FROM outbox" in s[0]]
    explained = await plan(seeded, statement)
    assert not scans_whole("outbox", explained, seeded.db.is_sqlite), explained
    if not seeded.db.is_sqlite:
        assert "Sort" not in explained and "ix_outbox_status_id" in explained, explained


async def test_escalation_pass_reads_only_tickets_due_for_a_check(seeded: App) -> None:
    """The pass finds its tickets by ``escalation_check_at``, not by every open one."""
    await known_month(seeded)
    [statement, *_] = [
        s for s in await captured(seeded, escalation_pass) if re.search(r"\bFROM tickets\b", s[0])
    ]
    explained = await plan(seeded, statement)
    assert "ix_tickets_escalation_check_at" in explained, explained


async def test_trends_read_the_daily_figures_by_day(seeded: App, clock: FrozenClock) -> None:
    """/trends reads its whole days from the daily figures through their primary key."""
    await known_month(seeded)
    async with seeded.db.transaction() as session:
        await trend_days.refresh(session, clock.now())
    for table in (
        "trend_model_days",
        "trend_engineer_days",
        "trend_customer_tops",
        "trend_repeat_days",
    ):
        statements = [s for s in await captured(seeded, trends) if f"FROM {table}" in s[0]]
        assert statements, f"/trends reads {table}"
        for statement in statements:
            explained = await plan(seeded, statement)
            assert not scans_whole(table, explained, seeded.db.is_sqlite), explained


async def test_open_page_reads_in_its_order_from_an_index(seeded: App) -> None:
    """/open's page (most urgent, then oldest) comes from the partial index over the open
    tickets in that order, so a page costs six rows however many are open (not on SQLite)."""
    if seeded.db.is_sqlite:
        pytest.skip("SQLite, for small companies, may sort the few open tickets")
    await known_month(seeded)
    page = next(
        statement
        for statement in await captured(seeded, open_list)
        if "ORDER BY" in statement[0] and re.search(r"\bFROM tickets\b", statement[0])
    )
    explained = await plan(seeded, page)
    assert "ix_tickets_open_urgency" in explained, explained
    assert not re.search(r"Sort Key: .*tickets\.priority", explained), explained


async def test_board_reads_the_index_of_untaken_jobs_alone(seeded: App) -> None:
    """The board's page and count come from one statement without joining the equipment, its
    model and site (their category and position are copied onto the ticket); on PostgreSQL
    from ``ix_tickets_board`` alone, without touching the table. (SQLite, without statistics,
    prefers the status index: for a small company's few untaken jobs that is as good.)"""
    await known_month(seeded)
    [statement, *_] = [s for s in await captured(seeded, board) if "OVER" in s[0]]
    assert " JOIN " not in statement[0], statement[0]
    if not seeded.db.is_sqlite:
        explained = await plan(seeded, statement)
        assert "Index Only Scan using ix_tickets_board" in explained, explained
