"""FC114-FC116: the quality labels of an active cluster's management (ESCA).

Each rule judges, for every cluster active on the date, the latest label of each scheme
awarded on or before it (an older label was replaced; a later one does not exist yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from ...registry.records import Label
from .. import label_validity
from ..label_validity import named
from .engine import Context, Hit, rule
from .sources import ESCA, ESCA_BRONZE, ESCA_GOLD_EXAMPLE, ESCA_NEEDS_ECCP, ESCA_SILVER

# Since 15 November 2019 ESCA awards a label only to a cluster organisation listed on the
# European Cluster Collaboration Platform.
ECCP_LISTING_REQUIRED = dt.date(2019, 11, 15)
_VALIDITY = (
    f"ESCA labels are valid for a limited time: a Bronze label (a benchmarking on 36 "
    f"indicators) for two years ({ESCA_BRONZE}), a Silver label (a second benchmarking "
    f"1.5 to 2 years later) for two years ({ESCA_SILVER}); a Gold label (31 indicators, "
    f"at least 80 % of the score) is re-assessed to be extended ({ESCA_GOLD_EXAMPLE}; {ESCA})."
)


def _latest(ctx: Context) -> Iterator[tuple[str, int, Label]]:
    """(cluster id, index, label) for the latest label of each scheme of each active cluster."""
    for cluster_id, cluster in ctx.each_cluster():
        if not cluster.get("labels") or not ctx.active(cluster):
            continue
        for index, label in label_validity.latest(cluster, ctx.on).values():
            yield cluster_id, index, label


def _in_state(ctx: Context, state: str, say: Callable[[Label], str]) -> Iterator[Hit]:
    """A finding, said by ``say``, for each latest label in ``state`` on the date; it
    points at the label's expiry when recorded, else at its award date."""
    for cluster_id, index, label in _latest(ctx):
        if label_validity.state(label, ctx.on, ctx.policy) != state:
            continue
        key = "expires" if "expires" in label else "awarded"
        yield Hit(
            say(label),
            ("clusters", cluster_id, "labels", index, key),
            cluster_id,
            start=label["awarded"],
        )


def _months(policy: dict[str, Any]) -> str:
    months = policy["label_validity_months"]
    if len(set(months.values())) == 1:
        return f"{next(iter(months.values()))} months for each level"
    return ", ".join(f"{level} {count}" for level, count in months.items()) + " months"


def _expires(label: Label, policy: dict[str, Any]) -> str:
    """``2024-01-10`` or ``2024-01-10 (awarded + 24 months)``: the expiry and its basis."""
    end = label_validity.expiry(label, policy)
    if "expires" in label:
        return str(end)
    return f"{end} (awarded + {policy['label_validity_months'][label['level']]} months)"


@rule(
    "FC114",
    "label-expiring",
    "info",
    summary="The latest label of an active cluster expires within ending_soon_days.",
    reason=f"{_VALIDITY} A renewal is a new assessment, planned before the label expires.",
    fix="Plan the renewal; record the new label with `clusters add-label`.",
    threshold=lambda policy: f"{policy['ending_soon_days']} days before the expiry",
)
def label_expiring(ctx: Context) -> Iterator[Hit]:
    return _in_state(
        ctx,
        "expiring",
        lambda label: (
            f"{named(label)} expires on {_expires(label, ctx.policy)}, in "
            f"{label_validity.days_left(label, ctx.on, ctx.policy)} days"
        ),
    )


@rule(
    "FC115",
    "label-expired",
    "warning",
    summary="The latest label of an active cluster has expired.",
    reason=_VALIDITY,
    fix=(
        "Record the renewed label with `clusters add-label`, or the date on the certificate "
        "with `clusters update-label … --expires DATE`."
    ),
    threshold=lambda policy: f"valid {_months(policy)}",
)
def label_expired(ctx: Context) -> Iterator[Hit]:
    return _in_state(
        ctx, "expired", lambda label: f"{named(label)} expired on {_expires(label, ctx.policy)}"
    )


@rule(
    "FC116",
    "label-needs-eccp",
    "warning",
    summary="The latest label was awarded on or after 2019-11-15 and eccp_profile is absent.",
    reason=(
        "Since 15 November 2019 ESCA awards a Bronze, Silver or Gold label only to a cluster "
        f"organisation listed on the European Cluster Collaboration Platform ({ESCA_NEEDS_ECCP})."
    ),
    fix="Record the cluster's ECCP profile: `clusters update-cluster ID --eccp-profile URL`.",
    threshold=lambda policy: f"awarded on or after {ECCP_LISTING_REQUIRED}",
)
def label_needs_eccp(ctx: Context) -> Iterator[Hit]:
    for cluster_id, index, label in _latest(ctx):
        if label["awarded"] < ECCP_LISTING_REQUIRED or "eccp_profile" in ctx.clusters[cluster_id]:
            continue
        yield Hit(
            f"{named(label)}, on or after {ECCP_LISTING_REQUIRED}, needs an ECCP listing, "
            "and the cluster has no eccp_profile",
            ("clusters", cluster_id, "labels", index, "awarded"),
            cluster_id,
            start=label["awarded"],
        )
