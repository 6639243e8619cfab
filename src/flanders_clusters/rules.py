"""The eligibility rules of SPEC §6: pure functions from a registry and a date to findings.

A rule is one function under one ``@rule(...)`` entry: the decorator is its catalogue
record (code, name, severity, summary, reason with source, fix hint, threshold). Each
function receives a ``Context`` and yields ``Hit``s; ``run`` turns them into ``Finding``s,
applies ``[policy] ignore`` and ``--rule``, and sorts them.

Every rule is linear in the registry's size: one pass over clusters, members, partners or
periods, with dictionary look-ups (no pairs of members compared).

A finding is identified by its code and the records it names (``Finding.identity``), never
by its position in a list, so that an edit that shifts positions makes no old finding new.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any

from . import domain
from .errors import Problem, dotted_path

SEVERITIES = ("error", "warning", "info")

DECREE = (
    "decree of the Flemish Government of 4 March 2016 on support for innovation clusters "
    "(BS 7 April 2016, no. 2016035404)"
)
DECREE_URL = "http://www.ejustice.just.fgov.be/eli/besluit/2016/03/04/2016035404/justel"
VLAIO_SUBSIDY = "https://www.vlaio.be/nl/subsidies-financiering/subsidiedatabank/innovatieclusters"
VLAIO_POLICY = (
    "https://www.vlaio.be/nl/clusterorganisaties/het-clusterbeleid/het-vlaamse-clusterbeleid"
)
VLAIO_ICN = (
    "https://www.vlaio.be/nl/vlaio-netwerk/clusterorganisaties/het-clusterbeleid/"
    "innovatieve-bedrijfsnetwerken"
)
VLAIO_SPEARHEAD = (
    "https://www.vlaio.be/nl/andere-doelgroepen/flanders-innovation-entrepreneurship/"
    "innovation-clusters-flanders/spearhead"
)
FIT_POLICY = "http://invest.flandersinvestmentandtrade.com/en/business-environment/cluster-policy"

Path = tuple[str | int, ...]
_PARTNER = itemgetter("partner")


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a message, the records it names and where to fix it."""

    message: str
    path: Path
    cluster: str | None = None
    partner: str | None = None
    start: dt.date | None = None
    severity: str | None = None  # overrides the rule's (composition rules on partial lists)
    fix: str | None = None  # overrides the rule's (a schema problem's own fix)


@dataclass(frozen=True)
class Finding:
    code: str
    rule: str
    severity: str
    message: str
    fix: str
    path: Path
    cluster: str | None = None
    partner: str | None = None
    start: dt.date | None = None
    line: int | None = None

    @property
    def identity(self) -> tuple:
        """Code and named records (plus the field), independent of list positions."""
        tail = next((p for p in reversed(self.path) if isinstance(p, str)), "")
        return (self.code, self.cluster, self.partner, self.start, tail)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "cluster": self.cluster,
            "partner": self.partner,
            "path": dotted_path(self.path),
            "line": self.line,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Scope:
    """The records an edit touches: the rules re-judge these (and what they reach) only."""

    clusters: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()


