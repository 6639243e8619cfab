"""``clusters export --format datapackage --output DIR``: a Frictionless Data Package.

``DIR/datapackage.json`` describes the tables (``table_schema``: a Table Schema each,
derived from the field declarations), their licence and their sources; one CSV per table
lies beside it (``clusters.csv``, ``memberships.csv``, …: the tables and columns of the
SQLite export). The rows are streamed from the registry to the files, never held.

CSV cells are the data as it is — UTF-8, RFC 4180 (CRLF rows, quoted where needed),
dates ISO 8601, ``true``/``false``, lists as JSON arrays, an absent value an empty cell —
and, unlike ``export --format csv``, formula-looking text is not given a leading ``'``:
a data package is read by data tools, which take a cell for what it says (a spreadsheet
user opens the workbook, ``--format xlsx``, where such text is kept as text).

The folder is written safely: every name is looked up in the folder that was checked
(through its descriptor), each file is built in an exclusive temporary and moved into
place, and only a folder that is new, empty or holds an earlier package of this tool is
written into.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import AlreadyExists, PermissionDenied, WriteFailed
from ..files import durable
from ..registry.records import Registry
from . import table_schema
from .sqlite_export import NAMES, RAW, each_row, finding_rows, judged

DESCRIPTOR = "datapackage.json"
FILES = (*(f"{name}.csv" for name in NAMES), DESCRIPTOR)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
# Names looked up in the folder's descriptor where the system can (not on Windows, where
# each name is checked by its path just before it is written).
BY_DESCRIPTOR = bool(
    _NOFOLLOW
    and getattr(os, "O_DIRECTORY", 0)
    and {os.open, os.stat, os.rename} <= os.supports_dir_fd
    and os.listdir in os.supports_fd
)


class TableRows:
    """The rows of one table, made again at each pass, so never all held."""

    def __init__(self, data: Registry, name: str) -> None:
        self.data, self.name = data, name

    def __iter__(self) -> Iterator[tuple]:
        return each_row(self.data, self.name, RAW)


def lazy_tables(data: Registry) -> dict[str, TableRows]:
    return {name: TableRows(data, name) for name in NAMES if name != "findings"}


def cell(value: Any) -> str:
    """A value as the text of a CSV cell of the package (see the module)."""
    kind = value.__class__
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is list:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_lines(
    header: list[str], rows: Iterable[Iterable[Any]], handle: Any, types: list[str] | None = None
) -> int:
    """Write the header and ``rows`` as CSV to ``handle``; the number of rows. The csv
    module writes text, numbers, dates (ISO) and None (an empty cell) as ``cell`` does:
    only the columns of ``types`` that are booleans or arrays are converted."""
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow(header)
    at = [i for i, kind in enumerate(types or ()) if kind in ("boolean", "array")]
    write = writer.writerow
    count = 0
    if types is None:
        for row in rows:
            write([cell(value) for value in row])
            count += 1
    elif not at:
        for row in rows:
            write(row)
            count += 1
    else:
        for row in rows:
            values = list(row)
            for index in at:
                values[index] = cell(values[index])
            write(values)
            count += 1
    return count


def descriptor(data: Registry, on: dt.date) -> dict[str, Any]:
    """``datapackage.json``: the package's name, title, licence, sources, the day it
    was made (``--on``, so that the same registry on the same day gives the same bytes)
    and a resource per table with its Table Schema."""
    return {
        "profile": "tabular-data-package",
        "name": table_schema.NAME,
        "title": table_schema.TITLE,
        "description": table_schema.DESCRIPTION + " " + table_schema.ATTRIBUTION,
        "licenses": [table_schema.LICENCE],
        "sources": [{"title": url, "path": url} for url in table_schema.sources(data)],
        "created": f"{on.isoformat()}T00:00:00Z",
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "title": name.replace("_", " ").capitalize(),
                "description": table_schema.table_description(name),
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema.schema(name),
            }
            for name in NAMES
        ],
    }


def descriptor_text(data: Registry, on: dt.date) -> str:
    return json.dumps(descriptor(data, on), ensure_ascii=False, indent=2) + "\n"


def files(data: Registry, found_rows: list[tuple], on: dt.date) -> Iterator[tuple[str, Any]]:
    """Each file of the package: its name and a function that writes it to a text
    handle and returns its number of rows (None for the descriptor, which comes last)."""
    for name in NAMES:
        rows: Iterable[tuple] = found_rows if name == "findings" else each_row(data, name, RAW)

        def write(handle: Any, name: str = name, rows: Iterable[tuple] = rows) -> int | None:
            types = table_schema.column_types(name)
            return csv_lines(table_schema.columns(name), rows, handle, types)

        yield f"{name}.csv", write

    def write_descriptor(handle: Any) -> int | None:
        handle.write(descriptor_text(data, on))
        return None

    yield DESCRIPTOR, write_descriptor


def export(
    data: Registry, on: dt.date, line: Any, display: str, folder: Path
) -> tuple[dict[str, int], list[str]]:
    """Write the package of ``data`` (findings judged on ``on``) into ``folder``; the
    rows of each table and warnings. ``BrokenKeys`` when errors would break its keys."""
    found = judged(data, on, line, display, lazy_tables(data), what="data package")
    found_rows = finding_rows(found)
    counted: dict[str, int] = {}
    warnings: list[str] = []
    with open_folder(folder) as fd:
        for name, write in files(data, found_rows, on):
            count = write_file(folder, fd, name, write, warnings)
            if count is not None:
                counted[name.removesuffix(".csv")] = count
    return counted, warnings


# -- the folder ---------------------------------------------------------------------------


@contextmanager
def open_folder(folder: Path) -> Iterator[int | None]:
    """The folder to write the package into, opened (a descriptor; None where names
    cannot be looked up in one) after it was made if it did not exist; a link, a file or
    a folder that holds other things is refused."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        raise WriteFailed(
            f"{folder}: its parent folder does not exist", "create it first, or name another"
        ) from None
    except PermissionError as exc:
        raise PermissionDenied(
            f"{folder}: cannot create it: {exc.strerror}", "make the parent folder writable"
        ) from None
    if not BY_DESCRIPTOR:
        found = _kind(folder)
        if found != "folder":
            raise AlreadyExists(
                f"{folder}: is {found}, not a folder, so nothing is written",
                "name a new folder or an earlier data package's (a link is not followed)",
            )
        _refuse_unless_ours(folder, None)
        yield None
        return
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW
    try:
        fd = os.open(folder, flags)
    except OSError as exc:
        found = _kind(folder)
        if found is not None and found != "folder":
            raise AlreadyExists(
                f"{folder}: is {found}, not a folder, so nothing is written",
                "name a new folder or an earlier data package's (a link is not followed)",
            ) from None
        raise WriteFailed(f"{folder}: cannot open it: {exc.strerror or exc}") from None
    try:
        _refuse_unless_ours(folder, fd)
        yield fd
    finally:
        os.close(fd)


