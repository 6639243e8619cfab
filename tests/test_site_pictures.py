"""The site's pictures (``site/pictures.py``): what each SVG draws, read back as XML.

Every test parses the markup with ``xml.etree.ElementTree``, as any XML reader would:
the nodes, edges, bars and segments are counted and their ``<title>``s and numbers
read, so a figure that is drawn wrong or a name that breaks the markup fails here.
"""

from __future__ import annotations

import math
import random
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import run
from hypothesis import given, settings
from hypothesis import strategies as st
from site_support import END_SCRIPT, HOSTILE_NAMES, SCRIPT

from flanders_clusters.site import messages
from flanders_clusters.site.pictures import (
    WIDTHS,
    Words,
    events_per_year,
    members_by_kind,
    network_graph,
)

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG_TAGS = ("svg", "title", "desc", "g", "a", "circle", "line", "rect", "text", "tspan")
S = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, width, height = (float(v) for v in root.get("viewBox", "").split())
    return x, y, width, height


def title(element: ET.Element) -> str:
    found = element.find("svg:title", NS)
    assert found is not None, ET.tostring(element)
    return found.text or ""


def nodes(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if (e.get("class") or "").split()[:1] == ["node"]]


def edges(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == "edge"]


def circle(node: ET.Element) -> tuple[float, float, float]:
    found = node.find("svg:circle", NS)
    assert found is not None
    return float(found.get("cx", "")), float(found.get("cy", "")), float(found.get("r", ""))


def ends(edge: ET.Element) -> tuple[tuple[float, float], tuple[float, float]]:
    line = edge.find("svg:line", NS)
    assert line is not None
    return (
        (float(line.get("x1", "")), float(line.get("y1", ""))),
        (float(line.get("x2", "")), float(line.get("y2", ""))),
    )


def link(cluster_id: str) -> str:
    return f"clusters/{cluster_id}.html"


def drawn_pairs(root: ET.Element) -> dict[frozenset[str], int]:
    """The pairs the picture draws, each edge's ends matched to the nodes' centres, with
    the number its ``<title>`` says."""
    at = {circle(n)[:2]: n.get("href", "").removeprefix("clusters/")[:-5] for n in nodes(root)}
    found = {}
    for edge in edges(root):
        first, second = ends(edge)
        number = int(re.search(r"share (\d+) partners?$", title(edge)).group(1))
        found[frozenset((at[first], at[second]))] = number
    return found


CLUSTERS = {
    "catalisti": {"name": "Catalisti", "type": "spearhead", "members": 10},
    "flux50": {"name": "Flux50", "type": "spearhead", "members": 9},
    "euka": {"name": "EUKA (European UAV Knowledge Area)", "type": "icn", "members": 7},
    "vil": {"name": "VIL", "type": "spearhead", "members": 14},
    "lonely": {"name": "Not in any pair", "type": "icn", "members": 3},
}
PAIRS = [
    {"clusters": ["catalisti", "flux50"], "count": 3},
    {"clusters": ["catalisti", "euka"], "count": 1},
    {"clusters": ["flux50", "vil"], "count": 2},
]


# -- the network graph ------------------------------------------------------------------


def test_one_node_per_cluster_in_a_pair_with_its_full_name_and_link() -> None:
    root = parse(network_graph(PAIRS, CLUSTERS, link))
    found = {title(n): n.get("href") for n in nodes(root)}
    assert found == {
        "Catalisti": "clusters/catalisti.html",
        "Flux50": "clusters/flux50.html",
        "EUKA (European UAV Knowledge Area)": "clusters/euka.html",
        "VIL": "clusters/vil.html",
    }  # "lonely" shares no partner: no node
    assert {n.get("class") for n in nodes(root)} == {"node node-spearhead", "node node-icn"}
    euka = next(n for n in nodes(root) if n.get("href") == "clusters/euka.html")
    assert euka.get("class") == "node node-icn"
    assert euka.find("svg:desc", NS).text == "Innovative company network, 7 members listed"


