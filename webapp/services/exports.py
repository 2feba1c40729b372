"""Files that leave FieldCert: rows written as CSV a chunk at a time, so an export of any size is
streamed in bounded memory, and no cell is ever run by a spreadsheet as a formula."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Iterator

ROWS_PER_CHUNK = 500


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_chunks(rows: Iterable[list], rows_per_chunk: int = ROWS_PER_CHUNK) -> Iterator[bytes]:
    """The rows as UTF-8 CSV, `rows_per_chunk` rows a chunk (a generator: feed it to a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for n, row in enumerate(rows, 1):
        writer.writerow([_cell(value) for value in row])
        if n % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()
