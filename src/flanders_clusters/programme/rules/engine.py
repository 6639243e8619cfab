"""How rules run: pure functions from a registry and a date to findings.

A rule is one function under one ``@rule(...)`` entry: the decorator is its catalogue
record (code, name, profile, severity, summary, reason with source, fix hint,
threshold). Each function receives a ``Context`` and yields ``Hit``s; ``run`` turns them
into ``Finding``s, applies ``[policy] ignore``, the profile and ``--rule``, and sorts them.
The rules themselves live in ``consistency.py`` (FC0xx: the file is consistent),
``decree.py`` (FC1xx: the programme's rules), ``events.py``, ``labels.py`` (FC114-FC116:
quality labels) and ``eccp.py`` (FC2xx: the ECCP's profile criteria, profile ``eccp``);
docs/rules.md lists them.

Every rule is linear in the registry's size: one pass over clusters, members, partners or
periods, with dictionary look-ups (no pairs of members compared).

A finding is identified by its code and the records it names (``Finding.identity``), never
by its position in a list, so that an edit that shifts positions makes no old finding new.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import Any, TypeVar

from ...errors import Problem, UnknownRule, dotted_path
from ...registry.records import Cluster, Event, Partner, Registry
from ...registry.vocabulary import SEVERITIES
from .. import periods
from ..policy import policy as effective_policy

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
    event: str | None = None


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
    event: str | None = None
    profile: str = "decree"

    @property
    def brief(self) -> str:
        """``FC106 company-driven: beta: 1 of 2 current members is a company``."""
        where = self.cluster or self.partner or self.event or "registry"
        return f"{self.code} {self.rule}: {where}: {self.message}"

    @property
    def identity(self) -> tuple:
        """Code and named records (plus the field), independent of list positions."""
        tail = next((p for p in reversed(self.path) if isinstance(p, str)), "")
        return (self.code, self.cluster, self.partner, self.event, self.start, tail)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "rule": self.rule,
            "severity": self.severity,
            "profile": self.profile,
            "message": self.message,
            "cluster": self.cluster,
            "partner": self.partner,
            "event": self.event,
            "path": dotted_path(self.path),
            "line": self.line,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Scope:
    """The records an edit touches: the rules re-judge these (and what they reach) only."""

    clusters: frozenset[str] = frozenset()
    partners: frozenset[str] = frozenset()
    events: frozenset[str] = frozenset()

    def tables(self) -> dict[str, frozenset[str]]:
        return {"clusters": self.clusters, "partners": self.partners, "events": self.events}


@dataclass
class Context:
    """What a rule may look at: the registry, the date, the effective policy.

    Facts that several rules need (a cluster's status, the kinds of its current members)
    are computed once per run and kept here.
    """

    data: Registry
    on: dt.date
    policy: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    scope: Scope | None = None
    _status: dict[int, str] = field(default_factory=dict, repr=False)
    _kinds: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _ids: dict[int, set[str]] = field(default_factory=dict, repr=False)

    @property
    def clusters(self) -> dict[str, Cluster]:
        return self.data.get("clusters") or {}

    @property
    def partners(self) -> dict[str, Partner]:
        return self.data.get("partners") or {}

    def status(self, cluster: Cluster) -> str:
        key = id(cluster)
        found = self._status.get(key)
        if found is None:
            found = self._status[key] = periods.status(cluster, self.on)
        return found

    def active(self, cluster: Cluster) -> bool:
        return self.status(cluster) == "active"

    def each_cluster(self) -> Iterable[tuple[str, Cluster]]:
        """The clusters to judge: all of them, or those the scope names or reaches."""
        if self.scope is None:
            return self.clusters.items()
        return [(cid, self.clusters[cid]) for cid in sorted(self._scoped_clusters)]

    @property
    def events(self) -> dict[str, Event]:
        return self.data.get("events") or {}

    def each_event(self) -> Iterable[tuple[str, Event]]:
        """The events to judge: all of them, or those the scope names."""
        if self.scope is None:
            return self.events.items()
        return [(eid, self.events[eid]) for eid in sorted(self.scope.events) if eid in self.events]

    def each_partner(self) -> Iterable[tuple[str, Partner]]:
        """The partners to judge: all of them, or those the scope names."""
        if self.scope is None:
            return self.partners.items()
        return [
            (pid, self.partners[pid]) for pid in sorted(self.scope.partners) if pid in self.partners
        ]

    def partners_of_interest(self) -> Iterable[tuple[str, Partner]]:
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

    def member_ids(self, cluster: Cluster) -> set[str]:
        """The ids of the partners a cluster lists (each once)."""
        key = id(cluster)
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = set(map(_PARTNER, cluster.get("members") or ()))
        return found

    def kinds(self, cluster: Cluster) -> list[str]:
        """The kind of each current member (a clusterpact party counts as government)."""
        key = id(cluster)
        found = self._kinds.get(key)
        if found is None:
            found = self._kinds[key] = _current_kinds(self, cluster)
        return found


def _current_kinds(ctx: Context, cluster: Cluster) -> list[str]:
    # members.is_current, written inline: this runs for every membership of every cluster.
    kind_of, on = ctx.partner_kinds, ctx.on
    earliest, latest = dt.date.min, dt.date.max
    return [
        "government" if member.get("role") == "clusterpact" else kind_of[member["partner"]]
        for member in cluster.get("members") or ()
        if member["partner"] in kind_of  # an unknown partner is FC002's
        and (member.get("since") or earliest) <= on <= (member.get("until") or latest)
    ]


Check = Callable[[Context], Iterable[Hit]]  # a rule's function
T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    reason: str
    fix: str
    check: Check
    threshold: Callable[[dict[str, Any]], str | None] = lambda policy: None
    profile: str = "decree"


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
    profile: str = "decree",
) -> Callable[[Check], Check]:
    """Register a rule function in the catalogue (one entry per rule)."""

    def register(check: Check) -> Check:
        CATALOGUE[code] = Rule(
            code,
            name,
            severity,
            summary,
            reason,
            fix,
            check,
            threshold or (lambda policy: None),
            profile,
        )
        return check

    return register


def indexed(items: list[T] | None) -> list[tuple[int, T]]:
    return list(enumerate(items or ()))


# -- running ------------------------------------------------------------------------------


def run(
    data: Registry,
    on: dt.date,
    *,
    problems: list[Problem] | None = None,
    only: Iterable[str] = (),
    line: Callable[[Path], int | None] | None = None,
    scope: Scope | None = None,
    profile: str = "decree",
) -> list[Finding]:
    """All findings on ``on``: FC001 for schema problems, else every enabled rule.

    With schema problems the other rules do not run (they need a well-formed registry).
    ``only`` (codes or prefixes: ``FC1`` is FC101–FC1xx) runs those rules whatever their
    profile, even when ``[policy] ignore`` switches them off; else the rules of
    ``profile`` (``all``: every profile) run, but for those ``ignore`` names.
    ``scope`` limits it to the records an edit touches (registry-wide rules still count
    every cluster).
    """
    prefixes = tuple(code.upper() for code in only)
    if problems:
        codes = ["FC001"]
        ctx = Context(data, on, effective_policy({}), problems)
    else:
        ctx = Context(data, on, effective_policy(data), scope=scope)
        if prefixes:
            codes = [c for c in sorted(CATALOGUE) if c != "FC001" and c.startswith(prefixes)]
        else:
            ignored = set(ctx.policy["ignore"])
            codes = [
                c
                for c in sorted(CATALOGUE)
                if c != "FC001" and c not in ignored and profile in ("all", CATALOGUE[c].profile)
            ]
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
                    event=hit.event,
                    profile=entry.profile,
                )
            )
    return sorted(findings, key=_order)


def group_of(finding: Finding) -> tuple[int, str]:
    """Where a finding is reported: its cluster, else its event, else with the partners'
    findings, else the registry's — in that order, by id."""
    if finding.cluster:
        return (0, finding.cluster)
    if finding.event:
        return (1, finding.event)
    return (2, "partners") if finding.partner else (3, "registry")


def _order(finding: Finding) -> tuple:
    return (
        group_of(finding),
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
    """The codes (or prefixes) that name no rule."""
    return [code for code in codes if not any(c.startswith(code.upper()) for c in CATALOGUE)]


def warnings(document: Any) -> list[str]:
    """What ``validate`` says beside its findings: rules not run, unknown ignored codes."""
    if document.problems:
        return ["rules other than FC001 were not run: fix the schema problems first"]
    ignored = effective_policy(document.data)["ignore"]
    return [f"policy.ignore names {code}, which is not a rule" for code in unknown_codes(ignored)]


def report(registry: str, findings: list[Finding], *, strict: bool) -> dict[str, Any]:
    """``validate --json`` (docs/json.md); ``valid`` is false when validate exits 1."""
    tally = counts(findings)
    valid = tally["error"] == 0 and not (strict and tally["warning"])
    return {
        "registry": registry,
        "valid": valid,
        "counts": tally,
        "findings": [finding.as_json() for finding in findings],
    }


_URL = re.compile(r"https?://[^\s;)]+")


def describe(entry: Rule, policy: dict[str, Any]) -> dict[str, Any]:
    """One rule as ``rules --json`` gives it: its threshold in effect, whether it is on, and
    the URLs of the sources its reason cites."""
    return {
        "code": entry.code,
        "name": entry.name,
        "profile": entry.profile,
        "severity": entry.severity,
        "summary": entry.summary,
        "reason": entry.reason,
        "sources": [url.rstrip(".,") for url in _URL.findall(entry.reason)],
        "fix": entry.fix,
        "threshold": entry.threshold(policy),
        "enabled": entry.code not in set(policy.get("ignore") or ()) or entry.code == "FC001",
    }


def catalogue(policy: dict[str, Any]) -> list[dict[str, Any]]:
    """``rules --json``: every rule with its effective threshold and whether it is on."""
    return [describe(CATALOGUE[code], policy) for code in sorted(CATALOGUE)]


def find(wanted: str) -> Rule:
    """``rules CODE``: one rule by its code (any case) or its name; else ``UnknownRule``
    naming the closest rules."""
    code = wanted.upper()
    found = CATALOGUE.get(code) or next(
        (entry for entry in CATALOGUE.values() if entry.name == wanted.lower()), None
    )
    if found is None:
        close = ", ".join(f"{c} {CATALOGUE[c].name}" for c in _close(wanted))
        raise UnknownRule(
            f"no rule {wanted!r}" + (f" (did you mean {close}?)" if close else ""),
            "see `clusters rules` for the codes",
        )
    return found


def _close(wanted: str) -> list[str]:
    """The codes a mistyped rule may mean: those it starts (``FC2``), else similar codes
    and names."""
    code = wanted.upper()
    started = [c for c in sorted(CATALOGUE) if len(code) > 2 and c.startswith(code)]
    if started:
        return started[:5]
    names = {entry.name: entry.code for entry in CATALOGUE.values()}
    close = difflib.get_close_matches(code, sorted(CATALOGUE), n=3, cutoff=0.75)
    close += [names[n] for n in difflib.get_close_matches(wanted.lower(), sorted(names), n=3)]
    return list(dict.fromkeys(close))
