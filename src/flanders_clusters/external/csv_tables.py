"""Reading a CSV table a user gives (``import-members``, ``import-participants``), and the
dates such tables write day first.

``read_table`` reads only a regular file (a FIFO or a device would block or never end),
as UTF-8 with or without a byte-order mark; the delimiter is ``;`` when the first line
has more of them than commas (as spreadsheets set to Dutch or French write it), else
``,``. It gives the header's names trimmed and in lower case, then each row that holds
something with the line it starts on — or, for a row the csv module cannot read, the
reason, and the reading goes on at the next line. A file that cannot be read as a table
at all is ``BadCsv`` naming it. What the columns mean is the caller's.

``day_first`` reads a date written day first, as Belgian spreadsheets write dates
(``27/11/2026``) and as the KBO/BCE extract does (``27-11-2026``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BadCsv
from ..files import regular

_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_KBO_DAY = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")  # dd-mm-yyyy, nothing else


def day_first(text: str, *, kbo: bool = False) -> dt.date | None:
    """``27/11/2026``, ``27.11.2026``, ``27-11-2026`` (also ``7/1/2026``) → the date; None
    when ``text`` is not written so. With ``kbo``, only the KBO/BCE extract's own form,
    ``dd-mm-yyyy``. ``ValueError`` for a day that does not exist (``31/02/2026``)."""
    match = (_KBO_DAY if kbo else _DAY_FIRST).match(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    return dt.date(year, month, day)


@dataclass
class Table:
    """A CSV file read: its header (trimmed, in lower case) and its rows, each ``(line,
    cells)``, or ``(line, reason)`` for a row that is not CSV. The rows are read as they
    are taken."""

    header: list[str]
    rows: Iterator[tuple[int, list[str] | str]]


def read_table(path: Path) -> Table:
    """The table in the CSV file at ``path`` (see the module); ``BadCsv`` for a file that
    is not there, not a regular file, not UTF-8, or empty."""
    text = _decode(_read(path), path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        names = next(reader)
    except StopIteration:
        raise BadCsv(f"{path}: the file is empty", "add a header line") from None
    header = [name.strip().lower().removeprefix("\ufeff") for name in names]
    return Table(header, _rows(reader))


def _rows(reader: Any) -> Iterator[tuple[int, list[str] | str]]:
    line = reader.line_num + 1
    while True:
        try:
            for cells in reader:
                row_line, line = line, reader.line_num + 1
                if any(cell.strip() for cell in cells):
                    yield row_line, cells
            return
        except csv.Error as exc:  # the reader goes on at the next line
            yield reader.line_num, str(exc)
            line = reader.line_num + 1


def _read(path: Path) -> bytes:
    try:
        return regular.read_regular(path)  # a FIFO or a device would block or never end
    except regular.NotRegular as exc:
        raise BadCsv(f"{path}: is {exc.kind}, not a CSV file", "name the CSV file itself") from None
    except OSError as exc:
        raise BadCsv(f"{path}: cannot read: {exc.strerror or exc}", "check the path") from None


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadCsv(f"{path}:{line}: not UTF-8", "save the CSV as UTF-8") from None
