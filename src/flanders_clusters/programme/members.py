"""Memberships: roles, who is a current member on a date, who belongs where."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..registry import lookup
from ..registry.fields import defaults
from ..registry.records import Cluster, Member, Registry

_ROLE = defaults(Member)["role"]
_COMPLETE = defaults(Cluster)["members_complete"]


def role(member: Member) -> str:
    return member.get("role", _ROLE)


def members_complete(cluster: Cluster) -> bool:
    return cluster.get("members_complete", _COMPLETE)


def is_current(member: Member, on: dt.date) -> bool:
    """``since`` ≤ on ≤ ``until``, a missing bound being open."""
    since, until = member.get("since"), member.get("until")
    return (since is None or since <= on) and (until is None or on <= until)


def current_members(cluster: Cluster, on: dt.date) -> list[Member]:
    return [m for m in cluster.get("members") or () if is_current(m, on)]


def memberships(data: Registry) -> dict[str, list[str]]:
    """Partner id → the sorted ids of the clusters that list it (in one pass)."""
    out: dict[str, set[str]] = {}
    for cluster_id, cluster in lookup.clusters(data).items():
        for member in cluster.get("members") or ():
            out.setdefault(member["partner"], set()).add(cluster_id)
    return {partner_id: sorted(ids) for partner_id, ids in sorted(out.items())}


def clusters_of(data: Registry, partner_id: str) -> Iterable[tuple[str, Cluster, Member]]:
    """(cluster id, cluster, membership) for each membership of a partner."""
    for cluster_id, cluster in lookup.clusters(data).items():
        for member in cluster.get("members") or ():
            if member.get("partner") == partner_id:
                yield cluster_id, cluster, member
