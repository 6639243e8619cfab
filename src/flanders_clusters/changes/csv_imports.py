"""``import-members`` and ``import-participants``: read a CSV and add its rows to one
cluster's members or one event's participants.

``read_rows`` reads the whole file (through ``external.csv_tables``: encoding, delimiter,
header, rows) and every cell before the registry is touched, keeping what is wrong in
each row; ``apply`` adds the rows in one pass (one read and one write for the whole
file, by ``transaction.transact``), and with the registry at hand finds the rest: a new
partner without a name or kind, two rows that name one partner with different values, a
row the registry contradicts. Every problem of every row is found in that one pass, and
any stops the import: the rows are listed with their lines (up to 20). The columns are
those of ``views.exports`` (docs/registry-format.md, "CSV"): a partner's, then the
membership's (or the participation's ``role``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BadCsv, ClustersError
from ..external import csv_tables, enterprise_numbers
from ..formats.csv_text import restore
from ..programme import enterprises
from ..registry import vocabulary
from ..registry.fields import defaults, field, fields
from ..registry.records import Partner, Registry
from ..registry.vocabulary import MAX_ID_LENGTH, SLUG_PATTERN, URL_PATTERN
from ..views.exports import CSV_PARTNER_COLUMNS
from .record_edits import MEMBERS, PARTICIPANTS, Roster, RosterKind

MAX_REPORTED = 20
_SLUG = re.compile(SLUG_PATTERN)
_URL = re.compile(URL_PATTERN)


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
        columns = ("partner", *CSV_PARTNER_COLUMNS, *self.entry_columns)
        return (self.group, *columns) if self.group else columns


MEMBER_CSV = Dialect(MEMBERS, "cluster")
PARTICIPANT_CSV = Dialect(PARTICIPANTS, None)


@dataclass
class Row:
    """One row of the CSV: the values read, and what is wrong in its cells."""

    line: int
    partner: str | None  # None: the cell is empty or not an id
    group: str | None
    entry: dict[str, Any] = dataclasses.field(default_factory=dict)
    fields: dict[str, Any] = dataclasses.field(default_factory=dict)
    problems: list[str] = dataclasses.field(default_factory=list)
    unread: set[str] = dataclasses.field(default_factory=set)  # columns whose cell is wrong


def _cell(dialect: Dialect, column: str, text: str) -> Any:
    """The value of one non-empty cell, or ValueError with the reason."""
    if column in ("since", "until"):
        try:
            return csv_tables.day_first(text) or dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{column} {text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)"
            ) from None
    found = field(dialect.kind.record, column) if column in dialect.entry_columns else None
    if found is None and column in CSV_PARTNER_COLUMNS:
        found = field(Partner, column)
    choices = found.choices if found is not None else None
    if choices and text not in choices:
        raise ValueError(f"{column} {text!r} is not one of: {', '.join(choices)}")
    if column == "enterprise_number":
        normal = enterprise_numbers.normalise_enterprise_number(text)
        if normal is None:
            raise ValueError(f"enterprise_number {text!r} is not of the form 0123.456.789")
        if not enterprise_numbers.enterprise_number_valid(normal):
            raise ValueError(f"enterprise_number {text!r} has wrong check digits")
        return normal
    if column == "country":
        code = enterprises.normalise_country(text)
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
    problem = vocabulary.text_problem(text)
    if problem is not None:
        raise ValueError(f"{column} {text!r} {problem}")
    if found is not None and found.kind == "url" and not _URL.fullmatch(text):
        raise ValueError(f"{column} {text!r} is not an http or https URL; write https://…")
    return text


def _header(dialect: Dialect, path: Path, header: list[str]) -> list[str]:
    """The header, when it has the dialect's columns (``partner`` among them), once each."""
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
    """Every row of the CSV, each with what is wrong in its cells (``Row.problems``);
    ``BadCsv`` only for a file that cannot be read as a CSV of these columns."""
    table = csv_tables.read_table(path)
    header = _header(dialect, path, table.header)
    rows: list[Row] = []
    for line, cells in table.rows:
        if isinstance(cells, str):  # not CSV: the reason
            rows.append(Row(line, None, None, problems=[cells]))
        else:
            rows.append(_row(dialect, line, header, cells))
    return rows


