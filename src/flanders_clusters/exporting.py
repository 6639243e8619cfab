"""``clusters export``: the registry as JSON, CSV or a Markdown table, for other tools.

Pure: a registry dict in, text out. An export carries what the file says: an absent
field is ``null`` in JSON and an empty cell in CSV and Markdown (the defaults of SPEC §3
are not filled in), so the members CSV imports back unchanged. Columns that summarise a
cluster (``start``, ``end``, ``end_basis``, ``funding_periods``, ``members``) are derived.
Every CSV cell goes through ``csvio.neutralise`` (formula injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from . import domain
from .csvio import EXPORT_MEMBER_COLUMNS, neutralise
from .vocabulary import (
    CLUSTER_FIELDS,
    FUNDING_DEFAULTS,
    FUNDING_FIELDS,
    MEMBER_FIELDS,
    PARTNER_FIELDS,
    UNSAFE_CLASS,
)

Record = dict[str, Any]
FORMATS = ("json", "csv", "markdown")
WHATS = ("clusters", "members", "partners")

CLUSTER_COLUMNS = (
    "id",
    "name",
    "type",
    "domain",
    "website",
    "recognised",
    "reported_members",
    "members_complete",
    "action_plan",
    "ended",
    "successor",
    "start",
    "end",
    "end_basis",
    "funding_periods",
    "members",
    "sources",
    "notes",
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
PARTNER_COLUMNS = ("id", *PARTNER_FIELDS, "clusters")


def _sorted(mapping: Record | None) -> list[tuple[str, Record]]:
    return sorted((mapping or {}).items())


# -- records (the JSON shapes) -----------------------------------------------------------


def cluster_records(data: Record) -> list[Record]:
    """Each cluster with every field (null when absent), its funding and its members."""
    out = []
    for cluster_id, cluster in _sorted(data.get("clusters")):
        record: Record = {"id": cluster_id}
        for key in CLUSTER_FIELDS:
            if key not in ("funding", "members"):
                record[key] = cluster.get(key)
        record["funding"] = [
            {key: period.get(key) for key in FUNDING_FIELDS} for period in domain.periods(cluster)
        ]
        record["members"] = [
            {key: member.get(key) for key in MEMBER_FIELDS}
            for member in sorted(cluster.get("members") or (), key=lambda m: m["partner"])
        ]
        out.append(record)
    return out


def member_records(data: Record) -> list[Record]:
    """One record per membership, keyed by the export CSV header (``cluster`` first)."""
    people = data.get("partners") or {}
    out = []
    for cluster_id, cluster in _sorted(data.get("clusters")):
        for member in sorted(cluster.get("members") or (), key=lambda m: m["partner"]):
            known = people.get(member["partner"]) or {}
            record = {"cluster": cluster_id, "partner": member["partner"]}
            for key in EXPORT_MEMBER_COLUMNS[2:]:
                record[key] = member.get(key) if key in MEMBER_FIELDS else known.get(key)
            out.append(record)
    return out


def partner_records(data: Record) -> list[Record]:
    """Each partner with every field (null when absent) and the ids of its clusters."""
    joined = domain.memberships(data)
    return [
        {
            "id": partner_id,
            **{key: record.get(key) for key in PARTNER_FIELDS},
            "clusters": joined.get(partner_id, []),
        }
        for partner_id, record in _sorted(data.get("partners"))
    ]


def records(data: Record, what: str) -> list[Record]:
    return {"clusters": cluster_records, "members": member_records, "partners": partner_records}[
        what
    ](data)


# -- flat rows (CSV and Markdown) --------------------------------------------------------


def _flat_cluster(record: Record) -> Record:
    periods = record["funding"]
    start = periods[0]["start"] if periods else None
    last = max(periods, key=lambda p: p["end"]) if periods else None
    return {
        **record,
        "start": start,
        "end": last["end"] if last else None,
        "end_basis": (last["end_basis"] or FUNDING_DEFAULTS["end_basis"]) if last else None,
        "funding_periods": len(periods),
        "members": len(record["members"]),
    }


def table(data: Record, what: str, columns: tuple[str, ...] | None = None) -> list[list[Any]]:
    """The rows of a flat table (header first) for CSV and Markdown."""
    found = records(data, what)
    if what == "clusters":
        found = [_flat_cluster(record) for record in found]
    if columns is None:
        columns = {
            "clusters": CLUSTER_COLUMNS,
            "members": EXPORT_MEMBER_COLUMNS,
            "partners": PARTNER_COLUMNS,
        }[what]
    return [list(columns), *([record[key] for key in columns] for record in found)]


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


def to_csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([neutralise(cell(value)) for value in row])
    return buffer.getvalue()


_MD_CONTROLS = re.compile(f"[{UNSAFE_CLASS}]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md_cell(value: Any) -> str:
    """Cell text for a Markdown table: Markdown and HTML characters escaped, one line."""
    text = _MD_CONTROLS.sub(" ", cell(value))
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_markdown(rows: list[list[Any]]) -> str:
    header, *body = rows
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
    ]
    lines += ["| " + " | ".join(md_cell(value) for value in row) + " |" for row in body]
    return "\n".join(lines) + "\n"


def export(data: Record, what: str, fmt: str) -> str | list[Record]:
    """The export: records for JSON (the caller dumps them), else CSV or Markdown text."""
    if fmt == "json":
        return records(data, what)
    if fmt == "csv":
        return to_csv(table(data, what))
    columns = CLUSTER_MARKDOWN_COLUMNS if what == "clusters" else None
    return to_markdown(table(data, what, columns))