def test_one_edge_per_pair_naming_the_pair_and_the_number() -> None:
    root = parse(network_graph(PAIRS, CLUSTERS, link))
    assert sorted(title(e) for e in edges(root)) == [
        "Catalisti and EUKA (European UAV Knowledge Area) share 1 partner",
        "Catalisti and Flux50 share 3 partners",
        "Flux50 and VIL share 2 partners",
    ]
    assert drawn_pairs(root) == {
        frozenset(("catalisti", "flux50")): 3,
        frozenset(("catalisti", "euka")): 1,
        frozenset(("flux50", "vil")): 2,
    }


def test_the_graph_of_the_shipped_registry_is_the_network_command() -> None:
    result = run("network", "--json", "--registry", "data/clusters.toml")
    assert result.exit_code == 0, result.stderr
    network = result.json()
    clusters = {row["cluster"]: row for row in network["clusters"]}
    root = parse(network_graph(network["pairs"], clusters, link))
    expected_pairs = {frozenset(p["clusters"]): p["count"] for p in network["pairs"]}
    assert len(expected_pairs) == len(network["pairs"]) > 10
    in_pairs = {cluster for p in network["pairs"] for cluster in p["clusters"]}
    assert {n.get("href") for n in nodes(root)} == {link(c) for c in in_pairs}
    assert len(nodes(root)) == len(in_pairs)
    assert sorted(title(n) for n in nodes(root)) == sorted(clusters[c]["name"] for c in in_pairs)
    assert drawn_pairs(root) == expected_pairs
    assert len(edges(root)) == len(network["pairs"])


def test_edges_are_wider_the_more_partners_shared() -> None:
    pairs = [{"clusters": ["a", f"b{count}"], "count": count} for count in (1, 2, 3, 5, 8)]
    root = parse(network_graph(pairs, {}))
    widths = {
        int(e.get("data-count")): float(e.find("svg:line", NS).get("stroke-width"))
        for e in edges(root)
    }
    ordered = [widths[count] for count in sorted(widths)]
    assert ordered == sorted(set(ordered)), widths  # strictly wider
    assert ordered[0] >= 1


def test_nodes_are_sized_by_members_area_in_proportion_with_a_smallest() -> None:
    clusters = {
        "big": {"name": "Big", "type": "spearhead", "members": 100},
        "quarter": {"name": "Quarter", "type": "icn", "members": 25},
        "none": {"name": "None", "type": "icn", "members": 0},
    }
    pairs = [(1, "big", "quarter"), (1, "big", "none")]
    root = parse(network_graph(pairs, clusters))
    radius = {title(n): circle(n)[2] for n in nodes(root)}
    assert radius["Big"] ** 2 / radius["Quarter"] ** 2 == pytest.approx(4, rel=0.02)
    assert 0 < radius["None"] < radius["Quarter"]  # still visible


def test_the_same_pairs_in_any_order_or_shape_give_the_same_bytes() -> None:
    """The pairs are a set: the layout sorts the clusters by id, so the order of the
    pairs, of the two clusters in a pair, or of the clusters' table changes nothing."""
    first = network_graph(PAIRS, CLUSTERS, link)
    assert network_graph(PAIRS, CLUSTERS, link) == first
    shuffled = [dict(p) for p in PAIRS]
    random.Random(7).shuffle(shuffled)
    shuffled[0]["clusters"] = shuffled[0]["clusters"][::-1]
    reordered = dict(reversed(list(CLUSTERS.items())))
    assert network_graph(shuffled, reordered, link) == first
    as_tuples = [(p["count"], *p["clusters"]) for p in PAIRS]  # strongest_pairs' shape
    assert network_graph(as_tuples, CLUSTERS, link) == first


def test_a_pair_given_twice_or_with_itself_is_refused() -> None:
    with pytest.raises(ValueError, match="given twice"):
        network_graph([(1, "a", "b"), (2, "b", "a")], {})
    with pytest.raises(ValueError, match="itself"):
        network_graph([(1, "a", "a")], {})
    with pytest.raises(ValueError, match="shares 0 partners"):
        network_graph([(0, "a", "b")], {})


