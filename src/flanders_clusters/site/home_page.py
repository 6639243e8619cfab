"""The overview (``index.html``): the programme in brief and what follows 2026, counts
(the networks of unknown status counted), the small network graph, the members of each
cluster by kind, the spearhead clusters and the networks, upcoming (or latest) events,
the downloads, and the registry checks' tally, closed."""

from __future__ import annotations

from collections import Counter

from ..views import stats
from . import dataset_card, pictures
from .cluster_pages import HELIX, cluster_table, kind_counts
from .event_pages import event_table
from .network_page import graph
from .rendering import Renderer

LATEST_EVENTS = 5  # on the overview when no event is upcoming
KIND_BARS = 40  # clusters drawn in the overview's chart of members by kind (the largest)
# The files the overview offers (those ``data_files`` writes, and the timeline's chart),
# each with the key of its words.
DOWNLOADS = (
    ("data/clusters.toml", "data.toml"),
    ("data/clusters.json", "data.json"),
    ("data/members.csv", "data.members"),
    ("data/partners.csv", "data.partners"),
    ("data/partners.json", "data.partners_json"),
    ("data/events.json", "data.events_json"),
    ("data/clusters.schema.json", "data.schema"),
    ("data/clusters.ics", "data.ics"),
    ("data/package/datapackage.json", "data.package"),  # dataset_card.py
    ("timeline.svg", "data.chart"),
)
# The pages that state what follows the spearhead clusters' ten years (the registry's
# format documents them: docs/registry-format.md, "the programme after 2026").
AFTER_2026 = {
    "green": "https://www.vario.be/nl/nieuws/groenboek-de-toekomst-van-het-vlaamse-clusterbeleid",
    "advice": "https://www.vario.be/nl/adviezen-rapporten/"
    "vario-advies-36-toekomst-van-het-vlaamse-clusterbeleid-groenboek",
    "after": "https://www.vario.be/en/news/"
    "vario-advies-36-toekomst-van-het-vlaamse-clusterbeleid-besproken-op-de-vlaamse-regering",
}


def home(out: Renderer) -> tuple[str, bytes]:
    facts, pieces = out.facts, out.pieces
    counts = stats.counts(facts.data, facts.on)
    every = list(facts.event_rows.values())
    upcoming = [row for row in every if row["end"] >= facts.on]
    latest = [] if upcoming else every[-LATEST_EVENTS:][::-1]
    # a finding that names a cluster and a partner is in both groups: count it once
    everything = {
        id(row): row
        for group in facts.findings.values()
        for found in group.values()
        for row in found
    }
    tally = Counter(row["severity"] for row in everything.values())
    # the members chart: the clusters with the most members listed, by name
    sized = [
        (cluster_id, kind_counts(out, record)) for cluster_id, record in facts.clusters.items()
    ]
    sized = [(cluster_id, found) for cluster_id, found in sized if found]
    largest = sorted(sized, key=lambda item: (-sum(item[1].values()), item[0]))[:KIND_BARS]
    rank = facts.rank["clusters"]
    largest.sort(key=lambda item: rank[item[0]])
    words = pictures.Words.from_catalogue(pieces.text, pieces.number)
    by_state = counts["clusters"]["by_type_and_status"]
    return out.page(
        "index.html",
        "index.html",
        pieces.text["home.title"],
        counts=counts,
        by_state=by_state,
        network=graph(out, "", "overview-network", small=True)
        if facts.strongest_pairs[1]
        else None,
        pairs=[
            words.counted(
                words.pair,
                count,
                first=facts.clusters[first]["name"],
                second=facts.clusters[second]["name"],
            )
            for count, first, second in facts.strongest_pairs[0]
        ],
        kinds=pictures.members_by_kind(
            [(facts.clusters[cluster_id]["name"], found) for cluster_id, found in largest],
            prefix="overview-kinds",
            words=words,
        )
        if largest
        else None,
        kinds_rows=[
            (
                pieces.cluster_link(cluster_id, ""),
                [(kind, pieces.number(found[kind])) for kind in pictures.KINDS if kind in found],
            )
            for cluster_id, found in largest
        ],
        kinds_cut=len(sized) > len(largest),
        helix=HELIX,
        spearheads=cluster_table(out, "", "spearhead"),
        icns=cluster_table(out, "", "icn"),
        upcoming=event_table(out, upcoming or latest, ""),
        is_upcoming=bool(upcoming),
        tally={key: tally.get(key, 0) for key in ("error", "warning", "info")},
        registry_findings=facts.findings["registry"].get("", []),
        downloads=facts.open_data.offered(DOWNLOADS),
        licence=pieces.link(dataset_card.LICENCE_URL, dataset_card.LICENCE_NAME),
        jsonld=facts.open_data.jsonld(href for href, _ in DOWNLOADS),
        events_total=len(facts.events),
        after2026=AFTER_2026,
    )
