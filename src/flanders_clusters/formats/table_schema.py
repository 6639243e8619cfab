"""The export's tables described for data tools: a Frictionless Table Schema per table,
descriptions of tables and columns, and the licence of the data.

The tables and columns are those of the SQLite export (``sqlite_export.TABLES``); what
each column is — its type, whether it is required, its choices, its bounds, its
description — comes from the field declarations in ``registry/records.py``, so a new
field is described everywhere without an edit here. The data package
(``data_package``), the workbook (``xlsx_workbook``), the Datasette metadata
(``datasette_metadata``) and the site's dataset card read them from here.

Pure and cheap: no data tool is imported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ..registry.fields import Field, defaults
from ..registry.records import Registry
from ..registry.vocabulary import PROFILES, SEVERITIES
from .sqlite_export import FINDING_COLUMNS, TABLES, Table

NAME = "flanders-clusters"
TITLE = "Flemish innovation clusters"
DESCRIPTION = (
    "The registry of the Flemish innovation cluster programme: spearhead clusters and "
    "innovative company networks, their funding periods, quality labels and members, the "
    "organisations they count, the events of the network and who took part, and the "
    "findings of the programme's rules. Every fact comes from a public web page, cited in "
    "the sources of its cluster or event."
)
CREATOR = "The keepers of the clusters registry"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
LICENCE_SHORT = "CC BY 4.0"
ATTRIBUTION = (
    "Published under CC BY 4.0; attribution: the public web pages cited in the sources of "
    "each cluster and event."
)

# The Table Schema type of each Python type of a field; a list of values is held as a
# JSON array (Table Schema's ``array``: a cell such as ["https://a.example"]).
TYPES = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    dt.date: "date",
    list: "array",
}
_FINDINGS = {
    "id": ("integer", "The finding's number in this export (1, 2, …)."),
    "code": ("string", "The rule's code, e.g. FC002 (`clusters rules CODE` explains it)."),
    "rule": ("string", "The rule's name."),
    "severity": ("string", "error, warning or info."),
    "profile": ("string", "The rule profile that judged it: decree or eccp."),
    "message": ("string", "What was found."),
    "cluster": ("string", "Id of the cluster it is about, if any."),
    "partner": ("string", "Id of the partner it is about, if any."),
    "event": ("string", "Id of the event it is about, if any."),
    "path": ("string", "The key path in the registry file, e.g. clusters.vil.members[3]."),
    "line": ("integer", "The line of the registry file, if known."),
    "fix": ("string", "How to correct it."),
}
_FINDING_CHOICES = {"severity": SEVERITIES, "profile": PROFILES}
# The findings' columns that always hold a value (the others may be null).
_REQUIRED = ("id", "code", "rule", "severity", "profile", "message")
_TABLE_DESCRIPTIONS = {
    "event_clusters": "The clusters that organised or took part in each event.",
    "findings": "The findings of the programme's rules (`clusters validate`) on the day "
    "of the export.",
}


def table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


def columns(name: str) -> list[str]:
    """The columns of a table, in order."""
    if name == "findings":
        return [column for column, _ in FINDING_COLUMNS]
    return [column for column, _, _ in table(name).columns()]


def table_description(name: str) -> str:
    """What a row of the table is: its record's description."""
    if name in _TABLE_DESCRIPTIONS:
        return _TABLE_DESCRIPTIONS[name]
    record = table(name).record
    return " ".join((record.__doc__ or "").split())


def _own_fields(t: Table) -> dict[str, Field]:
    return {f.key: f for f in t.fields()} if t.record is not None else {}


def described_columns(name: str) -> Iterator[dict[str, Any]]:
    """A Table Schema field for each column: name, type, description, constraints."""
    if name == "findings":
        for column, _ in FINDING_COLUMNS:
            kind, text = _FINDINGS[column]
            constraints: dict[str, Any] = {"required": True} if column in _REQUIRED else {}
            if column in _FINDING_CHOICES:
                constraints["enum"] = list(_FINDING_CHOICES[column])
            yield _column(column, kind, text, constraints)
        return
    t = table(name)
    own = _own_fields(t)
    filled = defaults(t.record) if t.record is not None else {}
    references = t.references_all()
    for column, _, required in t.columns():
        f = own.get(column)
        if f is None:  # a key column: the record's id, or the id of the one it belongs to
            yield _column(column, "string", _key_text(t, column, references), {"required": True})
            continue
        constraints = {"required": True} if required or column in filled else {}
        if f.choices:
            constraints["enum"] = list(f.choices)
        if f.value is not None and f.base in (int, float):
            for bound, key in (("minimum", "ge"), ("maximum", "le")):
                found = getattr(f.value, key)
                if found is not None:
                    constraints[bound] = int(found) if f.base is int else found
        yield _column(column, TYPES[f.base], f.meta.help, constraints)


def _key_text(t: Table, column: str, references: dict[str, str]) -> str:
    if column in references:
        return f"Id of the {column} (a row of {references[column]})."
    return f"The id of the {t.name.removesuffix('s')} (its key in the registry file)."


def _column(name: str, kind: str, text: str, constraints: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": kind, "description": text}
    if constraints:
        out["constraints"] = constraints
    return out


def schema(name: str) -> dict[str, Any]:
    """The Table Schema of a table: its fields, primary key and foreign keys."""
    out: dict[str, Any] = {"fields": list(described_columns(name))}
    if name == "findings":
        out["primaryKey"] = ["id"]
        return out
    t = table(name)
    out["primaryKey"] = list(t.primary)
    references = t.references_all()
    if references:
        out["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": other, "fields": ["id"]}}
            for column, other in references.items()
        ]
    return out


def column_types(name: str) -> list[str]:
    """The Table Schema type of each column of a table."""
    return [column["type"] for column in described_columns(name)]


def url_columns(name: str) -> set[str]:
    """The columns that hold one web address (shown as links)."""
    if name == "findings":
        return set()
    return {
        key
        for key, f in _own_fields(table(name)).items()
        if not f.is_list and f.value is not None and f.value.kind == "url"
    }


def choice_columns(name: str) -> list[str]:
    """The columns that hold one of a few values (facets in Datasette)."""
    return [c["name"] for c in described_columns(name) if "enum" in c.get("constraints", {})]


def label_column(name: str) -> str | None:
    """The column that names a row for people: a cluster's or partner's name, an event's
    title (Datasette shows it instead of a bare id where a row refers to it)."""
    found = columns(name)
    return next((c for c in ("name", "title") if c in found), None)


def sources(data: Registry) -> list[str]:
    """The web pages the registry cites (every cluster's and event's sources), sorted:
    the attribution the licence asks for."""
    found: set[str] = set()
    for cluster in (data.get("clusters") or {}).values():
        found.update(cluster.get("sources") or ())
    for event in (data.get("events") or {}).values():
        found.update(event.get("sources") or ())
    return sorted(found)
