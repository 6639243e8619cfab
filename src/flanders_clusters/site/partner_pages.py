"""The partner directory (``partners/index.html``, grouped by FI&E network category,
filterable) and each partner's page (``partners/<id>.html``): facts, clusters, events,
and the registry checks' findings, closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..programme import members
from ..registry.vocabulary import NETWORK_ROLES
from .event_pages import event_table
from .html_helpers import Table
from .rendering import Renderer

Row = dict[str, Any]
CLUSTER_COLUMNS = ("col.cluster", "col.type", "col.role", "col.since", "col.until")


def partner_index(out: Renderer) -> tuple[str, bytes]:
    facts, pieces = out.facts, out.pieces
    groups: dict[str | None, list[tuple[Any, ...]]] = {}
    taken = facts.taking_part["partners"]
    columns = ["col.name", "col.kind", "col.clusters"]
    if facts.events:
        columns.append("col.events")
    for partner_id in sorted(facts.partners, key=facts.rank["partners"].__getitem__):
        record = facts.partners[partner_id]
        row: tuple[Any, ...] = (
            pieces.partner_link(partner_id, "../"),
            pieces.t["kind." + record["kind"]],
            len(facts.joined.get(partner_id, ())),
        )
        if facts.events:
            row += (len(taken.get(partner_id, ())),)
        groups.setdefault(record.get("network_role"), []).append(row)
    sections = [
        (
            role or "other",
            pieces.t[f"network_role.{role}"] if role else None,
            len(rows),
            # every section keeps every column, so their widths agree
            Table(pieces, columns, rows, numeric=("col.clusters", "col.events")),
        )
        for role in (*NETWORK_ROLES, None)
        if (rows := groups.get(role))
    ]
    return out.page(
        "partners.html",
        "partners/index.html",
        pieces.text["partners.title"],
        sections=sections,
    )


def partner_page(out: Renderer, partner_id: str) -> tuple[str, bytes]:
    facts, pieces = out.facts, out.pieces
    record = facts.partners[partner_id]
    rows = []
    for cluster_id, member in facts.member_of(partner_id):
        rows.append(
            (
                facts.rank["clusters"][cluster_id],
                (
                    pieces.cluster_link(cluster_id, "../"),
                    pieces.t["type." + facts.clusters[cluster_id]["type"]],
                    pieces.t["role." + members.role(member)],
                    pieces.date(member.get("since")),
                    pieces.date(member.get("until")),
                ),
            )
        )
    taken = facts.events_of_partner(partner_id)
    return out.page(
        "partner.html",
        f"partners/{pieces.stems['partners'][partner_id]}.html",
        record["name"],
        p=record,
        clusters=Table(pieces, CLUSTER_COLUMNS, [row for _, row in sorted(rows)]),
        events=event_table(out, taken, "../", with_role=True),
        findings=facts.findings["partner"].get(partner_id),
        kbo=any(key in record for key in ("legal_name", "nace", "kbo_status", "kbo_checked")),
    )


def pages(out: Renderer, ids: list[str]) -> Iterator[tuple[str, bytes]]:
    for partner_id in ids:
        yield partner_page(out, partner_id)
