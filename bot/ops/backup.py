"""``fieldbot backup FILE`` and ``fieldbot restore FILE``: the whole database in one archive that
either backend can load, so a company that started on SQLite can move to PostgreSQL.

The archive is gzip'd JSON lines: a header (format, schema revision, row counts), then per
table a line naming its columns and a line per row. Values are written by the column's type as
the schema at that revision has it (read back from the database itself, not from today's
models): datetimes as ISO 8601 in UTC, dates and times as ISO, bytes as base64, decimals as
text, JSON as JSON; everything else (text, numbers, booleans, enum values) as it is.

The backup reads in one transaction (REPEATABLE READ on PostgreSQL; on SQLite the
transaction's snapshot), so it is consistent while the bot keeps running.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    LargeBinary,
    MetaData,
    Numeric,
    Table,
    Time,
    func,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import TypeEngine
from tqdm import tqdm

from storage.db import create_engine, is_sqlite
from storage.migrate import alembic_config, downgrade, upgrade

FORMAT = "fieldbot-backup/1"
VERSION_TABLE = "alembic_version"
BATCH = 1000


class RestoreRefused(Exception):
    """The archive cannot go into this database; the message says why, for the operator."""


@dataclass(frozen=True, slots=True)
class Summary:
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


# -- values ------------------------------------------------------------------------------------


def _kind(type_: TypeEngine[Any]) -> str:
    """How a column's values are written: by the reflected type, whichever backend."""
    for kind, types in (
        ("json", JSON),
        ("datetime", DateTime),
        ("date", Date),
        ("time", Time),
        ("bytes", LargeBinary),
    ):
        if isinstance(type_, types):
            return kind
    if isinstance(type_, Numeric) and type_.asdecimal:
        return "decimal"
    return "plain"


def _encode(kind: str, value: Any) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "datetime":
        if value.tzinfo is None:  # SQLite keeps no zone; the app writes UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if kind in ("date", "time"):
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    return str(value)  # decimal


def _decode(kind: str, value: Any) -> Any:
    if value is None or kind in ("plain", "json"):
        return value
    if kind == "datetime":
        return datetime.fromisoformat(value).astimezone(UTC)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "time":
        return time.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return Decimal(value)


# -- the schema as the database has it ---------------------------------------------------------


async def _tables(connection: AsyncConnection) -> list[Table]:
    """Every table but alembic's, parents before children."""
    metadata = MetaData()
    await connection.run_sync(metadata.reflect)
    return [table for table in metadata.sorted_tables if table.name != VERSION_TABLE]


async def _revision(connection: AsyncConnection) -> str | None:
    exists = await connection.run_sync(lambda sync: sync.dialect.has_table(sync, VERSION_TABLE))
    if not exists:
        return None
    return await connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


async def _counts(connection: AsyncConnection, tables: list[Table]) -> dict[str, int]:
    return {
        table.name: int(await connection.scalar(select(func.count()).select_from(table)) or 0)
        for table in tables
    }


# -- backup ------------------------------------------------------------------------------------


async def backup(url: str, path: Path, *, progress: bool = True) -> Summary:
    """Write every table of the database at ``url`` to ``path``; returns what was written."""
    engine = _engine(url)
    try:
        async with engine.connect() as connection:
            if not is_sqlite(url):
                connection = await connection.execution_options(isolation_level="REPEATABLE READ")
            async with connection.begin():
                revision = await _revision(connection)
                if revision is None:
                    raise RestoreRefused("this database has no fieldbot schema to back up")
                tables = await _tables(connection)
                counts = await _counts(connection, tables)
                summary = Summary(revision, counts)
                with (
                    gzip.open(path, "wt", encoding="utf-8") as out,
                    _bar(summary.total, "backup", progress) as bar,
                ):
                    _line(out, {"format": FORMAT, "revision": revision, "rows": counts})
                    for table in tables:
                        _line(out, {"table": table.name, "columns": list(table.columns.keys())})
                        async for rows in _read(connection, table):
                            for row in rows:
                                _line(out, row)
                            bar.update(len(rows))
    finally:
        await engine.dispose()
    return summary


async def _read(connection: AsyncConnection, table: Table) -> AsyncIterator[list[list[Any]]]:
    """The table's rows in batches (streamed, so any size fits in memory)."""
    kinds = [_kind(column.type) for column in table.columns]
    result = await connection.stream(select(table).order_by(*_order(table)))
    batch: list[list[Any]] = []
    async for row in result:
        batch.append([_encode(kind, value) for kind, value in zip(kinds, row, strict=True)])
        if len(batch) >= BATCH:
            yield batch
            batch = []
    yield batch


