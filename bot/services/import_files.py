"""Reading an import file as Excel really writes it: CSV in UTF-8 (with or without BOM),
UTF-16 or Windows-1251 with ``,``, ``;`` or tab between cells, or an XLSX workbook (its
first sheet, the header in the first row).

The result is the same rows with their line numbers whatever the file's form, so the importers
(:mod:`bot.services.importer`) see one shape and report bad rows as ``file:line``.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from charset_normalizer import from_bytes

Row = dict[str, str]
DELIMITERS = ",;\t"
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings of CSV files from Russian and Bulgarian Excel and from everything else; the
# detector only chooses among these, so a short cp1251 file is never read as, say, cp1125.
_LIKELY = ["utf_8", "cp1251", "utf_16", "koi8_r", "cp1252"]


class UnreadableFile(ValueError):
    """The file is not text in an encoding we can tell, nor a workbook."""


@dataclass(frozen=True)
class Table:
    header: list[str]  # lower-cased, stripped column names
    rows: list[tuple[int, Row]]  # (line number, the header row is 1; cells by column)
    encoding: str | None  # None for a workbook


def is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read in: ``encoding`` if given; else a byte-order mark
    says; else UTF-8 if it decodes; else what charset-normalizer finds most likely."""
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff"), encoding
        except (LookupError, UnicodeDecodeError) as error:
            raise UnreadableFile(f"cannot read the file as {encoding}: {error}") from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name).lstrip("\ufeff"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:200]:  # UTF-16 without a mark: every ASCII letter has a zero byte
        name = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        return data.decode(name, errors="replace"), name
    best = from_bytes(data, cp_isolation=_LIKELY).best()
    if best is None:
        raise UnreadableFile("cannot tell the file's encoding; give it with --encoding")
    return str(best), best.encoding


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab, from the header line (Excel in ru/bg writes ``;``)."""
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {delimiter: first.count(delimiter) for delimiter in DELIMITERS}
        return max(counts, key=lambda delimiter: counts[delimiter])


def text_table(text: str, encoding: str = "text") -> Table:
    """A CSV text's header and rows, its delimiter sniffed."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        rows.append((reader.line_num, _row(header, cells)))
    return Table(header, rows, encoding)


def _row(header: list[str], cells: list[str]) -> Row:
    return {key: cells[i] if i < len(cells) else "" for i, key in enumerate(header) if key}


def _cell_text(value: object) -> str:
    """A workbook cell as the CSV would have it: dates as ISO, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_table(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise UnreadableFile(f"not a readable XLSX workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        lines: Iterator[tuple[object, ...]] = sheet.iter_rows(values_only=True)
        header = [_cell_text(cell).strip().lower() for cell in next(lines, ())]
        rows = []
        for number, values in enumerate(lines, start=2):
            cells = [_cell_text(value) for value in values]
            if any(cell.strip() for cell in cells):
                rows.append((number, _row(header, cells)))
    finally:
        workbook.close()
    return Table(header, rows, None)


def read_table(data: bytes, encoding: str | None = None) -> Table:
    """The file's header and rows, whatever form it came in."""
    if is_xlsx(data):
        return _xlsx_table(data)
    text, used = decode(data, encoding)
    return text_table(text, used)
