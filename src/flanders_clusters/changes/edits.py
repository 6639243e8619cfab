"""Edits of a registry: pure functions that change the data in place and say what they did.

Each returns the edit's JSON (always with ``"changed"``; docs/json.md) or raises a typed
error (unknown id, conflict). They never touch the file: ``transaction.transact`` reads,
calls one of these under the lock, checks the rules and writes. Edits are idempotent:
adding what is there already changes nothing; adding it with other values is a conflict.
Values an absent field stands for (its declared default) match the absence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import Conflict, UnknownPartner, shown
from ..programme import members
from ..registry import lookup
from ..registry.fields import defaults
from ..registry.records import Cluster, Funding, Member, Partner

Record = dict[str, Any]  # a record being edited: any of the records' TypedDicts
Outcome = dict[str, Any]  # an edit's JSON
LIST_FIELDS = ("sources", "clusters", "nace")  # lists of values: an option adds to them


def _differences(existing: Mapping[str, Any], given: Mapping[str, Any]) -> list[str]:
    """Given fields whose values differ from the record's (lists: given items missing)."""
    out = []
    for key, value in given.items():
        current = existing.get(key)
        if key in LIST_FIELDS:
            if any(item not in (current or ()) for item in value):
                out.append(key)
        elif current != value:
            out.append(key)
    return out


def _same(what: str, existing: Mapping[str, Any], given: Mapping[str, Any], fix: str) -> None:
    """Raise ``Conflict`` when ``given`` disagrees with ``existing`` (idempotent adds)."""
    differ = _differences(existing, given)
    if differ:
        said = "; ".join(f"{k} is {shown(existing.get(k))}, not {shown(given[k])}" for k in differ)
        raise Conflict(f"{what} exists with other values ({said})", fix)


def _set_list(record: Record, key: str, items: list[Record]) -> None:
    """Store a list of records; an empty one is dropped (absent and empty mean the same)."""
    if items:
        record[key] = items
    else:
        record.pop(key, None)


# -- clusters ----------------------------------------------------------------------------


def add_record(data: Any, table: str, key: str, fields: Record, kind: type) -> Outcome:
    """Add a cluster, partner or event; the same again changes nothing, other values
    conflict (they are what update-… is for)."""
    noun = table.removesuffix("s")
    found = lookup.table(data, table)
    existing = found.get(key)
    if existing is not None:
        _same(
            f"{noun} {key!r}",
            defaults(kind) | existing,
            fields,
            f"`clusters update-{noun} {key}`",
        )
        return {noun: key, "changed": False}
    found[key] = dict(fields)
    return {noun: key, "changed": True}


def add_cluster(data: Any, cluster_id: str, fields: Record) -> Outcome:
    return add_record(data, "clusters", cluster_id, fields, Cluster)


def update_record(record: Record, fields: Record, unset: Iterable[str]) -> bool:
    """Drop ``unset``, then set ``fields`` (list fields gain the given items); changed?

    Unset first: ``--unset sources --source URL`` replaces the list with exactly URL.
    """
    before = dict(record)
    for key in unset:
        record.pop(key, None)
    for key, value in fields.items():
        if key in LIST_FIELDS:
            merged = list(record.get(key) or ())
            merged.extend(item for item in value if item not in merged)
            value = merged
        record[key] = value
    return record != before


def update_cluster(data: Any, cluster_id: str, fields: Record, unset: Iterable[str]) -> Outcome:
    record = lookup.cluster(data, cluster_id)
    return {"cluster": cluster_id, "changed": update_record(record, fields, unset)}  # type: ignore[arg-type]


def remove_cluster(data: Any, cluster_id: str) -> Outcome:
    lookup.cluster(data, cluster_id)
    del data["clusters"][cluster_id]
    return {"cluster": cluster_id, "changed": True}


# -- partners ----------------------------------------------------------------------------


def add_partner(data: Any, partner_id: str, fields: Record) -> Outcome:
    return add_record(data, "partners", partner_id, fields, Partner)


def update_partner(data: Any, partner_id: str, fields: Record, unset: Iterable[str]) -> Outcome:
    record = lookup.partner(data, partner_id)
    return {"partner": partner_id, "changed": update_record(record, fields, unset)}  # type: ignore[arg-type]


def remove_partner(data: Any, partner_id: str) -> Outcome:
    lookup.partner(data, partner_id)
    holding = members.memberships(data).get(partner_id)
    if holding:
        raise Conflict(
            f"partner {partner_id!r} is still a member of {', '.join(holding)}",
            f"`clusters remove-member CLUSTER {partner_id}` first",
        )
    del data["partners"][partner_id]
    return {"partner": partner_id, "changed": True}


