"""The funding timeline: rows, periods, a per-year summary (``timeline --json``).

Pure: a registry, a date and filters in, the JSON shape of docs/json.md out.
``terminal.gantt`` draws the same dict in a terminal; ``formats.mermaid`` writes it as a
Mermaid ``gantt`` block and ``formats.timeline_svg`` as a self-contained SVG picture.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from ..programme import money, periods
from ..registry.records import Cluster, Registry
from ..registry.vocabulary import CLUSTER_TYPES

Row = dict[str, Any]


def _row(cluster_id: str, cluster: Cluster, on: dt.date) -> Row:
    start, end = periods.span(cluster)
    return {
        "cluster": cluster_id,
        "name": cluster["name"],
        "type": cluster["type"],
        "start": start,
        "end": end,
        "status": periods.status(cluster, on),
        "days_left": periods.days_left(cluster, on),
        "periods": [
            {
                "start": period["start"],
                "end": period["end"],
                "end_basis": periods.end_basis(period),
            }
            for period in periods.periods(cluster)
        ],
    }


def window(
    funded: list[Cluster], from_year: int | None, to_year: int | None
) -> tuple[int, int] | None:
    """The years shown: ``--from``/``--to``, each defaulting to the span of the data
    (``from_year`` after ``to_year`` shows nothing: the caller refuses it)."""
    spans = [periods.span(c) for c in funded]
    first = min((start.year for start, _ in spans if start is not None), default=None)
    last = max((end.year for _, end in spans if end is not None), default=None)
    if from_year is None:
        if to_year is None:
            return None if first is None or last is None else (first, last)
        return (to_year if first is None else min(first, to_year)), to_year
    high = to_year if to_year is not None else max(last or from_year, from_year)
    return from_year, high


def year_summaries(clusters: list[Cluster], low: int, high: int) -> list[Row]:
    """Active clusters by type in each calendar year from ``low`` to ``high`` and their
    known yearly support, in one pass over the clusters (each period is looked at in the
    years it overlaps, not in every year).

    The support is summed exactly: each amount's numerator is added to the others over
    the same denominator, and the few sums are added as fractions at the end."""
    years = range(low, high + 1)
    active = {year: dict.fromkeys(CLUSTER_TYPES, 0) for year in years}
    unknown = dict.fromkeys(years, 0)
    sums: dict[int, dict[int, int]] = {year: {} for year in years}
    for cluster in clusters:
        amounts: dict[int, list[Fraction | None]] = {}
        for period in periods.periods(cluster):
            for year in range(max(period["start"].year, low), min(period["end"].year, high) + 1):
                amounts.setdefault(year, []).append(money.support_in_year(period, year))
        for year, found in amounts.items():
            active[year][cluster["type"]] += 1
            if None in found:
                unknown[year] += 1
            by_denominator = sums[year]
            for amount in found:
                if amount is not None:
                    denominator = amount.denominator
                    by_denominator[denominator] = (
                        by_denominator.get(denominator, 0) + amount.numerator
                    )
    out = []
    for year in years:
        support = (
            sum((Fraction(n, d) for d, n in sorted(sums[year].items())), Fraction(0))
            if sums[year]
            else None
        )
        out.append(
            {
                "year": year,
                "active_spearhead": active[year]["spearhead"],
                "active_icn": active[year]["icn"],
                "support_eur": None if support is None else money.euros(support),
                "support_unknown": unknown[year],
            }
        )
    return out


def build(
    data: Registry,
    on: dt.date,
    *,
    type_: str | None = None,
    from_year: int | None = None,
    to_year: int | None = None,
) -> Row:
    """``{"on", "rows", "years"}``: one row per funded cluster in the window.

    Rows are sorted by first start, then id (the order of a Gantt chart). A cluster is in
    the window when one of its periods overlaps one of its years; rows keep all periods.
    """
    everything = data.get("clusters") or {}
    funded = {
        cluster_id: cluster
        for cluster_id, cluster in everything.items()
        if cluster.get("funding") and (type_ is None or cluster["type"] == type_)
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
            for p in cluster["funding"]
        )
    }
    order = sorted(shown, key=lambda cluster_id: (periods.span(shown[cluster_id])[0], cluster_id))
    return {
        "on": on,
        "rows": [_row(cluster_id, shown[cluster_id], on) for cluster_id in order],
        "years": year_summaries(list(shown.values()), low, high),
    }
