"""Look-ups by id, with a "did you mean" when an id is close to a known one.

Pure: a parsed registry in, the record out, or a typed error that names the fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any, cast

from ..errors import UnknownCluster, UnknownEvent, UnknownPartner
from .records import Cluster, Event, Partner, Registry


def clusters(data: Registry) -> dict[str, Cluster]:
    return data.get("clusters") or {}


def partners(data: Registry) -> dict[str, Partner]:
    return data.get("partners") or {}


def events(data: Registry) -> dict[str, Event]:
    return data.get("events") or {}


def partner_name(known: dict[str, Partner], partner_id: str) -> str | None:
    """The name of a partner, None for an id not in ``known`` (a dangling reference)."""
    found = known.get(partner_id)
    return found["name"] if found is not None else None


def partner_kind(known: dict[str, Partner], partner_id: str) -> str | None:
    """The kind of a partner, None for an id not in ``known`` (a dangling reference)."""
    found = known.get(partner_id)
    return found["kind"] if found is not None else None


def suggest(wanted: str, known: Iterable[str]) -> str:
    """`` (did you mean 'vil'?)`` when an id is close to a known one, else ``""``."""
    close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


def _find(found: dict[str, Any], wanted: str, noun: str, error: type, listing: str) -> Any:
    record = found.get(wanted)
    if record is None:
        raise error(
            f"no {noun} {wanted!r}{suggest(wanted, found)}", f"see `clusters {listing}` for the ids"
        )
    return record


def cluster(data: Registry, cluster_id: str) -> Cluster:
    return _find(clusters(data), cluster_id, "cluster", UnknownCluster, "list")


def partner(data: Registry, partner_id: str) -> Partner:
    return _find(partners(data), partner_id, "partner", UnknownPartner, "partners")


def event(data: Registry, event_id: str) -> Event:
    return _find(events(data), event_id, "event", UnknownEvent, "events")


def table(data: Registry, name: str) -> dict[str, Any]:
    """A table of records by id, created when absent (for edits)."""
    return cast(dict[str, Any], data).setdefault(name, {})
