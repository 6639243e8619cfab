"""Counts for ``clusters stats``: clusters by type and status, members by kind, support.

Pure: a registry and a date in, the JSON shape out. Every enumerated value is present
with 0 when nothing counts, so scripts need no ``.get``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..programme import periods
from ..programme.members import current_members
from ..registry.lookup import partner_kind
from ..registry.records import Registry
from ..registry.vocabulary import CLUSTER_TYPES, PARTNER_KINDS, STATUSES
from .event_rows import participation_counts
from .timeline import window, year_summaries

Row = dict[str, Any]
UNKNOWN_KIND = "unknown"  # a membership naming a partner that is not in [partners]


def build(data: Registry, on: dt.date) -> Row:
    """``clusters stats --json``: the counts, the support per year, the participation."""
    clusters = data.get("clusters") or {}
    funded = [c for c in clusters.values() if c.get("funding")]
    years = window(funded, None, None)
    return {
        **counts(data, on),
        "support": year_summaries(funded, *years) if years else [],
        "participation": participation_counts(data),
    }


def counts(data: Registry, on: dt.date) -> Row:
    """Clusters by type and status, current members by kind, partners by kind (the
    first keys of ``build``: what the site's overview shows)."""
    clusters = data.get("clusters") or {}
    people = data.get("partners") or {}
    by_type_status = {kind: dict.fromkeys(STATUSES, 0) for kind in CLUSTER_TYPES}
    members = dict.fromkeys((*PARTNER_KINDS, UNKNOWN_KIND), 0)
    for cluster in clusters.values():
        by_type_status[cluster["type"]][periods.status(cluster, on)] += 1
        for member in current_members(cluster, on):
            kind = partner_kind(people, member["partner"]) or UNKNOWN_KIND
            members[kind] += 1
    partners = dict.fromkeys(PARTNER_KINDS, 0)
    for record in people.values():
        partners[record["kind"]] += 1
    return {
        "on": on,
        "clusters": {
            "total": len(clusters),
            "by_type": {kind: sum(by_type_status[kind].values()) for kind in CLUSTER_TYPES},
            "by_status": {
                state: sum(by_type_status[kind][state] for kind in CLUSTER_TYPES)
                for state in STATUSES
            },
            "by_type_and_status": by_type_status,
        },
        "members": {"total": sum(members.values()), "by_kind": members},
        "partners": {"total": len(people), "by_kind": partners},
    }
