"""Time, money and identity, defined once (SPEC §2–3). Pure functions over registry dicts.

The rules, the queries and the timeline all use these, so that "active", "funded time"
and "yearly support" mean the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from .vocabulary import (
    CLUSTER_DEFAULTS,
    DEFAULT_POLICY,
    FUNDING_DEFAULTS,
    MEMBER_DEFAULTS,
    PARTNER_DEFAULTS,
)

ONE_DAY = dt.timedelta(days=1)

Record = dict[str, Any]


# -- policy ------------------------------------------------------------------------------


def policy(data: Record) -> Record:
    """The effective policy: the file's ``[policy]`` over the defaults of SPEC §3."""
    given = data.get("policy") or {}
    out = {
        key: (dict(value) if isinstance(value, dict) else value)
        for key, value in DEFAULT_POLICY.items()
    }
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    return out


# -- funding periods ---------------------------------------------------------------------


def _period_key(period: Record) -> tuple[dt.date, dt.date]:
    return (period["start"], period["end"])


def periods(cluster: Record) -> list[Record]:
    """The cluster's funding periods sorted by start."""
    found = cluster.get("funding") or ()
    return list(found) if len(found) < 2 else sorted(found, key=_period_key)


def blocks(cluster: Record) -> list[tuple[dt.date, dt.date]]:
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


def span(cluster: Record) -> tuple[dt.date | None, dt.date | None]:
    """First start and last end over all periods (None, None without funding)."""
    found = cluster.get("funding") or ()
    if len(found) == 1:  # the common case, without sorting
        return found[0]["start"], found[0]["end"]
    if not found:
        return None, None
    return min(p["start"] for p in found), max(p["end"] for p in found)


def status(cluster: Record, on: dt.date) -> str:
    """``active``, ``planned``, ``ended`` or ``unknown`` on a date (SPEC §3)."""
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


def current_block(cluster: Record, on: dt.date) -> tuple[dt.date, dt.date] | None:
    for start, end in blocks(cluster):
        if start <= on <= end:
            return start, end
    return None


def days_left(cluster: Record, on: dt.date) -> int | None:
    """Days from ``on`` to the end of the current block (0 on its last day), else None."""
    block = current_block(cluster, on)  # a block holds ``on``: funded that day
    ended = cluster.get("ended")
    if block is None or (ended is not None and on > ended):
        return None
    return (block[1] - on).days


def add_years(day: dt.date, years: int) -> dt.date | None:
    """The same calendar day ``years`` later (29 February → 1 March); None past year 9999."""
    year = day.year + years
    if year > dt.MAXYEAR:
        return None
    try:
        return day.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def funded_time_exceeds(cluster: Record, years: int) -> bool:
    """Funded time exceeds N years: last end on or after first start + N years."""
    first, last = span(cluster)
    if first is None or last is None:
        return False
    limit = add_years(first, years)
    return limit is not None and last >= limit


# -- money -------------------------------------------------------------------------------


def period_days(period: Record) -> int:
    return (period["end"] - period["start"]).days + 1


def yearly_rate(period: Record) -> float | None:
    """Support per 12 months: the annual rate, or a total's yearly equivalent."""
    if period.get("annual_support_eur") is not None:
        return float(period["annual_support_eur"])
    total = period.get("total_support_eur")
    if total is None:
        return None
    days = period_days(period)
    return float(total) * 365 / days if days > 0 else None


def support_in_year(period: Record, year: int) -> float | None:
    """Support of ``period`` falling in calendar ``year`` (prorated by days)."""
    first = max(period["start"], dt.date(year, 1, 1))
    last = min(period["end"], dt.date(year, 12, 31))
    if last < first:
        return 0.0
    days = (last - first).days + 1
    if period.get("annual_support_eur") is not None:
        year_days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
        return float(period["annual_support_eur"]) * days / year_days
    total = period.get("total_support_eur")
    if total is None:
        return None
    whole = period_days(period)
    return float(total) * days / whole if whole > 0 else None


