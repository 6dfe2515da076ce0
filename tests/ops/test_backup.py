"""``fieldbot backup`` / ``restore``: SQLite → PostgreSQL → SQLite with every table holding rows,
the same rows and values at each step, and a bot on the restored database that still works."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Time,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.app import create_app
from bot.config import Settings
from bot.ops.backup import RestoreRefused, backup, restore
from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Base
from tests.support import databases
from tests.support.jobs import open_ticket
from tests.support.people import CLIENT_ID, client_chat
from tests.support.seed import import_examples, seed_app

BACKENDS = ["sqlite", *(["postgres"] if databases.POSTGRES_URL else [])]


async def filled_database(settings: Settings) -> None:
    """The seed data, a client who opened a ticket through the bot, then one made-up row in
    every table still empty, so each column type crosses the archive."""
    app = create_app(settings)
    try:
        await seed_app(app)
        await import_examples(app)
        client = await client_chat(app, CLIENT_ID, name="Maria")
        await open_ticket(client, "LM-PB-2231", "Milk frother leaks")
    finally:
        await app.close()
    engine = create_engine(settings.database_url)
    try:
        async with engine.begin() as connection:
            await _fill_empty_tables(connection)
    finally:
        await engine.dispose()


async def _fill_empty_tables(connection: AsyncConnection) -> None:
    metadata = MetaData()
    await connection.run_sync(metadata.reflect)
    for table in metadata.sorted_tables:
        if await connection.scalar(select(func.count()).select_from(table)):
            continue
        row: dict[str, Any] = {}
        for column in table.columns:
            if column.primary_key and isinstance(column.type, Integer) and not column.foreign_keys:
                row[column.name] = 1  # the table is empty
                continue
            foreign = next(iter(column.foreign_keys), None)
            if foreign is not None:
                parent = foreign.column
                row[column.name] = await connection.scalar(select(func.min(parent)))
                continue
            array = _array_on_postgres(table.name, column.name)
            row[column.name] = _sample(ARRAY(Float) if array else column.type)
        await connection.execute(insert(table).values(**row))


def _array_on_postgres(table: str, column: str) -> bool:
    """A JSON list on SQLite that is a real array on PostgreSQL (the kept resolve times)."""
    model = (
        Base.metadata.tables[table].columns.get(column) if table in Base.metadata.tables else None
    )
    return model is not None and isinstance(model.type.dialect_impl(postgresql.dialect()), ARRAY)


def _sample(type_: Any) -> Any:
    if isinstance(type_, ARRAY):
        return [1.5, 7200.25]
    if isinstance(type_, JSON):
        return {"rows": [[{"text": "Да ✓", "data": "x:1"}]], "n": 1.5}
    if isinstance(type_, DateTime):
        return datetime(2026, 3, 29, 0, 30, 15, 123456, tzinfo=UTC)
    if isinstance(type_, Date):
        return date(2026, 2, 28)
    if isinstance(type_, Time):
        return time(23, 59, 58)
    if isinstance(type_, LargeBinary):
        return bytes(range(256))
    if isinstance(type_, Boolean):
        return True
    if isinstance(type_, Float):
        return 0.1
    if isinstance(type_, Numeric):
        return 12.5
    if isinstance(type_, Integer):
        return 7
    if isinstance(type_, String):
        return "pending"[: type_.length or 100]
    return "x"


def archive_lines(path: Path) -> list[Any]:
    """The archive after its header: table headers and rows, as written."""
    with gzip.open(path, "rt", encoding="utf-8") as archive:
        return [json.loads(line) for line in archive][1:]


async def table_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            metadata = MetaData()
            await connection.run_sync(metadata.reflect)
            counts = {}
            for table in metadata.sorted_tables:
                if table.name != "alembic_version":
                    found = await connection.scalar(select(func.count()).select_from(table))
                    counts[table.name] = int(found or 0)
            return counts
    finally:
        await engine.dispose()


async def empty_database(backend: str, tmp_path: Path, name: str) -> str:
    """A new database with nothing in it, not even a schema."""
    if backend == "sqlite":
        return databases.sqlite_url(tmp_path / f"{name}.sqlite3")
    url = databases.scratch_postgres_url(databases.POSTGRES_URL)
    await databases.recreate_postgres_database(url)
    return url


@pytest.mark.parametrize("middle", BACKENDS)
async def test_round_trip_keeps_every_row_and_value_and_the_bot_works(
    middle: str, sqlite_template: Path, tmp_path: Path
) -> None:
    source = databases.fresh_sqlite(sqlite_template, tmp_path / "source.sqlite3")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=source,
        bot_token="123456:TEST",  # type: ignore[arg-type]
        default_locale="en",
    )
    await filled_database(settings)
    counts = await table_counts(source)
    assert all(counts.values()), [name for name, n in counts.items() if not n]

    first = await backup(source, tmp_path / "first.jsonl.gz", progress=False)
    assert first.rows == counts
    moved = await empty_database(middle, tmp_path, "middle")
    try:
        await restore(moved, tmp_path / "first.jsonl.gz", progress=False)
        assert await table_counts(moved) == counts
        await backup(moved, tmp_path / "second.jsonl.gz", progress=False)
        back = databases.sqlite_url(tmp_path / "back.sqlite3")
        await restore(back, tmp_path / "second.jsonl.gz", progress=False)
        await backup(back, tmp_path / "third.jsonl.gz", progress=False)
        expected = archive_lines(tmp_path / "first.jsonl.gz")
        assert archive_lines(tmp_path / "second.jsonl.gz") == expected
        assert archive_lines(tmp_path / "third.jsonl.gz") == expected

        # The bot on the moved database: the client's /status lists the ticket, and a new
        # ticket gets the next number (on PostgreSQL: the sequences were moved on).
        app = create_app(settings.model_copy(update={"database_url": moved}))
        try:
            client = await client_chat(app, CLIENT_ID, name="Maria")
            await client.say("/status")
            assert "#1 · Linea PB · LM-PB-2231" in client.joined()
            assert await open_ticket(client, None, "Grinder is noisy") == counts["tickets"] + 1
        finally:
            await app.close()
    finally:
        if middle == "postgres":
            await databases.drop_postgres_database(moved)


async def test_restore_refuses_a_database_with_rows_and_a_newer_archive(
    sqlite_template: Path, tmp_path: Path
) -> None:
    source = databases.fresh_sqlite(sqlite_template, tmp_path / "source.sqlite3")
    engine = create_engine(source)
    async with engine.begin() as connection:
        await _fill_empty_tables(connection)
    await engine.dispose()
    path = tmp_path / "backup.jsonl.gz"
    await backup(source, path, progress=False)

    with pytest.raises(RestoreRefused, match="not empty"):
        await restore(source, path, progress=False)

    lines = gzip.open(path, "rt", encoding="utf-8").read().splitlines()
    header = json.loads(lines[0])
    newer = tmp_path / "newer.jsonl.gz"
    with gzip.open(newer, "wt", encoding="utf-8") as out:
        out.write(json.dumps({**header, "revision": "9999"}) + "\n")
        out.write("\n".join(lines[1:]) + "\n")
    target = databases.sqlite_url(tmp_path / "new.sqlite3")
    await upgrade(target)
    with pytest.raises(RestoreRefused, match="newer than this fieldbot knows"):
        await restore(target, newer, progress=False)

    # The command says so and fails, without a traceback.
    command = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "restore",
        str(path),
        env={**os.environ, "FIELDBOT_DATABASE_URL": source},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await command.communicate()
    assert command.returncode == 1
    assert "restore only into a new, empty database" in err.decode()
    assert "Traceback" not in err.decode()
