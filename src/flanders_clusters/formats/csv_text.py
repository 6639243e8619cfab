"""CSV for spreadsheets and other tools: a value as cell text, rows as CSV text.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-`` or
``@``, or with a tab, a carriage return or a line feed, which a spreadsheet may skip
before one: OWASP's list) are written with a leading ``'`` (``neutralise``); the
imports remove that one ``'`` again (``restore``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from ..registry.value_text import value_text

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_STARTS = frozenset(("'", *_FORMULA_STARTS))


def neutralise(cell: str) -> str:
    """A cell safe to open in a spreadsheet: formula starters get a leading ``'``.

    A value that already starts with ``'`` before a formula starter gets one more, so
    that ``restore`` gives every value back as it was.
    """
    if not cell or cell[0] not in _STARTS:  # most cells: nothing to look at further
        return cell
    return "'" + cell if cell.lstrip("'").startswith(_FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """The value of a cell written by ``neutralise``: one ``'`` less before a formula."""
    if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_STARTS):
        return cell[1:]
    return cell


def cell(value: Any) -> str:
    """A value as cell text: ISO dates, ``true``/``false``, lists space-separated (the
    registry's ``value_text``)."""
    return value_text(value)


def to_csv(found: Iterable[list[Any]]) -> str:
    return "".join(csv_pieces(found))


def csv_pieces(found: Iterable[list[Any]], rows: int = 2000) -> Iterator[str]:
    """The CSV text of ``to_csv`` in pieces of ``rows`` rows, as the rows are made.

    Rows end in LF; a cell that holds a line break of any kind is quoted, a lone CR too
    (the csv module quotes only the characters of its line terminator, and a reader that
    takes a lone CR for a line end would otherwise split the row there).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    aside = io.StringIO()
    with_cr = csv.writer(aside, lineterminator="\r\n")  # quotes a cell holding a CR
    for count, row in enumerate(found, start=1):
        cells = [_csv_cell(value) for value in row]
        if any("\r" in cell for cell in cells):
            with_cr.writerow(cells)
            buffer.write(aside.getvalue()[:-2] + "\n")
            aside.seek(0)
            aside.truncate()
        else:
            writer.writerow(cells)
        if count % rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _csv_cell(value: Any) -> str:
    """``cell`` made safe for a spreadsheet (text, the most common value, first)."""
    if value.__class__ is str:
        return neutralise(value)
    return "" if value is None else neutralise(cell(value))
