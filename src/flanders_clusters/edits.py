"""Edits of a registry: pure functions that change the data in place and say what they did.

Each returns the JSON of SPEC §5 (always with ``"changed"``) or raises a typed error
(unknown id, conflict). They never touch the file: ``files.transact`` reads, calls one of
these under the lock, checks the rules and writes. Edits are idempotent: adding what is
there already changes nothing; adding it with other values is a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import domain, queries
from .errors import Conflict, UnknownPartner
from .vocabulary import CLUSTER_DEFAULTS, FUNDING_DEFAULTS, MEMBER_DEFAULTS, PARTNER_DEFAULTS

Record = dict[str, Any]
LIST_FIELDS = ("sources",)
# Values an absent field stands for (SPEC §3): giving one of them matches the absence.


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
        said = "; ".join(f"{k} is {existing.get(k)!r}, not {given[k]!r}" for k in differ)
        raise Conflict(f"{what} exists with other values ({said}); fix: {fix}")


def _table(data: Record, name: str) -> dict[str, Record]:
    return data.setdefault(name, {})


def _set_list(record: Record, key: str, items: list[Record]) -> None:
    """Store a list of records; an empty one is dropped (absent and empty mean the same)."""
    if items:
        record[key] = items
    else:
        record.pop(key, None)


# -- clusters ----------------------------------------------------------------------------


def _add(data: Record, table: str, key: str, fields: Record, defaults: Record) -> Record:
    """Add a cluster or partner record; the same again changes nothing, other values
    conflict (they are what update-… is for)."""
    noun = table.removesuffix("s")
    records = _table(data, table)
    existing = records.get(key)
    if existing is not None:
        _same(f"{noun} {key!r}", defaults | existing, fields, f"`clusters update-{noun} {key}`")
        return {noun: key, "changed": False}
    records[key] = dict(fields)
    return {noun: key, "changed": True}


def add_cluster(data: Record, cluster_id: str, fields: Record) -> Record:
    return _add(data, "clusters", cluster_id, fields, CLUSTER_DEFAULTS)


def update_record(record: Record, fields: Record, unset: Iterable[str]) -> bool:
    """Set ``fields`` (list fields gain the given items) and drop ``unset``; changed?"""
    changed = False
    for key, value in fields.items():
        if key in LIST_FIELDS:
            merged = list(record.get(key) or ())
            merged.extend(item for item in value if item not in merged)
            value = merged
        if record.get(key) != value or key not in record:
            record[key] = value
            changed = True
    for key in unset:
        if key in record:
            del record[key]
            changed = True
    return changed


def update_cluster(data: Record, cluster_id: str, fields: Record, unset: Iterable[str]) -> Record:
    record = queries.cluster(data, cluster_id)
    return {"cluster": cluster_id, "changed": update_record(record, fields, unset)}


def remove_cluster(data: Record, cluster_id: str) -> Record:
    queries.cluster(data, cluster_id)
    del data["clusters"][cluster_id]
    return {"cluster": cluster_id, "changed": True}


# -- partners ----------------------------------------------------------------------------


def add_partner(data: Record, partner_id: str, fields: Record) -> Record:
    return _add(data, "partners", partner_id, fields, PARTNER_DEFAULTS)


def update_partner(data: Record, partner_id: str, fields: Record, unset: Iterable[str]) -> Record:
    record = queries.partner(data, partner_id)
    return {"partner": partner_id, "changed": update_record(record, fields, unset)}


def remove_partner(data: Record, partner_id: str) -> Record:
    queries.partner(data, partner_id)
    holding = domain.memberships(data).get(partner_id)
    if holding:
        raise Conflict(
            f"partner {partner_id!r} is still a member of {', '.join(holding)}; "
            f"fix: `clusters remove-member CLUSTER {partner_id}` first"
        )
    del data["partners"][partner_id]
    return {"partner": partner_id, "changed": True}


# -- memberships -------------------------------------------------------------------------


class Members:
    """The memberships of one cluster, indexed by partner (one pass, then O(1) each)."""

    def __init__(self, data: Record, cluster_id: str) -> None:
        self.data = data
        self.cluster_id = cluster_id
        self.cluster = queries.cluster(data, cluster_id)
        self.partners = _table(data, "partners")
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
                MEMBER_DEFAULTS | existing,
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
                    f"no partner {partner_id!r}{queries.suggest(partner_id, self.partners)}; "
                    "fix: pass --name and --kind to create it, or use an existing id"
                )
            self.partners[partner_id] = dict(partner)
            return True
        _same(
            f"partner {partner_id!r}",
            PARTNER_DEFAULTS | existing,
            partner or {},
            f"leave out the partner options, or `clusters update-partner {partner_id}`",
        )
        return False


def add_member(
    data: Record, cluster_id: str, partner_id: str, membership: Record, partner: Record | None
) -> Record:
    return Members(data, cluster_id).add(partner_id, membership, partner)


def _membership(data: Record, cluster_id: str, partner_id: str) -> tuple[Record, Record | None]:
    cluster = queries.cluster(data, cluster_id)
    found = next((m for m in cluster.get("members") or () if m["partner"] == partner_id), None)
    if found is None and partner_id not in queries.partners(data):
        queries.partner(data, partner_id)  # raises, with suggestions
    return cluster, found


def update_member(
    data: Record, cluster_id: str, partner_id: str, fields: Record, unset: Iterable[str]
) -> Record:
    _, member = _membership(data, cluster_id, partner_id)
    if member is None:
        raise UnknownPartner(
            f"{partner_id!r} is not a member of {cluster_id!r}; "
            f"fix: `clusters add-member {cluster_id} {partner_id}`"
        )
    changed = update_record(member, fields, unset)
    return {"cluster": cluster_id, "partner": partner_id, "changed": changed}


def remove_member(data: Record, cluster_id: str, partner_id: str) -> Record:
    cluster, member = _membership(data, cluster_id, partner_id)
    outcome = {"cluster": cluster_id, "partner": partner_id, "changed": member is not None}
    if member is not None:
        _set_list(cluster, "members", [m for m in cluster["members"] if m["partner"] != partner_id])
    return outcome


# -- funding -----------------------------------------------------------------------------


def add_funding(data: Record, cluster_id: str, period: Record) -> Record:
    cluster = queries.cluster(data, cluster_id)
    funding = cluster.setdefault("funding", [])
    outcome = {"cluster": cluster_id, "start": period["start"], "changed": False}
    existing = next((p for p in funding if p["start"] == period["start"]), None)
    if existing is not None:
        _same(
            f"the period of {cluster_id!r} from {period['start']}",
            FUNDING_DEFAULTS | existing,
            period,
            f"`clusters remove-funding {cluster_id} --start {period['start']}`, then add it",
        )
        return outcome
    funding.append(dict(period))
    return outcome | {"changed": True}


def remove_funding(data: Record, cluster_id: str, start: Any) -> Record:
    cluster = queries.cluster(data, cluster_id)
    funding = cluster.get("funding") or []
    kept = [p for p in funding if p["start"] != start]
    changed = len(kept) != len(funding)
    if changed:
        _set_list(cluster, "funding", kept)
    return {"cluster": cluster_id, "start": start, "changed": changed}
