"""FC201-FC204 (profile ``eccp``): the ECCP's criteria for a cluster-organisation profile.

The European Cluster Collaboration Platform publishes a cluster organisation's profile
when it has at least 15 committed members of at least 2 kinds, a website in English and
at least 0.5 FTE of cluster management. It waives these criteria for cluster organisations
that a regional or national cluster programme officially recognises: for a cluster active
in the Flemish programme on the date, each finding is ``info`` and says it is waived.
Member counts follow the composition rules: current members listed, and on a partial
list ``reported_members`` (or, without one, ``info``: a partial list is not proof).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from .decree import not_proof, partial_list
from .engine import Check, Context, Hit, Path, rule
from .sources import ECCP_REGISTER

MIN_MEMBERS = 15
MIN_KINDS = 2
MIN_FTE = 0.5
_WAIVER = (
    "The ECCP waives its criteria for cluster organisations that a regional or national "
    "cluster programme officially recognises, so they are info for a cluster active in the "
    "Flemish programme."
)
_MEMBERS_FIX = (
    "Record the committed members (`clusters add-member`, `clusters import-members`), or "
    "the public count in reported_members."
)
_KINDS_FIX = (
    "Record members of another kind (company, knowledge, government, other), or mark a "
    "partial list with members_complete = false."
)
_KINDS_PARTIAL_FIX = (
    "The list is partial: record members of another kind (company, knowledge, government, "
    "other) when a source names them."
)
_WEBSITE_FIX = (
    "Record the English website: `clusters update-cluster ID --english-website URL` "
    "(an automatic translation counts)."
)
_MANAGEMENT_FIX = "Record the management staff: `clusters update-cluster ID --management-fte N`."


def _eccp_rule(
    code: str,
    name: str,
    summary: str,
    criterion: str,
    fix: str,
    threshold: Callable[[dict[str, Any]], str | None] | None = None,
) -> Callable[[Check], Check]:
    return rule(
        code,
        name,
        "warning",
        summary=summary,
        reason=f"The ECCP's criteria for a cluster organisation: {criterion} ({ECCP_REGISTER}). "
        + _WAIVER,
        fix=fix,
        threshold=threshold,
        profile="eccp",
    )


def _judged(
    ctx: Context,
    cluster_id: str,
    message: str,
    path: Path,
    fix: str,
    partial: str | None = None,
    partial_fix: str | None = None,
) -> Hit:
    """The finding: a warning; info on a partial list (not proof, and ``partial_fix`` the
    fix) or while it is waived."""
    if partial and partial_fix:
        fix = partial_fix
    hit = not_proof(Hit(message, path, cluster_id), partial, partial_fix)
    if ctx.active(ctx.clusters[cluster_id]):
        hit = replace(
            hit,
            message=f"{hit.message}; waived: active in the Flemish programme on {ctx.on}, and "
            "the ECCP waives its criteria for clusters a regional programme recognises",
            severity="info",
            fix=f"Nothing while it is active in the Flemish programme; after that, {fix[0].lower()}"
            + fix[1:],
        )
    return hit


@_eccp_rule(
    "FC201",
    "eccp-members",
    "Fewer than 15 committed members.",
    f"a minimum of {MIN_MEMBERS} clearly committed cluster members",
    _MEMBERS_FIX,
    threshold=lambda policy: f"{MIN_MEMBERS} members",
)
def eccp_members(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        listed = len(ctx.kinds(cluster))
        partial = partial_list(cluster)
        reported = cluster.get("reported_members")
        path: Path = ("clusters", cluster_id, "members")
        if partial and reported is not None:  # the public count stands for the partial list
            if max(listed, reported) >= MIN_MEMBERS:
                continue
            message = f"{listed} current members listed and {reported} reported"
            path, partial = ("clusters", cluster_id, "reported_members"), None
        elif listed >= MIN_MEMBERS:
            continue
        else:
            message = f"{listed} current member{'' if listed == 1 else 's'} listed"
        message += f", fewer than the {MIN_MEMBERS} committed members the ECCP asks for"
        yield _judged(ctx, cluster_id, message, path, _MEMBERS_FIX, partial)


@_eccp_rule(
    "FC202",
    "eccp-member-types",
    "Fewer than 2 kinds among current members.",
    f"a diversity of at least {MIN_KINDS} types of members (industry, research, public bodies…)",
    _KINDS_FIX,
    threshold=lambda policy: f"{MIN_KINDS} kinds",
)
def eccp_member_types(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        kinds = sorted(set(ctx.kinds(cluster)))
        if len(kinds) >= MIN_KINDS:
            continue
        found = f"current members of one kind ({kinds[0]})" if kinds else "no current members"
        yield _judged(
            ctx,
            cluster_id,
            f"{found}, fewer than the {MIN_KINDS} kinds the ECCP asks for",
            ("clusters", cluster_id, "members"),
            _KINDS_FIX,
            partial_list(cluster),
            _KINDS_PARTIAL_FIX,
        )


@_eccp_rule(
    "FC203",
    "eccp-english-website",
    "No english_website.",
    "a link to the English version of the organisation's website (automatic translations count)",
    _WEBSITE_FIX,
)
def eccp_english_website(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        if "english_website" not in cluster:
            yield _judged(
                ctx,
                cluster_id,
                "no english_website: the ECCP asks for the website in English",
                ("clusters", cluster_id),
                _WEBSITE_FIX,
            )


@_eccp_rule(
    "FC204",
    "eccp-management",
    "management_fte absent or below 0.5.",
    f"a dedicated cluster management organisation or team of at least {MIN_FTE} FTE",
    _MANAGEMENT_FIX,
    threshold=lambda policy: f"{MIN_FTE} FTE",
)
def eccp_management(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        staff = cluster.get("management_fte")
        path: Path
        if staff is None:
            message, path = "no management_fte", ("clusters", cluster_id)
        elif staff < MIN_FTE:
            message, path = (
                f"management_fte is {staff:g}",
                ("clusters", cluster_id, "management_fte"),
            )
        else:
            continue
        yield _judged(
            ctx,
            cluster_id,
            f"{message}: the ECCP asks for at least {MIN_FTE} FTE of cluster management",
            path,
            _MANAGEMENT_FIX,
        )
