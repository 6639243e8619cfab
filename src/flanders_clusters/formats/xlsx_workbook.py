"""``clusters export --format xlsx --output FILE``: the tables as an Excel workbook.

One sheet per table of the SQLite export (the same columns, in the same order), each
with its header in bold and frozen, an auto-filter over its rows and column widths that
fit their text (up to a limit). Values keep their kind: dates are dates (shown
``yyyy-mm-dd``), numbers are numbers, true/false are booleans, lists are JSON arrays as
text; a web address is a link; a text longer than a cell holds is cut, saying so; text
that a spreadsheet would take for a formula (``=…``) is stored as text, marked so that
Excel keeps it text when the cell is edited.

``openpyxl`` is imported here only, when a workbook is written, in its write-only mode:
the rows go from the registry to the file one at a time (each table is passed over
twice — once to measure its columns, once to write — and never held).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..files import durable
from ..registry.records import Registry
from . import table_schema
from .data_package import lazy_tables
from .sqlite_export import NAMES, RAW, each_row, finding_rows, judged

MAX_WIDTH = 60  # characters: wider text wraps out of view rather than widening the sheet
# Excel holds at most 32,767 characters in a cell (and reports a workbook with a longer
# one as damaged): a longer text is cut, and says so at its end.
MAX_CELL = 32_767
MAX_LINK = 2_079  # and at most 2,079 in a link's address: a longer URL stays text
CUT = " […cut: {size:,} characters; the data package holds the whole text]"
_DATE_WIDTH = 10


def _rows(data: Registry, name: str, found_rows: list[tuple]) -> Any:
    return found_rows if name == "findings" else each_row(data, name, RAW)


def _shown(value: Any) -> Any:
    """A value as the workbook holds it: lists as JSON text, the others as they are."""
    if value.__class__ is list:
        return json.dumps(value, ensure_ascii=False)
    return value


def widths(header: list[str], rows: Any) -> list[float]:
    """The width of each column: its longest text (dates: 10), at least the header's,
    at most ``MAX_WIDTH``; plus room for the filter's button."""
    out = [len(name) + 2 for name in header]
    for row in rows:
        for index, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                size = _DATE_WIDTH
            elif value.__class__ is str:
                size = len(value)
            else:
                size = len(str(_shown(value)))
            if size > out[index]:
                out[index] = size
    return [min(width + 2, MAX_WIDTH) for width in out]


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _as_text(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula
    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _as_link(sheet: Any, value: str) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.hyperlink = value
    cell.style = "Hyperlink"
    return cell


def _cut(value: str) -> str:
    end = CUT.format(size=len(value))
    return value[: MAX_CELL - len(end)] + end


def build(
    data: Registry, found_rows: list[tuple], cut: list[str] | None = None
) -> tuple[Any, dict[str, int]]:
    """The workbook (not yet saved) and the rows of each sheet; the cells cut to
    ``MAX_CELL`` characters are added to ``cut``."""
    cut = [] if cut is None else cut
    import openpyxl  # type: ignore[import-untyped]
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    counted: dict[str, int] = {}
    for name in NAMES:
        header = table_schema.columns(name)
        links = table_schema.url_columns(name)
        sheet = book.create_sheet(name)
        for index, width in enumerate(widths(header, _rows(data, name, found_rows))):
            sheet.column_dimensions[_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        cells = []
        for column in header:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)
        linked = [index for index, column in enumerate(header) if column in links]

        count = 0
        for row in _rows(data, name, found_rows):
            values = [_shown(value) for value in row]
            for index, value in enumerate(values):
                if value.__class__ is not str:
                    continue
                if len(value) > MAX_CELL:
                    value = values[index] = _cut(value)
                    cut.append(f"{name} row {count + 2} column {header[index]}")
                if value.startswith("="):
                    values[index] = _as_text(sheet, value)
            for index in linked:
                if values[index].__class__ is str and len(values[index]) <= MAX_LINK:
                    values[index] = _as_link(sheet, values[index])
            sheet.append(values)
            count += 1
        sheet.auto_filter.ref = f"A1:{_column_letter(len(header) - 1)}{count + 1}"
        counted[name] = count
    return book, counted


def export(
    data: Registry, on: dt.date, line: Any, display: str, path: Path
) -> tuple[dict[str, int], list[str]]:
    """Write the workbook of ``data`` (findings judged on ``on``) to ``path``, over
    nothing or a regular file only; the rows of each sheet and warnings."""
    found = judged(data, on, line, display, lazy_tables(data), what="workbook")
    durable.check_output(path, "clusters.xlsx")
    warnings: list[str] = []
    with (
        durable.atomic(path, follow_links=False, warnings=warnings) as temp,
        open(temp.fd, "wb", closefd=False) as handle,
    ):
        cut: list[str] = []
        book, counted = build(data, finding_rows(found), cut)
        book.save(handle)
    if cut:
        warnings.append(
            f"{len(cut)} text(s) longer than Excel's {MAX_CELL:,} characters a cell were cut "
            f"({', '.join(cut[:3])}{', …' if len(cut) > 3 else ''}): the data package and "
            "the SQLite export hold them whole"
        )
    return counted, warnings