@dataclass
class Context:
    """What a rule may look at: the registry, the date, the effective policy.

    Facts that several rules need (a cluster's status, the kinds of its current members)
    are computed once per run and kept here.
    """

    data: dict[str, Any]
    on: dt.date
    policy: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    scope: Scope | None = None
    _status: dict[int, str] = field(default_factory=dict, repr=False)
    _kinds: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _ids: dict[int, set[str]] = field(default_factory=dict, repr=False)

    @property
    def clusters(self) -> dict[str, dict[str, Any]]:
        return self.data.get("clusters") or {}

    @property
    def partners(self) -> dict[str, dict[str, Any]]:
        return self.data.get("partners") or {}

    def status(self, cluster: dict[str, Any]) -> str:
        key = id(cluster)
        found = self._status.get(key)
        if found is None:
            found = self._status[key] = domain.status(cluster, self.on)
        return found

    def active(self, cluster: dict[str, Any]) -> bool:
        return self.status(cluster) == "active"

    def each_cluster(self) -> Iterable[tuple[str, dict[str, Any]]]:
        """The clusters to judge: all of them, or those the scope names or reaches."""
        if self.scope is None:
            return self.clusters.items()
        return [(cid, self.clusters[cid]) for cid in sorted(self._scoped_clusters)]

    def each_partner(self) -> Iterable[tuple[str, dict[str, Any]]]:
        """The partners to judge: all of them, or those the scope names."""
        if self.scope is None:
            return self.partners.items()
        return [
            (pid, self.partners[pid]) for pid in sorted(self.scope.partners) if pid in self.partners
        ]

    def partners_of_interest(self) -> Iterable[tuple[str, dict[str, Any]]]:
        """Partners whose membership findings may be reported: all, or the scoped ones'."""
        if self.scope is None:
            return self.partners.items()
        ids = set(self.scope.partners)
        for _, cluster in self.each_cluster():
            ids |= self.member_ids(cluster)
        return [(pid, self.partners[pid]) for pid in sorted(ids) if pid in self.partners]

    @cached_property
    def _scoped_clusters(self) -> set[str]:
        assert self.scope is not None
        found = {cid for cid in self.scope.clusters if cid in self.clusters}
        if self.scope.partners:  # a partner's change reaches every cluster it is in
            wanted = self.scope.partners
            found.update(
                cid
                for cid, cluster in self.clusters.items()
                if not wanted.isdisjoint(self.member_ids(cluster))
            )
        return found

    @cached_property
    def partner_kinds(self) -> dict[str, str]:
        return {partner_id: partner["kind"] for partner_id, partner in self.partners.items()}

    def member_ids(self, cluster: dict[str, Any]) -> set[str]:
        """The ids of the partners a cluster lists (each once)."""
        key = id(cluster)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = set(map(_PARTNER, cluster.get("members") or ()))
        return found

    def kinds(self, cluster: dict[str, Any]) -> list[str]:
        """The kind of each current member (a clusterpact party counts as government)."""
        key = id(cluster)
        found = self._kinds.get(key)
        if found is None:
            found = self._kinds[key] = _current_kinds(self, cluster)
        return found


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    reason: str
    fix: str
    check: Callable[[Context], Iterable[Hit]]
    threshold: Callable[[dict[str, Any]], str | None] = lambda policy: None


CATALOGUE: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: str,
    *,
    summary: str,
    reason: str,
    fix: str,
    threshold: Callable[[dict[str, Any]], str | None] | None = None,
) -> Callable[[Callable[[Context], Iterable[Hit]]], Callable[[Context], Iterable[Hit]]]:
    """Register a rule function in the catalogue (one entry per rule)."""

    def register(check: Callable[[Context], Iterable[Hit]]):
        CATALOGUE[code] = Rule(
            code, name, severity, summary, reason, fix, check, threshold or (lambda policy: None)
        )
        return check

    return register


def _euro(amount: float) -> str:
    # Cents only when there are some: EUR 150,000.33 is above a cap of EUR 150,000.
    return f"EUR {amount:,.0f}" if amount == int(amount) else f"EUR {amount:,.2f}"


def _indexed(items: list[dict[str, Any]] | None) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(items or ()))


# -- FC0xx: the file is consistent --------------------------------------------------------


@rule(
    "FC001",
    "schema",
    "error",
    summary="Unknown key, wrong type, missing field, bad date or enum value.",
    reason="The registry format of SPEC §3; typos must not pass silently.",
    fix="Correct the key or value as the message says (see `clusters schema`).",
)
def schema(ctx: Context) -> Iterator[Hit]:
    for problem in ctx.problems:
        path = problem.path
        cluster = str(path[1]) if len(path) > 1 and path[0] == "clusters" else None
        partner = str(path[1]) if len(path) > 1 and path[0] == "partners" else None
        yield Hit(problem.message, path, cluster, partner, fix=problem.fix)


