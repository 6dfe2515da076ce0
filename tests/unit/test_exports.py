"""CSV and XLSX bytes: what Excel and the csv module read back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from bot.services.exports import Sheet, to_csv, to_xlsx

SHEET = Sheet(
    "Заявки: ноябрь/2026",
    ["Номер", "Открыта", "Клиент", "Заметки", "Оценка"],
    [
        ["#1", datetime(2026, 11, 20, 10, 5), "Акме, ООД", 'line one\nline "two"', 5],
        ["#2", datetime(2026, 11, 21, 9, 0, tzinfo=UTC), "Nord", None, None],
    ],
)


def test_csv_has_a_bom_and_reads_back() -> None:
    data = to_csv(SHEET)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Номер", "Открыта", "Клиент", "Заметки", "Оценка"]
    assert rows[1] == ["#1", "2026-11-20 10:05", "Акме, ООД", 'line one\nline "two"', "5"]
    assert rows[2] == ["#2", "2026-11-21 09:00", "Nord", "", ""]


def test_xlsx_reads_back_with_dates_and_safe_titles() -> None:
    data = to_xlsx([SHEET, Sheet("Empty", ["A"], [])])
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Заявки  ноябрь 2026", "Empty"]
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Номер", "Открыта", "Клиент", "Заметки", "Оценка")
    assert rows[1] == ("#1", datetime(2026, 11, 20, 10, 5), "Акме, ООД", 'line one\nline "two"', 5)
    assert rows[2][1] == datetime(2026, 11, 21, 9, 0)  # time zone dropped, wall clock kept
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert list(book.worksheets[1].iter_rows(values_only=True)) == [("A",)]


def test_xlsx_drops_control_characters_excel_cannot_hold() -> None:
    """Text stored before input was filtered (or imported) must not break every later export."""
    sheet = Sheet("Requests", ["note"], [["leak\x00ing\x01 \tvalve\nagain"]])
    book = load_workbook(io.BytesIO(to_xlsx([sheet])))
    assert book["Requests"]["A2"].value == "leaking \tvalve\nagain"


def test_typed_text_never_becomes_a_formula() -> None:
    """A customer's description may start like a formula; Excel must show it, not run it."""
    typed = ['=HYPERLINK("http://x","click")', "+1-2", "-5 bar", "@SUM(A1)", "\tx", "ok"]
    sheet = Sheet("Requests", ["description", "value"], [[text, -5] for text in typed])
    rows = list(csv.reader(io.StringIO(to_csv(sheet).decode("utf-8-sig"))))[1:]
    assert [row[0] for row in rows] == ["'" + text for text in typed[:5]] + ["ok"]
    assert {row[1] for row in rows} == {"-5"}  # numbers are numbers, not typed text
    book = load_workbook(io.BytesIO(to_xlsx([sheet])))
    cells = [row[0] for row in book["Requests"].iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == typed
    assert all(cell.data_type == "s" for cell in cells)
