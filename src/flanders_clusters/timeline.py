"""The funding timeline (SPEC §5 ``timeline --json``, §7): rows, periods, a per-year summary.

Pure: a registry dict, a date and filters in, the JSON shape out. ``chart.py`` draws the
same dict; ``mermaid`` writes it as a Mermaid ``gantt`` block (plain text).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import domain
from .errors import UsageError
from .vocabulary import CLUSTER_TYPES, UNSAFE_CLASS

Record = dict[str, Any]


def euros(amount: float) -> int | float:
    """A sum of money for JSON: rounded to cents, an int when whole."""
    value = round(amount, 2)
    return int(value) if value.is_integer() else value


def _row(cluster_id: str, cluster: Record, on: dt.date) -> Record:
    start, end = domain.span(cluster)
    return {
        "cluster": cluster_id,
        "name": cluster["name"],
        "type": cluster["type"],
        "start": start,
        "end": end,
        "status": domain.status(cluster, on),
        "days_left": domain.days_left(cluster, on),
        "periods": [
            {
                "start": period["start"],
                "end": period["end"],
                "end_basis": domain.end_basis(period),
            }
            for period in domain.periods(cluster)
        ],
    }


def window(
    funded: list[Record], from_year: int | None, to_year: int | None
) -> tuple[int, int] | None:
    """The years shown: ``--from``/``--to``, each defaulting to the span of the data."""
    if from_year is not None and to_year is not None and from_year > to_year:
        raise UsageError(f"--from {from_year} is after --to {to_year}; fix: swap them or drop one")
    first = min((domain.span(c)[0].year for c in funded), default=None)
    last = max((domain.span(c)[1].year for c in funded), default=None)
    if from_year is None and to_year is None:
        return None if first is None else (first, last)
    if from_year is None:
        low = to_year if first is None else min(first, to_year)
        return low, to_year
    high = to_year if to_year is not None else max(last or from_year, from_year)
    return from_year, high


def year_summary(clusters: list[Record], year: int) -> Record:
    """Active clusters by type in a calendar year and their known yearly support."""
    active = {kind: 0 for kind in CLUSTER_TYPES}
    support: float | None = None
    unknown = 0
    for cluster in clusters:
        overlapping = [p for p in domain.periods(cluster) if domain.overlaps_year(p, year)]
        if not overlapping:
            continue
        active[cluster["type"]] += 1
        amounts = [domain.support_in_year(p, year) for p in overlapping]
        if any(amount is None for amount in amounts):
            unknown += 1
        known = [amount for amount in amounts if amount is not None]
        if known:
            support = (support or 0.0) + sum(known)
    return {
        "year": year,
        "active_spearhead": active["spearhead"],
        "active_icn": active["icn"],
        "support_eur": None if support is None else euros(support),
        "support_unknown": unknown,
    }


def build(
    data: Record,
    on: dt.date,
    *,
    type_: str | None = None,
    from_year: int | None = None,
    to_year: int | None = None,
) -> Record:
    """``{"on", "rows", "years"}``: one row per funded cluster in the window (SPEC §5).

    Rows are sorted by first start, then id (the order of a Gantt chart). A cluster is in
    the window when one of its periods overlaps one of its years; rows keep all periods.
    """
    everything = data.get("clusters") or {}
    funded = {
        cluster_id: cluster
        for cluster_id, cluster in everything.items()
        if domain.periods(cluster) and (type_ is None or cluster["type"] == type_)
    }
    years = window(list(funded.values()), from_year, to_year)
    if years is None:
        return {"on": on, "rows": [], "years": []}
    low, high = years
    shown = {
        cluster_id: cluster
        for cluster_id, cluster in funded.items()
        if any(
            p["start"] <= dt.date(high, 12, 31) and p["end"] >= dt.date(low, 1, 1)
            for p in domain.periods(cluster)
        )
    }
    order = sorted(shown, key=lambda cluster_id: (domain.span(shown[cluster_id])[0], cluster_id))
    return {
        "on": on,
        "rows": [_row(cluster_id, shown[cluster_id], on) for cluster_id in order],
        "years": [year_summary(list(shown.values()), year) for year in range(low, high + 1)],
    }


# -- Mermaid -----------------------------------------------------------------------------

_MERMAID_UNSAFE = re.compile(f"[{UNSAFE_CLASS}:;#]+")
SECTION = {"spearhead": "Spearhead clusters", "icn": "Innovative company networks (ICN)"}
BASIS_NOTE = {
    "published": "",
    "policy-max": " (end = policy maximum)",
    "estimate": " (end estimated)",
}


def _mermaid_text(value: Any) -> str:
    """Text safe in a Mermaid task name: no line breaks, ``:``, ``;`` or ``#``."""
    return " ".join(_MERMAID_UNSAFE.sub(" ", str(value)).split()) or "?"


def mermaid(timeline: Record, ending_soon_days: int) -> str:
    """A Mermaid ``gantt`` block: a section per type, one task per funding period.

    Tags: ``done`` for periods over on ``on``, ``active`` for the current one, ``crit`` when
    it ends within ``ending_soon_days``. Dates are the recorded (inclusive) dates.
    """
    on = timeline["on"]
    lines = [
        "gantt",
        f"    title Funding timeline on {on.isoformat()}",
        "    dateFormat YYYY-MM-DD",
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