def test_a_graph_without_links_is_an_image_and_one_with_links_a_document() -> None:
    """Links inside ``role="img"`` are presentational (axe: nested-interactive)."""
    plain = parse(network_graph(PAIRS, CLUSTERS))
    assert plain.get("role") == "img"
    assert not plain.findall(".//svg:a", NS)
    assert {n.tag for n in nodes(plain)} == {S + "g"}
    linked = parse(network_graph(PAIRS, CLUSTERS, link))
    assert linked.get("role") == "graphics-document"
    assert len(linked.findall(".//svg:a", NS)) == 4


def test_a_cluster_missing_from_the_table_is_drawn_by_its_id() -> None:
    root = parse(network_graph([(2, "known", "ghost")], {"known": CLUSTERS["vil"]}))
    assert sorted(title(n) for n in nodes(root)) == ["VIL", "ghost"]
    assert {n.get("class") for n in nodes(root)} == {"node node-spearhead", "node node-other"}


def test_no_pairs_draw_a_picture_that_says_so() -> None:
    root = parse(network_graph([], CLUSTERS, link))
    assert root.get("role") == "img"
    assert not nodes(root) and not edges(root)
    assert root.find("svg:text", NS).text == "No two clusters share a partner."


def test_labels_are_short_and_inside_the_picture() -> None:
    long = "Cluster " + "with a very long name " * 14  # 316 characters
    clusters = {**CLUSTERS, "long": {"name": long, "type": "icn", "members": 50}}
    root = parse(network_graph([*PAIRS, (4, "long", "vil")], clusters, link))
    _, _, width, _ = view_box(root)
    node = next(n for n in nodes(root) if n.get("href") == "clusters/long.html")
    assert title(node) == long  # the full name stays in the title
    shown = "".join(node.find("svg:text", NS).itertext())
    assert shown.endswith("…") and len(shown) < 40
    for text in root.iter(S + "text"):  # no text starts outside the picture
        assert 0 <= float(text.get("x")) <= width
    euka = next(n for n in nodes(root) if n.get("href") == "clusters/euka.html")
    assert "".join(euka.find("svg:text", NS).itertext()) == "EUKA"  # "(…)" left off


def test_the_small_graph_has_the_same_nodes_and_edges_and_fewer_labels() -> None:
    clusters = {f"c{i}": {"name": f"Cluster {i}", "type": "icn", "members": i} for i in range(12)}
    pairs = [(1 + i % 3, f"c{i}", f"c{i + 1}") for i in range(11)]
    full = parse(network_graph(pairs, clusters, link))
    small = parse(network_graph(pairs, clusters, link, small=True))
    assert [title(n) for n in nodes(small)] == [title(n) for n in nodes(full)]
    assert drawn_pairs(small) == drawn_pairs(full)
    labelled = [n for n in nodes(small) if n.find("svg:text", NS) is not None]
    assert 0 < len(labelled) <= 6 < len([n for n in nodes(full) if n.find("svg:text", NS)])
    assert "picture-small" in small.get("class").split()


def test_a_hundred_pairs_of_two_hundred_clusters_are_all_drawn() -> None:
    """Its speed is the site benchmark's to measure (benchmarks/run.py), not a timed test's."""
    rng = random.Random(24)
    ids = [f"cluster-{i:03d}" for i in range(200)]
    clusters = {
        c: {"name": c.title(), "type": rng.choice(["spearhead", "icn"]), "members": i}
        for i, c in enumerate(ids)
    }
    core = [(a, b) for a in range(15) for b in range(a + 1, 15)][:100]
    shapes = {
        "disjoint pairs": [(rng.randint(1, 9), ids[2 * i], ids[2 * i + 1]) for i in range(100)],
        "one tree of 101": [
            (rng.randint(1, 9), ids[rng.randrange(i)], ids[i]) for i in range(1, 101)
        ],
        "a dense core": [(rng.randint(1, 9), ids[a], ids[b]) for a, b in core],
    }
    for shape, pairs in shapes.items():
        root = parse(network_graph(pairs, clusters, link))
        assert len(edges(root)) == 100, shape
        assert len(nodes(root)) == len({c for _, *pair in pairs for c in pair}), shape


# -- members by kind --------------------------------------------------------------------

