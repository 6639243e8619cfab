"""The network's events: the rows behind ``events`` and ``event show``, the events of a
cluster or a partner, and the participation figures of ``stats``.

Pure: a registry and a date in, plain dicts out (the JSON shapes of docs/json.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..programme import participation
from ..registry import lookup
from ..registry.fields import order
from ..registry.lookup import partner_kind, partner_name
from ..registry.records import Event, Registry
from ..registry.vocabulary import EVENT_KINDS, PARTNER_KINDS

Row = dict[str, Any]
UNKNOWN_KIND = "unknown"  # a participant that is not in [partners]


def _row(event_id: str, event: Event) -> Row:
    return {
        "id": event_id,
        "title": event["title"],
        "kind": event["kind"],
        "start": event["start"],
        "end": participation.end(event),
        "place": event.get("place"),
        "audience": participation.audience(event),
        "clusters": list(event.get("clusters") or ()),
        "participants": len(event.get("participants") or ()),
        "reported_participants": event.get("reported_participants"),
    }


def rows(
    data: Registry,
    on: dt.date,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    kind: str | None = None,
    cluster: str | None = None,
    upcoming: bool = False,
) -> list[Row]:
    """One row per event (``events --json``), by start then id, filters applied:
    ``first``/``last`` keep the events whose days meet that range, ``upcoming`` those that
    end on or after ``on``, ``cluster`` those the cluster took part in."""
    if cluster is not None:
        lookup.cluster(data, cluster)  # an unknown id is an error, not an empty list
    chosen = []
    for event_id, event in participation.events(data).items():
        if kind and event["kind"] != kind:
            continue
        if cluster and cluster not in (event.get("clusters") or ()):
            continue
        if not participation.overlaps(event, first, last):
            continue
        if upcoming and participation.end(event) < on:
            continue
        chosen.append((event["start"], event_id, event))
    return [_row(event_id, event) for _, event_id, event in sorted(chosen)]


def chosen(data: Registry, found: list[Row]) -> dict[str, Event]:
    """The records of the rows (for the calendar), in the rows' order."""
    records = participation.events(data)
    return {row["id"]: records[row["id"]] for row in found}


def detail(data: Registry, event_id: str) -> Row:
    """One event with every field (null when absent) and its participants named."""
    event = lookup.event(data, event_id)
    given: dict[str, Any] = dict(event)
    people = lookup.partners(data)
    out: Row = {"id": event_id}
    for key in order(Event):
        out[key] = given.get(key)
    out["end"] = participation.end(event)
    out["audience"] = participation.audience(event)
    out["clusters"] = list(event.get("clusters") or ())
    out["sources"] = list(event.get("sources") or ())
    out["participants"] = [
        {
            "partner": p["partner"],
            "name": partner_name(people, p["partner"]),
            "kind": partner_kind(people, p["partner"]),
            "role": participation.role(p),
        }
        for p in event.get("participants") or ()
    ]
    return out


def brief(data: Registry, event_ids: list[str], partner_id: str | None = None) -> list[Row]:
    """Short rows of some events (for ``show`` and ``partner show``): id, title, kind,
    dates and, for a partner, its role (``organiser`` for the organiser)."""
    records = participation.events(data)
    out = []
    for event_id in event_ids:
        event = records[event_id]
        row: Row = {
            "event": event_id,
            "title": event["title"],
            "kind": event["kind"],
            "start": event["start"],
            "end": participation.end(event),
        }
        if partner_id is not None:
            roles = [
                participation.role(p)
                for p in event.get("participants") or ()
                if p["partner"] == partner_id
            ]
            if event.get("organiser") == partner_id and "organiser" not in roles:
                roles.insert(0, "organiser")
            row["role"] = roles[0] if roles else None
        out.append(row)
    return out


def participation_counts(data: Registry) -> Row:
    """Events per year and kind; organisations taking part per year, each counted once a
    year however many events it attends, also by partner kind; events per cluster.

    An event counts in the year it starts.
    """
    people = lookup.partners(data)
    years: dict[int, Row] = {}
    orgs: dict[int, set[str]] = {}
    for event in participation.events(data).values():
        year = event["start"].year
        entry = years.setdefault(
            year, {"year": year, "events": 0, "by_kind": dict.fromkeys(EVENT_KINDS, 0)}
        )
        entry["events"] += 1
        entry["by_kind"][event["kind"]] += 1
        orgs.setdefault(year, set()).update(participation.organisations(event))
    out_years = []
    for year in sorted(years):
        kinds = dict.fromkeys((*PARTNER_KINDS, UNKNOWN_KIND), 0)
        for partner_id in orgs[year]:
            kinds[partner_kind(people, partner_id) or UNKNOWN_KIND] += 1
        out_years.append(
            {**years[year], "organisations": len(orgs[year]), "organisations_by_kind": kinds}
        )
    taken = participation.of_clusters(data)
    return {
        "events": len(participation.events(data)),
        "years": out_years,
        "clusters": [
            {"cluster": cluster_id, "events": len(taken.get(cluster_id, ()))}
            for cluster_id in sorted(lookup.clusters(data))
        ],
    }
