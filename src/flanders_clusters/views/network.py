"""Which clusters share partners (``clusters network``), and the same as Graphviz DOT.

Pure: a registry in, plain dicts (the JSON shape) or DOT text out. Every listed
membership counts, past ones included: the network is who has worked together.
"""

from __future__ import annotations

import re
from itertools import combinations
from typing import Any

from ..programme import members
from ..registry.records import Registry
from ..registry.words import UNSAFE_CLASS

Row = dict[str, Any]


def build(data: Registry) -> Row:
    """``{"clusters", "pairs", "partners"}`` (see the README for the shape).

    ``pairs``: clusters that share at least one partner, most shared first; ``partners``:
    the partners in two or more clusters, in the most clusters first.
    """
    clusters = data.get("clusters") or {}
    people = data.get("partners") or {}
    joined = members.memberships(data)

    def partner(partner_id: str) -> Row:
        return {"partner": partner_id, "name": (people.get(partner_id) or {}).get("name")}

    shared: dict[tuple[str, str], list[str]] = {}
    for partner_id, cluster_ids in joined.items():
        for pair in combinations(cluster_ids, 2):
            shared.setdefault(pair, []).append(partner_id)
    pairs = [
        {"clusters": list(pair), "count": len(ids), "partners": [partner(p) for p in ids]}
        for pair, ids in sorted(shared.items(), key=lambda item: (-len(item[1]), item[0]))
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
        "partners": [
            {
                **partner(partner_id),
                "kind": (people.get(partner_id) or {}).get("kind"),
                "count": len(ids),
                "clusters": ids,
            }
            for partner_id, ids in busy(joined)
        ],
    }


def busy(joined: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """(partner id, its clusters) for the partners in two clusters or more (``joined`` is
    ``members.memberships``), in the most clusters first, ties by id."""
    return sorted(
        ((p, ids) for p, ids in joined.items() if len(ids) > 1), key=lambda x: (-len(x[1]), x[0])
    )


_DOT_UNSAFE = re.compile(f"[{UNSAFE_CLASS}]")


def _quoted(value: Any) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, controls dropped."""
    text = _DOT_UNSAFE.sub(" ", str(value))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(network: Row) -> str:
    """Graphviz: a node per cluster (spearheads boxes, ICNs ellipses), an edge per pair.

    Edge labels are the number of shared partners; ``penwidth`` grows with it.
    """
    lines = [
        "graph clusters {",
        '  graph [overlap=false, splines=true, label="Clusters that share partners"];',
        '  node [fontname="Helvetica"];',
        '  edge [fontname="Helvetica", color="gray40"];',
    ]
    for node in network["clusters"]:
        shape = "box" if node["type"] == "spearhead" else "ellipse"
        lines.append(
            f"  {_quoted(node['cluster'])} [label={_quoted(node['name'])}, shape={shape}];"
        )
    for pair in network["pairs"]:
        first, second = pair["clusters"]
        names = ", ".join(str(p["name"] or p["partner"]) for p in pair["partners"])
        lines.append(
            f"  {_quoted(first)} -- {_quoted(second)} [label={_quoted(pair['count'])}, "
            f"tooltip={_quoted(names)}, penwidth={1 + pair['count'] / 2:g}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
