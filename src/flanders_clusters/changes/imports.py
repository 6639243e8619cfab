"""``import-members`` and ``import-participants``: read a CSV and add its rows to one
cluster's members or one event's participants.

``read_rows`` checks the whole file — encoding, delimiter, header, every cell — before the
registry is touched; ``apply`` adds the rows in one pass (one read and one write for the
whole file, by ``transaction.transact``). Any bad row stops the import with its line.
The columns are those of ``views.cells`` (docs/registry-format.md, "CSV"): a partner's,
then the membership's (or the participation's ``role``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BadCsv, ClustersError
from ..programme import identity
from ..registry import files
from ..registry.fields import field as declared
from ..registry.fields import fields
from ..registry.records import Partner
from ..registry.words import MAX_ID_LENGTH, SLUG_PATTERN, URL_PATTERN
from ..views.cells import PARTNER_COLUMNS, restore
from .edits import MEMBERS, PARTICIPANTS, Roster, RosterKind

MAX_REPORTED = 20
_SLUG = re.compile(SLUG_PATTERN)
_URL = re.compile(URL_PATTERN)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class Dialect:
    """The columns of one kind of CSV: the partner's, then the entry's (membership or
    participation); ``group`` names the optional first column of an export that holds
    several owners' rows (``cluster`` in ``export --what members``)."""

    kind: RosterKind
    group: str | None

    @property
    def entry_columns(self) -> tuple[str, ...]:
        return tuple(f.key for f in fields(self.kind.record) if f.meta.csv and f.key != "partner")

    @property
    def allowed(self) -> tuple[str, ...]:
        columns = ("partner", *PARTNER_COLUMNS, *self.entry_columns)
        return (self.group, *columns) if self.group else columns


MEMBER_CSV = Dialect(MEMBERS, "cluster")
PARTICIPANT_CSV = Dialect(PARTICIPANTS, None)


@dataclass
class Row:
    line: int
    partner: str
    group: str | None
    entry: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)


def parse_day(text: str) -> dt.date:
    """``2026-11-27``, or the day-first forms Belgian spreadsheets write: ``27/11/2026``."""
    match = _DAY_FIRST.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    return dt.date.fromisoformat(text)


def _cell(dialect: Dialect, column: str, text: str) -> Any:
    """The value of one non-empty cell, or ValueError with the reason."""
    if column in ("since", "until"):
        try:
            return parse_day(text)
        except ValueError:
            raise ValueError(
                f"{column} {text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)"
            ) from None
    found = declared(dialect.kind.record, column) if column in dialect.entry_columns else None
    if found is None and column in PARTNER_COLUMNS:
        found = declared(Partner, column)
    choices = found.choices if found is not None else None
    if choices and text not in choices:
        raise ValueError(f"{column} {text!r} is not one of: {', '.join(choices)}")
    if column == "enterprise_number":
        normal = identity.normalise_enterprise_number(text)
        if normal is None:
            raise ValueError(f"enterprise_number {text!r} is not of the form 0123.456.789")
        if not identity.enterprise_number_valid(normal):
            raise ValueError(f"enterprise_number {text!r} has wrong check digits")
        return normal
    if column == "country":
        code = identity.normalise_country(text)
        if code is None:
            raise ValueError(
                f"country {text!r} is not an ISO 3166-1 alpha-2 country code such as BE"
            )
        return code
    if column == "partner" and len(text) > MAX_ID_LENGTH:
        raise ValueError(
            f"partner id {text[:20]!r}… has {len(text)} characters; an id has at most "
            f"{MAX_ID_LENGTH}"
        )
    if column == "partner" and not _SLUG.fullmatch(text):
        raise ValueError(f"partner id {text!r} is not a slug (lowercase letters, digits, '-')")
    if "\n" in text or "\r" in text:
        raise ValueError(f"{column} {text!r} spans lines; write it on one line")
    problem = identity.text_problem(text)
    if problem is not None:
        raise ValueError(f"{column} {text!r} {problem}")
    if found is not None and found.kind == "url" and not _URL.fullmatch(text):
        raise ValueError(f"{column} {text!r} is not an http or https URL; write https://…")
    return text


def _read(path: Path) -> bytes:
    try:
        return files.read_regular(path)  # a FIFO or a device would block or never end
    except files.NotRegular as exc:
        raise BadCsv(f"{path}: is {exc.kind}, not a CSV file", "name the CSV file itself") from None
    except OSError as exc:
        raise BadCsv(f"{path}: cannot read: {exc.strerror or exc}", "check the path") from None


def _decode(raw: bytes, path: Path) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadCsv(f"{path}:{line}: not UTF-8", "save the CSV as UTF-8") from None


