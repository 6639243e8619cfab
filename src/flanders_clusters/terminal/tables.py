"""Tables for people: the rows of the views drawn with rich, in the house style.

Every function takes a view's plain data (the JSON shape) and returns rich renderables;
rich itself is imported by ``console`` when they are built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..registry.vocabulary import KBO_FIELDS
from .console import STATUS_STYLE, cell, clean, new_table
from .gantt import TYPE_LABEL, summary

if TYPE_CHECKING:
    from rich.table import Table

Row = dict[str, Any]


def list_table(rows: list[dict[str, Any]]) -> Table:
    table = new_table("id", "name", "type", "domain", "status", "start", "end", "members")
    table.columns[-1].justify = "right"
    for row in rows:
        table.add_row(
            cell(row["id"]),
            cell(row["name"]),
            cell(row["type"]),
            cell(row["domain"]),
            cell(row["status"], STATUS_STYLE.get(row["status"], "")),
            cell(row["start"]),
            cell(row["end"]),
            cell(row["members"]),
        )
    return table


def _fields_table(pairs: list[tuple[str, Any]], title: str | None = None) -> Table:
    from rich.text import Text

    table = new_table("field", "value", title=title)
    for key, value in pairs:
        if value is None or value == []:
            continue
        if isinstance(value, list):
            shown = Text("\n".join(clean(item) for item in value))
        elif isinstance(value, str) and "\n" in value:  # notes: their lines, each escaped
            shown = Text("\n".join(clean(line) for line in value.replace("\r\n", "\n").split("\n")))
        else:
            shown = cell(value)
        table.add_row(cell(key), shown)
    return table


def rows_table(rows: list[Row], columns: dict[str, str], title: str | None = None) -> Table:
    """A table of ``rows``: ``columns`` maps each key to its header."""
    table = new_table(*columns.values(), title=title)
    for row in rows:
        table.add_row(*(cell(row[key]) for key in columns))
    return table


FUNDING_COLUMNS = {
    "start": "start",
    "end": "end",
    "end_basis": "end basis",
    "annual_support_eur": "EUR / year",
    "total_support_eur": "EUR total",
    "support_rate": "rate",
    "reference": "reference",
}
MEMBER_COLUMNS = {k: k for k in ("partner", "name", "kind", "role", "since", "until")}
MEMBERSHIP_COLUMNS = {k: k for k in ("cluster", "name", "type", "role", "since", "until")}
BRIEF_EVENT_COLUMNS = {k: k for k in ("event", "title", "kind", "start", "end")}
_LISTS = {"funding", "members", "events", "labels", "clusters"}
LABEL_STYLE = {"valid": "green", "expiring": "yellow", "expired": "red", "future": "cyan"}


def labels_table(rows: list[Row]) -> Table:
    """A cluster's labels: the expiry in effect (``(policy)`` when not recorded) and the
    state on the date of the view."""
    table = new_table(
        "scheme", "level", "awarded", "expires", "state", "days left", "reference", title="labels"
    )
    table.columns[5].justify = "right"
    for label in rows:
        basis = "" if label["expires"] else " (policy)"
        table.add_row(
            cell(label["scheme"]),
            cell(label["level"]),
            cell(label["awarded"]),
            cell(f"{label['expiry']}{basis}"),
            cell(label["state"], LABEL_STYLE[label["state"]]),
            cell(label["days_left"]),
            cell(label["reference"]),
        )
    return table


def show_tables(detail: dict[str, Any]) -> list[Any]:
    fields = _fields_table([(k, v) for k, v in detail.items() if k not in _LISTS])
    funding = rows_table(detail["funding"], FUNDING_COLUMNS, "funding")
    members = rows_table(detail["members"], MEMBER_COLUMNS, f"members ({len(detail['members'])})")
    found = [labels_table(detail["labels"])] if detail["labels"] else []
    drawn = [fields, *found, funding, members]
    if detail.get("events"):
        drawn.append(
            rows_table(detail["events"], BRIEF_EVENT_COLUMNS, f"events ({len(detail['events'])})")
        )
    return drawn


def partners_table(rows: list[dict[str, Any]]) -> Table:
    table = new_table("id", "name", "kind", "size", "network role", "country", "clusters")
    for row in rows:
        table.add_row(
            *(cell(row[k]) for k in ("id", "name", "kind", "size", "network_role", "country")),
            cell(", ".join(row["clusters"])),
        )
    return table


def partner_tables(detail: dict[str, Any]) -> list[Any]:
    """The partner's fields, those of the KBO/BCE extract (``enrich kbo``) apart, its
    memberships and the events it took part in."""
    own = [(k, v) for k, v in detail.items() if k not in _LISTS and k not in KBO_FIELDS]
    drawn = [_fields_table(own)]
    kbo = [(k, detail.get(k)) for k in KBO_FIELDS]
    if any(value not in (None, []) for _, value in kbo):
        drawn.append(_fields_table(kbo, title="KBO/BCE"))
    drawn.append(
        rows_table(detail["clusters"], MEMBERSHIP_COLUMNS, f"clusters ({len(detail['clusters'])})")
    )
    if detail.get("events"):
        columns = {**BRIEF_EVENT_COLUMNS, "role": "role"}
        drawn.append(rows_table(detail["events"], columns, f"events ({len(detail['events'])})"))
    return drawn


EVENT_COLUMNS = {
    "id": "id",
    "start": "start",
    "end": "end",
    "kind": "kind",
    "title": "title",
    "place": "place",
    "participants": "participants",
}


def events_table(rows: list[Row]) -> Table:
    table = rows_table(rows, EVENT_COLUMNS)
    table.columns[-1].justify = "right"
    return table


def event_tables(detail: dict[str, Any]) -> list[Any]:
    fields = _fields_table([(k, v) for k, v in detail.items() if k != "participants"])
    people = rows_table(
        detail["participants"],
        {k: k for k in ("partner", "name", "kind", "role")},
        f"participants ({len(detail['participants'])})",
    )
    return [fields, people]


def _names(partners: list[Row]) -> str:
    return ", ".join(clean(p["name"] or p["partner"]) for p in partners)


def network_tables(network: Row) -> list[Any]:

    names = {node["cluster"]: node["name"] for node in network["clusters"]}
    shown, total = len(network["pairs"]), network["pairs_total"]
    counted = (
        f"{shown} pairs" if shown == total else f"{shown:,} of {total:,} pairs; --limit 0: all"
    )
    pairs = new_table("cluster", "with", "shared", "partners", title=f"Shared partners ({counted})")
    pairs.columns[2].justify = "right"
    for pair in network["pairs"]:
        first, second = pair["clusters"]
        pairs.add_row(
            cell(names.get(first, first)),
            cell(names.get(second, second)),
            cell(pair["count"]),
            cell(_names(pair["partners"])),
        )
    busy = new_table(
        "partner", "name", "kind", "clusters", "in", title="Partners in two or more clusters"
    )
    busy.columns[3].justify = "right"
    for partner in network["partners"]:
        busy.add_row(
            cell(partner["partner"]),
            cell(partner["name"]),
            cell(partner["kind"]),
            cell(partner["count"]),
            cell(", ".join(partner["clusters"])),
        )
    return [pairs, busy]


def stats_tables(stats: Row) -> list[Any]:

    counts = stats["clusters"]
    statuses = list(counts["by_status"])
    clusters = new_table("type", *statuses, "total", title=f"Clusters on {stats['on'].isoformat()}")
    for column in clusters.columns[1:]:
        column.justify = "right"
    for kind, row in counts["by_type_and_status"].items():
        clusters.add_row(
            cell(TYPE_LABEL.get(kind, kind)),
            *(cell(row[state]) for state in statuses),
            cell(counts["by_type"][kind]),
        )
    clusters.add_row(
        cell("all", "bold"),
        *(cell(counts["by_status"][state], "bold") for state in statuses),
        cell(counts["total"], "bold"),
    )
    kinds = new_table("kind", "current members", "partners", title="Members and partners by kind")
    for column in kinds.columns[1:]:
        column.justify = "right"
    for kind, number in stats["members"]["by_kind"].items():
        listed = stats["partners"]["by_kind"].get(kind)
        if kind not in stats["partners"]["by_kind"] and not number:
            continue
        kinds.add_row(cell(kind), cell(number), cell(listed))
    kinds.add_row(
        cell("all", "bold"),
        cell(stats["members"]["total"], "bold"),
        cell(stats["partners"]["total"], "bold"),
    )
    drawn = [clusters, kinds, summary({"years": stats["support"]})]
    taking_part = stats["participation"]
    if taking_part["events"]:
        drawn.extend(participation_tables(taking_part))
    return drawn


def participation_tables(taking_part: Row) -> list[Any]:
    """Events per year and kind, organisations per year (each once), events per cluster."""
    kinds = [k for k in taking_part["years"][0]["by_kind"]] if taking_part["years"] else []
    years = new_table(
        "year", "events", *kinds, "organisations", title="Events and organisations per year"
    )
    for column in years.columns[1:]:
        column.justify = "right"
    for year in taking_part["years"]:
        years.add_row(
            cell(str(year["year"])),
            cell(year["events"]),
            *(cell(year["by_kind"][kind]) for kind in kinds),
            cell(year["organisations"]),
        )
    clusters = rows_table(
        taking_part["clusters"], {"cluster": "cluster", "events": "events"}, "Events per cluster"
    )
    clusters.columns[-1].justify = "right"
    return [years, clusters]