def _line(out: IO[str], value: Any) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


# -- restore -----------------------------------------------------------------------------------


async def restore(url: str, path: Path, *, progress: bool = True) -> Summary:
    """Load the archive at ``path`` into the empty database at ``url``, then migrate it to the
    newest schema. Raises :class:`RestoreRefused` for a non-empty database or an archive of a
    newer fieldbot than this one."""
    with gzip.open(path, "rt", encoding="utf-8") as archive:
        header = _header(archive)
        revision = str(header["revision"])
        _check_known(url, revision)
        await _empty_at(url, revision)
        summary = Summary(revision, {name: int(n) for name, n in header["rows"].items()})
        engine = _engine(url)
        try:
            async with engine.begin() as connection:
                tables = {table.name: table for table in await _tables(connection)}
                with _bar(summary.total, "restore", progress) as bar:
                    for table, rows in _table_rows(archive, tables):
                        await connection.execute(table.insert(), rows)
                        bar.update(len(rows))
                if not is_sqlite(url):
                    await _fix_sequences(connection, list(tables.values()))
        finally:
            await engine.dispose()
    await upgrade(url)
    return summary


def _header(archive: IO[str]) -> dict[str, Any]:
    try:
        header = json.loads(archive.readline())
    except (ValueError, OSError) as error:
        raise RestoreRefused(f"not a fieldbot backup: {error}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise RestoreRefused("not a fieldbot backup (the first line does not say so)")
    return header


def _check_known(url: str, revision: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(url))
    if revision not in {rev.revision for rev in script.walk_revisions()}:
        raise RestoreRefused(
            f"the backup is of schema revision {revision}, newer than this fieldbot knows "
            f"(up to {script.get_current_head()}): restore it with the fieldbot that made it, "
            "or a newer one"
        )


async def _empty_at(url: str, revision: str) -> None:
    """Refuse a database with rows; bring an empty one to the archive's revision."""
    engine = _engine(url)
    try:
        async with engine.connect() as connection:
            current = await _revision(connection)
            tables = await _tables(connection)
            counts = await _counts(connection, tables)
    finally:
        await engine.dispose()
    filled = {name: n for name, n in counts.items() if n}
    if filled:
        listed = ", ".join(f"{name} ({n})" for name, n in sorted(filled.items()))
        raise RestoreRefused(
            f"the database is not empty ({listed}): restore only into a new, empty database"
        )
    if current is None or current == revision:
        await upgrade(url, revision)
        return
    script = ScriptDirectory.from_config(alembic_config(url))
    older = {rev.revision for rev in script.iterate_revisions(current, "base")}
    if revision in older:
        await downgrade(url, revision)
    else:
        await upgrade(url, revision)


def _table_rows(
    archive: IO[str], tables: dict[str, Table]
) -> Iterator[tuple[Table, list[dict[str, Any]]]]:
    """The archive's rows in batches, decoded for the table they go into."""
    table: Table | None = None
    names: list[str] = []
    kinds: list[str] = []
    batch: list[dict[str, Any]] = []
    for raw in archive:
        line = json.loads(raw)
        if isinstance(line, dict):
            if table is not None and batch:
                yield table, batch
            batch = []
            if line["table"] not in tables:
                raise RestoreRefused(f"the backup has a table {line['table']!r} unknown here")
            table = tables[line["table"]]
            names = list(line["columns"])
            kinds = [_kind(table.columns[name].type) for name in names]
            continue
        assert table is not None, "a row before its table's header"
        batch.append(
            {
                name: _decode(kind, value)
                for name, kind, value in zip(names, kinds, line, strict=True)
            }
        )
        if len(batch) >= BATCH:
            yield table, batch
            batch = []
    if table is not None and batch:
        yield table, batch


async def _fix_sequences(connection: AsyncConnection, tables: list[Table]) -> None:
    """Rows came with their ids; PostgreSQL's sequences must continue after the largest."""
    for table in tables:
        for column in table.primary_key.columns:
            sequence = await connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence is None:
                continue
            await connection.execute(
                text(
                    f'SELECT setval(:sequence, coalesce(max("{column.name}"), 1), '
                    f'max("{column.name}") IS NOT NULL) FROM "{table.name}"'
                ),
                {"sequence": sequence},
            )


def _engine(url: str) -> AsyncEngine:
    return create_engine(url)


def _bar(total: int, what: str, enabled: bool) -> tqdm[Any]:
    """A progress bar on a terminal (none in logs or tests)."""
    return tqdm(total=total, desc=what, unit=" rows", disable=None if enabled else True)
