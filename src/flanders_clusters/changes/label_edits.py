"""Edits of a cluster's quality labels: pure functions on the data, as in ``record_edits``.

A label is identified by its cluster, scheme and award date: adding the same label again
changes nothing, adding it with other values is a conflict (``update-label`` changes it),
and removing a label that is not there changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from ..errors import UnknownLabel
from ..registry import lookup
from ..registry.fields import defaults
from ..registry.records import Label
from .record_edits import Outcome, Record, _same, set_list, update_record


def _outcome(cluster_id: str, scheme: str, awarded: dt.date, changed: bool) -> Outcome:
    return {"cluster": cluster_id, "scheme": scheme, "awarded": awarded, "changed": changed}


def _find(cluster: Any, scheme: str, awarded: dt.date) -> Record | None:
    return next(
        (
            label
            for label in cluster.get("labels") or ()
            if label["scheme"] == scheme and label["awarded"] == awarded
        ),
        None,
    )


def add_label(data: Any, cluster_id: str, label: Record) -> Outcome:
    cluster: Any = lookup.cluster(data, cluster_id)
    scheme, awarded = label["scheme"], label["awarded"]
    existing = _find(cluster, scheme, awarded)
    if existing is not None:
        _same(
            f"the {scheme} label of {cluster_id!r} awarded on {awarded}",
            defaults(Label) | existing,
            label,
            f"`clusters update-label {cluster_id} --scheme {scheme} --awarded {awarded} …`",
        )
        return _outcome(cluster_id, scheme, awarded, False)
    cluster.setdefault("labels", []).append(dict(label))
    return _outcome(cluster_id, scheme, awarded, True)


def update_label(
    data: Any,
    cluster_id: str,
    scheme: str,
    awarded: dt.date,
    fields: Record,
    unset: Iterable[str],
) -> Outcome:
    cluster: Any = lookup.cluster(data, cluster_id)
    label = _find(cluster, scheme, awarded)
    if label is None:
        raise UnknownLabel(
            f"cluster {cluster_id!r} has no {scheme} label awarded on {awarded}"
            + _recorded(cluster, scheme),
            f"`clusters add-label {cluster_id} --scheme {scheme} --awarded {awarded} --level …`",
        )
    changed = update_record(label, fields, unset)
    return _outcome(cluster_id, scheme, awarded, changed)


def _recorded(cluster: Any, scheme: str) -> str:
    dates = sorted(str(x["awarded"]) for x in cluster.get("labels") or () if x["scheme"] == scheme)
    return f" (its {scheme} labels: awarded {', '.join(dates)})" if dates else ""


def remove_label(data: Any, cluster_id: str, scheme: str, awarded: dt.date) -> Outcome:
    cluster: Any = lookup.cluster(data, cluster_id)
    label = _find(cluster, scheme, awarded)
    if label is not None:
        set_list(cluster, "labels", [x for x in cluster["labels"] if x is not label])
    return _outcome(cluster_id, scheme, awarded, label is not None)