ROWS = [
    ("Catalisti", {"company": 12, "knowledge": 3, "government": 1}),
    ("Flux50", {"company": 1, "other": 2}),
    ("Empty", {}),
    ("Lost", {"unknown": 2, "company": 1}),
]


def segments(row: ET.Element) -> list[ET.Element]:
    return [e for e in row if (e.get("class") or "").startswith("segment ")]


def test_members_by_kind_draws_each_count_in_its_segment() -> None:
    root = parse(members_by_kind(ROWS))
    rows = root.findall("svg:g[@class='row']", NS)
    assert len(rows) == len(ROWS)
    for row, (name, counts) in zip(rows, ROWS, strict=True):
        texts = [t.text for t in row.findall("svg:text", NS)]
        assert texts[0] == name
        total = sum(counts.values())
        assert texts[1] == f"{total} member" + ("" if total == 1 else "s")
        drawn = {s.get("class").split()[1].removeprefix("kind-"): s for s in segments(row)}
        assert {kind: int(s.get("data-count")) for kind, s in drawn.items()} == counts
        for kind, segment in drawn.items():
            assert title(segment).startswith(f"{name}: {counts[kind]} ")
            inside = segment.find("svg:text", NS)
            if inside is not None:
                assert inside.text == str(counts[kind])
    catalisti = {title(s) for s in segments(rows[0])}
    assert catalisti == {
        "Catalisti: 12 companies",
        "Catalisti: 3 knowledge institutions",
        "Catalisti: 1 government member",
    }


def test_members_bars_share_one_scale_in_the_helix_order() -> None:
    root = parse(members_by_kind(ROWS))
    rows = root.findall("svg:g[@class='row']", NS)
    widths = {}
    for row, (name, _) in zip(rows, ROWS, strict=True):
        for segment in segments(row):
            rect = segment.find("svg:rect", NS)
            widths[(name, segment.get("class").split()[1])] = float(rect.get("width"))
    per_member = widths[("Catalisti", "kind-company")] / 12
    for (name, kind), width in widths.items():
        count = dict(ROWS)[name][kind.removeprefix("kind-")]
        assert width == pytest.approx(count * per_member, abs=0.1)
    order = [s.get("class").split()[1] for s in segments(rows[3])]
    assert order == ["kind-company", "kind-unknown"]  # the helix first, the unknown last
    legend = [t.text for t in root.find("svg:g[@class='legend']", NS).iter(S + "text")]
    assert legend == [
        "Company",
        "Knowledge institution",
        "Government",
        "Other",
        "Not in the partner list",
    ]


def test_members_of_no_cluster_and_strange_kinds() -> None:
    root = parse(members_by_kind([]))
    assert root.find("svg:text", NS).text == "No cluster lists members."
    with pytest.raises(ValueError, match="startup"):
        members_by_kind([("X", {"startup": 1})])


# -- events per year --------------------------------------------------------------------


def test_events_per_year_one_bar_a_year_with_its_number() -> None:
    counts = {2024: 1, 2015: 2, 2017: 4}
    root = parse(events_per_year(counts))
    bars = root.findall("svg:g[@class='bar']", NS)
    years = {int(b.find("svg:text[@class='year']", NS).text): b for b in bars}
    assert list(years) == list(range(2015, 2025))  # the years between too
    for year, bar in years.items():
        count = counts.get(year, 0)
        assert bar.find("svg:text[@class='number']", NS).text == str(count)
        assert title(bar) == f"{year}: {count} event" + ("" if count == 1 else "s")
        rect = bar.find("svg:rect", NS)
        assert (rect is None) == (count == 0)
    widths = {
        y: float(b.find("svg:rect", NS).get("width")) for y, b in years.items() if counts.get(y)
    }
    assert widths[2017] == pytest.approx(2 * widths[2015], abs=0.1)
    assert widths[2015] == pytest.approx(2 * widths[2024], abs=0.1)


def test_no_events_draw_a_picture_that_says_so() -> None:
    root = parse(events_per_year({}))
    assert root.find("svg:text", NS).text == "The registry lists no events."


# -- all pictures -----------------------------------------------------------------------


