"""Spreadsheet files in and out: CSV (as Excel writes it, in any of its encodings and separators) and
.xlsx, read into plain rows of text, and rows written back with no cell a spreadsheet would run.

No Flask and no database here: bytes in, rows out, so every import and export shares one reading of
a file and one defence against formula injection.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from webapp.rules.import_errors import (
    FILE_EMPTY,
    FILE_TOO_LONG,
    FORMULA,
    NO_HEADER_ROW,
    NOT_CSV,
    NOT_DECODABLE,
    NOT_TEXT,
    NOT_XLSX,
)
from webapp.rules.messages import message

FORMATS = ("csv", "xlsx")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv"
# An .xlsx workbook is a ZIP archive.
XLSX_MAGIC = b"PK\x03\x04"

# A spreadsheet runs a cell starting with these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number or phone number ("-5", "+44 20 7946 0000") is data, not a formula.
_SIGNED_NUMBER = re.compile(r"[+-][\d\s().,/-]*")
_SEPARATORS = (",", ";", "\t")
# Excel refuses these in a sheet's name (and names longer than 31 characters).
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


class TableUnreadable(ValueError):
    """The file is not a table FieldCert can read; the message says why, fit to show."""


@dataclass(frozen=True)
class TableRow:
    """One row of the file: `line` is the row number a spreadsheet shows (the header is row 1)."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]


def format_of(filename: str) -> str:
    """"xlsx" for an Excel workbook, "csv" for anything else named like text."""
    return "xlsx" if filename.lower().endswith(".xlsx") else "csv"


def read_table(data: bytes, filename: str, *, max_rows: int) -> Table:
    """The header and rows of an uploaded CSV or .xlsx file, every cell as trimmed text; fully blank rows
    are left out. Raises TableUnreadable for an empty, binary, undecodable or too long file."""
    if not data.strip():
        raise TableUnreadable(FILE_EMPTY)
    if format_of(filename) == "xlsx":
        records = _xlsx_records(data)
    else:
        records = _csv_records(_decode(data))
    headers: tuple[str, ...] | None = None
    rows: list[TableRow] = []
    for number, record in enumerate(records, start=1):
        cells = tuple(_cell_text(value) for value in record)
        if headers is None:
            headers = _trim_blank_end(cells)
            continue
        if not any(cells):
            continue
        if len(rows) == max_rows:
            raise TableUnreadable(message(FILE_TOO_LONG, rows=f"{max_rows:,}").english())
        rows.append(TableRow(number, cells))
    if not headers:
        raise TableUnreadable(NO_HEADER_ROW)
    return Table(headers, tuple(rows))


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise TableUnreadable(NOT_TEXT)
    try:
        return codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel's "CSV" on Windows, for files that are not UTF-8; some tools put a UTF-8 BOM before it anyway.
        return codecs.decode(data.removeprefix(codecs.BOM_UTF8), "cp1252")
    except UnicodeDecodeError:
        raise TableUnreadable(NOT_DECODABLE) from None


def _separator(text: str) -> str:
    """The separator the header line uses: Excel writes ";" where the decimal mark is a comma."""
    header = next(csv.reader(io.StringIO(text, newline="")), [""])
    if len(header) > 1:
        return ","
    line = text.split("\n", 1)[0]
    return max(_SEPARATORS, key=line.count)


def _csv_records(text: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_separator(text), strict=True)
    except csv.Error as error:
        raise TableUnreadable(message(NOT_CSV, error=str(error)).english()) from None


def _xlsx_records(data: bytes) -> Iterator[Sequence]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise TableUnreadable(NOT_XLSX) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if type(value) is str:  # every CSV cell: the common case first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _trim_blank_end(cells: tuple[str, ...]) -> tuple[str, ...]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def cell_value(cell: str) -> str:
    """A cell read from a file as the text to store: FieldCert's own exports escape a formula-looking
    text with a leading apostrophe, which comes off again here, so export then import changes nothing."""
    if cell[:1] == "'" and cell[1:2] in _FORMULA_STARTS:
        return cell[1:]
    return cell


def formula_problem(cell: str) -> str | None:
    """Why a cell must be refused as a spreadsheet formula, or None. A signed number is data."""
    if cell[:1] in _FORMULA_STARTS and not _SIGNED_NUMBER.fullmatch(cell):
        return FORMULA
    return None


def safe_cell(value) -> str | int | float:
    """A value to write into a cell that no spreadsheet will run: text starting like a formula gets an
    apostrophe in front (cell_value takes it off again on import)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return value
    text = value.isoformat() if isinstance(value, date) else str(value)
    # Blank text (a lone tab or return) runs nothing, and an apostrophe before it would survive the import's trim.
    return "'" + text if text[:1] in _FORMULA_STARTS and text.strip() else text


def csv_chunks(rows: Iterable[Sequence], rows_per_chunk: int = 500, *, cells_safe: bool = False) -> Iterator[str]:
    """A CSV file written as it goes (UTF-8 with a BOM, so Excel reads accents right), in pieces of
    `rows_per_chunk` rows: a streamed response holds one piece in memory, never the whole file.
    `cells_safe`: every cell was already passed through `safe_cell` (a large export that makes each
    repeated name safe once), so the rows are written as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    rows = iter(rows)
    while chunk := list(islice(rows, rows_per_chunk)):
        writer.writerows(chunk if cells_safe else ([safe_cell(value) for value in row] for row in chunk))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def xlsx_bytes(rows: Iterable[Sequence], title: str) -> bytes:
    """An .xlsx workbook of `rows`, written row by row (openpyxl's write-only mode keeps none of them)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_SHEET_NAME_FORBIDDEN.sub("-", title)[:31])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        return file.read()