def _kind(path: Path) -> str | None:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    return "a symbolic link" if stat.S_ISLNK(mode) else "a file"


def _refuse_unless_ours(folder: Path, fd: int | None) -> None:
    """Write only into an empty folder or one whose ``datapackage.json`` is this tool's
    (by its name); what is there besides the package's files is left alone."""
    names = set(os.listdir(folder if fd is None else fd))
    if not names:
        return
    try:
        with _opened(folder, fd, DESCRIPTOR) as handle:
            ours = json.loads(handle.read(1 << 24)).get("name") == table_schema.NAME
    except (OSError, ValueError, AttributeError):
        ours = False
    if not ours:
        raise AlreadyExists(
            f"{folder}: holds files but no data package written by clusters, so nothing is written",
            "name a new or empty folder (or one an earlier export wrote)",
        )


@contextmanager
def _opened(folder: Path, fd: int | None, name: str) -> Iterator[Any]:
    flags = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
    handle_fd = os.open(folder / name if fd is None else name, flags, dir_fd=fd)
    if not stat.S_ISREG(os.fstat(handle_fd).st_mode):
        os.close(handle_fd)
        raise OSError(f"{name}: not a regular file")
    with open(handle_fd, encoding="utf-8") as handle:
        yield handle


def write_file(
    folder: Path, fd: int | None, name: str, write: Any, warnings: list[str]
) -> int | None:
    """Replace ``folder/name`` (looked up through ``fd``, or by its path) with what
    ``write`` writes to a text handle: over nothing or a regular file only."""
    target = name if fd is not None else str(folder / name)
    try:
        found = os.stat(target, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        found = None
    if found is not None and not stat.S_ISREG(found.st_mode):
        raise AlreadyExists(
            f"{folder / name}: is not a regular file, so the package is not written",
            "remove it, or name another folder",
        )
    try:
        with (
            durable.replacing(
                target, folder=str(folder), dir_fd=fd, keep=True, warnings=warnings
            ) as temp,
            open(temp.fd, "w", encoding="utf-8", newline="", closefd=False) as handle,
        ):
            count = write(handle)
    except PermissionError as exc:
        raise PermissionDenied(
            f"{folder}: cannot write here: {exc.strerror}", "make the folder writable"
        ) from None
    except OSError as exc:
        raise WriteFailed(
            f"{folder / name}: write failed: {exc.strerror or exc}; it is unchanged",
            "check the free space and the permissions, then retry",
        ) from None
    return count