def every_picture(words: Words | None = None) -> dict[str, str]:
    return {
        "network": network_graph(PAIRS, CLUSTERS, link, prefix="g", words=words),
        "small": network_graph(PAIRS, CLUSTERS, link, prefix="s", small=True, words=words),
        "network-empty": network_graph([], {}, prefix="ge", words=words),
        "members": members_by_kind(ROWS, prefix="m", words=words),
        "members-empty": members_by_kind([], prefix="me", words=words),
        "events": events_per_year({2020: 3, 2022: 1}, prefix="e", words=words),
        "events-empty": events_per_year({}, prefix="ee", words=words),
    }


@pytest.mark.parametrize("name", list(every_picture()))
def test_each_picture_is_a_titled_scalable_image_with_no_style(name: str) -> None:
    markup = every_picture()[name]
    root = parse(markup)
    assert root.tag == S + "svg"
    assert root.get("role") in ("img", "graphics-document")
    labelled = root.get("aria-labelledby").split()
    ids = {e.get("id"): e for e in root.iter() if e.get("id")}
    assert [ids[i].tag for i in labelled] == [S + "title", S + "desc"]
    assert ids[labelled[0]].text and ids[labelled[1]].text
    assert ids[labelled[0]].text != ids[labelled[1]].text  # a title never repeats
    _, _, width, height = view_box(root)
    assert width in WIDTHS and height > 0
    assert f"w{int(width)}" in root.get("class").split()
    assert root.get("width") is None and root.get("height") is None
    assert not [e.tag for e in root.iter() if e.get("style") is not None]
    assert not root.findall(".//svg:style", NS) and not root.findall(".//svg:script", NS)
    assert "style=" not in markup and "<style" not in markup


def test_ids_start_with_the_prefix_so_pictures_share_a_page() -> None:
    page = "".join(every_picture().values())
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 14
    with pytest.raises(ValueError, match="id prefix"):
        network_graph(PAIRS, CLUSTERS, prefix='x" onload="alert(1)')


def test_the_same_figures_give_the_same_bytes() -> None:
    assert every_picture() == every_picture()


@pytest.mark.parametrize("hostile", [*HOSTILE_NAMES, "A & B <i>", "\u202eevil\x00\x1b[31m"])
def test_hostile_names_are_text_in_every_picture(hostile: str) -> None:
    clusters = {
        "a": {"name": hostile, "type": "spearhead", "members": 5},
        "b": {"name": "Other", "type": "icn", "members": 1},
    }
    shown = re.sub(r"[\x00-\x1f\u202e]", lambda m: f"\\u{ord(m.group()):04x}", hostile)
    for markup in (
        network_graph([(2, "a", "b")], clusters, lambda c: f'{c}.html?x="&y=<z>'),
        members_by_kind([(hostile, {"company": 2})]),
    ):
        root = parse(markup)  # well-formed: nothing ended early, no markup let in
        assert {e.tag.removeprefix(S) for e in root.iter()} <= set(SVG_TAGS)
        titles = [e.text for e in root.iter(S + "title")]
        assert any(
            t == shown or t.startswith(shown + ":") or t.startswith(shown + " and") for t in titles
        )
    linked = parse(network_graph([(2, "a", "b")], clusters, lambda c: f'{c}.html?x="&y=<z>'))
    assert {a.get("href") for a in linked.iter(S + "a")} == {'a.html?x="&y=<z>', 'b.html?x="&y=<z>'}


def test_a_name_of_300_characters_keeps_the_bars_in_their_width() -> None:
    name = "Ä" + "x" * 298 + "Z"
    root = parse(members_by_kind([(name, {"company": 3})]))
    _, _, width, _ = view_box(root)
    row = root.find("svg:g[@class='row']", NS)
    label = row.find("svg:text", NS)
    assert label.text.endswith("…") and len(label.text) < 60
    assert title(segments(row)[0]) == f"{name}: 3 companies"
    for rect in root.iter(S + "rect"):
        assert float(rect.get("x")) + float(rect.get("width")) <= width


