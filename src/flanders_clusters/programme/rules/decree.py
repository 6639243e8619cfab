"""FC1xx: the rules of the Flemish cluster programme (the decree of 4 March 2016)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

from ...errors import plural
from ...registry.records import Cluster
from .. import enterprises, money, periods
from .engine import Context, Hit, indexed, rule
from .sources import (
    DECREE,
    FIT_POLICY,
    FORMAT,
    VLAIO_ICN,
    VLAIO_POLICY,
    VLAIO_SPEARHEAD,
    VLAIO_SUBSIDY,
)


def _support_period(ctx: Context, kind: str) -> Iterator[Hit]:
    years = ctx.policy["max_years"][kind]
    for cluster_id, cluster in ctx.each_cluster():
        if cluster["type"] != kind:
            continue
        limit = periods.last_allowed_end(cluster, years)
        if limit is None:
            continue
        first, last = periods.span(cluster)
        yield Hit(
            f"funded from {first} to {last}: more than {years} years (last allowed end {limit})",
            ("clusters", cluster_id, "funding"),
            cluster_id,
        )


@rule(
    "FC101",
    "icn-support-period",
    "error",
    summary="An ICN's funded time exceeds max_years.icn.",
    reason=f"Innovative company networks are supported for 3 years ({VLAIO_ICN}; {VLAIO_SUBSIDY}).",
    fix="End the last period earlier, or correct the type if it is a spearhead cluster.",
    threshold=lambda policy: f"{policy['max_years']['icn']} years",
)
def icn_support_period(ctx: Context) -> Iterator[Hit]:
    return _support_period(ctx, "icn")


@rule(
    "FC102",
    "spearhead-support-period",
    "error",
    summary="A spearhead's funded time exceeds max_years.spearhead.",
    reason=f"Spearhead clusters are funded for up to 10 years ({VLAIO_SUBSIDY}).",
    fix="End the last period earlier.",
    threshold=lambda policy: f"{policy['max_years']['spearhead']} years",
)
def spearhead_support_period(ctx: Context) -> Iterator[Hit]:
    return _support_period(ctx, "spearhead")


@rule(
    "FC103",
    "annual-cap",
    "error",
    summary="Yearly support above annual_cap_eur for the type.",
    reason=(
        "Yearly support is capped at EUR 500,000 for a spearhead cluster and EUR 150,000 "
        f"for an innovative company network ({VLAIO_SUBSIDY}; {DECREE}, aid intensity)."
    ),
    fix="Correct the amount; a total for the whole period goes in total_support_eur.",
    threshold=lambda policy: (
        f"spearhead {money.euro_text(policy['annual_cap_eur']['spearhead'])}, "
        f"icn {money.euro_text(policy['annual_cap_eur']['icn'])} per year"
    ),
)
def annual_cap(ctx: Context) -> Iterator[Hit]:
    caps = ctx.policy["annual_cap_eur"]
    for cluster_id, cluster in ctx.each_cluster():
        cap = caps[cluster["type"]]
        for index, period in indexed(cluster.get("funding")):
            rate = money.yearly_rate(period)
            if rate is None or rate <= cap:
                continue
            key = "annual_support_eur" if "annual_support_eur" in period else "total_support_eur"
            yield Hit(
                f"{money.euro_text(rate)} a year is above the {cluster['type']} cap of "
                f"{money.euro_text(cap)}",
                ("clusters", cluster_id, "funding", index, key),
                cluster_id,
                start=period["start"],
            )


@rule(
    "FC104",
    "support-rate",
    "error",
    summary="Support rate above support_rate.",
    reason=(
        "The government pays 50 % of the cluster organisation's running costs; the companies "
        f"bring at least as much ({VLAIO_SUBSIDY}; {DECREE}, aid intensity)."
    ),
    fix="Correct support_rate (a share: 0.5 is 50 %).",
    threshold=lambda policy: f"{policy['support_rate']:g}",
)
def support_rate(ctx: Context) -> Iterator[Hit]:
    limit = ctx.policy["support_rate"]
    for cluster_id, cluster in ctx.each_cluster():
        for index, period in indexed(cluster.get("funding")):
            rate = period.get("support_rate")
            if rate is not None and rate > limit:
                yield Hit(
                    f"support rate {rate:g} is above {limit:g}",
                    ("clusters", cluster_id, "funding", index, "support_rate"),
                    cluster_id,
                    start=period["start"],
                )


def partial_list(cluster: Cluster) -> str | None:
    """Why a cluster's member list is not proof of its composition, or None if it is."""
    listed = len(cluster.get("members") or ())
    reported = cluster.get("reported_members")
    are = "is" if listed == 1 else "are"  # "1 of 100 reported members is listed"
    if listed == 0:
        if reported:
            return f"0 of {reported} reported members are listed"
        return "no members are listed"
    if cluster.get("members_complete") is False:
        if reported:
            return (
                f"{listed} of {reported} reported members {are} listed (members_complete = false)"
            )
        return f"{plural(listed, 'member')} {are} listed (members_complete = false)"
    if reported is not None and listed < reported:
        return f"{listed} of {reported} reported members {are} listed"
    return None


