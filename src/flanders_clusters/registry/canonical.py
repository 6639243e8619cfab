"""The one canonical form of a registry: sorted records, fixed field order.

Pure: data in, data or text out. Every write goes through ``dumps`` so that independent
edits give minimal diffs and merge cleanly. The order of fields is the order of their
declaration in ``records.py``; records by id, and lists of records by their identity
(funding periods by start, members and participants by partner, labels by scheme and
award date, an event's clusters by id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import records
from .fields import order
from .vocabulary import SCHEMA_HEADER

_EARLIEST = dt.date.min


@dataclass(frozen=True)
class CommentsDropped:
    """A registry rewritten in canonical form held comments, which that form does not
    keep (an edit's or ``fmt``'s warning)."""

    path: Path


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


def _date(value: Any) -> Any:
    return value if isinstance(value, dt.date) else _EARLIEST


def _funding_key(period: dict[str, Any]) -> tuple:
    return (_date(period.get("start")), _date(period.get("end")))


def _member_key(member: dict[str, Any]) -> tuple:
    return (str(member.get("partner", "")), _date(member.get("since")))


def _label_key(label: dict[str, Any]) -> tuple:
    return (str(label.get("scheme", "")), _date(label.get("awarded")))


def _participant_key(participant: dict[str, Any]) -> str:
    return str(participant.get("partner", ""))


# (record, list field) → (item record or None for plain values, sort key)
_LISTS: dict[type, dict[str, tuple[type | None, Callable[[Any], Any]]]] = {
    records.Cluster: {
        "labels": (records.Label, _label_key),
        "funding": (records.Funding, _funding_key),
        "members": (records.Member, _member_key),
    },
    records.Event: {
        "clusters": (None, str),
        "participants": (records.Participant, _participant_key),
    },
}
_SUB_TABLES = {
    "max_years": records.YearsByType,
    "annual_cap_eur": records.EurosByType,
    "label_validity_months": records.MonthsByLevel,
}


def item_order(kind: type, key: str) -> Callable[[Any], Any]:
    """The sort key of the items of a record's list (``Cluster``, ``members``: by partner,
    then since) in the canonical form, for the views that list them in the same order."""
    return _LISTS[kind][key][1]


def canonical_record(record: dict[str, Any], kind: type) -> dict[str, Any]:
    """One cluster, partner or event in canonical order (a copy when lists change)."""
    out = _ordered(record, order(kind))
    lists = _LISTS.get(kind)
    if not lists:
        return out
    out = dict(out)  # its lists are replaced below
    for key, (item, sort_key) in lists.items():
        if key not in out or not isinstance(out[key], list):
            continue
        try:
            items = sorted(out[key], key=sort_key)
        except (TypeError, AttributeError):  # mixed types, items not tables: kept as written
            items = list(out[key])
        if item is not None:
            fields = order(item)
            items = [_ordered(x, fields) if isinstance(x, dict) else x for x in items]
        out[key] = items
    return out


def canonical(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``data`` in canonical order (the input is not changed)."""
    out = _ordered(dict(data), order(records.Registry))  # a copy: tables replaced below
    for table in ("policy", *records.TABLES):
        if out.get(table) == {}:
            del out[table]  # an empty table says nothing: one text per registry
    if isinstance(out.get("policy"), dict):
        policy = dict(_ordered(out["policy"], order(records.Policy)))
        for key, sub in _SUB_TABLES.items():
            if isinstance(policy.get(key), dict):
                policy[key] = _ordered(policy[key], order(sub))
        out["policy"] = policy
    for table, kind in records.TABLES.items():
        if isinstance(out.get(table), dict):
            found = out[table]
            out[table] = {
                key: canonical_record(found[key], kind)
                if isinstance(found[key], dict)
                else found[key]
                for key in sorted(found)
            }
    return out


def dumps(data: Mapping[str, Any]) -> str:
    """The canonical text of a registry: the ``#:schema`` header, then tomli-w's TOML."""
    import tomli_w

    return f"{SCHEMA_HEADER}\n\n" + tomli_w.dumps(canonical(data))