# -- memberships -------------------------------------------------------------------------


class Members:
    """The memberships of one cluster, indexed by partner (one pass, then O(1) each)."""

    def __init__(self, data: Any, cluster_id: str) -> None:
        self.data = data
        self.cluster_id = cluster_id
        self.cluster: Any = lookup.cluster(data, cluster_id)
        self.partners = lookup.table(data, "partners")
        self.members = self.cluster.setdefault("members", [])
        self.index = {m["partner"]: m for m in self.members}

    def add(self, partner_id: str, membership: Record, partner: Record | None) -> Record:
        """Add ``partner_id`` (created from ``partner`` when new) with ``membership``."""
        created = self._partner(partner_id, partner)
        outcome = {
            "cluster": self.cluster_id,
            "partner": partner_id,
            "changed": created,
            "created_partner": created,
        }
        existing = self.index.get(partner_id)
        if existing is not None:
            _same(
                f"membership of {partner_id!r} in {self.cluster_id!r}",
                defaults(Member) | existing,
                membership,
                f"`clusters update-member {self.cluster_id} {partner_id}`",
            )
            return outcome
        member = {"partner": partner_id, **membership}
        self.members.append(member)
        self.index[partner_id] = member
        return outcome | {"changed": True}

    def _partner(self, partner_id: str, partner: Record | None) -> bool:
        existing = self.partners.get(partner_id)
        if existing is None:
            if not partner or "name" not in partner or "kind" not in partner:
                raise UnknownPartner(
                    f"no partner {partner_id!r}{lookup.suggest(partner_id, self.partners)}",
                    "pass --name and --kind to create it, or use an existing id",
                )
            self.partners[partner_id] = dict(partner)
            return True
        _same(
            f"partner {partner_id!r}",
            defaults(Partner) | existing,
            partner or {},
            f"leave out the partner options, or `clusters update-partner {partner_id}`",
        )
        return False


def add_member(
    data: Any, cluster_id: str, partner_id: str, membership: Record, partner: Record | None
) -> Outcome:
    return Members(data, cluster_id).add(partner_id, membership, partner)


def _membership(data: Any, cluster_id: str, partner_id: str) -> tuple[Any, Any]:
    cluster = lookup.cluster(data, cluster_id)
    found = next((m for m in cluster.get("members") or () if m["partner"] == partner_id), None)
    if found is None and partner_id not in lookup.partners(data):
        lookup.partner(data, partner_id)  # raises, with suggestions
    return cluster, found


def update_member(
    data: Any, cluster_id: str, partner_id: str, fields: Record, unset: Iterable[str]
) -> Outcome:
    _, member = _membership(data, cluster_id, partner_id)
    if member is None:
        raise UnknownPartner(
            f"{partner_id!r} is not a member of {cluster_id!r}",
            f"`clusters add-member {cluster_id} {partner_id}`",
        )
    changed = update_record(member, fields, unset)
    return {"cluster": cluster_id, "partner": partner_id, "changed": changed}


def remove_member(data: Any, cluster_id: str, partner_id: str) -> Outcome:
    cluster, member = _membership(data, cluster_id, partner_id)
    outcome = {"cluster": cluster_id, "partner": partner_id, "changed": member is not None}
    if member is not None:
        _set_list(cluster, "members", [m for m in cluster["members"] if m["partner"] != partner_id])
    return outcome


# -- funding -----------------------------------------------------------------------------


def add_funding(data: Any, cluster_id: str, period: Record) -> Outcome:
    cluster: Any = lookup.cluster(data, cluster_id)
    funding = cluster.setdefault("funding", [])
    outcome = {"cluster": cluster_id, "start": period["start"], "changed": False}
    existing = next((p for p in funding if p["start"] == period["start"]), None)
    if existing is not None:
        _same(
            f"the period of {cluster_id!r} from {period['start']}",
            defaults(Funding) | existing,
            period,
            f"`clusters remove-funding {cluster_id} --start {period['start']}`, then add it",
        )
        return outcome
    funding.append(dict(period))
    return outcome | {"changed": True}


def remove_funding(data: Any, cluster_id: str, start: Any) -> Outcome:
    cluster: Any = lookup.cluster(data, cluster_id)
    funding = cluster.get("funding") or []
    kept = [p for p in funding if p["start"] != start]
    changed = len(kept) != len(funding)
    if changed:
        _set_list(cluster, "funding", kept)
    return {"cluster": cluster_id, "start": start, "changed": changed}