def not_proof(hit: Hit, partial: str | None, fix: str | None = None) -> Hit:
    """``hit`` as ``info`` when the member list is partial (``partial`` says why): what a
    partial list lacks is not proof of what the cluster lacks. ``fix`` is what to do on a
    list already known to be partial (not "mark it partial")."""
    if not partial:
        return hit
    return replace(
        hit,
        message=f"{hit.message}; but {partial}, so this is not proof",
        severity="info",
        fix=fix or hit.fix,
    )


def _composition(message: str, cluster_id: str, cluster: Cluster, fix: str) -> Hit:
    hit = Hit(message, ("clusters", cluster_id, "members"), cluster_id)
    return not_proof(hit, partial_list(cluster), fix)


@rule(
    "FC105",
    "triple-helix",
    "error",
    summary="An active spearhead lacks a company, a knowledge or a government member.",
    reason=(
        "Spearhead clusters are triple helix: companies, knowledge institutions and "
        f"government ({VLAIO_SPEARHEAD}; {FIT_POLICY}). A clusterpact counts as government."
    ),
    fix="Add the missing member, or mark a partial list with members_complete = false.",
)
def triple_helix(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        if cluster["type"] != "spearhead" or not ctx.active(cluster):
            continue
        kinds = set(ctx.kinds(cluster))
        missing = [k for k in ("company", "knowledge", "government") if k not in kinds]
        if missing:
            names = ", ".join(missing[:-1]) + (" or " if len(missing) > 1 else "") + missing[-1]
            every = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
            yield _composition(
                f"no {names} member on {ctx.on}",
                cluster_id,
                cluster,
                f"The list is partial: record the missing kinds ({every}) when a source names "
                "such a member (`clusters add-member`).",
            )


@rule(
    "FC106",
    "company-driven",
    "warning",
    summary="Companies are not the majority of an active cluster's members.",
    reason=f"Clusters are steered by their companies ({VLAIO_POLICY}; {DECREE}).",
    fix="Check the member list; mark a partial list with members_complete = false.",
)
def company_driven(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        if not ctx.active(cluster):
            continue
        kinds = ctx.kinds(cluster)
        companies = kinds.count("company")
        if companies * 2 <= len(kinds):
            are = "is a company" if companies == 1 else "are companies"
            yield _composition(
                f"{companies} of {len(kinds)} current members {are}",
                cluster_id,
                cluster,
                "The list is partial: list the missing members when a source names them "
                "(`clusters add-member`, `clusters import-members`).",
            )


@rule(
    "FC107",
    "spearhead-count",
    "warning",
    summary="More active spearheads than max_active_spearheads.",
    reason=(
        f"The {DECREE} keeps spearhead clusters limited in number; 7 is the programme's "
        f"largest count so far ({FIT_POLICY})."
    ),
    fix="Check the funding periods and ended dates of the spearhead clusters.",
    threshold=lambda policy: f"{policy['max_active_spearheads']} active",
)
def spearhead_count(ctx: Context) -> Iterator[Hit]:
    limit = ctx.policy["max_active_spearheads"]
    active = sorted(
        cluster_id
        for cluster_id, cluster in ctx.clusters.items()
        if cluster["type"] == "spearhead" and ctx.active(cluster)
    )
    if len(active) > limit:
        yield Hit(
            f"{len(active)} spearhead clusters are active on {ctx.on} (limit {limit}): "
            + ", ".join(active),
            ("clusters",),
        )


@rule(
    "FC108",
    "action-plan",
    "warning",
    summary="An active ICN without action_plan.",
    reason=(
        "An innovative company network carries out a concrete action plan with economic "
        f"added value for each participant ({VLAIO_ICN})."
    ),
    fix='Add action_plan = "…" (the plan, or a URL to it).',
)
def action_plan(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        if cluster["type"] == "icn" and "action_plan" not in cluster and ctx.active(cluster):
            yield Hit("active network without an action_plan", ("clusters", cluster_id), cluster_id)


@rule(
    "FC109",
    "flemish-seat",
    "warning",
    summary="A company member seated outside Flanders.",
    reason=(
        "The programme targets Flemish companies; Flemish postal codes are 1500-3999 and "
        f"8000-9999 ({VLAIO_POLICY})."
    ),
    fix="Check the postal code and country; ignore FC109 if foreign members are intended.",
)
def flemish_seat(ctx: Context) -> Iterator[Hit]:
    outside = {}  # partner id → (message, path): companies seated outside Flanders
    for partner_id, partner in ctx.partners_of_interest():
        if partner["kind"] != "company":
            continue
        country = enterprises.country(partner)
        code = partner.get("postal_code")
        if country != "BE":
            outside[partner_id] = (
                f"{partner_id!r} is seated in {country}, not in Flanders",
                ("partners", partner_id, "country"),
            )
        elif code and (place := enterprises.region(code)) in ("brussels", "wallonia"):
            outside[partner_id] = (
                f"{partner_id!r} has postal code {code} ({place.capitalize()}), not in Flanders",
                ("partners", partner_id, "postal_code"),
            )
    if not outside:
        return
    for cluster_id, cluster in ctx.each_cluster():
        for partner_id in sorted(
            ctx.member_ids(cluster).intersection(outside)
        ):  # once, even if listed twice
            message, path = outside[partner_id]
            yield Hit(message, path, cluster_id, partner_id)


@rule(
    "FC110",
    "membership-dates",
    "warning",
    summary="A membership starts before recognition or after the funding ends.",
    reason=f"Members join a recognised cluster; founders may come first ({FORMAT}).",
    fix="Correct since, or give the role founder to a founding member.",
)
def membership_dates(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        recognised = cluster.get("recognised")
        _, last = periods.span(cluster)
        early = recognised or dt.date.min
        late = last or dt.date.max
        for index, member in enumerate(cluster.get("members") or ()):
            since = member.get("since")
            if since is None or early <= since <= late or member.get("role") == "founder":
                continue
            path = ("clusters", cluster_id, "members", index, "since")
            partner_id = member["partner"]
            if recognised is not None and since < recognised:
                yield Hit(
                    f"{partner_id!r} joins on {since}, before recognition on {recognised}",
                    path,
                    cluster_id,
                    partner_id,
                )
            elif last is not None and since > last:
                yield Hit(
                    f"{partner_id!r} joins on {since}, after the funding ends on {last}",
                    path,
                    cluster_id,
                    partner_id,
                )


@rule(
    "FC111",
    "funding-ending",
    "info",
    summary="Active funding ends within ending_soon_days.",
    reason=(
        "Officers plan around funding ends; a cluster that stops early (ended) is ending "
        f"too ({FORMAT})."
    ),
    fix="Plan the follow-up; record a new period when it is decided.",
    threshold=lambda policy: f"{policy['ending_soon_days']} days",
)
def funding_ending(ctx: Context) -> Iterator[Hit]:
    window = ctx.policy["ending_soon_days"]
    for cluster_id, cluster in ctx.each_cluster():
        if not ctx.active(cluster):
            continue
        block = periods.current_block(cluster, ctx.on)
        last = periods.funded_until(cluster, ctx.on)
        if block is None or last is None:  # pragma: no cover - active means both exist
            continue
        left = (last - ctx.on).days
        if left > window:
            continue
        if last < block[1]:  # the cluster stops before its funding does
            yield Hit(
                f"the cluster ends on {last} (ended), in {left} days, before its funding "
                f"ends on {block[1]}",
                ("clusters", cluster_id, "ended"),
                cluster_id,
            )
            continue
        index, period = next(
            (i, p) for i, p in indexed(cluster.get("funding")) if p["end"] == block[1]
        )
        basis = periods.end_basis(period)
        note = "" if basis == "published" else f" ({basis})"
        yield Hit(
            f"funding ends on {block[1]}{note}, in {left} days",
            ("clusters", cluster_id, "funding", index, "end"),
            cluster_id,
            start=period["start"],
        )
