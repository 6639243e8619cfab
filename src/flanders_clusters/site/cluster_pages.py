"""The list of clusters (``clusters/index.html``) and each cluster's page
(``clusters/<id>.html``): facts, funding with a small timeline, members by kind with
the triple helix and its picture, shared partners, events, sources, and the keeper's
notes and findings, closed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from markupsafe import Markup

from ..programme import members, money, periods
from ..registry.records import Cluster, Funding
from . import pictures
from .event_pages import event_table
from .html_helpers import Table
from .rendering import Renderer
from .schema_org import cluster_jsonld

Row = dict[str, Any]
_FIRST = itemgetter(0)
SHOWN = 10  # other clusters named beside a shared partner before "and N more"
KIND_ORDER = pictures.KINDS
HELIX = ("company", "knowledge", "government")
CLUSTER_COLUMNS = (
    "col.name",
    "col.type",
    "col.domain",
    "col.status",
    "col.start",
    "col.end",
    "col.members",
)
FUNDING_COLUMNS = (
    "col.start",
    "col.end",
    "col.annual",
    "col.total",
    "col.rate",
    "col.reference",
)
MEMBER_COLUMNS = ("col.name", "col.role", "col.since", "col.until", "col.current")


def cluster_table(out: Renderer, root: str, type_: str | None = None) -> Table:
    """A table of clusters (by name): name, type, domain, status, span, members."""
    facts, pieces = out.facts, out.pieces
    rank = facts.rank["clusters"]
    ids = sorted(
        (c for c, record in facts.clusters.items() if type_ in (None, record["type"])),
        key=rank.__getitem__,
    )
    rows = []
    for cluster_id in ids:
        record = facts.clusters[cluster_id]
        state, start, end, basis = facts.status[cluster_id]
        rows.append(
            (
                pieces.cluster_link(cluster_id, root),
                pieces.t["type." + record["type"]],
                record["domain"],
                pieces.status(state),
                pieces.date(start),
                pieces.end(end, basis),
                len(record.get("members") or ()),
            )
        )
    return Table(pieces, CLUSTER_COLUMNS, rows, numeric=("col.members",))


def cluster_index(out: Renderer) -> tuple[str, bytes]:
    return out.page(
        "clusters.html",
        "clusters/index.html",
        out.pieces.text["clusters.title"],
        clusters=cluster_table(out, "../"),
    )


def kind_counts(out: Renderer, record: Cluster) -> dict[str, int]:
    """A cluster's members listed, by kind (``unknown``: not in the partner list)."""
    counts = dict.fromkeys(KIND_ORDER, 0)
    for member in record.get("members") or ():
        counts[out.facts.kind_of(member["partner"])] += 1
    return {kind: count for kind, count in counts.items() if count}


