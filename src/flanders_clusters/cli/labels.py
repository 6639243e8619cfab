"""``add-label``, ``update-label``, ``remove-label``: a cluster's quality labels.

A label is identified by its cluster, scheme and award date; its options come from the
declaration of ``Label`` (``registry/records.py``), and each edit runs in the transaction
of every edit (locked, judged by the rules, written atomically, ``--dry-run``).
"""

from __future__ import annotations

import typer

from ..changes import label_edits
from ..registry.records import Label
from .editing import argument, edit_command, options_of, pick, said, unset_of

APPS: dict[str, typer.Typer] = {}

_CLUSTER = argument("cluster_id", "cluster", "Cluster id.")
_IDENTITY = ("scheme", "awarded")  # with the cluster, what names a label


def _changes(values: dict) -> dict:
    """The given fields of an update (the identity fields name the label, not a change)."""
    return {k: v for k, v in pick(values, Label).items() if k not in _IDENTITY}


edit_command(
    "add-label",
    "Add a quality label (--scheme, --level and --awarded are required).",
    [_CLUSTER],
    options_of(Label, ("scheme", "level", "awarded")),
    lambda v: lambda data: label_edits.add_label(data, v["cluster_id"], pick(v, Label)),
    said(
        "added the {scheme} label awarded {awarded} to {cluster}",
        "{cluster} has this {scheme} label awarded {awarded}",
    ),
    APPS,
)
edit_command(
    "update-label",
    "Change the label named by --scheme and --awarded (--FIELD VALUE, --unset FIELD).",
    [_CLUSTER],
    [*options_of(Label, _IDENTITY), unset_of(Label)],
    lambda v: (
        lambda data: label_edits.update_label(
            data, v["cluster_id"], v["scheme"], v["awarded"], _changes(v), v["unset"] or ()
        )
    ),
    said(
        "updated the {scheme} label awarded {awarded} of {cluster}",
        "the {scheme} label awarded {awarded} of {cluster} already has these values",
    ),
    APPS,
)
edit_command(
    "remove-label",
    "Remove the label named by --scheme and --awarded.",
    [_CLUSTER],
    options_of(Label, _IDENTITY, only=_IDENTITY),
    lambda v: (
        lambda data: label_edits.remove_label(data, v["cluster_id"], v["scheme"], v["awarded"])
    ),
    said(
        "removed the {scheme} label awarded {awarded} of {cluster}",
        "{cluster} has no {scheme} label awarded {awarded}",
    ),
    APPS,
)