def test_the_words_and_numbers_of_another_language() -> None:
    dutch = Words(
        number=lambda n: messages.number_text(n, "nl"),
        pair=(
            "{first} en {second} delen {count} partner",
            "{first} en {second} delen {count} partners",
        ),
        year=("{year}: {count} activiteit", "{year}: {count} activiteiten"),
        events_title="Activiteiten per jaar",
    )
    root = parse(network_graph([(1200, "a", "b"), (1, "b", "c")], {}, words=dutch))
    assert sorted(title(e) for e in edges(root)) == [
        "a en b delen 1.200 partners",
        "b en c delen 1 partner",
    ]
    events = parse(events_per_year({2022: 1, 2023: 2500}, words=dutch))
    assert title(events) == "Activiteiten per jaar"
    assert [title(b) for b in events.findall("svg:g[@class='bar']", NS)] == [
        "2022: 1 activiteit",
        "2023: 2.500 activiteiten",
    ]
    assert events.findall(".//svg:text[@class='number']", NS)[1].text == "2.500"


def test_the_end_of_a_script_in_a_name_cannot_end_a_page_script() -> None:
    """Inline on a page, the SVG is HTML: ``</script>`` must arrive escaped."""
    clusters = {"a": {"name": END_SCRIPT, "type": "icn", "members": 1}, "b": {"name": SCRIPT}}
    markup = network_graph([(1, "a", "b")], clusters, link) + members_by_kind(
        [(SCRIPT, {"company": 1})]
    )
    assert "<script" not in markup.lower() and "</script" not in markup.lower()


# -- the layout, for any graph ----------------------------------------------------------

GRAPHS = st.integers(2, 40).flatmap(
    lambda size: st.lists(
        st.tuples(st.integers(0, size - 1), st.integers(0, size - 1), st.integers(1, 50)),
        min_size=1,
        max_size=100,
    )
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(
    edges_drawn=GRAPHS,
    members=st.lists(st.integers(0, 10_000), min_size=40, max_size=40),
    small=st.booleans(),
)
def test_every_coordinate_is_finite_and_inside_the_picture(
    edges_drawn: list[tuple[int, int, int]], members: list[int], small: bool
) -> None:
    pairs = {}
    for a, b, count in edges_drawn:
        if a != b:
            pairs[(min(a, b), max(a, b))] = count
    if not pairs:
        return
    clusters = {
        f"c{i}": {"name": f"Cluster number {i}", "type": "icn", "members": members[i]}
        for i in range(40)
    }
    given_pairs = [(count, f"c{a}", f"c{b}") for (a, b), count in pairs.items()]
    root = parse(network_graph(given_pairs, clusters, link, small=small))
    _, _, width, height = view_box(root)
    assert math.isfinite(height)
    for node in nodes(root):
        x, y, r = circle(node)
        assert math.isfinite(x) and math.isfinite(y)
        assert x - r >= 0 and y - r >= 0
        assert x + r <= width + 0.1 and y + r <= height + 0.1
    for edge in edges(root):
        for x, y in ends(edge):
            assert 0 <= x <= width and 0 <= y <= height
    for text in root.iter(S + "text"):
        x, y = float(text.get("x")), float(text.get("y"))
        assert 0 <= x <= width and 0 <= y <= height
    assert len(edges(root)) == len(pairs)


def test_the_words_go_through_a_message_catalogue_and_back() -> None:
    """A page keeps the words in its catalogue (``picture.…`` entries); every entry is
    needed, so a Dutch page never shows an English word it lacks."""
    entries = Words().catalogue()
    assert entries["picture.pair.other"] == "{first} and {second} share {count} partners"
    assert entries["picture.segment.company.one"] == "{name}: {count} company"
    assert entries["picture.kinds.unknown"] == "Not in the partner list"
    assert every_picture(Words.from_catalogue(entries)) == every_picture()
    dutch = {**entries, "picture.pair.one": "{first} en {second} delen {count} partner"}
    root = parse(network_graph([(1, "a", "b")], {}, words=Words.from_catalogue(dutch)))
    assert title(edges(root)[0]) == "a en b delen 1 partner"
    del dutch["picture.kinds.government"]
    with pytest.raises(KeyError, match=r"picture\.kinds\.government"):
        Words.from_catalogue(dutch)
