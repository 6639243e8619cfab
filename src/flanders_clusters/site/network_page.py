"""The network (``network.html``): the graph of the clusters that share partners, the
pairs that share the most (the graph's figures as text: the same pairs), and the
partners in the most clusters."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..views import network
from . import pictures
from .html_helpers import Table
from .rendering import Renderer

SHOWN = 10  # partners or clusters named in a cell before "and N more"
NETWORK_SHOWN = network.PAIRS_SHOWN  # pairs and busy partners on the network page


def graph(out: Renderer, root: str, prefix: str, small: bool) -> Markup:
    """The network graph of the strongest pairs, its nodes linked to cluster pages."""
    facts, pieces = out.facts, out.pieces
    pairs, _ = facts.strongest_pairs
    return pictures.network_graph(
        pairs,
        facts.clusters,
        lambda cluster_id: pieces.href("clusters", cluster_id, root),
        prefix=prefix,
        small=small,
        words=pictures.Words.from_catalogue(pieces.text, pieces.number),
    )


def more(out: Renderer, links: Markup, count: int) -> Markup:
    return links + Markup(" ") + out.say("and_more", count=count) if count else links


def network_page(out: Renderer) -> tuple[str, bytes]:
    facts, pieces = out.facts, out.pieces
    pairs, total = facts.strongest_pairs

    def partners_of(cluster_id: str) -> set[str]:
        return {m["partner"] for m in facts.clusters[cluster_id].get("members") or ()}

    rows: list[tuple[Any, ...]] = []
    for count, first, second in pairs:
        common = sorted(partners_of(first) & partners_of(second))
        rows.append(
            (
                pieces.cluster_link(first, "") + Markup(" – ") + pieces.cluster_link(second, ""),
                pieces.number(count),
                more(out, pieces.partner_links(common[:SHOWN], ""), len(common) - SHOWN),
            )
        )
    busy = network.busy(facts.joined)
    busy_rows = [
        (
            pieces.partner_link(partner_id, ""),
            pieces.number(len(ids)),
            more(out, pieces.cluster_links(ids[:SHOWN], ""), len(ids) - SHOWN),
        )
        for partner_id, ids in busy[:NETWORK_SHOWN]
    ]
    return out.page(
        "network.html",
        "network.html",
        pieces.text["network.title"],
        graph=graph(out, "", "network", small=False),
        pairs=Table(pieces, ("col.pair", "col.count", "col.shared"), rows, ("col.count",)),
        pairs_total=total,
        busy=Table(pieces, ("col.partner", "col.count", "col.clusters"), busy_rows, ("col.count",)),
        busy_total=len(busy),
    )