class ClusterPages:
    """The cluster pages of one build, and the pieces they share, made once."""

    def __init__(self, out: Renderer) -> None:
        self.out = out
        self.facts = out.facts
        self.pieces = out.pieces
        self._also: dict[str, Markup] = {}
        self._charts: dict[tuple[Any, ...], Markup] = {}
        self.words = pictures.Words.from_catalogue(out.pieces.text, out.pieces.number)

    def page(self, cluster_id: str) -> tuple[str, bytes]:
        facts, pieces, out = self.facts, self.pieces, self.out
        record = facts.clusters[cluster_id]
        listed = record.get("members") or ()
        groups: dict[str, list[tuple[int, tuple[Any, ...]]]] = {}
        helix = dict.fromkeys(HELIX, 0)
        rank = facts.rank["partners"]
        for member in listed:
            partner_id = member["partner"]
            kind = facts.kind_of(partner_id)
            current = members.is_current(member, facts.on)
            role = members.role(member)
            groups.setdefault(kind, []).append(
                (
                    rank[partner_id],
                    (
                        pieces.partner_link(partner_id, "../"),
                        pieces.t["role." + role],
                        pieces.date(member.get("since")),
                        pieces.date(member.get("until")),
                        pieces.t["yes" if current else "no"],
                    ),
                )
            )
            if current:
                side = "government" if role == "clusterpact" else kind
                if side in helix:
                    helix[side] += 1
        member_tables = [
            (
                kind,
                pieces.number(len(groups[kind])),
                Table(pieces, MEMBER_COLUMNS, [row for _, row in sorted(groups[kind], key=_FIRST)]),
            )
            for kind in KIND_ORDER
            if kind in groups
        ]
        shared = [
            (pieces.partner_link(partner_id, "../"), self.also_in(partner_id, cluster_id))
            for partner_id in sorted({member["partner"] for member in listed})
            if len(facts.joined.get(partner_id, ())) >= 2
        ]
        counts = kind_counts(out, record)
        taken = facts.events_of_cluster(cluster_id)
        days_left = periods.days_left(record, facts.on)
        state, _, end, basis = facts.status[cluster_id]
        return out.page(
            "cluster.html",
            f"clusters/{pieces.stems['clusters'][cluster_id]}.html",
            record["name"],
            cluster_jsonld(out, cluster_id, record, taken),
            c=record,
            state=pieces.status(state),
            end=pieces.end(end, basis) if end else None,
            days_left=None
            if days_left is None
            else pieces.say("fact.days_left", days=pieces.number(days_left)),
            funding=self.funding_table(record),
            chart=self.mini_chart(record),
            members=member_tables,
            listed=pieces.number(len(listed)),
            complete=members.members_complete(record),
            helix=[
                (side, pieces.number(count) if count else None) for side, count in helix.items()
            ],
            kinds=pictures.members_by_kind(
                [(record["name"], counts)], prefix="kinds", words=self.words
            )
            if counts
            else None,
            findings=facts.findings["cluster"].get(cluster_id),
            shared=Table(pieces, ("col.partner", "col.other_clusters"), shared),
            events=event_table(out, taken, "../"),
        )

    def funding_table(self, record: Cluster) -> Table:
        pieces = self.pieces
        rows = []
        for period in periods.periods(record):
            rate = money.yearly_rate(period)
            total = period.get("total_support_eur")
            share = period.get("support_rate")
            rows.append(
                (
                    pieces.date(period["start"]),
                    pieces.end(period["end"], periods.end_basis(period)),
                    None if rate is None else pieces.money(rate),
                    None if total is None else pieces.money(total),
                    None if share is None else pieces.share(share),
                    period.get("reference"),
                )
            )
        return Table(pieces, FUNDING_COLUMNS, rows, numeric=("col.annual", "col.total", "col.rate"))

    def also_in(self, partner_id: str, cluster_id: str) -> Markup:
        """The other clusters of a shared partner, up to ``SHOWN`` of them "and N more".

        A partner in many clusters shows the same first ones on the pages of all its
        later clusters: that text is made once."""
        joined = self.facts.joined[partner_id]
        head = joined[: SHOWN + 1]
        shared = cluster_id not in head
        found = self._also.get(partner_id) if shared else None
        if found is None:
            named = [other for other in head if other != cluster_id][:SHOWN]
            found = self.pieces.cluster_links(named, "../")
            more = len(joined) - 1 - len(named)
            if more:
                found += Markup(" ") + self.pieces.say("and_more", count=more)
            if shared:
                self._also[partner_id] = found
        return found

    def mini_chart(self, record: Cluster) -> Markup | None:
        """The inside of a cluster's small timeline (rendered once per distinct shape)."""
        found = periods.periods(record)
        if not found:
            return None
        shape = (record["type"], *((p["start"], p["end"], periods.end_basis(p)) for p in found))
        drawn = self._charts.get(shape)
        if drawn is None:
            chart = mini_chart(found, record["type"], self.facts.on)
            drawn = self._charts[shape] = Markup(
                self.out.template("chart.html").render(chart=chart)
            )
        return drawn


def pages(out: Renderer, ids: list[str]) -> Iterator[tuple[str, bytes]]:
    made = ClusterPages(out)
    for cluster_id in ids:
        yield made.page(cluster_id)


def mini_chart(found: list[Funding], type_: str, on: dt.date, width: int = 600) -> Row:
    """The geometry of a cluster's small timeline, ``width`` units wide: a bar per
    period, a tick per year (labelled every year, or every 2 or 5 on long spans), and
    the date judged on."""
    first = dt.date(min(p["start"] for p in found).year, 1, 1)
    last = dt.date(max(p["end"] for p in found).year, 12, 31)  # no day after 9999-12-31
    days = (last - first).days + 1

    def x(offset: int) -> float:
        return round(width * offset / days, 1)

    years = range(first.year, last.year + 1)
    step = 1 if len(years) <= 12 else 2 if len(years) <= 24 else 5
    bars = []
    for period in found:
        start = x((period["start"] - first).days)
        end = x((period["end"] - first).days + 1)
        bars.append(
            {
                "x": start,
                "width": round(max(end - start, 1.0), 1),
                "basis": periods.end_basis(period),
            }
        )
    return {
        "bars": bars,
        "years": [
            {"x": x((dt.date(year, 1, 1) - first).days), "year": year, "label": year % step == 0}
            for year in years
        ],
        "on": x((on - first).days) if first <= on <= last else None,
        "type": type_,
    }
