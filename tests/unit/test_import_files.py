"""Imports of what Excel really writes: the same customers as UTF-8 with ``,``, UTF-8 with a
BOM and ``;``, Windows-1251 with ``;``, UTF-16 with tabs and an XLSX workbook give the same
rows; bad values are reported as ``file:line: reason``; a dry run writes nothing."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli import main
from bot.services.import_files import read_table

CUSTOMERS = [
    ["ref", "name", "contact_name", "phone", "email", "site", "address", "latitude", "longitude"],
    ["HLB", "Хлебозавод Люлин", "Мария Иванова", "+359 88 812 3456", "", "Цех 2", "ул. Витоша 15, София", "42,6935", "23,3219"],  # noqa: E501
    ["NORD", "Норд Фарма", "Иван Петров", "+7 912 345-67-89;+7 495 111 22 33", "it@nord.ru", "Лаборатория", "Москва, Ленинский пр. 30", "55.7076", "37.5853"],  # noqa: E501
    ["ACME", "Acme Coffee Sofia", "", "+359 88 000 1111", "", "", "", "", ""],
]  # fmt: skip


def as_csv(delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(CUSTOMERS)
    return out.getvalue()


def as_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in CUSTOMERS:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FORMS = {
    "utf8-comma": lambda: as_csv(",").encode("utf-8"),
    "utf8-bom-semicolon": lambda: as_csv(";").encode("utf-8-sig"),
    "cp1251-semicolon": lambda: as_csv(";").encode("cp1251"),
    "utf16-tab": lambda: as_csv("\t").encode("utf-16"),
    "xlsx": as_xlsx,
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FIELDBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    return tmp_path


def stored(workdir: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(workdir / "cli.sqlite3") as db:
        return sorted(
            db.execute(
                "SELECT c.external_ref, c.name, c.email, k.name, k.phone, s.name, s.address, "
                "s.latitude, s.longitude FROM customers c "
                "LEFT JOIN customer_contacts k ON k.customer_id = c.id "
                "LEFT JOIN sites s ON s.customer_id = c.id"
            ),
            key=repr,
        )


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_reads_as_the_same_rows(form: str) -> None:
    expected = read_table(FORMS["utf8-comma"]())
    table = read_table(FORMS[form]())
    assert table.header == CUSTOMERS[0]
    assert [row for _, row in table.rows] == [row for _, row in expected.rows]
    assert [line for line, _ in table.rows] == [2, 3, 4]
    assert table.rows[1][1]["name"] == "Норд Фарма"


@pytest.mark.parametrize("form", ["cp1251-semicolon", "utf16-tab", "xlsx"])
def test_every_form_imports_the_same_customers(
    workdir: Path, form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    reference = workdir / "reference.csv"
    reference.write_bytes(FORMS["utf8-comma"]())
    assert main(["import", "customers", str(reference)]) == 0
    expected = stored(workdir)
    assert ("HLB", "Хлебозавод Люлин", None, "Мария Иванова", "359888123456", "Цех 2",
            "ул. Витоша 15, София", 42.6935, 23.3219) in expected  # fmt: skip
    (workdir / "cli.sqlite3").unlink()

    path = workdir / f"customers.{'xlsx' if form == 'xlsx' else 'csv'}"
    path.write_bytes(FORMS[form]())
    assert main(["import", "customers", str(path)]) == 0
    assert "customers: 3 rows imported, 0 rejected" in capsys.readouterr().out
    assert stored(workdir) == expected


def test_bad_values_are_reported_by_line_and_a_dry_run_writes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        *CUSTOMERS,
        ["FAR", "Далеко", "", "", "", "Полюс", "", "123.4", "23.3"],
        ["EAST", "Изток", "", "", "", "Обект", "", "42.1", "-200"],
        ["WORD", "Дума", "", "", "", "Обект", "", "север", "23"],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    path = workdir / "customers.csv"
    path.write_bytes(out.getvalue().encode("cp1251"))

    assert main(["import", "customers", str(path), "--dry-run"]) == 1
    captured = capsys.readouterr()
    assert "3 rows would be imported (dry run, nothing written), 3 rejected" in captured.out
    assert f"{path}:5: 'latitude' is out of range (-90 to 90): '123.4'" in captured.err
    assert f"{path}:6: 'longitude' is out of range (-180 to 180): '-200'" in captured.err
    assert f"{path}:7: 'latitude' is not a number: 'север'" in captured.err
    assert stored(workdir) == []

    assert main(["import", "customers", str(path)]) == 1
    assert len({row[0] for row in stored(workdir)}) == 3


def test_dates_out_of_range_and_a_forced_encoding(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    customers = workdir / "customers.csv"
    customers.write_bytes(FORMS["utf8-comma"]())
    assert main(["import", "customers", str(customers)]) == 0
    equipment = workdir / "equipment.csv"
    equipment.write_bytes(
        "serial;model;customer_ref;installed_on;warranty_until\n"
        "SN-1;Витрина;HLB;01.02.2024;2027-02-01\n"
        "SN-2;Витрина;HLB;2024-02-01;3024-02-01\n".encode("cp1251")
    )
    assert main(["import", "equipment", str(equipment), "--encoding", "cp1251"]) == 1
    captured = capsys.readouterr()
    assert f"{equipment}:3: 'warranty_until' is out of range (1950–2100): '3024-02-01'" in (
        captured.err
    )
    assert "1 row imported, 1 rejected (read as cp1251)" in captured.out


def test_thousands_of_rows_show_a_progress_bar(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["ref,name,site,latitude,longitude"]
    lines += [f"C{n},Клиент {n},Обект,42.{n},23.3" for n in range(1200)]
    path = workdir / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["import", "customers", str(path)]) == 0
    captured = capsys.readouterr()
    assert "1200/1200" in captured.err  # tqdm's bar, on stderr
    assert "customers: 1200 rows imported, 0 rejected" in captured.out
