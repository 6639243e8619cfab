"""Edits of a registry: pure functions that change the data in place and say what they did.

Each returns the edit's JSON (always with ``"changed"``; docs/json.md) or raises a typed
error (unknown id, conflict). They never touch the file: ``transaction.transact`` reads,
calls one of these under the lock, checks the rules and writes. Edits are idempotent:
adding what is there already changes nothing; adding it with other values is a conflict.
Values an absent field stands for (its declared default) match the absence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..errors import Conflict, UnknownPartner
from ..programme import members, participation
from ..registry import lookup
from ..registry.fields import defaults, fields, is_record
from ..registry.records import Cluster, Event, Funding, Label, Member, Participant, Partner
from ..registry.value_text import shown

Record = dict[str, Any]  # a record being edited: any of the records' TypedDicts
Outcome = dict[str, Any]  # an edit's JSON


@cache
def list_fields() -> frozenset[str]:
    """The fields that hold a list of values, not of records (``sources``, ``nace``, an
    event's ``clusters``): an option adds to them. Derived from the records' declarations."""
    edited = (Cluster, Partner, Member, Funding, Label, Event, Participant)
    return frozenset(
        f.key for record in edited for f in fields(record) if f.is_list and not is_record(f.item)
    )


def _differences(existing: Mapping[str, Any], given: Mapping[str, Any]) -> list[str]:
    """Given fields whose values differ from the record's (lists: given items missing)."""
    out = []
    for key, value in given.items():
        current = existing.get(key)
        if key in list_fields():
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


def set_list(record: Record, key: str, items: list[Any]) -> None:
    """Store a list (of records, or of ids); an empty one is dropped (absent and empty mean
    the same)."""
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
        if key in list_fields():
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
    naming = participation.naming(data, "clusters", cluster_id)
    if naming:
        raise Conflict(
            f"cluster {cluster_id!r} is named by the events {', '.join(naming)}",
            f"`clusters update-event EVENT --drop-cluster {cluster_id}` first",
        )
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
    naming = participation.naming(data, "partners", partner_id)
    if naming:
        raise Conflict(
            f"partner {partner_id!r} takes part in the events {', '.join(naming)}",
            f"`clusters remove-participant EVENT {partner_id}` (or `update-event EVENT "
            "--unset organiser`) first",
        )
    del data["partners"][partner_id]
    return {"partner": partner_id, "changed": True}


# -- memberships and participations ------------------------------------------------------


@dataclass(frozen=True)
class RosterKind:
    """A list of partners within a record: a cluster's members, an event's participants."""

    table: str  # where the owning records are: clusters, events
    noun: str  # the owner: cluster, event
    key: str  # the list: members, participants
    record: type  # one entry: Member, Participant
    what: str  # an entry: membership, participation
    being: str  # a partner that has an entry is …: "a member of", "a participant in"
    command: str  # the edit commands' noun: member, participant


MEMBERS = RosterKind(
    "clusters", "cluster", "members", Member, "membership", "a member of", "member"
)
PARTICIPANTS = RosterKind(
    "events", "event", "participants", Participant, "participation", "a participant in",
    "participant",
)  # fmt: skip


def _owner(data: Any, kind: RosterKind, owner_id: str) -> Any:
    return (
        lookup.cluster(data, owner_id) if kind.table == "clusters" else lookup.event(data, owner_id)
    )


class Roster:
    """The entries of one record's list, indexed by partner (one pass, then O(1) each)."""

    # How to keep the registry's values when the partner's given differ: the fix of
    # that conflict (a CSV import says "cells", not "options").
    keep_partner = "leave out the partner options"

    def __init__(self, data: Any, kind: RosterKind, owner_id: str) -> None:
        self.kind = kind
        self.owner_id = owner_id
        self.owner = _owner(data, kind, owner_id)
        self.partners = lookup.table(data, "partners")
        self.entries = self.owner.setdefault(kind.key, [])
        self.index = {entry["partner"]: entry for entry in self.entries}

    def add(self, partner_id: str, entry: Record, partner: Record | None) -> Outcome:
        """Add ``partner_id`` (created from ``partner`` when new) with ``entry``."""
        kind = self.kind
        created = self._partner(partner_id, partner)
        outcome = {
            kind.noun: self.owner_id,
            "partner": partner_id,
            "changed": created,
            "created_partner": created,
        }
        existing = self.index.get(partner_id)
        if existing is not None:
            _same(
                f"{kind.what} of {partner_id!r} in {self.owner_id!r}",
                defaults(kind.record) | existing,
                entry,
                f"`clusters update-{kind.command} {self.owner_id} {partner_id}`",
            )
            return outcome
        new = {"partner": partner_id, **entry}
        self.entries.append(new)
        self.index[partner_id] = new
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
            f"{self.keep_partner}, or `clusters update-partner {partner_id}`",
        )
        return False


def _entry(data: Any, kind: RosterKind, owner_id: str, partner_id: str) -> tuple[Any, Any]:
    owner = _owner(data, kind, owner_id)
    found = next((e for e in owner.get(kind.key) or () if e["partner"] == partner_id), None)
    if found is None and partner_id not in lookup.partners(data):
        lookup.partner(data, partner_id)  # raises, with suggestions
    return owner, found


def add_entry(
    data: Any,
    kind: RosterKind,
    owner_id: str,
    partner_id: str,
    entry: Record,
    partner: Record | None,
) -> Outcome:
    return Roster(data, kind, owner_id).add(partner_id, entry, partner)


def update_entry(
    data: Any,
    kind: RosterKind,
    owner_id: str,
    partner_id: str,
    fields: Record,
    unset: Iterable[str],
) -> Outcome:
    _, entry = _entry(data, kind, owner_id, partner_id)
    if entry is None:
        raise UnknownPartner(
            f"{partner_id!r} is not {kind.being} {owner_id!r}",
            f"`clusters add-{kind.command} {owner_id} {partner_id}`",
        )
    changed = update_record(entry, fields, unset)
    return {kind.noun: owner_id, "partner": partner_id, "changed": changed}


def remove_entry(data: Any, kind: RosterKind, owner_id: str, partner_id: str) -> Outcome:
    owner, entry = _entry(data, kind, owner_id, partner_id)
    outcome = {kind.noun: owner_id, "partner": partner_id, "changed": entry is not None}
    if entry is not None:
        kept = [e for e in owner[kind.key] if e["partner"] != partner_id]
        set_list(owner, kind.key, kept)
    return outcome


def add_member(
    data: Any, cluster_id: str, partner_id: str, membership: Record, partner: Record | None
) -> Outcome:
    return add_entry(data, MEMBERS, cluster_id, partner_id, membership, partner)


def update_member(
    data: Any, cluster_id: str, partner_id: str, fields: Record, unset: Iterable[str]
) -> Outcome:
    return update_entry(data, MEMBERS, cluster_id, partner_id, fields, unset)


def remove_member(data: Any, cluster_id: str, partner_id: str) -> Outcome:
    return remove_entry(data, MEMBERS, cluster_id, partner_id)


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
        set_list(cluster, "funding", kept)
    return {"cluster": cluster_id, "start": start, "changed": changed}
