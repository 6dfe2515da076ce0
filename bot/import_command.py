"""``fieldbot import KIND FILE [--encoding E] [--dry-run]``: a CSV (any encoding and separator
Excel writes) or an XLSX workbook into the database; bad rows are printed as ``file:line:
reason``, a progress bar runs on files of many rows, and a dry run reports without writing."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from bot.config import Settings
from bot.services.import_files import Table, UnreadableFile, read_table
from bot.services.import_rows import ImportReport, Row
from storage.migrate import upgrade

PROGRESS_FROM = 500  # rows: below this an import is over before a bar would be read


def _progress(rows: list[tuple[int, Row]]) -> Iterable[tuple[int, Row]]:
    from tqdm import tqdm

    return tqdm(rows, unit="row", file=sys.stderr, disable=len(rows) < PROGRESS_FROM)


async def _apply(
    settings: Settings, kind: str, path: Path, table: Table, text: str, dry_run: bool
) -> ImportReport:
    from datetime import UTC, datetime

    from bot.services.audit import Action, operator, record
    from bot.services.checklists import import_yaml
    from bot.services.importer import import_table
    from storage.db import Database

    await upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        async with db.sessions() as session, session.begin() as transaction:
            if text:
                report = await import_yaml(session, text)
            else:
                report = await import_table(session, kind, table, _progress)
            if dry_run:
                await transaction.rollback()
            else:
                await record(
                    session,
                    Action.IMPORTED,
                    datetime.now(UTC),
                    by=operator(),
                    kind=kind,
                    file=str(path),
                    rows=report.imported,
                    rejected=len(report.errors),
                )
    finally:
        await db.dispose()
    return report


async def run_import(
    settings: Settings, kind: str, path: Path, data: bytes, encoding: str | None, dry_run: bool
) -> int:
    """Import ``data``, the content of ``path``; 0 when every row went in."""
    is_yaml = kind == "checklists" and path.suffix.lower() in (".yaml", ".yml")
    try:
        yaml_text = data.decode(encoding or "utf-8-sig") if is_yaml else ""
        table = Table([], [], None) if is_yaml else read_table(data, encoding)
    except (UnreadableFile, UnicodeDecodeError, LookupError) as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 2
    report = await _apply(settings, kind, path, table, yaml_text, dry_run)
    for line, message in report.errors:
        print(f"{path}:{line}: {message}", file=sys.stderr)
    rows = "row" if report.imported == 1 else "rows"
    done = "would be imported (dry run, nothing written)" if dry_run else "imported"
    read = f" (read as {table.encoding})" if table.encoding else ""
    print(f"{kind}: {report.imported} {rows} {done}, {len(report.errors)} rejected{read}")
    return 1 if report.errors else 0
