"""The site for its visitors: honest words, pictures with their figures, a page and a
calendar per event, the downloads, the header search's index, unique titles.

Each build here is ``clusters site`` (or its pure ``build``) on the shipped registry, or
on a small one made for the case; the pages are read as a visitor's browser would get
them (HTML text), the calendars with ``icalendar``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, run
from site_support import D, events_registry, write

from flanders_clusters.registry import store
from flanders_clusters.site import build

ON = "2026-11-30"
DAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def shipped() -> dict[str, str]:
    """The shipped registry's site, page → text (HTML, the calendars, the data)."""
    document = store.read(store.Source(SHIPPED_DATA))
    files = build.build(document.data, DAY, text=document.text)
    return {path: content.decode("utf-8") for path, content in files.items()}


def made(tmp_path: Path, data: dict, *args: str) -> Path:
    registry = write(tmp_path, data)
    out = tmp_path / "site"
    result = run("--registry", str(registry), "site", str(out), "--on", ON, *args)
    assert result.exit_code == 0, result.stderr
    return out


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def tables(page: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each table's headings and its rows' cells, as text."""
    found = []
    for table in re.findall(r"<table.*?</table>", page, re.DOTALL):
        heads = [text_of(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)]
        rows = [
            [text_of(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tbody>.*?</tbody>", table, re.DOTALL)[0].split("</tr>")
            if "<t" in row
        ]
        found.append((heads, rows))
    return found


# -- honest words -------------------------------------------------------------------------


def test_a_policy_maximum_end_says_so_in_words_on_every_page_that_shows_it(shipped):
    data = store.read(store.Source(SHIPPED_DATA)).data
    maxed = [
        cluster_id
        for cluster_id, record in data["clusters"].items()
        if (record.get("funding") or [{}])[-1].get("end_basis") == "policy-max"
    ]
    assert maxed  # the shipped registry has them (the spearheads' ten years)
    for cluster_id in maxed:
        page = shipped[f"clusters/{cluster_id}.html"]
        assert "(policy maximum, not published)" in text_of(page), cluster_id
    for listing in ("clusters/index.html", "timeline.html", "index.html"):
        assert "31 December 2026 (policy maximum, not published)" in text_of(shipped[listing])


def test_a_shipped_cluster_page_has_no_empty_column(shipped):
    pages = [p for p in shipped if p.startswith("clusters/") and p != "clusters/index.html"]
    assert pages
    for path in pages:
        for heads, rows in tables(shipped[path]):
            assert len(heads) == len(rows[0]), path
            for place, head in enumerate(heads):
                assert any(row[place].strip() for row in rows), (path, head)


def test_a_column_no_row_fills_is_left_out_but_a_filled_one_stays(tmp_path):
    data = events_registry()
    out = made(tmp_path, data)
    beta = (out / "clusters" / "beta.html").read_text(encoding="utf-8")
    funding = next(heads for heads, _ in tables(beta) if "Start" in heads)
    # beta's one period has a yearly amount, no total, no rate, no reference
    assert funding == ["Start", "End", "Yearly support"]
    alpha = (out / "clusters" / "alpha.html").read_text(encoding="utf-8")
    # alpha's period has no amount at all: dates only
    assert next(heads for heads, _ in tables(alpha) if "Start" in heads) == ["Start", "End"]


def test_counts_of_active_networks_say_how_many_are_of_unknown_status(shipped):
    page = text_of(shipped["index.html"])
    data = store.read(store.Source(SHIPPED_DATA)).data
    unknown = [c for c in data["clusters"].values() if c["type"] == "icn" and not c.get("funding")]
    assert unknown
    assert f"and {len(unknown)} of unknown status" in page


def test_no_title_repeats_itself_and_every_page_has_its_own(shipped):
    titles = {}
    for path, page in shipped.items():
        if path.endswith(".html"):
            title = re.search(r"<head>.*?<title>(.*?)</title>", page, re.DOTALL)[1]
            parts = html.unescape(title).split(" · ")
            assert len(parts) == len(set(parts)), (path, title)
            titles.setdefault(title, []).append(path)
    assert html.unescape(re.search(r"<title>(.*?)</title>", shipped["index.html"])[1]) == (
        "Flemish innovation clusters"
    )
    assert all(len(paths) == 1 for paths in titles.values()), {
        t: p for t, p in titles.items() if len(p) > 1
    }


def test_the_partner_filter_promises_only_what_a_partner_row_holds(shipped):
    page = shipped["partners/index.html"]
    hint = text_of(re.search(r'<span id="filter-partners-hint"[^>]*>(.*?)</span>', page)[1])
    assert hint == "Type part of a name or a kind."
    assert "domain" not in hint and "status" not in hint


def test_notes_and_findings_are_closed_after_the_sources_without_command_lines(tmp_path):
    out = made(tmp_path, events_registry())
    page = (out / "clusters" / "alpha.html").read_text(encoding="utf-8")
    sources = page.index('id="h-sources"')
    notes = page.index('id="h-notes"')
    checks = page.index('id="h-findings"')
    assert sources < notes < checks
    assert page[notes:].count("<details>") == 2
    closed = page[checks:].split("</details>")[0]
    assert "FC106" in closed and "clusters " not in text_of(closed)


def test_the_overview_says_what_follows_2026_with_its_pages(shipped):
    page = shipped["index.html"]
    said = text_of(page)
    assert "Green Paper on the future of its cluster policy on 22 March 2024" in said
    assert "VARIO advised on 6 May 2024 to continue the current policy" in said
    assert "a new policy is to take effect after 2026" in said
    for url in (
        "https://www.vario.be/nl/nieuws/groenboek-de-toekomst-van-het-vlaamse-clusterbeleid",
        "https://www.vario.be/nl/adviezen-rapporten/vario-advies-36-toekomst-van-het-vlaamse-"
        "clusterbeleid-groenboek",
    ):
        assert f'<a href="{url}">' in page
    # the registry's own docs cite the same pages for the same facts
    documented = (Path(__file__).parent.parent / "docs" / "registry-format.md").read_text()
    assert "groenboek-de-toekomst-van-het-vlaamse-clusterbeleid" in documented


# -- pictures -------------------------------------------------------------------------------


def graph_of(page: str) -> tuple[dict[str, str], list[tuple[str, int]]]:
    """The network graph's nodes (link → full name) and edges (title, count)."""
    svg = re.search(r'<svg[^>]*role="graphics-document".*?</svg>', page, re.DOTALL)
    assert svg, "a network graph"
    nodes = dict(re.findall(r'<a class="node[^"]*" href="([^"]+)"><title>(.*?)</title>', svg[0]))
    edges = [
        (html.unescape(title), int(count))
        for count, title in re.findall(
            r'<g class="edge" data-count="(\d+)"><title>(.*?)</title>', svg[0]
        )
    ]
    return {href: html.unescape(name) for href, name in nodes.items()}, edges


def compare_graph_with_network_json(page: str, registry: Path | None) -> int:
    args = ("--registry", str(registry)) if registry else ()
    found = run(*args, "network", "--json").json()
    names = {row["cluster"]: row["name"] for row in found["clusters"]}
    nodes, edges = graph_of(page)
    in_pairs = {cluster_id for pair in found["pairs"] for cluster_id in pair["clusters"]}
    assert nodes == {f"clusters/{cluster_id}.html": names[cluster_id] for cluster_id in in_pairs}
    expected = sorted(
        (
            f"{names[a]} and {names[b]} share {pair['count']} partner"
            + ("s" if pair["count"] != 1 else ""),
            pair["count"],
        )
        for pair in found["pairs"]
        for a, b in [pair["clusters"]]
    )
    assert sorted(edges) == expected
    return len(edges)


def test_the_network_graph_has_a_node_per_cluster_and_an_edge_per_pair_as_network_json(shipped):
    assert compare_graph_with_network_json(shipped["network.html"], None) == 21


def test_the_network_graph_is_bounded_to_the_pairs_network_json_lists(tmp_path):
    data = events_registry()
    # twenty-one more networks that all share one partner: more pairs than are drawn
    for number in range(21):
        data["clusters"][f"n{number:02d}"] = {
            "name": f"Network {number:02d}",
            "type": "icn",
            "domain": "Testing",
            "members": [{"partner": "acme"}, *([{"partner": "uni"}] if number % 2 else [])],
        }
    registry = write(tmp_path, data)
    out = tmp_path / "site"
    assert run("--registry", str(registry), "site", str(out), "--on", ON).exit_code == 0
    page = (out / "network.html").read_text(encoding="utf-8")
    assert compare_graph_with_network_json(page, registry) == 100
    said = text_of(page)
    total = run("--registry", str(registry), "network", "--json").json()["pairs_total"]
    assert total > 100 and f"{total} pairs of clusters share partners." in said
    assert "The 100 pairs that share the most partners are listed" in said


def test_the_overview_and_cluster_pages_draw_members_by_kind_and_say_the_figures(shipped):
    home = shipped["index.html"]
    assert 'id="overview-kinds' in home and 'id="overview-network' in home
    said = text_of(home)
    assert "Members of each cluster by kind" in said
    data = store.read(store.Source(SHIPPED_DATA)).data
    words = {
        "company": "Companies",
        "knowledge": "Knowledge institutions",
        "government": "Government",
        "other": "Other organisations",
    }
    for cluster_id in ("catalisti", "flux50"):
        record = data["clusters"][cluster_id]
        counts: dict[str, int] = {}
        for member in record["members"]:
            kind = data["partners"][member["partner"]]["kind"]
            counts[kind] = counts.get(kind, 0) + 1
        line = ", ".join(f"{words[kind]} {counts[kind]}" for kind in words if kind in counts)
        assert f"{record['name']}: {line}" in said
        page = shipped[f"clusters/{cluster_id}.html"]
        assert 'id="kinds' in page and 'role="img"' in page
        for kind, count in counts.items():
            assert f"{words[kind]} ({count})" in text_of(page)


def test_the_events_page_draws_events_per_year_with_the_figures_as_a_list(shipped):
    page = shipped["events/index.html"]
    assert 'id="per-year' in page
    data = store.read(store.Source(SHIPPED_DATA)).data
    years: dict[int, int] = {}
    for event in data["events"].values():
        years[event["start"].year] = years.get(event["start"].year, 0) + 1
    said = text_of(page)
    for year, count in years.items():
        assert f"{year}: {count} event{'s' if count != 1 else ''}" in said


# -- events -----------------------------------------------------------------------------------


def test_every_event_has_its_page_linked_from_the_index_its_clusters_and_its_partners(shipped):
    data = store.read(store.Source(SHIPPED_DATA)).data
    index = shipped["events/index.html"]
    for event_id, event in data["events"].items():
        assert f"events/{event_id}.html" in shipped, event_id
        assert f'href="../events/{event_id}.html"' in index, event_id
        for cluster_id in event.get("clusters") or ():
            page = shipped[f"clusters/{cluster_id}.html"]
            assert f'href="../events/{event_id}.html"' in page, (event_id, cluster_id)
        for partner_id in {p["partner"] for p in event.get("participants") or ()} | (
            {event["organiser"]} if event.get("organiser") else set()
        ):
            page = shipped[f"partners/{partner_id}.html"]
            assert f'href="../events/{event_id}.html"' in page, (event_id, partner_id)


def test_each_event_calendar_is_one_vevent_with_the_full_calendars_uid(shipped):
    from icalendar import Calendar

    full = Calendar.from_ical(shipped["data/clusters.ics"])
    uids = {str(event["UID"]) for event in full.walk("VEVENT")}
    data = store.read(store.Source(SHIPPED_DATA)).data
    assert len(uids) == len(data["events"])
    for event_id in data["events"]:
        page = shipped[f"events/{event_id}.html"]
        assert f'href="{event_id}.ics"' in page and 'href="../data/clusters.ics"' in page
        one = Calendar.from_ical(shipped[f"events/{event_id}.ics"])
        (vevent,) = one.walk("VEVENT")
        assert str(vevent["UID"]) == f"{event_id}@clusters" and str(vevent["UID"]) in uids


def test_the_calendar_names_itself_and_asks_to_be_refreshed_daily(shipped):
    text = shipped["data/clusters.ics"]
    assert "X-WR-CALNAME:FI&E network events" in text
    assert "\r\nNAME:FI&E network events\r\n" in text
    assert "REFRESH-INTERVAL;VALUE=DURATION:P1D" in text
    assert "X-PUBLISHED-TTL:P1D" in text


def test_the_events_page_is_grouped_by_year_upcoming_first_and_offers_a_subscription(tmp_path):
    out = made(tmp_path, events_registry())
    page = (out / "events" / "index.html").read_text(encoding="utf-8")
    headings = [text_of(h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", page)]
    assert headings[1:3] == ["Upcoming", "2022"]
    assert '<a href="../data/clusters.ics">Subscribe to the calendar</a>' in page
    alpha = (out / "clusters" / "alpha.html").read_text(encoding="utf-8")
    assert '<a href="../data/clusters.ics">Subscribe to the calendar</a>' in alpha
    event = (out / "events" / "innovfest-2022.html").read_text(encoding="utf-8")
    said = text_of(event)
    for fact in ("24 October 2022", "Technopolis, Mechelen", "Flemish Government", "Acme NV"):
        assert fact in said
    assert "Companies (1)" in said and "Knowledge institutions (1)" in said
    assert "Demonstrations all day." in said  # the notes, closed


# -- downloads and search ---------------------------------------------------------------------


def test_partners_json_and_events_json_are_the_json_of_partners_and_events(tmp_path):
    data = events_registry()
    out = made(tmp_path, data)
    registry = tmp_path / "clusters.toml"
    partners = run("--registry", str(registry), "partners", "--json").json()
    events = run("--registry", str(registry), "events", "--json", "--on", ON).json()
    assert json.loads((out / "data" / "partners.json").read_text()) == partners
    assert json.loads((out / "data" / "events.json").read_text()) == events
    home = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="data/partners.json"' in home and 'href="data/events.json"' in home


def test_the_search_index_is_a_classic_script_naming_every_page_it_finds(shipped):
    script = shipped["search.js"]
    assert script.startswith("window.clustersSearch=") and script.endswith(";\n")
    entries = json.loads(script.removeprefix("window.clustersSearch=").removesuffix(";\n"))
    pages = {entry[1] for entry in entries}
    data = store.read(store.Source(SHIPPED_DATA)).data
    for table in ("clusters", "partners", "events"):
        for record_id in data[table]:
            assert f"{table}/{record_id}.html" in pages
    assert all(page in shipped for page in pages)
    for path, page in shipped.items():
        if path.endswith(".html"):
            assert '<form class="search" role="search"' in page and " hidden>" in page, path


def test_the_search_index_cannot_end_its_script(tmp_path):
    data = events_registry()
    data["partners"]["acme"]["name"] = "</script><script>alert(1)</script>"
    out = made(tmp_path, data)
    script = (out / "search.js").read_text(encoding="utf-8")
    assert "</script>" not in script and "\\u003c/script\\u003e" in script


def test_dutch_pages_say_the_new_words_in_dutch(tmp_path):
    out = made(tmp_path, events_registry(), "--lang", "nl")
    alpha = text_of((out / "clusters" / "alpha.html").read_text(encoding="utf-8"))
    assert "(beleidsmaximum, niet gepubliceerd)" in alpha
    assert "Opmerkingen uit het register" in alpha and "Abonneer op de kalender" in alpha
    home = text_of((out / "index.html").read_text(encoding="utf-8"))
    assert "Groenboek" in home and "22 maart 2024" in home


def test_an_empty_registry_still_makes_every_list_page(tmp_path):
    out = made(tmp_path, {"schema_version": 1})
    for name in ("index.html", "clusters/index.html", "partners/index.html", "network.html"):
        assert (out / name).is_file(), name
    assert not (out / "events").exists()
    assert "No two clusters share a partner." in (out / "network.html").read_text()


def test_an_event_with_the_reserved_id_index_gets_the_next_free_page(tmp_path):
    data = events_registry()
    data["events"]["index"] = {
        "title": "Reserved",
        "kind": "networking",
        "start": D(2023, 5, 1),
        "clusters": ["alpha"],
    }
    out = made(tmp_path, data)
    assert (out / "events" / "index-1.html").is_file()
    assert (out / "events" / "index-1.ics").is_file()
    assert 'href="../events/index-1.html"' in (out / "events" / "index.html").read_text()


def test_the_overviews_small_graph_says_its_pairs_in_figures(shipped):
    found = run("network", "--json").json()
    names = {row["cluster"]: row["name"] for row in found["clusters"]}
    said = text_of(shipped["index.html"])
    assert f"The {len(found['pairs'])} pairs drawn, in figures" in said
    for pair in found["pairs"]:
        first, second = (names[cluster_id] for cluster_id in pair["clusters"])
        count = pair["count"]
        assert f"{first} and {second} share {count} partner{'s' if count != 1 else ''}" in said
