"""What ``clusters export`` holds: the registry's records, and the rows of flat tables.

Pure: a registry in, records (the JSON shape) and rows out (``formats.export_text`` writes
them as CSV or a Markdown table). An export carries what the file says: an absent field
is ``null`` in JSON and an empty cell in CSV and Markdown (the defaults are not filled
in), so the members CSV imports back unchanged. Columns that summarise a cluster
(``start``, ``end``, ``end_basis``, ``funding_periods``, ``members``) are derived; the
others come from the records' declarations.

The members CSV, shared by ``import-members`` and ``export --what members``, has its
columns derived from the records: a membership's ``partner``, then the partner fields and
the membership fields declared with ``csv=True``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..programme import members, periods
from ..registry.canonical import item_order
from ..registry.fields import defaults, fields, order
from ..registry.records import Cluster, Funding, Label, Member, Partner, Registry

Row = dict[str, Any]
WHATS = ("clusters", "members", "partners")

# The members CSV (import and export): a partner's columns, then a membership's.
CSV_PARTNER_COLUMNS = tuple(f.key for f in fields(Partner) if f.meta.csv)
MEMBERSHIP_COLUMNS = tuple(f.key for f in fields(Member) if f.meta.csv and f.key != "partner")
MEMBER_COLUMNS = ("partner", *CSV_PARTNER_COLUMNS, *MEMBERSHIP_COLUMNS)
# ``export --what members`` writes one file for all clusters: the import columns after a
# ``cluster`` column. ``import-members CLUSTER`` takes the rows of CLUSTER from such a file.
EXPORT_MEMBER_COLUMNS = ("cluster", *MEMBER_COLUMNS)

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


# Lists in the order of the canonical form, so that an export reads the same before and
# after `clusters fmt`.
_LABEL_ORDER = item_order(Cluster, "labels")
_MEMBER_ORDER = item_order(Cluster, "members")


def cluster_records(data: Registry) -> Iterator[Row]:
    """Each cluster with every field (null when absent), its labels, funding and members."""
    for cluster_id, cluster in _sorted(data.get("clusters")):
        record: Row = {"id": cluster_id, **_all(cluster, _CLUSTER_KEYS)}
        record["labels"] = [
            _all(label, _LABEL_KEYS)
            for label in sorted(cluster.get("labels") or (), key=_LABEL_ORDER)
        ]
        record["funding"] = [_all(period, _FUNDING_KEYS) for period in periods.periods(cluster)]
        record["members"] = [
            _all(member, _MEMBER_KEYS)
            for member in sorted(cluster.get("members") or (), key=_MEMBER_ORDER)
        ]
        yield record


def member_records(data: Registry) -> Iterator[Row]:
    """One record per membership, keyed by the export CSV header (``cluster`` first)."""
    people = data.get("partners") or {}
    for cluster_id, cluster in _sorted(data.get("clusters")):
        for member in sorted(cluster.get("members") or (), key=_MEMBER_ORDER):
            known: Mapping[str, Any] = people.get(member["partner"]) or {}
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
