"""The facts that several pages show, gathered once per build: each cluster's status
and span, who is a member of what, the events each cluster and organisation took part
in, the registry checks' findings by the record they name, and the order of names.

Nothing here is HTML: the page modules (``home_page``, ``cluster_pages``…) turn these
facts into pages, with the pieces of ``html_helpers``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from ..programme import members, participation, periods, rules
from ..programme.policy import policy
from ..registry.records import Cluster, Event, Member, Partner, Registry
from ..views import event_rows, network
from .dataset_card import OpenData

Row = dict[str, Any]


@dataclass(frozen=True)
class Options:
    """What the command line chooses: language, public address, what to leave out."""

    lang: str = "en"
    base_url: str | None = None  # ends with "/"
    findings: bool = True
    notes: bool = True


# The facts the cluster and partner pages share (made before a fork: see ``prepare``).
SHARED = ("findings", "joined", "taking_part", "event_rows", "status", "rank")


class Facts:
    """One build's registry, date and options, and the facts its pages share."""

    def __init__(self, data: dict[str, Any], on: dt.date, options: Options) -> None:
        self.data = cast(Registry, data if options.notes else without_notes(data))
        self.on = on
        self.options = options
        self.clusters: dict[str, Cluster] = self.data.get("clusters") or {}
        self.partners: dict[str, Partner] = self.data.get("partners") or {}
        self.events: dict[str, Event] = self.data.get("events") or {}
        self.soon = policy(self.data)["ending_soon_days"]

    @cached_property
    def open_data(self) -> OpenData:
        """The data package in ``data/package/`` and the dataset card (dataset_card.py)."""
        return OpenData(self.data, self.on, self.options.findings, self.options.base_url)

    def prepare(self) -> None:
        """Gather what the cluster and partner pages share, once."""
        for shared in SHARED:
            getattr(self, shared)

    @cached_property
    def findings(self) -> dict[str, dict[str, list[Row]]]:
        """The ``decree`` findings, by the cluster, partner or event they name."""
        grouped: dict[str, dict[str, list[Row]]] = {
            "cluster": {},
            "partner": {},
            "event": {},
            "registry": {},
        }
        if not self.options.findings:
            return grouped
        for finding in rules.run(self.data, self.on, profile="decree"):
            row = finding.as_json()
            named = [kind for kind in ("cluster", "partner", "event") if row[kind] is not None]
            for kind in named:
                grouped[kind].setdefault(row[kind], []).append(row)
            if not named:
                grouped["registry"].setdefault("", []).append(row)
        return grouped

    @cached_property
    def joined(self) -> dict[str, list[str]]:
        """Partner id → the sorted ids of the clusters that list it."""
        return members.memberships(self.data)

    def member_of(self, partner_id: str) -> Iterator[tuple[str, Member]]:
        """(cluster id, membership) for each membership of a partner, by cluster id."""
        for cluster_id in self.joined.get(partner_id, ()):
            for member in self.clusters[cluster_id].get("members") or ():
                if member["partner"] == partner_id:
                    yield cluster_id, member

    @cached_property
    def event_rows(self) -> dict[str, Row]:
        """Every event with every field and its participants named, by start, then id."""
        by_start = participation.by_start(participation.events(self.data))
        return {event_id: event_rows.detail(self.data, event_id) for event_id, _ in by_start}

    def events_of_cluster(self, cluster_id: str) -> list[Row]:
        return [self.event_rows[e] for e in self.taking_part["clusters"].get(cluster_id, ())]

    def events_of_partner(self, partner_id: str) -> list[Row]:
        ids = self.taking_part["partners"].get(partner_id, ())
        roles = event_rows.brief(self.data, list(ids), partner_id) if ids else []
        return [{**self.event_rows[row["event"]], "role": row["role"]} for row in roles]

    @cached_property
    def taking_part(self) -> dict[str, dict[str, list[str]]]:
        """The events each cluster and each organisation took part in, by start."""
        return {
            "clusters": participation.of_clusters(self.data),
            "partners": participation.of_partners(self.data),
        }

    @cached_property
    def status(self) -> dict[str, tuple[str, dt.date | None, dt.date | None, str]]:
        """Each cluster's status on the date, the span of its funding and the basis of
        its last end (``published``, ``policy-max``, ``estimate``)."""
        out = {}
        for cluster_id, record in self.clusters.items():
            found = periods.periods(record)
            basis = periods.end_basis(found[-1]) if found else "published"
            out[cluster_id] = (periods.status(record, self.on), *periods.span(record), basis)
        return out

    @cached_property
    def rank(self) -> dict[str, dict[str, int]]:
        """Each cluster's and each partner's place in a list by name (case-insensitive),
        then id; a member that the registry lacks is listed by its id."""

        def ranks(names: dict[str, str]) -> dict[str, int]:
            order = sorted(names, key=lambda i: (names[i].casefold(), names[i], i))
            return {record_id: place for place, record_id in enumerate(order)}

        partners = {partner_id: record["name"] for partner_id, record in self.partners.items()}
        for partner_id in self.joined:
            partners.setdefault(partner_id, partner_id)
        clusters = {cluster_id: record["name"] for cluster_id, record in self.clusters.items()}
        return {"clusters": ranks(clusters), "partners": ranks(partners)}

    @cached_property
    def strongest_pairs(self) -> tuple[list[tuple[int, str, str]], int]:
        """The pairs of clusters that share the most partners (up to the bound the
        network page and its graph show: ``(shared, first, second)``), and how many
        pairs share any."""
        return network.strongest_pairs(self.clusters, self.joined, network.PAIRS_SHOWN)

    def kind_of(self, partner_id: str) -> str:
        """A member's kind; ``unknown`` for a partner the registry does not list."""
        known = self.partners.get(partner_id)
        return known["kind"] if known else "unknown"


def without_notes(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of the registry without ``notes`` on clusters, partners and events."""
    out = dict(data)
    for table in ("clusters", "partners", "events"):
        if isinstance(data.get(table), dict):
            out[table] = {
                key: {k: v for k, v in record.items() if k != "notes"}
                for key, record in data[table].items()
            }
    return out
