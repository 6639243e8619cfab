"""The one canonical form of a registry (SPEC §3): sorted records, fixed field order.

Pure: data in, data or text out. Every write goes through ``dumps`` so that independent
edits give minimal diffs and merge cleanly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .vocabulary import (
    BY_TYPE_FIELDS,
    CLUSTER_FIELDS,
    FUNDING_FIELDS,
    MEMBER_FIELDS,
    PARTNER_FIELDS,
    POLICY_FIELDS,
    REGISTRY_FIELDS,
    SCHEMA_HEADER,
)

_EARLIEST = dt.date.min


_IN_ORDER: dict[tuple[tuple[str, ...], tuple[str, ...]], bool] = {}


def _ordered(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """``record`` with its keys in ``fields`` order (itself when they already are).

    Records share a handful of key layouts, so whether a layout is in order is decided
    once per layout: a registry that is already canonical is not copied record by record.
    """
    layout = (fields, tuple(record))
    in_order = _IN_ORDER.get(layout)
    if in_order is None:
        rank = {key: index for index, key in enumerate(fields)}
        known = [rank.get(key, len(fields)) for key in layout[1]]
        in_order = _IN_ORDER[layout] = known == sorted(known)
    if in_order:
        return record
    out = {key: record[key] for key in fields if key in record}
    out.update((key, value) for key, value in record.items() if key not in out)
    return out


def _funding_key(period: dict[str, Any]) -> tuple:
    return (period.get("start") or _EARLIEST, period.get("end") or _EARLIEST)


def _member_key(member: dict[str, Any]) -> tuple:
    return (str(member.get("partner", "")), member.get("since") or _EARLIEST)


def canonical_cluster(cluster: dict[str, Any]) -> dict[str, Any]:
    out = dict(_ordered(cluster, CLUSTER_FIELDS))  # a copy: its lists are replaced below
    if "funding" in out:
        out["funding"] = [
            _ordered(p, FUNDING_FIELDS) for p in sorted(out["funding"], key=_funding_key)
        ]
    if "members" in out:
        out["members"] = [
            _ordered(m, MEMBER_FIELDS) for m in sorted(out["members"], key=_member_key)
        ]
    return out


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` in canonical order (the input is not changed)."""
    out = dict(_ordered(data, REGISTRY_FIELDS))  # copies: the tables are replaced below
    for table in ("policy", "clusters", "partners"):
        if out.get(table) == {}:
            del out[table]  # an empty table says nothing: one text per registry
    if "policy" in out:
        policy = dict(_ordered(out["policy"], POLICY_FIELDS))
        for key in ("max_years", "annual_cap_eur"):
            if key in policy:
                policy[key] = _ordered(policy[key], BY_TYPE_FIELDS)
        out["policy"] = policy
    if "clusters" in out:
        out["clusters"] = {
            key: canonical_cluster(out["clusters"][key]) for key in sorted(out["clusters"])
        }
    if "partners" in out:
        out["partners"] = {
            key: _ordered(out["partners"][key], PARTNER_FIELDS) for key in sorted(out["partners"])
        }
    return out


def dumps(data: dict[str, Any]) -> str:
    """The canonical text of a registry: the ``#:schema`` header, then tomli-w's TOML."""
    import tomli_w

    return f"{SCHEMA_HEADER}\n\n" + tomli_w.dumps(canonical(data))
