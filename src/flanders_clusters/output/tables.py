"""Tables for people: the rows of the views drawn with rich, in the house style.

Every function takes a view's plain data (the JSON shape) and returns rich renderables;
rich itself is imported by ``console`` when they are built.
"""

from __future__ import annotations

from typing import Any

from .console import STATUS_STYLE, cell, clean, new_table
from .gantt import TYPE_LABEL, summary

Row = dict[str, Any]


def list_table(rows: list[dict[str, Any]]):
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


def _fields_table(pairs: list[tuple[str, Any]], title: str | None = None):
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


def show_tables(detail: dict[str, Any]) -> list[Any]:
    skip = {"funding", "members"}
    fields = _fields_table([(k, v) for k, v in detail.items() if k not in skip])
    funding = new_table(
        "start", "end", "end basis", "EUR / year", "EUR total", "rate", "reference", title="funding"
    )
    for period in detail["funding"]:
        funding.add_row(
            *(
                cell(period[k])
                for k in (
                    "start",
                    "end",
                    "end_basis",
                    "annual_support_eur",
                    "total_support_eur",
                    "support_rate",
                    "reference",
                )
            )
        )
    members = new_table(
        "partner",
        "name",
        "kind",
        "role",
        "since",
        "until",
        title=f"members ({len(detail['members'])})",
    )
    for member in detail["members"]:
        members.add_row(
            *(cell(member[k]) for k in ("partner", "name", "kind", "role", "since", "until"))
        )
    return [fields, funding, members]


def partners_table(rows: list[dict[str, Any]]):
    table = new_table("id", "name", "kind", "size", "network role", "country", "clusters")
    for row in rows:
        table.add_row(
            *(cell(row[k]) for k in ("id", "name", "kind", "size", "network_role", "country")),
            cell(", ".join(row["clusters"])),
        )
    return table


def partner_tables(detail: dict[str, Any]) -> list[Any]:
    fields = _fields_table([(k, v) for k, v in detail.items() if k != "clusters"])
    memberships = new_table(
        "cluster",
        "name",
        "type",
        "role",
        "since",
        "until",
        title=f"clusters ({len(detail['clusters'])})",
    )
    for row in detail["clusters"]:
        memberships.add_row(
            *(cell(row[k]) for k in ("cluster", "name", "type", "role", "since", "until"))
        )
    return [fields, memberships]


def _names(partners: list[Row]) -> str:
    return ", ".join(clean(p["name"] or p["partner"]) for p in partners)


def network_tables(network: Row) -> list[Any]:

    names = {node["cluster"]: node["name"] for node in network["clusters"]}
    pairs = new_table(
        "cluster",
        "with",
        "shared",
        "partners",
        title=f"Shared partners ({len(network['pairs'])} pairs)",
    )
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
    return [clusters, kinds, summary({"years": stats["support"]})]
