"""Commands that change the registry's clusters, partners, memberships and funding.

Each is built by ``editing.edit_command`` from the records' declarations; see there.
"""

from __future__ import annotations

import typer

from ..changes import record_edits
from ..registry.records import Cluster, Funding, Member, Partner
from .editing import argument, edit_command, import_command, options_of, pick, said, unset_of

APPS: dict[str, typer.Typer] = {}


# -- clusters ----------------------------------------------------------------------------

_CLUSTER = argument("cluster_id", "cluster", "Cluster id.")
_PARTNER = argument("partner_id", "partner", "Partner id.")
_REQUIRED_CLUSTER = ("name", "type", "domain")
_REQUIRED_PARTNER = ("name", "kind")

edit_command(
    "add-cluster",
    "Add a cluster (name, type and domain are required).",
    [argument("cluster_id", "cluster", "New cluster id (lowercase letters, digits, '-').")],
    options_of(Cluster, _REQUIRED_CLUSTER),
    lambda v: lambda data: record_edits.add_cluster(data, v["cluster_id"], pick(v, Cluster)),
    said("added cluster {cluster}", "cluster {cluster} exists with these values"),
    APPS,
)
edit_command(
    "update-cluster",
    "Change a cluster's fields (--FIELD VALUE) or remove them (--unset FIELD).",
    [_CLUSTER],
    [*options_of(Cluster), unset_of(Cluster)],
    lambda v: (
        lambda data: record_edits.update_cluster(
            data, v["cluster_id"], pick(v, Cluster), v["unset"] or ()
        )
    ),
    said("updated cluster {cluster}", "cluster {cluster} already has these values"),
    APPS,
)
edit_command(
    "remove-cluster",
    "Remove a cluster with its funding periods and memberships.",
    [_CLUSTER],
    [],
    lambda v: lambda data: record_edits.remove_cluster(data, v["cluster_id"]),
    said("removed cluster {cluster}", ""),
    APPS,
)

# -- partners ----------------------------------------------------------------------------

edit_command(
    "add-partner",
    "Add a partner (name and kind are required).",
    [argument("partner_id", "partner", "New partner id (lowercase letters, digits, '-').")],
    options_of(Partner, _REQUIRED_PARTNER),
    lambda v: lambda data: record_edits.add_partner(data, v["partner_id"], pick(v, Partner)),
    said("added partner {partner}", "partner {partner} exists with these values"),
    APPS,
)
edit_command(
    "update-partner",
    "Change a partner's fields (--FIELD VALUE) or remove them (--unset FIELD).",
    [_PARTNER],
    [*options_of(Partner), unset_of(Partner)],
    lambda v: (
        lambda data: record_edits.update_partner(
            data, v["partner_id"], pick(v, Partner), v["unset"] or ()
        )
    ),
    said("updated partner {partner}", "partner {partner} already has these values"),
    APPS,
)
edit_command(
    "remove-partner",
    "Remove a partner (refused while it is a member of a cluster).",
    [_PARTNER],
    [],
    lambda v: lambda data: record_edits.remove_partner(data, v["partner_id"]),
    said("removed partner {partner}", ""),
    APPS,
)

# -- memberships -------------------------------------------------------------------------

edit_command(
    "add-member",
    "Add a membership; creates the partner when --name and --kind are given.",
    [_CLUSTER, _PARTNER],
    [*options_of(Partner), *options_of(Member)],
    lambda v: (
        lambda data: record_edits.add_member(
            data, v["cluster_id"], v["partner_id"], pick(v, Member), pick(v, Partner)
        )
    ),
    said("added {partner} to {cluster}", "{partner} is already a member of {cluster}"),
    APPS,
)
edit_command(
    "update-member",
    "Change a membership's role or dates, or remove them (--unset FIELD).",
    [_CLUSTER, _PARTNER],
    [*options_of(Member), unset_of(Member)],
    lambda v: (
        lambda data: record_edits.update_member(
            data, v["cluster_id"], v["partner_id"], pick(v, Member), v["unset"] or ()
        )
    ),
    said("updated {partner} in {cluster}", "{partner} in {cluster} already has these values"),
    APPS,
)
edit_command(
    "remove-member",
    "Remove a membership.",
    [_CLUSTER, _PARTNER],
    [],
    lambda v: lambda data: record_edits.remove_member(data, v["cluster_id"], v["partner_id"]),
    said("removed {partner} from {cluster}", "{partner} is not a member of {cluster}"),
    APPS,
)

# -- funding -----------------------------------------------------------------------------

edit_command(
    "add-funding",
    "Add a funding period (--start and --end are required).",
    [_CLUSTER],
    options_of(Funding, ("start", "end")),
    lambda v: lambda data: record_edits.add_funding(data, v["cluster_id"], pick(v, Funding)),
    said(
        "added to {cluster} the funding period starting {start}",
        "{cluster} has the funding period starting {start}",
    ),
    APPS,
)
edit_command(
    "remove-funding",
    "Remove the funding period that starts on --start.",
    [_CLUSTER],
    options_of(Funding, ("start",), only=("start",)),
    lambda v: lambda data: record_edits.remove_funding(data, v["cluster_id"], v["start"]),
    said(
        "removed from {cluster} the funding period starting {start}",
        "{cluster} has no funding period starting {start}",
    ),
    APPS,
)


# -- bulk import -------------------------------------------------------------------------

import_command(
    "import-members",
    "Add members from a CSV file: all rows checked first, then one write.",
    "cluster",
    "MEMBER_CSV",
    APPS,
)
