"""Read-only views of a registry: the rows behind ``list``, ``show`` and ``partners``.

Pure: a registry and a date in, plain dicts out (the JSON shapes of docs/json.md). The
terminal layer draws the same dicts as tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..programme import enterprises, label_validity, members, participation, periods
from ..programme.policy import policy
from ..registry import lookup
from ..registry.fields import order
from ..registry.records import Cluster, Partner, Registry
from .event_rows import brief

Row = dict[str, Any]  # a row of a view: the JSON object it is printed as
_LISTS = ("labels", "funding", "members")


def list_rows(
    data: Registry,
    on: dt.date,
    *,
    type_: str | None = None,
    status: str | None = None,
    domain: str | None = None,
) -> list[Row]:
    """One row per cluster (``list --json``), sorted by id, filters applied."""
    rows = []
    found = lookup.clusters(data)
    needle = domain.casefold() if domain else None
    for cluster_id in sorted(found):
        record = found[cluster_id]
        if type_ and record["type"] != type_:
            continue
        if needle and needle not in record["domain"].casefold():
            continue
        state = periods.status(record, on)
        if status and state != status:
            continue
        start, end = periods.span(record)
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


def member_rows(data: Registry, record: Cluster) -> list[Row]:
    people = lookup.partners(data)
    rows = []
    for member in record.get("members") or ():
        known: dict[str, Any] = dict(people.get(member["partner"]) or {})
        rows.append(
            {
                "partner": member["partner"],
                "name": known.get("name"),
                "kind": known.get("kind"),
                "role": members.role(member),
                "since": member.get("since"),
                "until": member.get("until"),
            }
        )
    return rows


def funding_rows(record: Cluster) -> list[Row]:
    return [
        {
            "start": p["start"],
            "end": p["end"],
            "end_basis": periods.end_basis(p),
            "annual_support_eur": p.get("annual_support_eur"),
            "total_support_eur": p.get("total_support_eur"),
            "support_rate": p.get("support_rate"),
            "reference": p.get("reference"),
        }
        for p in periods.periods(record)
    ]


def label_rows(data: Registry, record: Cluster, on: dt.date) -> list[Row]:
    """The labels in canonical order (scheme, awarded), each with its expiry in effect
    (``expires`` or awarded + the policy's months) and its state on ``on``."""
    effective = policy(data)
    found = sorted(record.get("labels") or (), key=lambda x: (x["scheme"], x["awarded"]))
    return [
        {
            "scheme": label["scheme"],
            "level": label["level"],
            "awarded": label["awarded"],
            "expires": label.get("expires"),
            "reference": label.get("reference"),
            "expiry": label_validity.expiry(label, effective),
            "state": label_validity.state(label, on, effective),
            "days_left": label_validity.days_left(label, on, effective),
        }
        for label in found
    ]


def show(data: Registry, cluster_id: str, on: dt.date) -> Row:
    """One cluster with every field (null when absent), its labels, funding and members."""
    record = lookup.cluster(data, cluster_id)
    given: dict[str, Any] = dict(record)
    out: Row = {"id": cluster_id}
    for key in order(Cluster):
        if key not in _LISTS:
            out[key] = given.get(key)
    out["members_complete"] = members.members_complete(record)
    out["sources"] = list(record.get("sources") or ())
    start, end = periods.span(record)
    out["status"] = periods.status(record, on)
    out["start"], out["end"] = start, end
    out["days_left"] = periods.days_left(record, on)
    out["labels"] = label_rows(data, record, on)
    out["funding"] = funding_rows(record)
    out["members"] = member_rows(data, record)
    out["events"] = brief(data, participation.of_clusters(data).get(cluster_id, []))
    return out


def partner_row(partner_id: str, record: Partner) -> Row:
    given: dict[str, Any] = dict(record)
    out: Row = {"id": partner_id}
    for key in order(Partner):
        out[key] = given.get(key)
    out["country"] = enterprises.country(record)
    return out


def partner_rows(
    data: Registry, *, kind: str | None = None, network_role: str | None = None
) -> list[Row]:
    """One row per partner, sorted by id, with the ids of the clusters it belongs to."""
    joined = members.memberships(data)
    found = lookup.partners(data)
    rows = []
    for partner_id in sorted(found):
        record = found[partner_id]
        if kind and record["kind"] != kind:
            continue
        if network_role and record.get("network_role") != network_role:
            continue
        row = partner_row(partner_id, record)
        row["clusters"] = joined.get(partner_id, [])
        rows.append(row)
    return rows


def partner_detail(data: Registry, partner_id: str) -> Row:
    """One partner and its memberships."""
    out = partner_row(partner_id, lookup.partner(data, partner_id))
    out["clusters"] = [
        {
            "cluster": cluster_id,
            "name": record["name"],
            "type": record["type"],
            "role": members.role(member),
            "since": member.get("since"),
            "until": member.get("until"),
        }
        for cluster_id, record, member in sorted(
            members.clusters_of(data, partner_id), key=lambda item: item[0]
        )
    ]
    out["events"] = brief(data, participation.of_partners(data).get(partner_id, []), partner_id)
    return out