def _row(dialect: Dialect, line: int, header: list[str], cells: list[str]) -> Row:
    if len(cells) != len(header):
        problem = f"{len(cells)} cells, but the header has {len(header)} columns"
        return Row(line, None, None, problems=[problem])
    values, problems, unread = {}, [], set()
    for column, cell in zip(header, cells, strict=True):
        text = restore(cell.strip())
        if text:
            try:
                values[column] = _cell(dialect, column, text)
            except ValueError as exc:
                problems.append(str(exc))
                unread.add(column)
    if "partner" not in values and "partner" not in unread:
        problems.append("the partner cell is empty")
    return Row(
        line,
        values.get("partner"),
        values.get(dialect.group) if dialect.group else None,
        {k: values[k] for k in dialect.entry_columns if k in values},
        {k: values[k] for k in CSV_PARTNER_COLUMNS if k in values},
        problems,
        unread,
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


def _plural(column: str) -> str:
    """A column's name for several values: roles, countries, 'since' dates."""
    if column in ("since", "until"):
        return f"'{column}' dates"
    words = column.replace("_", " ")
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _disagreeing(earlier: dict[str, Any], later: dict[str, Any], record: type) -> list[str]:
    """The columns a later row gives another value than an earlier row of the same
    partner (an empty cell gives none; an absent value is its field's default)."""
    before = defaults(record) | earlier
    return [column for column, value in later.items() if before.get(column) != value]


def apply(
    data: Registry,
    owner_id: str,
    rows: list[Row],
    progress: Callable[[int], None] | None = None,
    path: Path | str = "CSV",
    dialect: Dialect = MEMBER_CSV,
) -> dict[str, Any]:
    """Add every row's entry to ``owner_id`` (a cluster's members, an event's
    participants); any problem stops it all."""
    roster = Roster(data, dialect.kind, owner_id)
    roster.keep_partner = "leave the row's partner cells empty"
    known = set(roster.partners)  # the registry's partners before the import
    counts = {"added": 0, "unchanged": 0, "created_partners": 0, "skipped": 0}
    problems: list[str] = []
    first: dict[str, Row] = {}  # the first row naming each partner
    for done, row in enumerate(rows, 1):
        found = list(row.problems)
        if row.group not in (None, owner_id) and not found:
            counts["skipped"] += 1
            continue
        if row.partner is not None and row.group in (None, owner_id):
            found += _against_the_file(row, first.setdefault(row.partner, row), known, dialect)
        if not found:
            assert row.partner is not None  # a row without one has a problem
            try:
                outcome = roster.add(row.partner, row.entry, row.fields or None)
            except ClustersError as exc:  # a conflict with the registry: the row's problem
                found.append(f"{exc.message} — {exc.fix}" if exc.fix else exc.message)
            else:
                counts["created_partners"] += outcome["created_partner"]
                counts["added" if outcome["changed"] else "unchanged"] += 1
        if found:
            problems.append(f"{path}:{row.line}: " + "; ".join(found))
        if progress is not None:
            progress(done)
    _raise(Path(str(path)), problems)
    return {
        dialect.kind.noun: owner_id,
        "changed": counts["added"] > 0,
        "rows": len(rows),
        **counts,
    }


def _against_the_file(row: Row, earlier: Row, known: set[str], dialect: Dialect) -> list[str]:
    """What is wrong with a row given the rows before it: a new partner needs a name and
    a kind (once, in its first row); a partner named again must not be given other
    values (that is the file's own contradiction, not one with the registry)."""
    partner = row.partner
    if earlier is not row:
        columns = _disagreeing(earlier.entry, row.entry, dialect.kind.record)
        columns += _disagreeing(earlier.fields, row.fields, Partner)
        if columns:
            said = " and ".join(_plural(column) for column in columns)
            return [
                f"rows {earlier.line} and {row.line} both name {partner}, with different {said}"
            ]
        if partner not in known:
            return []  # its first row creates it (or says what it lacks)
    if partner in known:
        return []
    missing = [c for c in ("name", "kind") if c not in row.fields and c not in row.unread]
    if not missing:
        return []
    cells = " and ".join(missing)
    return [
        f"partner {partner!r} is not in the registry, so the row must give its {cells}, but "
        f"the {cells} {'cell is' if len(missing) == 1 else 'cells are'} empty"
    ]
