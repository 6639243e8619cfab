"""Which clusters share partners (``clusters network``).

Pure: a registry in, plain dicts (the JSON shape) out (``formats.dot`` writes them as a
Graphviz graph). Every listed
membership counts, past ones included: the network is who has worked together.

The pairs grow with the square of the clusters (1,000 clusters that share one partner
are 499,500 pairs), so they are counted without being listed: one cluster at a time,
through the partner → clusters index, keeping only the strongest ``limit`` pairs
(``strongest_pairs``); ``pairs_total`` says how many there are in all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ..programme import members
from ..registry.lookup import partner_kind, partner_name
from ..registry.records import Registry

Row = dict[str, Any]
PAIRS_SHOWN = 100  # the pairs listed by default (``--limit``), as on the site's page


def build(data: Registry, limit: int | None = PAIRS_SHOWN) -> Row:
    """``{"clusters", "pairs", "pairs_total", "partners"}`` (docs/json.md has the shape).

    ``pairs``: the ``limit`` pairs of clusters that share the most partners (all of them
    when ``limit`` is 0 or None), most shared first, ties by ids; ``pairs_total``: how
    many pairs share a partner; ``partners``: the partners in two or more clusters, in
    the most clusters first.
    """
    clusters = data.get("clusters") or {}
    people = data.get("partners") or {}
    joined = members.memberships(data)

    def partner(partner_id: str) -> Row:
        return {"partner": partner_id, "name": partner_name(people, partner_id)}

    def partners_of(cluster_id: str) -> set[str]:
        return {m["partner"] for m in clusters[cluster_id].get("members") or ()}

    strongest, total = strongest_pairs(clusters, joined, limit or None)
    pairs = [
        {
            "clusters": [first, second],
            "count": count,
            "partners": [partner(p) for p in sorted(partners_of(first) & partners_of(second))],
        }
        for count, first, second in strongest
    ]
    return {
        "clusters": [
            {
                "cluster": cluster_id,
                "name": clusters[cluster_id]["name"],
                "type": clusters[cluster_id]["type"],
                "members": len(clusters[cluster_id].get("members") or ()),
            }
            for cluster_id in sorted(clusters)
        ],
        "pairs": pairs,
        "pairs_total": total,
        "partners": [
            {
                **partner(partner_id),
                "kind": partner_kind(people, partner_id),
                "count": len(ids),
                "clusters": ids,
            }
            for partner_id, ids in busy(joined)
        ],
    }


def strongest_pairs(
    clusters: Mapping[str, Any], joined: Mapping[str, list[str]], limit: int | None
) -> tuple[list[tuple[int, str, str]], int]:
    """The ``limit`` pairs of clusters that share the most partners as ``(count, first,
    second)`` (every pair when ``limit`` is None), most shared first, ties by ids; and
    how many pairs share any. ``joined`` is ``members.memberships``.

    One cluster at a time: the partners' later clusters are counted in one ``Counter``,
    so memory stays that of one cluster's neighbours and the kept pairs, however many
    pairs there are.
    """
    best: list[tuple[int, str, str]] = []
    total = 0
    floor = 0  # what a pair must beat once ``best`` is full
    for first in sorted(clusters):
        counter: Counter[str] = Counter()
        for partner_id in {m["partner"] for m in clusters[first].get("members") or ()}:
            ids = joined.get(partner_id, ())
            if len(ids) > 1:
                counter.update(ids[bisect_right(ids, first) :])
        total += len(counter)
        # ``first`` only grows: a later pair that ties the floor sorts after it
        if not counter or max(counter.values()) <= floor:
            continue
        best.extend((count, first, second) for second, count in counter.items() if count > floor)
        if limit is not None:
            best.sort(key=_strongest_first)
            del best[limit:]
            if len(best) == limit:
                floor = best[-1][0]
    if limit is None:
        best.sort(key=_strongest_first)
    return best, total


def _strongest_first(pair: tuple[int, str, str]) -> tuple[int, str, str]:
    return (-pair[0], pair[1], pair[2])


def busy(joined: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """(partner id, its clusters) for the partners in two clusters or more (``joined`` is
    ``members.memberships``), in the most clusters first, ties by id."""
    return sorted(
        ((p, ids) for p, ids in joined.items() if len(ids) > 1), key=lambda x: (-len(x[1]), x[0])
    )
