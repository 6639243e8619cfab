"""The funding timeline as a Mermaid ``gantt`` block (``timeline --format mermaid``).

Pure: the dict of ``views.timeline.build`` in, the text of the block out.
"""

from __future__ import annotations

import re
from typing import Any

from ..registry.vocabulary import CLUSTER_TYPES, UNSAFE_CLASS

Row = dict[str, Any]

_MERMAID_UNSAFE = re.compile(f"[{UNSAFE_CLASS}:;#]+")
SECTION = {"spearhead": "Spearhead clusters", "icn": "Innovative company networks (ICN)"}
BASIS_NOTE = {
    "published": "",
    "policy-max": " (end = policy maximum)",
    "estimate": " (end estimated)",
}


def _mermaid_text(value: Any) -> str:
    """A Mermaid task name: one line without ``:``, ``;``, ``#`` or ``%``, in typographic
    quotes.

    Mermaid reads a line that starts with a keyword (``title``, ``section``, ``click``,
    ``dateFormat``, ``excludes``, ``todayMarker``, even ``gantt`` or a date) as that
    statement, whatever follows; a quote first makes every name a task's. A ``%`` after
    the quote starts a comment and ``%%{`` a directive anywhere, so ``%`` is written as
    the full-width ``％``.
    """
    text = str(value).replace("%", "％")
    text = " ".join(_MERMAID_UNSAFE.sub(" ", text).split()) or "?"
    return f"“{text}”"


def mermaid(timeline: Row, ending_soon_days: int) -> str:
    """A Mermaid ``gantt`` block: a section per type, one task per funding period.

    Tags: ``done`` for periods over on ``on``, ``active`` for the current one, ``crit`` when
    it ends within ``ending_soon_days``. Dates are the recorded dates, inclusive of the
    end (``inclusiveEndDates``), so a one-day period has a one-day bar.
    """
    on = timeline["on"]
    lines = [
        "gantt",
        f"    title Funding timeline on {on.isoformat()}",
        "    dateFormat YYYY-MM-DD",
        "    inclusiveEndDates",
        "    axisFormat %Y",
        "    todayMarker off",
    ]
    for kind in CLUSTER_TYPES:
        rows = [row for row in timeline["rows"] if row["type"] == kind]
        if not rows:
            continue
        lines.append(f"    section {SECTION[kind]}")
        for row in rows:
            for number, period in enumerate(row["periods"], start=1):
                tags = []
                if period["end"] < on or row["status"] == "ended":
                    tags.append("done")
                elif period["start"] <= on:
                    tags.append("active")
                    left = row["days_left"]
                    if left is not None and left <= ending_soon_days:
                        tags.append("crit")
                name = _mermaid_text(row["name"]) + BASIS_NOTE.get(period["end_basis"], "")
                fields = [*tags, f"{row['cluster']}-{number}"]
                fields += [period["start"].isoformat(), period["end"].isoformat()]
                lines.append(f"    {name} :{', '.join(fields)}")
    return "\n".join(lines) + "\n"
