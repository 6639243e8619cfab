"""Network activities: an event's dates, who took part, and which events each cluster and
partner took part in.

A cluster took part in an event when the event's ``clusters`` lists it; an organisation
took part when it is a participant or the organiser. Pure functions over the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..registry.fields import defaults
from ..registry.lookup import events
from ..registry.records import Event, Participant, Registry

_ROLE = defaults(Participant)["role"]
_AUDIENCE = defaults(Event)["audience"]


def end(event: Event) -> dt.date:
    """The last day of an event: its ``end``, or its start when it has none."""
    return event.get("end") or event["start"]


def role(participant: Participant) -> str:
    return participant.get("role", _ROLE)


def audience(event: Event) -> str:
    return event.get("audience", _AUDIENCE)


def overlaps(event: Event, first: dt.date | None, last: dt.date | None) -> bool:
    """Whether the event's days meet ``first``–``last`` (an open bound is None)."""
    return (first is None or end(event) >= first) and (last is None or event["start"] <= last)


def organisations(event: Event) -> list[str]:
    """The partner ids that took part: the participants and the organiser, each once."""
    found = [p["partner"] for p in event.get("participants") or ()]
    organiser = event.get("organiser")
    if organiser is not None:
        found.append(organiser)
    return list(dict.fromkeys(found))


def of_clusters(data: Registry) -> dict[str, list[str]]:
    """Cluster id → the ids of the events it took part in, sorted by start (one pass)."""
    out: dict[str, list[str]] = {}
    for event_id, event in by_start(events(data)):
        for cluster_id in dict.fromkeys(event.get("clusters") or ()):
            out.setdefault(cluster_id, []).append(event_id)
    return out


def of_partners(data: Registry) -> dict[str, list[str]]:
    """Partner id → the ids of the events it took part in, sorted by start (one pass)."""
    out: dict[str, list[str]] = {}
    for event_id, event in by_start(events(data)):
        for partner_id in organisations(event):
            out.setdefault(partner_id, []).append(event_id)
    return out


def naming(data: Registry, table: str, record_id: str) -> list[str]:
    """The ids of the events that name a cluster or partner (``table``), sorted."""
    found = of_clusters(data) if table == "clusters" else of_partners(data)
    return sorted(found.get(record_id, ()))


def by_start(found: dict[str, Event]) -> Iterable[tuple[str, Event]]:
    """(id, event) by start, then id."""
    return sorted(found.items(), key=lambda item: (item[1]["start"], item[0]))