@rule(
    "FC002",
    "unknown-partner",
    "error",
    summary="A member names a partner that is not in [partners].",
    reason="Every member must be a recorded organisation (SPEC §3).",
    fix="Add the partner (`clusters add-partner`) or correct the id.",
)
def unknown_partner(ctx: Context) -> Iterator[Hit]:
    known = ctx.partners
    for cluster_id, cluster in ctx.each_cluster():
        if ctx.member_ids(cluster) <= known.keys():
            continue  # the common case, checked at set speed
        for index, member in enumerate(cluster["members"]):
            partner_id = member["partner"]
            if partner_id not in known:
                yield Hit(
                    f"member {partner_id!r} is not in [partners]",
                    ("clusters", cluster_id, "members", index, "partner"),
                    cluster_id,
                    partner_id,
                )


@rule(
    "FC003",
    "duplicate-member",
    "error",
    summary="A partner listed twice in one cluster.",
    reason="A membership is one record per partner and cluster (SPEC §3).",
    fix="Merge the two memberships into one (`clusters remove-member`, `update-member`).",
)
def duplicate_member(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        members = cluster.get("members") or ()
        if len(ctx.member_ids(cluster)) == len(members):
            continue
        seen: set[str] = set()
        for index, member in enumerate(members):
            partner_id = member["partner"]
            if partner_id in seen:
                yield Hit(
                    f"partner {partner_id!r} is listed more than once",
                    ("clusters", cluster_id, "members", index),
                    cluster_id,
                    partner_id,
                )
            seen.add(partner_id)


@rule(
    "FC004",
    "enterprise-number",
    "error",
    summary="Enterprise number of the wrong form or check digits.",
    reason=(
        "A Belgian enterprise number (KBO/BCE) is 10 digits written 0123.456.789 whose "
        "last two digits are 97 - (first eight mod 97)."
    ),
    fix="Copy the number from the KBO public search, written 0123.456.789.",
)
def enterprise_number(ctx: Context) -> Iterator[Hit]:
    for partner_id, partner in ctx.each_partner():
        number = partner.get("enterprise_number")
        if number is None or domain.enterprise_number_valid(number):
            continue
        normal = domain.normalise_enterprise_number(number)
        if normal is None:
            message = f"{number!r} is not an enterprise number (10 digits, 0123.456.789)"
        elif domain.enterprise_number_valid(normal):
            message = f"{number!r} is not written in the stored form {normal}"
        else:
            message = f"{number!r} has wrong check digits"
        yield Hit(message, ("partners", partner_id, "enterprise_number"), partner=partner_id)


@rule(
    "FC005",
    "funding-dates",
    "error",
    summary="A period ends before it starts, or two periods of one cluster overlap.",
    reason="Funding periods are inclusive date ranges that follow each other (SPEC §3).",
    fix="Correct the dates; periods that continue each other start the day after.",
)
def funding_dates(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        ordered = sorted(
            _indexed(cluster.get("funding")), key=lambda item: (item[1]["start"], item[1]["end"])
        )
        latest: dt.date | None = None
        for index, period in ordered:
            start, end = period["start"], period["end"]
            path = ("clusters", cluster_id, "funding", index)
            if end < start:
                yield Hit(
                    f"period ends ({end}) before it starts ({start})", path, cluster_id, start=start
                )
            elif latest is not None and start <= latest:
                yield Hit(
                    f"period from {start} overlaps an earlier one ending {latest}",
                    path,
                    cluster_id,
                    start=start,
                )
            latest = end if latest is None else max(latest, end)


# -- FC1xx: the programme's rules ---------------------------------------------------------


def _support_period(ctx: Context, kind: str) -> Iterator[Hit]:
    years = ctx.policy["max_years"][kind]
    for cluster_id, cluster in ctx.each_cluster():
        if cluster["type"] != kind or not domain.funded_time_exceeds(cluster, years):
            continue
        first, last = domain.span(cluster)
        limit = domain.add_years(first, years) - domain.ONE_DAY  # not None: it exceeds
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
        f"spearhead {_euro(policy['annual_cap_eur']['spearhead'])}, "
        f"icn {_euro(policy['annual_cap_eur']['icn'])} per year"
    ),
)
def annual_cap(ctx: Context) -> Iterator[Hit]:
    caps = ctx.policy["annual_cap_eur"]
    for cluster_id, cluster in ctx.each_cluster():
        cap = caps[cluster["type"]]
        for index, period in _indexed(cluster.get("funding")):
            rate = domain.yearly_rate(period)
            if rate is None or rate <= cap:
                continue
            key = "annual_support_eur" if "annual_support_eur" in period else "total_support_eur"
            yield Hit(
                f"{_euro(rate)} a year is above the {cluster['type']} cap of {_euro(cap)}",
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
        for index, period in _indexed(cluster.get("funding")):
            rate = period.get("support_rate")
            if rate is not None and rate > limit:
                yield Hit(
                    f"support rate {rate:g} is above {limit:g}",
                    ("clusters", cluster_id, "funding", index, "support_rate"),
                    cluster_id,
                    start=period["start"],
                )


def partial_list(cluster: dict[str, Any]) -> str | None:
    """Why a cluster's member list is not proof of its composition, or None if it is."""
    listed = len(cluster.get("members") or ())
    reported = cluster.get("reported_members")
    if listed == 0:
        if reported:
            return f"0 of {reported} reported members are listed"
        return "no members are listed"
    if cluster.get("members_complete") is False:
        of = f" of {reported} reported" if reported else ""
        return f"{listed}{of} members are listed (members_complete = false)"
    if reported is not None and listed < reported:
        return f"{listed} of {reported} reported members are listed"
    return None


def _current_kinds(ctx: Context, cluster: dict[str, Any]) -> list[str]:
    # domain.is_current, written inline: this runs for every membership of every cluster.
    kind_of, on = ctx.partner_kinds, ctx.on
    earliest, latest = dt.date.min, dt.date.max
    return [
        "government" if member.get("role") == "clusterpact" else kind_of[member["partner"]]
        for member in cluster.get("members") or ()
        if member["partner"] in kind_of  # an unknown partner is FC002's
        and (member.get("since") or earliest) <= on <= (member.get("until") or latest)
    ]


def _composition(message: str, cluster_id: str, cluster: dict[str, Any]) -> Hit:
    partial = partial_list(cluster)
    if partial:
        return Hit(
            f"{message}; but {partial}, so this is not proof",
            ("clusters", cluster_id, "members"),
            cluster_id,
            severity="info",
        )
    return Hit(message, ("clusters", cluster_id, "members"), cluster_id)


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
            yield _composition(f"no {names} member on {ctx.on}", cluster_id, cluster)


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
            yield _composition(
                f"{companies} of {len(kinds)} current members are companies", cluster_id, cluster
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
        country = domain.country(partner)
        code = partner.get("postal_code")
        if country != "BE":
            outside[partner_id] = (
                f"{partner_id!r} is seated in {country}, not in Flanders",
                ("partners", partner_id, "country"),
            )
        elif code and (place := domain.region(code)) in ("brussels", "wallonia"):
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
    reason="Members join a recognised cluster; founders may come first (SPEC §6).",
    fix="Correct since, or give the role founder to a founding member.",
)
def membership_dates(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        recognised = cluster.get("recognised")
        _, last = domain.span(cluster)
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
    reason="Officers plan around funding ends (SPEC §7).",
    fix="Plan the follow-up; record a new period when it is decided.",
    threshold=lambda policy: f"{policy['ending_soon_days']} days",
)
def funding_ending(ctx: Context) -> Iterator[Hit]:
    window = ctx.policy["ending_soon_days"]
    for cluster_id, cluster in ctx.each_cluster():
        if not ctx.active(cluster):
            continue
        block = domain.current_block(cluster, ctx.on)
        left = (block[1] - ctx.on).days
        if left > window:
            continue
        index, period = next(
            (i, p) for i, p in _indexed(cluster.get("funding")) if p["end"] == block[1]
        )
        basis = domain.end_basis(period)
        note = "" if basis == "published" else f" ({basis})"
        yield Hit(
            f"funding ends on {block[1]}{note}, in {left} days",
            ("clusters", cluster_id, "funding", index, "end"),
            cluster_id,
            start=period["start"],
        )


# -- running ------------------------------------------------------------------------------


def run(
    data: dict[str, Any],
    on: dt.date,
    *,
    problems: list[Problem] | None = None,
    only: Iterable[str] = (),
    line: Callable[[Path], int | None] | None = None,
    scope: Scope | None = None,
) -> list[Finding]:
    """All findings on ``on``: FC001 for schema problems, else every enabled rule.

    With schema problems the other rules do not run (they need a well-formed registry).
    ``only`` limits the run to some codes; ``[policy] ignore`` switches rules off.
    ``scope`` limits it to the records an edit touches (registry-wide rules still count
    every cluster).
    """
    wanted = set(only)
    if problems:
        codes = ["FC001"]
        ctx = Context(data, on, domain.policy({}), problems)
    else:
        ctx = Context(data, on, domain.policy(data), scope=scope)
        # An explicit --rule runs the rule even when [policy] ignore switches it off.
        ignored = set() if wanted else set(ctx.policy["ignore"])
        codes = [c for c in CATALOGUE if c != "FC001" and c not in ignored]
    if wanted:
        codes = [c for c in codes if c in wanted or c == "FC001"]
    findings = []
    for code in codes:
        entry = CATALOGUE[code]
        for hit in entry.check(ctx):
            where = line(hit.path) if line else None
            findings.append(
                Finding(
                    code=code,
                    rule=entry.name,
                    severity=hit.severity or entry.severity,
                    message=hit.message,
                    fix=hit.fix or entry.fix,
                    path=hit.path,
                    cluster=hit.cluster,
                    partner=hit.partner,
                    start=hit.start,
                    line=where,
                )
            )
    return sorted(findings, key=_order)


def _order(finding: Finding) -> tuple:
    # Clusters by id, then partners' findings, then the registry's: one group each.
    group = finding.cluster or ("~partners" if finding.partner else "~registry")
    return (
        group,
        SEVERITIES.index(finding.severity),
        finding.code,
        finding.line or 0,
        finding.partner or "",
    )


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        out[finding.severity] += 1
    return out


def unknown_codes(codes: Iterable[str]) -> list[str]:
    return [code for code in codes if code not in CATALOGUE]


def warnings(document: Any) -> list[str]:
    """What ``validate`` says beside its findings: rules not run, unknown ignored codes."""
    if document.problems:
        return ["rules other than FC001 were not run: fix the schema problems first"]
    ignored = domain.policy(document.data)["ignore"]
    return [f"policy.ignore names {code}, which is not a rule" for code in unknown_codes(ignored)]


def report(registry: str, findings: list[Finding], *, strict: bool) -> dict[str, Any]:
    """``validate --json`` (SPEC §5); ``valid`` is false when validate exits 1."""
    tally = counts(findings)
    valid = tally["error"] == 0 and not (strict and tally["warning"])
    return {
        "registry": registry,
        "valid": valid,
        "counts": tally,
        "findings": [finding.as_json() for finding in findings],
    }


def catalogue(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """``rules --json``: every rule with its effective threshold and whether it is on."""
    ignored = set(policy.get("ignore") or ())
    return [
        {
            "code": entry.code,
            "name": entry.name,
            "severity": entry.severity,
            "summary": entry.summary,
            "reason": entry.reason,
            "fix": entry.fix,
            "threshold": entry.threshold(policy),
            "enabled": entry.code not in ignored or entry.code == "FC001",
        }
        for entry in CATALOGUE.values()
    ]
