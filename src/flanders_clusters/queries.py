"""Read-only views of a registry: the rows behind ``list``, ``show`` and ``partners``.

Pure: a registry dict and a date in, plain dicts out (the JSON shapes of SPEC §5). The
renderer draws the same dicts as tables.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from . import domain
from .errors import UnknownCluster, UnknownPartner
from .vocabulary import CLUSTER_FIELDS, PARTNER_FIELDS

Record = dict[str, Any]


def clusters(data: Record) -> dict[str, Record]:
    return data.get("clusters") or {}


def partners(data: Record) -> dict[str, Record]:
    return data.get("partners") or {}


def suggest(wanted: str, known: list[str] | Any) -> str:
    """`` (did you mean 'vil'?)`` when an id is close to a known one, else ``""``."""
    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def cluster(data: Record, cluster_id: str) -> Record:
    found = clusters(data).get(cluster_id)
    if found is None:
        raise UnknownCluster(
            f"no cluster {cluster_id!r}{suggest(cluster_id, clusters(data))}; "
            "fix: see `clusters list` for the ids"
        )
    return found


def partner(data: Record, partner_id: str) -> Record:
    found = partners(data).get(partner_id)
    if found is None:
        raise UnknownPartner(
            f"no partner {partner_id!r}{suggest(partner_id, partners(data))}; "
            "fix: see `clusters partners` for the ids"
        )
    return found


def list_rows(
    data: Record,
    on: dt.date,
    *,
    type_: str | None = None,
    status: str | None = None,
    domain_text: str | None = None,
) -> list[Record]:
    """One row per cluster (SPEC §5 ``list --json``), sorted by id, filters applied."""
    rows = []
    needle = domain_text.casefold() if domain_text else None
    for cluster_id in sorted(clusters(data)):
        record = clusters(data)[cluster_id]
        if type_ and record["type"] != type_:
            continue
        if needle and needle not in record["domain"].casefold():
            continue
        state = domain.status(record, on)
        if status and state != status:
            continue
        start, end = domain.span(record)
        rows.append(
            {
                "id": cluster_id,
                "name": record["name"],
                "type": record["type"],
                "domain": record["domain"],
                "status": state,
                "start": start,
                "end": end,
                "members": len(record.get("members") or ()),
            }
        )
    return rows


def member_rows(data: Record, record: Record) -> list[Record]:
    people = partners(data)
    rows = []
    for member in record.get("members") or ():
        known = people.get(member["partner"]) or {}
        rows.append(
            {
                "partner": member["partner"],
                "name": known.get("name"),
                "kind": known.get("kind"),
                "role": domain.role(member),
                "since": member.get("since"),
                "until": member.get("until"),
            }
        )
    return rows


def funding_rows(record: Record) -> list[Record]:
    return [
        {
            "start": p["start"],
            "end": p["end"],
            "end_basis": domain.end_basis(p),
            "annual_support_eur": p.get("annual_support_eur"),
            "total_support_eur": p.get("total_support_eur"),
            "support_rate": p.get("support_rate"),
            "reference": p.get("reference"),
        }
        for p in domain.periods(record)
    ]


def show(data: Record, cluster_id: str, on: dt.date) -> Record:
    """One cluster with every field (null when absent), its funding and its members."""
    record = cluster(data, cluster_id)
    out: Record = {"id": cluster_id}
    for key in CLUSTER_FIELDS:
        if key not in ("funding", "members"):
            out[key] = record.get(key)
    out["members_complete"] = domain.members_complete(record)
    out["sources"] = list(record.get("sources") or ())
    start, end = domain.span(record)
    out["status"] = domain.status(record, on)
    out["start"], out["end"] = start, end
    out["days_left"] = domain.days_left(record, on)
    out["funding"] = funding_rows(record)
    out["members"] = member_rows(data, record)
    return out


def partner_row(partner_id: str, record: Record) -> Record:
    out: Record = {"id": partner_id}
    for key in PARTNER_FIELDS:
        out[key] = record.get(key)
    out["country"] = domain.country(record)
    return out


def partner_rows(
    data: Record, *, kind: str | None = None, network_role: str | None = None
) -> list[Record]:
    """One row per partner, sorted by id, with the ids of the clusters it belongs to."""
    memberships = domain.memberships(data)
    rows = []
    for partner_id in sorted(partners(data)):
        record = partners(data)[partner_id]
        if kind and record["kind"] != kind:
            continue
        if network_role and record.get("network_role") != network_role:
            continue
        row = partner_row(partner_id, record)
        row["clusters"] = memberships.get(partner_id, [])
        rows.append(row)
    return rows


def partner_detail(data: Record, partner_id: str) -> Record:
    """One partner and its memberships."""
    out = partner_row(partner_id, partner(data, partner_id))
    out["clusters"] = [
        {
            "cluster": cluster_id,
            "name": record["name"],
            "type": record["type"],
            "role": domain.role(member),
            "since": member.get("since"),
            "until": member.get("until"),
        }
        for cluster_id, record, member in sorted(
            domain.clusters_of(data, partner_id), key=lambda item: item[0]
        )
    ]
    return out
