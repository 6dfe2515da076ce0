"""Tables as files: CSV (UTF-8 with a BOM, so Excel reads Cyrillic right, separated as the
reader's Excel expects) and XLSX.

A :class:`Sheet` holds already-labelled cells; the caller decides the language of headers and
values. Datetimes are written as local wall-clock time (XLSX cannot store a time zone).

Text a customer or engineer typed may start like a formula (``=HYPERLINK(…)``), and Excel
would run it: in CSV such a cell gets a leading apostrophe, in XLSX it is stored as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

Cell = str | int | float | bool | datetime | date | None
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60
SHEET_TITLE_LIMIT = 31  # Excel's limit
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORBIDDEN_IN_TITLE = str.maketrans({char: " " for char in "[]:*?/\\"})


@dataclass(frozen=True)
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def _inert(text: str) -> str:
    """``text`` as a spreadsheet shows it but never runs it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return _inert(value) if isinstance(value, str) else str(value)


# Where Excel's list separator is ";" and the decimal separator "," (Russian and Bulgarian
# regional settings): a comma-separated file opens there as one column.
SEMICOLON_LOCALES = frozenset({"ru", "bg"})


def to_csv(sheet: Sheet, locale: str = "en") -> bytes:
    """One sheet as CSV for a reader in ``locale``, as their Excel opens it by double click:
    ``;`` and decimal commas for ru/bg, ``,`` otherwise; quoted as needed, CRLF rows, UTF-8
    with a BOM (without it Excel reads Cyrillic as Windows-1251)."""
    semicolon = locale in SEMICOLON_LOCALES
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if semicolon else ",")
    writer.writerow([_inert(header) for header in sheet.headers])
    for row in sheet.rows:
        cells = [_text(value) for value in row]
        if semicolon:
            cells = [
                text.replace(".", ",") if isinstance(value, float) else text
                for value, text in zip(row, cells, strict=True)
            ]
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def _for_xlsx(value: Cell) -> Cell:
    """Datetimes without their zone; text without the control characters XLSX cannot hold
    (stored before they were filtered from input, or imported)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one worksheet per sheet: bold frozen header, dates formatted, columns
    wide enough to read. openpyxl is imported here, by the export that needs it, not by every
    process at start-up."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        title = sheet.title.translate(_FORBIDDEN_IN_TITLE)[:SHEET_TITLE_LIMIT] or "Sheet"
        page = book.create_sheet(title)
        page.append(list(sheet.headers))
        for row in sheet.rows:
            page.append([_for_xlsx(value) for value in row])
        for cell in page[1]:
            cell.font = Font(bold=True)
        page.freeze_panes = "A2"
        widths = [len(str(header)) for header in sheet.headers]
        for row_cells in page.iter_rows(min_row=2):
            for index, cell in enumerate(row_cells):
                if isinstance(cell.value, datetime):
                    cell.number_format = DATETIME_FORMAT
                if cell.data_type == "f":  # typed text that looks like a formula
                    cell.data_type = "s"
                text = str(cell.value) if isinstance(cell.value, str) else _text(cell.value)
                if "\n" in text:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                longest = max((len(line) for line in text.splitlines()), default=0)
                widths[index] = max(widths[index], longest)
        for index, width in enumerate(widths, start=1):
            page.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
