"""Which clusters share partners as a Graphviz DOT graph (``network --format dot``).

Pure: the dict of ``views.network.build`` in, the text of the graph out.
"""

from __future__ import annotations

import re
from typing import Any

from ..registry.vocabulary import UNSAFE_CLASS

Row = dict[str, Any]

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
