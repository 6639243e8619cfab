"""Quality labels of cluster management: when a label expires and what it is on a date.

A label is valid through its expiry date: ``expires`` when the registry records it, else
``awarded`` plus the policy's ``label_validity_months`` for its level. On a date a label
is ``valid``, ``expiring`` (it expires within ``ending_soon_days``), ``expired``, or
``future`` (awarded after the date: it does not exist yet). The label that counts for a
scheme on a date is the latest one awarded on or before it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..registry.records import Cluster, Label
from .periods import add_months


def expiry(label: Label, policy: dict[str, Any]) -> dt.date:
    """The last day the label is valid (the end of time when the months run past 9999)."""
    recorded = label.get("expires")
    if recorded is not None:
        return recorded
    months = policy["label_validity_months"][label["level"]]
    return add_months(label["awarded"], months) or dt.date.max


def state(label: Label, on: dt.date, policy: dict[str, Any]) -> str:
    if label["awarded"] > on:
        return "future"
    left = (expiry(label, policy) - on).days
    if left < 0:
        return "expired"
    return "expiring" if left <= policy["ending_soon_days"] else "valid"


def days_left(label: Label, on: dt.date, policy: dict[str, Any]) -> int | None:
    """Days from ``on`` to the expiry (0 on its last day); None unless it holds on ``on``."""
    if state(label, on, policy) in ("valid", "expiring"):
        return (expiry(label, policy) - on).days
    return None


def latest(cluster: Cluster, on: dt.date) -> dict[str, tuple[int, Label]]:
    """Scheme → (index in the cluster's list, label): the latest awarded on or before ``on``."""
    out: dict[str, tuple[int, Label]] = {}
    for index, label in enumerate(cluster.get("labels") or ()):
        if label["awarded"] > on:
            continue
        found = out.get(label["scheme"])
        if found is None or label["awarded"] > found[1]["awarded"]:
            out[label["scheme"]] = (index, label)
    return dict(sorted(out.items()))


def named(label: Label) -> str:
    """``the ESCA Gold label awarded 2022-01-10``: how messages name a label."""
    scheme, level = label["scheme"].upper(), label["level"].capitalize()
    return f"the {scheme} {level} label awarded {label['awarded']}"
