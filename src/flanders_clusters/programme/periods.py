"""Time, defined once: funding periods, blocks, status on a date, days left, funded time.

Funding periods are inclusive of both dates; periods that touch (one starts the day
after another ends) form one block. docs/registry-format.md ("Time and money") states
the definitions these functions implement.
"""

from __future__ import annotations

import datetime as dt

from ..registry.fields import defaults
from ..registry.records import Cluster, Funding

ONE_DAY = dt.timedelta(days=1)
_END_BASIS = defaults(Funding)["end_basis"]


def _period_key(period: Funding) -> tuple[dt.date, dt.date]:
    return (period["start"], period["end"])


def periods(cluster: Cluster) -> list[Funding]:
    """The cluster's funding periods sorted by start."""
    found = cluster.get("funding") or ()
    return list(found) if len(found) < 2 else sorted(found, key=_period_key)


def blocks(cluster: Cluster) -> list[tuple[dt.date, dt.date]]:
    """Funding periods merged where they touch (or overlap): the continuous blocks."""
    found = cluster.get("funding") or ()
    if len(found) == 1:  # the common case, without sorting
        return [(found[0]["start"], found[0]["end"])]
    merged: list[list[dt.date]] = []
    for period in periods(cluster):
        start, end = period["start"], period["end"]
        if merged and start <= merged[-1][1] + ONE_DAY:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def span(cluster: Cluster) -> tuple[dt.date | None, dt.date | None]:
    """First start and last end over all periods (None, None without funding)."""
    found = cluster.get("funding") or ()
    if len(found) == 1:  # the common case, without sorting
        return found[0]["start"], found[0]["end"]
    if not found:
        return None, None
    return min(p["start"] for p in found), max(p["end"] for p in found)


def status(cluster: Cluster, on: dt.date) -> str:
    """``active``, ``planned``, ``ended`` or ``unknown`` on a date.

    Active when ``on`` lies in a funding period and is not after ``ended``; planned
    before the first start or in a gap between blocks; ended after the last end or after
    ``ended``; unknown when no period is recorded.
    """
    found = blocks(cluster)
    if not found:
        return "unknown"
    ended = cluster.get("ended")
    if ended is not None and on > ended:
        return "ended"
    if on > found[-1][1]:
        return "ended"
    if any(start <= on <= end for start, end in found):
        return "active"
    return "planned"


def current_block(cluster: Cluster, on: dt.date) -> tuple[dt.date, dt.date] | None:
    for start, end in blocks(cluster):
        if start <= on <= end:
            return start, end
    return None


def funded_until(cluster: Cluster, on: dt.date) -> dt.date | None:
    """The last funded day of the current block, or ``ended`` when that comes first;
    None unless the cluster is active on ``on``."""
    block = current_block(cluster, on)
    ended = cluster.get("ended")
    if block is None or (ended is not None and on > ended):
        return None
    return min(block[1], ended) if ended is not None else block[1]


def days_left(cluster: Cluster, on: dt.date) -> int | None:
    """Days from ``on`` to the funded end (0 on the last funded day), else None."""
    last = funded_until(cluster, on)
    return None if last is None else (last - on).days


def add_years(day: dt.date, years: int) -> dt.date | None:
    """The same calendar day ``years`` later (29 February → 1 March); None past year 9999."""
    year = day.year + years
    if year > dt.MAXYEAR:
        return None
    try:
        return day.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date | None:
    """The same day ``months`` later (the month's last day when it is shorter), or None
    past year 9999."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if year > dt.MAXYEAR:
        return None
    last = days_in_month(year, month + 1)
    return dt.date(year, month + 1, min(day.day, last))


def days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.date(year, month, 1)).days


def last_allowed_end(cluster: Cluster, years: int) -> dt.date | None:
    """The last end N years of funded time allow, when the funded time exceeds them (the
    last end on or after the first start + N years); None when it does not."""
    first, last = span(cluster)
    if first is None or last is None:
        return None
    limit = add_years(first, years)
    return limit - ONE_DAY if limit is not None and last >= limit else None


def end_basis(period: Funding) -> str:
    return period.get("end_basis", _END_BASIS)
