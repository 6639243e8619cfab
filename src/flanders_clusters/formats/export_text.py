"""``clusters export`` as text: the records of ``views.exports`` as JSON data, CSV or a
Markdown table (the SQLite database is ``sqlite_export``)."""

from __future__ import annotations

from typing import Any

from ..registry.records import Registry
from ..views.exports import CLUSTER_MARKDOWN_COLUMNS, records, rows, table
from .csv_text import to_csv
from .markdown import to_markdown

FORMATS = ("json", "csv", "markdown", "sqlite")  # sqlite: sqlite_export.py
Row = dict[str, Any]


def export(data: Registry, what: str, fmt: str) -> str | list[Row]:
    """The export: records for JSON (the caller dumps them), else CSV or Markdown text."""
    if fmt == "json":
        return records(data, what)
    if fmt == "csv":
        return to_csv(rows(data, what))
    columns = CLUSTER_MARKDOWN_COLUMNS if what == "clusters" else None
    return to_markdown(table(data, what, columns))
