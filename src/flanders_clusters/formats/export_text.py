"""``clusters export`` as text: the records of ``views.exports`` as JSON data, CSV or a
Markdown table (the files of every table are ``sqlite_export``, ``data_package`` and
``xlsx_workbook``)."""

from __future__ import annotations

from typing import Any

from ..registry.records import Registry
from ..views.exports import CLUSTER_MARKDOWN_COLUMNS, records, rows, table
from .csv_text import to_csv
from .markdown import to_markdown

# Written to stdout (or --output FILE): json, csv, markdown. Written to --output only:
# sqlite (sqlite_export.py), datapackage (a folder: data_package.py), xlsx
# (xlsx_workbook.py).
FORMATS = ("json", "csv", "markdown", "sqlite", "datapackage", "xlsx")
FILE_FORMATS = ("sqlite", "datapackage", "xlsx")
Row = dict[str, Any]


def export(data: Registry, what: str, fmt: str) -> str | list[Row]:
    """The export: records for JSON (the caller dumps them), else CSV or Markdown text."""
    if fmt == "json":
        return records(data, what)
    if fmt == "csv":
        return to_csv(rows(data, what))
    columns = CLUSTER_MARKDOWN_COLUMNS if what == "clusters" else None
    return to_markdown(table(data, what, columns))
