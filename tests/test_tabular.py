"""Reading spreadsheets as people save them, and writing cells no spreadsheet will run."""
import io
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from webapp.tabular import (
    TableUnreadable,
    cell_value,
    csv_chunks,
    formula_problem,
    read_table,
    safe_cell,
    xlsx_bytes,
)


def rows_of(table):
    return [(row.line, row.cells) for row in table.rows]


@pytest.mark.parametrize("data", [
    b"Name,Size\r\nCaf\xc3\xa9,1\r\n",              # UTF-8, Windows line ends
    b"\xef\xbb\xbfName,Size\nCaf\xc3\xa9,1\n",       # UTF-8 with a BOM (Excel's "CSV UTF-8")
    b"Name,Size\r\nCaf\xe9,1\r\n",                  # Excel's cp1252
    b"Name;Size\r\nCaf\xe9;1\r\n",                  # semicolons, where the decimal mark is a comma
    b"Name\tSize\nCaf\xc3\xa9\t1\n",                # tabs
])
def test_csv_is_read_in_every_encoding_and_separator_excel_writes(data):
    table = read_table(data, "people.csv", max_rows=10)
    assert table.headers == ("Name", "Size")
    assert rows_of(table) == [(2, ("Café", "1"))]


def test_quoted_fields_keep_their_newlines_commas_and_quotes_and_rows_keep_their_spreadsheet_number():
    data = b'Name,Notes\n"Smith, Ann","line one\nline ""two"""\n\n,\nBob,x\n'
    table = read_table(data, "f.csv", max_rows=10)
    assert rows_of(table) == [(2, ("Smith, Ann", 'line one\nline "two"')), (5, ("Bob", "x"))]


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"  \r\n", "empty"),
    (b"\x00\x01binary\x00", "not a text file"),
    (b'Name\n"unclosed\n', "not valid CSV"),
    (b"Name\n" + b"x\n" * 4, "more than 3 rows"),
    (b"\x81\x8d\x8f\x90\x9d", "cannot be read"),
])
def test_an_unreadable_file_is_refused_with_the_reason(data, message):
    with pytest.raises(TableUnreadable, match=message):
        read_table(data, "f.csv", max_rows=3)


def test_an_xlsx_workbook_is_read_with_dates_and_whole_numbers_as_text():
    workbook = Workbook()
    workbook.active.append(("Name", "Completed", "Hours", "Active"))
    workbook.active.append(("Ann", datetime(2026, 1, 2), 8.0, True))
    workbook.active.append((None, None, None, None))
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "people.xlsx", max_rows=10)
    assert table.headers == ("Name", "Completed", "Hours", "Active")
    assert rows_of(table) == [(2, ("Ann", "2026-01-02", "8", "Yes"))]


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused():
    with pytest.raises(TableUnreadable, match="not an Excel workbook"):
        read_table(b"PK\x03\x04 not really a zip", "people.xlsx", max_rows=10)


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "@SUM(A1)", "+HYPERLINK(\"x\")", "-2+3*cmd|x", "\t=1"])
def test_formula_looking_cells_are_refused(cell):
    assert "formula" in formula_problem(cell)


@pytest.mark.parametrize("cell", ["", "Ann", "-5", "+44 20 7946 0000", "-(555) 123", "1=1"])
def test_values_and_signed_numbers_are_not_formulas(cell):
    assert formula_problem(cell) is None


def test_exports_neutralise_formulas_and_an_import_takes_the_apostrophe_off_again():
    assert safe_cell("=1+2") == "'=1+2"
    assert safe_cell("@x") == "'@x"
    assert safe_cell(5) == 5 and safe_cell(None) == ""
    assert cell_value("'=1+2") == "=1+2"
    assert cell_value("'quoted") == "'quoted"
    assert formula_problem("'=1+2") is None


def test_csv_chunks_stream_a_bom_and_neutralised_rows():
    chunks = list(csv_chunks([("A", "B"), ("=x", 1), ("y", None)], rows_per_chunk=2))
    assert len(chunks) == 2
    assert "".join(chunks) == "\ufeffA,B\r\n'=x,1\r\ny,\r\n"


def test_xlsx_cells_that_look_like_formulas_are_written_as_text():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([("A",), ("=1+2",)], "T"))).active
    assert sheet["A2"].value == "'=1+2" and sheet["A2"].data_type == "s"


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=5))
def test_what_an_export_writes_an_import_reads_back(rows):
    data = "".join(csv_chunks([("First", "Second"), *rows])).encode()
    table = read_table(data, "round.csv", max_rows=100)
    kept = [tuple(cell.strip() for cell in row) for row in rows if any(cell.strip() for cell in row)]
    read_back = [tuple(cell_value(cell).strip() for cell in row.cells) for row in table.rows]
    assert read_back == [tuple(cell_value(str(safe_cell(cell))).strip() for cell in row) for row in kept]
