"""Edits of the network's events and of who took part in them.

Pure functions over the data, like ``record_edits``: each returns the edit's JSON or raises
a typed error; ``transaction.transact`` runs them under the lock and judges the result.
Participants are a roster like a cluster's members (``record_edits.PARTICIPANTS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..registry import lookup
from ..registry.records import Event
from .record_edits import (
    PARTICIPANTS,
    Outcome,
    Record,
    add_entry,
    add_record,
    remove_entry,
    set_list,
    update_entry,
    update_record,
)


def add_event(data: Any, event_id: str, fields: Record) -> Outcome:
    return add_record(data, "events", event_id, fields, Event)


def update_event(
    data: Any, event_id: str, fields: Record, unset: Iterable[str], drop: Iterable[str] = ()
) -> Outcome:
    """Change an event's fields; ``drop`` removes clusters from its ``clusters`` list
    (after ``unset``, before the clusters ``fields`` adds)."""
    record: Any = lookup.event(data, event_id)
    before = dict(record)
    unset = list(unset)
    dropped = set(drop)
    if dropped and "clusters" in record and "clusters" not in unset:
        set_list(record, "clusters", [c for c in record["clusters"] if c not in dropped])
    changed = update_record(record, fields, unset)
    return {"event": event_id, "changed": changed or record != before}


def remove_event(data: Any, event_id: str) -> Outcome:
    lookup.event(data, event_id)
    del data["events"][event_id]
    return {"event": event_id, "changed": True}


def add_participant(
    data: Any, event_id: str, partner_id: str, entry: Record, partner: Record | None
) -> Outcome:
    return add_entry(data, PARTICIPANTS, event_id, partner_id, entry, partner)


def update_participant(
    data: Any, event_id: str, partner_id: str, fields: Record, unset: Iterable[str]
) -> Outcome:
    return update_entry(data, PARTICIPANTS, event_id, partner_id, fields, unset)


def remove_participant(data: Any, event_id: str, partner_id: str) -> Outcome:
    return remove_entry(data, PARTICIPANTS, event_id, partner_id)
