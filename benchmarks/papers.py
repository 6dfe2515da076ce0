"""Papers: how long a service report and a sticker sheet take to draw, and how fast imports of
what Excel writes (cp1251 ``;`` CSV, XLSX) read and go into SQLite. Run:

    .venv/bin/python benchmarks/papers.py [--rows 5000]

Prints figures; not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.i18n import Catalogs
from bot.papers import report_pdf, stickers
from bot.services.import_files import read_table
from bot.services.importer import import_table
from bot.services.service_reports import CheckLine, Measurement, ReportContent, code_of
from storage.db import Database
from storage.migrate import upgrade


def content() -> ReportContent:
    checks = [
        CheckLine({"bg": f"Проверка {n}", "en": f"Check {n}"}, "bar", 1.0, 2.0, True, "passed",
                  [Measurement("1,5", 1.5, True, "2026-12-01T10:00:00+00:00", True)])
        for n in range(12)
    ]  # fmt: skip
    return ReportContent(
        company={"name": "Сервиз ООД", "address": "София", "phone": "+359 2 900 1000"},
        ticket_id=42, kind="installation", customer="Хлебозавод Люлин", site="Цех 2",
        model="Linea PB", serial="LM-PB-2231", warranty_until="2027-01-01", under_warranty=True,
        contract=None, contract_until=None, under_contract=False,
        reported_at="2026-12-01T08:00:00+00:00", arrived_at="2026-12-01T09:00:00+00:00",
        resolved_at="2026-12-01T12:00:00+00:00", engineer="Петър", work_done="Монтаж.",
        checks=checks, parts=[], confirmed_by="Мария", confirmed_tg_id=1,
        confirmed_at="2026-12-01T13:00:00+00:00", passed=True,
    )  # fmt: skip


def timed(label: str, runs: int, work: object) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    size = f", {len(result) / 1024:.0f} KiB" if isinstance(result, bytes) else ""
    print(f"{label}: median {statistics.median(times) * 1000:.0f} ms over {runs} runs{size}")


def customers(rows: int) -> list[list[str]]:
    header = ["ref", "name", "contact_name", "phone", "site", "address", "latitude", "longitude"]
    return [header] + [
        [
            f"C{n}",
            f"Клиент {n}",
            "Мария",
            f"+35988{n:07}",
            "Обект",
            "ул. Витоша 1",
            "42,69",
            "23,32",
        ]
        for n in range(rows)
    ]


async def import_into_sqlite(data: bytes, label: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        await upgrade(url)
        db = Database(url)
        started = time.perf_counter()
        table = read_table(data)
        read = time.perf_counter() - started
        async with db.transaction() as session:
            report = await import_table(session, "customers", table)
        total = time.perf_counter() - started
        await db.dispose()
    print(
        f"import {label}: {report.imported} rows, read in {read * 1000:.0f} ms, "
        f"all in {total:.1f} s ({report.imported / total:.0f} rows/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    rows = parser.parse_args().rows
    t = Catalogs(ZoneInfo("Europe/Sofia"), "en").get("bg")
    report = content()
    code = code_of(report)
    timed(
        "service report PDF (12 checks, bg)", 10, lambda: report_pdf.render(report, code, t, "bot")
    )
    labels = [stickers.Sticker("Linea PB", f"LM-{n:04}") for n in range(24)]
    timed("sticker sheet (24 QR labels)", 5, lambda: stickers.render(labels, "bot", "+359", "X"))
    table = customers(rows)
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(table)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in table:
        sheet.append(row)
    xlsx = io.BytesIO()
    book.save(xlsx)
    asyncio.run(import_into_sqlite(out.getvalue().encode("cp1251"), "cp1251 ';' CSV"))
    asyncio.run(import_into_sqlite(xlsx.getvalue(), "XLSX"))


if __name__ == "__main__":
    main()