def _header(dialect: Dialect, path: Path, names: list[str]) -> list[str]:
    header = [name.strip().lower().removeprefix("\ufeff") for name in names]
    unknown = [name for name in header if name not in dialect.allowed]
    if unknown:
        raise BadCsv(
            f"{path}:1: unknown column {', '.join(map(repr, unknown))}",
            f"use the columns {', '.join(dialect.allowed)}",
        )
    doubled = sorted({name for name in header if header.count(name) > 1})
    if doubled:
        raise BadCsv(f"{path}:1: column {', '.join(doubled)} appears twice", "keep one")
    if "partner" not in header:
        raise BadCsv(f"{path}:1: no 'partner' column", "name the column of partner ids")
    return header


def read_rows(path: Path, dialect: Dialect = MEMBER_CSV) -> list[Row]:
    """Every row of the CSV, checked; ``BadCsv`` lists the bad lines (up to 20)."""
    text = _decode(_read(path), path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(dialect, path, next(reader))
    except StopIteration:
        raise BadCsv(f"{path}: the file is empty", "add a header line") from None
    rows: list[Row] = []
    problems: list[str] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            row_line, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            try:
                rows.append(_row(dialect, row_line, header, cells))
            except ValueError as exc:
                problems.append(f"{path}:{row_line}: {exc}")
    except csv.Error as exc:
        problems.append(f"{path}:{reader.line_num}: {exc}")
    _raise(path, problems)
    return rows


def _row(dialect: Dialect, line: int, header: list[str], cells: list[str]) -> Row:
    if len(cells) != len(header):
        raise ValueError(f"{len(cells)} cells, but the header has {len(header)} columns")
    values = {}
    for column, cell in zip(header, cells, strict=True):
        text = restore(cell.strip())
        if text:
            values[column] = _cell(dialect, column, text)
    if "partner" not in values:
        raise ValueError("the partner cell is empty")
    return Row(
        line,
        values["partner"],
        values.get(dialect.group) if dialect.group else None,
        {k: values[k] for k in dialect.entry_columns if k in values},
        {k: values[k] for k in PARTNER_COLUMNS if k in values},
    )


def _raise(path: Path, problems: list[str]) -> None:
    if not problems:
        return
    fix = "correct the rows named, then import the file again"
    if len(problems) == 1:
        raise BadCsv(f"{problems[0]}; nothing imported", fix)
    shown = problems[:MAX_REPORTED]
    more = [f"… and {len(problems) - MAX_REPORTED} more"] if len(problems) > MAX_REPORTED else []
    raise BadCsv(f"{path}: {len(problems)} bad rows; nothing imported", fix, details=shown + more)


def apply(
    data: dict[str, Any],
    owner_id: str,
    rows: list[Row],
    progress: Callable[[int], None] | None = None,
    path: Path | str = "CSV",
    dialect: Dialect = MEMBER_CSV,
) -> dict[str, Any]:
    """Add every row's entry to ``owner_id`` (a cluster's members, an event's
    participants); any problem stops it all."""
    roster = Roster(data, dialect.kind, owner_id)
    counts = {"added": 0, "unchanged": 0, "created_partners": 0, "skipped": 0}
    problems: list[str] = []
    for done, row in enumerate(rows, 1):
        if row.group not in (None, owner_id):
            counts["skipped"] += 1
            continue
        if row.partner not in roster.partners:
            missing = [column for column in ("name", "kind") if column not in row.fields]
            if missing:
                cells = " and ".join(missing)
                problems.append(
                    f"{path}:{row.line}: partner {row.partner!r} is not in the registry, so "
                    f"the row must give its {cells}, but the {cells} "
                    f"{'cell is' if len(missing) == 1 else 'cells are'} empty"
                )
                continue
        try:
            outcome = roster.add(row.partner, row.entry, row.fields or None)
        except ClustersError as exc:  # unknown partner, conflict: the row's own problem
            problems.append(f"{path}:{row.line}: {exc}")
            continue
        counts["created_partners"] += outcome["created_partner"]
        counts["added" if outcome["changed"] else "unchanged"] += 1
        if progress is not None:
            progress(done)
    _raise(Path(str(path)), problems)
    return {
        dialect.kind.noun: owner_id,
        "changed": counts["added"] > 0,
        "rows": len(rows),
        **counts,
    }


def summary(outcome: dict[str, Any]) -> str:
    owner = outcome.get("cluster") or outcome.get("event")
    parts = [f"{outcome['added']} added", f"{outcome['unchanged']} already there"]
    if outcome["created_partners"]:
        parts.append(f"{outcome['created_partners']} new partners")
    if outcome["skipped"]:
        parts.append(f"{outcome['skipped']} rows of other clusters skipped")
    return f"{owner}: " + ", ".join(parts)
