"""``clusters export``: the registry as JSON, CSV or a Markdown table, for other tools.

Pure: a registry in, records or text out. An export carries what the file says: an
absent field is ``null`` in JSON and an empty cell in CSV and Markdown (the defaults are
not filled in), so the members CSV imports back unchanged. Columns that summarise a
cluster (``start``, ``end``, ``end_basis``, ``funding_periods``, ``members``) are derived;
the others come from the records' declarations. Every CSV cell goes through
``cells.neutralise`` (formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..programme import members, periods
from ..registry.fields import defaults, fields, order
from ..registry.records import Cluster, Funding, Label, Member, Partner, Registry
from ..registry.words import UNSAFE_CLASS
from .cells import EXPORT_MEMBER_COLUMNS, MEMBERSHIP_COLUMNS, neutralise

Row = dict[str, Any]
FORMATS = ("json", "csv", "markdown", "sqlite")  # sqlite: views/database.py
WHATS = ("clusters", "members", "partners")

_RECORD_LISTS = tuple(f.key for f in fields(Cluster) if f.option is None)  # labels, funding, …
_LONG = ("sources", "notes")  # long text: the last columns of a spreadsheet
CLUSTER_COLUMNS = (
    "id",
    *(key for key in order(Cluster) if key not in _RECORD_LISTS + _LONG),
    "start",
    "end",
    "end_basis",
    "funding_periods",
    "members",
    *_LONG,
)
CLUSTER_MARKDOWN_COLUMNS = (
    "id",
    "name",
    "type",
    "domain",
    "recognised",
    "start",
    "end",
    "end_basis",
    "members",
    "website",
)
PARTNER_COLUMNS = ("id", *order(Partner), "clusters")
_END_BASIS = defaults(Funding)["end_basis"]


def _sorted(mapping: dict[str, Any] | None) -> list[tuple[str, Any]]:
    return sorted((mapping or {}).items())


# -- records (the JSON shapes) -----------------------------------------------------------


def _all(record: Any, keys: tuple[str, ...]) -> Row:
    """Every field of a record in canonical order, null when absent."""
    return {key: record.get(key) for key in keys}


_CLUSTER_KEYS = tuple(key for key in order(Cluster) if key not in _RECORD_LISTS)
_LABEL_KEYS, _FUNDING_KEYS, _MEMBER_KEYS = order(Label), order(Funding), order(Member)
# the members CSV's columns after ``cluster`` and ``partner``: True for a membership field
_MEMBER_SOURCES = tuple((key, key in MEMBERSHIP_COLUMNS) for key in EXPORT_MEMBER_COLUMNS[2:])


def _by_partner(member: Member) -> str:
    return member["partner"]


def cluster_records(data: Registry) -> Iterator[Row]:
    """Each cluster with every field (null when absent), its labels, funding and members."""
    for cluster_id, cluster in _sorted(data.get("clusters")):
        record: Row = {"id": cluster_id, **_all(cluster, _CLUSTER_KEYS)}
        record["labels"] = [
            _all(label, _LABEL_KEYS)
            for label in sorted(cluster.get("labels") or (), key=lambda x: x["awarded"])
        ]
        record["funding"] = [_all(period, _FUNDING_KEYS) for period in periods.periods(cluster)]
        record["members"] = [
            _all(member, _MEMBER_KEYS)
            for member in sorted(cluster.get("members") or (), key=_by_partner)
        ]
        yield record


def member_records(data: Registry) -> Iterator[Row]:
    """One record per membership, keyed by the export CSV header (``cluster`` first)."""
    people = data.get("partners") or {}
    for cluster_id, cluster in _sorted(data.get("clusters")):
        for member in sorted(cluster.get("members") or (), key=_by_partner):
            known = people.get(member["partner"]) or {}
            record = {"cluster": cluster_id, "partner": member["partner"]}
            for key, of_member in _MEMBER_SOURCES:
                record[key] = (member if of_member else known).get(key)
            yield record


def partner_records(data: Registry) -> Iterator[Row]:
    """Each partner with every field (null when absent) and the ids of its clusters."""
    joined = members.memberships(data)
    keys = order(Partner)
    for partner_id, record in _sorted(data.get("partners")):
        yield {"id": partner_id, **_all(record, keys), "clusters": joined.get(partner_id, [])}


def each(data: Registry, what: str) -> Iterator[Row]:
    """The records one at a time (an export of a large registry never holds them all)."""
    return {"clusters": cluster_records, "members": member_records, "partners": partner_records}[
        what
    ](data)


def records(data: Registry, what: str) -> list[Row]:
    return list(each(data, what))


# -- flat rows (CSV and Markdown) --------------------------------------------------------


def _flat_cluster(record: Row) -> Row:
    funding = record["funding"]
    start = funding[0]["start"] if funding else None
    last = max(funding, key=lambda p: p["end"]) if funding else None
    return {
        **record,
        "start": start,
        "end": last["end"] if last else None,
        "end_basis": (last["end_basis"] or _END_BASIS) if last else None,
        "funding_periods": len(funding),
        "members": len(record["members"]),
    }


def rows(data: Registry, what: str, columns: tuple[str, ...] | None = None) -> Iterator[list[Any]]:
    """The rows of a flat table (header first) for CSV and Markdown, one at a time."""
    if columns is None:
        columns = {
            "clusters": CLUSTER_COLUMNS,
            "members": EXPORT_MEMBER_COLUMNS,
            "partners": PARTNER_COLUMNS,
        }[what]
    yield list(columns)
    for record in each(data, what):
        found = _flat_cluster(record) if what == "clusters" else record
        yield [found[key] for key in columns]


def table(data: Registry, what: str, columns: tuple[str, ...] | None = None) -> list[list[Any]]:
    """The rows of a flat table (header first) for CSV and Markdown."""
    return list(rows(data, what, columns))


def cell(value: Any) -> str:
    """A value as cell text: ISO dates, ``true``/``false``, lists space-separated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return " ".join(cell(item) for item in value)
    return str(value)


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


_MD_CONTROLS = re.compile(f"[{UNSAFE_CLASS}]")
_MD_MARKUP = re.compile(r"([\\`*_\[\]<>|])")


def md_cell(value: Any) -> str:
    """Cell text for a Markdown table: Markdown and HTML characters escaped, one line."""
    text = _MD_CONTROLS.sub(" ", cell(value))
    return _MD_MARKUP.sub(r"\\\1", " ".join(text.split()))


def md_table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """The lines of a Markdown table: the header, its rule, a line per row (cells as given,
    already escaped)."""
    header = list(header)
    return [_md_row(header), _md_row("---" for _ in header), *map(_md_row, rows)]


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def to_markdown(found: list[list[Any]]) -> str:
    header, *body = found
    rows = ([md_cell(value) for value in row] for row in body)
    return "\n".join(md_table(header, rows)) + "\n"


def export(data: Registry, what: str, fmt: str) -> str | list[Row]:
    """The export: records for JSON (the caller dumps them), else CSV or Markdown text."""
    if fmt == "json":
        return records(data, what)
    if fmt == "csv":
        return to_csv(rows(data, what))
    columns = CLUSTER_MARKDOWN_COLUMNS if what == "clusters" else None
    return to_markdown(table(data, what, columns))