def overlaps_year(period: Record, year: int) -> bool:
    return period["start"] <= dt.date(year, 12, 31) and period["end"] >= dt.date(year, 1, 1)


# -- fields with defaults -----------------------------------------------------------------


def role(member: Record) -> str:
    return member.get("role", MEMBER_DEFAULTS["role"])


def country(partner: Record) -> str:
    return partner.get("country", PARTNER_DEFAULTS["country"])


def end_basis(period: Record) -> str:
    return period.get("end_basis", FUNDING_DEFAULTS["end_basis"])


def members_complete(cluster: Record) -> bool:
    return cluster.get("members_complete", CLUSTER_DEFAULTS["members_complete"])


# -- members -----------------------------------------------------------------------------


def is_current(member: Record, on: dt.date) -> bool:
    since, until = member.get("since"), member.get("until")
    return (since is None or since <= on) and (until is None or on <= until)


def current_members(cluster: Record, on: dt.date) -> list[Record]:
    return [m for m in cluster.get("members") or () if is_current(m, on)]


def memberships(data: Record) -> dict[str, list[str]]:
    """Partner id → the sorted ids of the clusters that list it (in one pass)."""
    out: dict[str, set[str]] = {}
    for cluster_id, cluster in (data.get("clusters") or {}).items():
        for member in cluster.get("members") or ():
            out.setdefault(member["partner"], set()).add(cluster_id)
    return {partner_id: sorted(ids) for partner_id, ids in sorted(out.items())}


def clusters_of(data: Record, partner_id: str) -> Iterable[tuple[str, Record, Record]]:
    """(cluster id, cluster, membership) for each membership of a partner."""
    for cluster_id, cluster in (data.get("clusters") or {}).items():
        for member in cluster.get("members") or ():
            if member.get("partner") == partner_id:
                yield cluster_id, cluster, member


# -- identity ----------------------------------------------------------------------------

_ENTERPRISE = (  # a pattern, compiled on first use (and cached) by re
    r"^(?:BE)?\s*(\d{4})\.?(\d{3})\.?(\d{3})$|^(?:BE)?\s*(\d{3})\.?(\d{3})\.?(\d{3})$"
)


def normalise_enterprise_number(text: str) -> str | None:
    """``BE0123456749``, ``0123456749``, ``0123.456.749`` (or 9 digits) → ``0123.456.749``.

    None when the text is not of one of the accepted forms; check digits are not checked.
    """
    compact = text.strip().upper().replace(" ", "")
    match = re.match(_ENTERPRISE, compact)
    if not match:
        return None
    digits = "".join(g for g in match.groups() if g)
    if len(digits) == 9:
        digits = "0" + digits
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def normalise_country(text: str) -> str | None:
    """An ISO 3166 alpha-2 code in capitals (``be`` → ``BE``), or None."""
    code = text.strip()
    return code.upper() if len(code) == 2 and code.isascii() and code.isalpha() else None


def one_line(text: str) -> str | None:
    """Text without spaces at either end, or None when it is empty or spans lines."""
    trimmed = text.strip()
    return trimmed if trimmed and "\n" not in trimmed and "\r" not in trimmed else None


def enterprise_number_valid(number: str) -> bool:
    """A stored number ``0123.456.749`` whose check digits are 97 − (first eight mod 97)."""
    digits = number.replace(".", "")
    if len(number) != 12 or number[4] != "." or number[8] != ".":
        return False
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    return int(digits[8:]) == 97 - int(digits[:8]) % 97


def region(postal_code: str) -> str | None:
    """``flanders``, ``brussels`` or ``wallonia`` for a Belgian postal code, else None."""
    code = postal_code.strip()
    if not re.fullmatch(r"\d{4}", code):
        return None
    number = int(code)
    if 1000 <= number <= 1299:
        return "brussels"
    if 1500 <= number <= 3999 or 8000 <= number <= 9999:
        return "flanders"
    return "wallonia"
