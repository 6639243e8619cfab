"""`clusters site`: the files it builds, their escaping, the languages, and the safety of
the folder it writes into (every folder here is a temporary one the test makes)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, digest, run
from site_support import (
    END_SCRIPT,
    HOSTILE_NAMES,
    HOSTILE_URL,
    SCRIPT,
    TEMPLATE,
    events_registry,
    hostile_registry,
    write,
)

from flanders_clusters.errors import PermissionDenied, WriteFailed
from flanders_clusters.formats import timeline_svg
from flanders_clusters.site import build, folder_swap, messages, worker_pool

ON = "2026-11-30"
DAY = dt.date(2026, 11, 30)


def site(registry: Path, outdir: Path, *args: str):
    return run("--registry", str(registry), "site", str(outdir), "--on", ON, *args)


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) → its digest."""
    return {
        str(path.relative_to(folder)): digest(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    return write(tmp_path, events_registry())


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    return write(tmp_path, hostile_registry())


class Page(HTMLParser):
    """What a test reads off a page: its language, headings, links, scripts, attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.h1: list[str] = []
        self.headings: list[str] = []
        self.links: list[str] = []
        self.sources: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self._in: list[str] = []
        self.feed(html)

    @property
    def plain(self) -> str:
        """The page's text with its white space collapsed."""
        return " ".join("".join(self.text).split())

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self.attributes += attrs
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        if tag in ("img", "script", "link") and (found.get("src") or found.get("href")):
            self.sources.append(found.get("src") or found.get("href"))
        if tag == "script":
            self.scripts.append(found)
            self.script_text.append("")
        if tag not in ("meta", "link", "img", "input", "br", "line", "rect"):
            self._in.append(tag)

    def handle_endtag(self, tag):
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data):
        if "script" in self._in:
            self.script_text[-1] += data
        elif self._in and self._in[-1] == "h1":
            self.h1.append(data)
        if self._in and self._in[-1] in ("h1", "h2", "h3"):
            self.headings.append(data.strip())
        self.text.append(data)


def page(folder: Path, path: str) -> Page:
    return Page((folder / path).read_text(encoding="utf-8"))


# -- what it builds ---------------------------------------------------------------------------


def test_the_shipped_registry_becomes_a_site_with_every_page(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run("site", str(out), "--on", ON)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert re.match(r"wrote \d+ files \(\d+ pages, [\d.,]+ (MB|bytes)\) to ", result.stderr)
    data = json.loads((out / "data" / "clusters.json").read_text(encoding="utf-8"))
    for record in data:
        assert (out / "clusters" / f"{record['id']}.html").is_file()
    partners = run("partners", "--json").json()
    for record in partners:
        assert (out / "partners" / f"{record['id']}.html").is_file()
    for name in (
        "index.html",
        "clusters/index.html",
        "partners/index.html",
        "timeline.html",
        "timeline.svg",
        "network.html",
        "style.css",
        "site.js",
        "data/clusters.toml",
        "data/members.csv",
        "data/partners.csv",
        "data/clusters.schema.json",
        "data/clusters.ics",
    ):
        assert (out / name).is_file(), name
    assert (out / "data" / "clusters.toml").read_bytes() == SHIPPED_DATA.read_bytes()
    schema = out / "data" / "clusters.schema.json"
    assert schema.read_bytes() == (SHIPPED_DATA.parent / "clusters.schema.json").read_bytes()
    assert not (out / "sitemap.xml").exists()
    events = run("events", "--json").json()
    assert events and (out / "events" / "index.html").is_file()
    listing = page(out, "events/index.html")
    # every event has its page, linked from the index
    assert {f"../events/{event['id']}.html" for event in events} <= set(listing.links)
    assert all((out / "events" / f"{event['id']}.html").is_file() for event in events)


def test_the_marker_lists_every_file_written_and_json_counts_them(
    events_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = site(events_file, out, "--json")
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert list(report) == ["outdir", "pages", "files", "bytes"]
    on_disk = tree(out)
    marker = (out / folder_swap.MARKER).read_text(encoding="utf-8").splitlines()
    assert marker[0].startswith("# clusters site")
    assert sorted(marker[1:]) == sorted(name for name in on_disk if name != folder_swap.MARKER)
    assert report["outdir"] == str(out)
    assert report["files"] == len(on_disk)
    assert report["pages"] == sum(1 for name in on_disk if name.endswith(".html"))
    assert report["bytes"] == sum((out / name).stat().st_size for name in on_disk)
    assert "events/index.html" in on_disk


@pytest.mark.slow
def test_two_builds_of_the_same_registry_and_date_are_byte_identical(
    events_file: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert site(events_file, first).exit_code == 0
    assert site(events_file, second).exit_code == 0
    assert tree(first) == tree(second)
    data = write(tmp_path, events_registry(), "again.toml")
    from flanders_clusters.registry import store

    document = store.read(store.Source(data))
    assert build.build(document.data, DAY) == build.build(document.data, DAY)


@pytest.mark.slow
def test_another_date_changes_the_pages_that_show_status(events_file: Path, tmp_path: Path):
    assert site(events_file, tmp_path / "a").exit_code == 0
    later = run("--registry", str(events_file), "site", str(tmp_path / "b"), "--on", "2030-01-01")
    assert later.exit_code == 0
    assert digest(tmp_path / "a" / "index.html") != digest(tmp_path / "b" / "index.html")
    assert digest(tmp_path / "a" / "style.css") == digest(tmp_path / "b" / "style.css")


def test_every_page_has_one_h1_a_language_landmarks_and_the_policy(
    events_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    pages = [name for name in tree(out) if name.endswith(".html")]
    assert len(pages) == 13  # two event pages beside the 11 of before
    for name in pages:
        html = (out / name).read_text(encoding="utf-8")
        found = Page(html)
        assert found.lang == "en", name
        assert len(re.findall(r"<h1[ >]", html)) == 1, name
        for landmark in ('<main id="main"', "<nav ", "<header", "<footer"):
            assert landmark in html, (name, landmark)
        assert 'href="#main"' in html  # the skip link
        assert f'content="{build.CSP}"' in html.replace("&#39;", "'")
        # no inline script or style: scripts are files, or JSON-LD data
        for script in found.scripts:
            assert script.get("src") or script.get("type") == "application/ld+json", name
        assert not any(key == "style" or key.startswith("on") for key, _ in found.attributes)
        # relative links only; the only absolute URLs are links out, never loaded
        for source in found.sources:
            assert not re.match(r"^(/|[a-z]+:)", source, re.IGNORECASE), (name, source)
        for link in found.links:
            assert not link.startswith("/"), (name, link)
            if ":" in link.split("/")[0]:
                assert link.startswith(("https://", "http://")), (name, link)


def test_internal_links_point_at_files_the_build_wrote(events_file: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    for name in (n for n in tree(out) if n.endswith(".html")):
        found = page(out, name)
        for link in found.links:
            if link.startswith(("http://", "https://")):
                continue
            target, _, fragment = link.partition("#")
            resolved = (out / name).parent / target if target else out / name
            assert resolved.resolve().is_file(), (name, link)
            if fragment:
                assert fragment in Page(resolved.read_text(encoding="utf-8")).ids, (name, link)


def test_a_cluster_page_shows_facts_funding_members_events_sources_notes_findings(
    events_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    html = (out / "clusters" / "alpha.html").read_text(encoding="utf-8")
    found = Page(html)
    assert found.h1 == ["Alpha Cluster"]
    for heading in ("Facts", "Funding", "Members", "Shared partners", "Events"):
        assert heading in found.headings
    # keeper text after the sources, under its own headings, closed
    assert found.headings[-3:] == ["Sources", "Notes from the registry", "Registry checks"]
    assert html.count("<details>") == 2 and "<details open" not in html
    assert "Triple helix on 30 November 2026" in found.plain
    assert "Companies: 1" in html and "Knowledge institutions: 1" in html
    assert '<a href="https://alpha.example">https://alpha.example</a>' in html
    assert 'href="../partners/acme.html">Acme NV</a>' in html
    assert 'href="../events/innovfest-2022.html">InnovFest Vlaanderen</a>' in html
    assert 'href="../data/clusters.ics">Subscribe to the calendar</a>' in html
    assert "FC106" in html and "1 of 3 current members is a company" in html
    assert "Founded by Acme." in html
    assert '<svg class="mini"' in html and 'role="img"' in html
    assert "(policy maximum, not published)" in html
    checks = found.plain.split("Registry checks")[-1].split("Made with clusters")[0]
    assert "1 of 3 current members is a company" in checks
    assert "clusters " not in checks  # the fix's command line is for keepers


def test_the_partner_directory_is_grouped_by_network_category(events_file, tmp_path) -> None:
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    found = page(out, "partners/index.html")
    assert "Knowledge and research centres (1)" in found.headings
    assert "Other organisations (2)" in found.headings
    acme = page(out, "partners/acme.html")
    assert acme.h1 == ["Acme NV"]
    assert "../clusters/alpha.html" in acme.links and "../clusters/beta.html" in acme.links
    assert "exhibitor" in acme.plain


def test_timeline_page_has_the_chart_and_its_figures_as_a_table(events_file, tmp_path):
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    html = (out / "timeline.html").read_text(encoding="utf-8")
    assert '<img src="timeline.svg" alt="Gantt chart of the funding periods of 2 clusters' in html
    assert (
        '<th scope="row" data-label="Year">2019</th>'
        '<td data-label="Active spearhead clusters" class="num">1</td>'
        '<td data-label="Active networks" class="num">1</td>'
    ) in html
    svg = (out / "timeline.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_events_page_lists_upcoming_and_past_events_with_participants(events_file, tmp_path):
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    found = page(out, "events/index.html")
    assert found.headings[:4] == ["Events", "Events per year", "Upcoming", "2022"]
    assert {"../events/innovfest-2022.html", "../events/learning-2027.html"} <= set(found.links)
    text = found.plain
    assert "24 October 2022" in text and "2 March 2027 – 3 March 2027" in text
    assert "2022: 1 event" in text  # the chart's figures as text
    event = page(out, "events/learning-2027.html")
    assert event.h1 == ["Learning network for cluster organisations"]
    assert "Organisations taking part" in event.headings
    home = page(out, "index.html")
    assert "Upcoming events" in home.headings
    ics = (out / "data" / "clusters.ics").read_bytes()
    assert b"UID:innovfest-2022@clusters" in ics and b"BEGIN:VCALENDAR" in ics


def test_without_upcoming_events_the_overview_shows_the_latest(events_file, tmp_path):
    out = tmp_path / "site"
    later = run("--registry", str(events_file), "site", str(out), "--on", "2030-01-01")
    assert later.exit_code == 0
    home = page(out, "index.html")
    assert "Latest events" in home.headings
    assert home.headings.index("Latest events") > 0


# -- structured data --------------------------------------------------------------------------


def json_ld(html: str) -> list:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(text) for text in found]


def test_json_ld_is_an_organization_with_member_roles_and_events(events_file, tmp_path):
    out = tmp_path / "site"
    assert site(events_file, out, "--base-url", "https://example.org/clusters").exit_code == 0
    (org,) = json_ld((out / "clusters" / "alpha.html").read_text(encoding="utf-8"))
    assert org["@context"] == "https://schema.org"
    assert org["@type"] == "Organization"
    assert org["@id"] == "https://example.org/clusters/clusters/alpha.html"
    assert org["name"] == "Alpha Cluster" and org["url"] == "https://alpha.example"
    roles = {role["member"]["name"]: role for role in org["member"]}
    assert roles["Flemish Government"] == {
        "@type": "OrganizationRole",
        "roleName": "clusterpact",
        "startDate": "2018-06-01",
        "member": {
            "@type": "Organization",
            "name": "Flemish Government",
            "@id": "https://example.org/clusters/partners/gov.html",
        },
    }
    assert roles["Acme NV"]["roleName"] == "founder" and "startDate" not in roles["Acme NV"]
    festival = next(event for event in org["event"] if event["name"] == "InnovFest Vlaanderen")
    assert festival["@type"] == "Event"
    assert festival["startDate"] == festival["endDate"] == "2022-10-24"
    assert festival["location"] == {"@type": "Place", "name": "Technopolis, Mechelen"}
    assert festival["organizer"]["name"] == "Flemish Government"
    assert {a["name"] for a in festival["attendee"]} == {"Acme NV", "Example University"}
    assert all(a["@type"] == "Organization" for a in festival["attendee"])
    (graph,) = json_ld((out / "events" / "index.html").read_text(encoding="utf-8"))
    assert [event["@type"] for event in graph["@graph"]] == ["Event", "Event"]


def test_a_coordinator_is_named_in_both_languages_and_in_json_ld(tmp_path: Path) -> None:
    data = events_registry()
    data["clusters"]["beta"]["members"] = [{"partner": "acme", "role": "coordinator"}]
    registry = write(tmp_path, data)
    pages = {}
    for lang in ("en", "nl"):
        out = tmp_path / lang
        assert site(registry, out, "--lang", lang).exit_code == 0
        pages[lang] = (out / "clusters" / "beta.html").read_text(encoding="utf-8")
    english, dutch = pages["en"], pages["nl"]
    assert '<td data-label="Role">coordinator</td>' in english
    assert '<td data-label="Rol">coördinator</td>' in dutch
    (org,) = json_ld(english)
    assert [role["roleName"] for role in org["member"]] == ["coordinator"]


def test_base_url_adds_canonical_links_and_a_sitemap(events_file: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert site(events_file, out, "--base-url", "https://example.org/c").exit_code == 0
    html = (out / "clusters" / "beta.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/c/clusters/beta.html">' in html
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    pages = re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert "https://example.org/c/index.html" in pages
    assert "https://example.org/c/events/index.html" in pages
    assert len(pages) == sum(1 for name in tree(out) if name.endswith(".html"))
    plain = tmp_path / "plain"
    assert site(events_file, plain).exit_code == 0
    assert "canonical" not in (plain / "clusters" / "beta.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["ftp://example.org/", "example.org", "https://x.org/?q=1"])
def test_a_base_url_that_is_not_http_is_a_usage_error(events_file, tmp_path, url) -> None:
    result = site(events_file, tmp_path / "site", "--base-url", url)
    assert result.exit_code == 2
    assert not (tmp_path / "site").exists()


# -- hostile text -----------------------------------------------------------------------------


def test_hostile_text_is_escaped_for_html_attributes_and_script(hostile_file, tmp_path):
    out = tmp_path / "site"
    assert site(hostile_file, out, "--base-url", "https://example.org/").exit_code == 0
    for name in (n for n in tree(out) if n.endswith(".html")):
        html = (out / name).read_text(encoding="utf-8")
        found = Page(html)
        # the only scripts are the site's file and JSON-LD data, whose text parses
        assert len(found.scripts) == html.count("</script>"), name
        for script, text in zip(found.scripts, found.script_text, strict=True):
            assert script.get("src") or json.loads(text), name
        assert not any(key.startswith("on") for key, _ in found.attributes), name
        for link in found.links:
            assert not link.lower().startswith("javascript"), (name, link)
    cluster = (out / "clusters" / "index-1.html").read_text(encoding="utf-8")
    assert Page(cluster).h1 == [SCRIPT]
    assert TEMPLATE in Page(cluster).plain  # shown as written, never evaluated
    network = (out / "clusters" / "x.html").read_text(encoding="utf-8")
    assert "javascript:window.pwned=6;alert(6)</dd>" in network  # shown, not linked
    (org,) = json_ld(cluster)
    assert org["name"] == SCRIPT and org["url"] == HOSTILE_URL  # data, escaped in the script
    names = {role["member"]["name"] for role in org["member"]}
    assert names == {HOSTILE_NAMES[2], HOSTILE_NAMES[3], HOSTILE_NAMES[4]}
    assert "\\u003c/script\\u003e" in (out / "clusters" / "x.html").read_text(encoding="utf-8")
    assert Page((out / "clusters" / "x.html").read_text(encoding="utf-8")).h1 == [END_SCRIPT]


class Cells(HTMLParser):
    """The text of each link on a page, as a reader sees it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self.links.append((self._href or "", ""))

    def handle_endtag(self, tag):
        self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self.links[-1] = (self.links[-1][0], self.links[-1][1] + data)


def test_the_rows_the_build_makes_show_hostile_names_literally(hostile_file, tmp_path):
    """Members, shared partners, a partner's clusters and the lists: each name is text in
    its own link, never markup."""
    out = tmp_path / "site"
    assert site(hostile_file, out).exit_code == 0
    names = {
        "clusters/index-1.html": {
            ("../partners/index-2.html", HOSTILE_NAMES[2]),  # a member, a shared partner
            ("../partners/index-1.html", HOSTILE_NAMES[3]),
            ("../partners/gov.html", HOSTILE_NAMES[4]),
            ("../clusters/x.html", END_SCRIPT),  # where a shared partner is also
        },
        "partners/index-2.html": {
            ("../clusters/index-1.html", SCRIPT),
            ("../clusters/x.html", END_SCRIPT),
        },
        "clusters/index.html": {("../clusters/index-1.html", SCRIPT)},
        "partners/index.html": {("../partners/gov.html", TEMPLATE)},
        "timeline.html": {("clusters/x.html", END_SCRIPT)},
        "index.html": {("clusters/index-1.html", SCRIPT)},
    }
    for name, expected in names.items():
        html = (out / name).read_text(encoding="utf-8")
        assert expected <= set(Cells(html).links), name
        assert "<script>window" not in html and "<svg onload" not in html, name


def test_a_member_missing_from_partners_in_two_clusters_is_shown_as_text(tmp_path):
    """An unknown partner is a finding (FC002), not a reason to fail the build: in each
    cluster that lists it, its id shows as text, in the members and the shared partners."""
    data = events_registry()
    for cluster in data["clusters"].values():
        cluster["members"].append({"partner": "ghost"})
    out = tmp_path / "site"
    result = site(write(tmp_path, data), out)
    assert result.exit_code == 0, result.output
    for name in ("alpha", "beta"):
        html = (out / "clusters" / f"{name}.html").read_text(encoding="utf-8")
        assert '<th scope="row">ghost</th>' in html  # shared with the other cluster
        assert "partners/ghost.html" not in html
        assert "FC002" in html
    assert not (out / "partners" / "ghost.html").exists()


def test_the_reserved_index_id_gets_the_next_free_name(hostile_file, tmp_path) -> None:
    out = tmp_path / "site"
    assert site(hostile_file, out).exit_code == 0
    assert (out / "clusters" / "index-1.html").is_file()  # cluster "index"
    assert (out / "partners" / "index-2.html").is_file()  # partner "index" ("index-1" is taken)
    assert (out / "partners" / "index-1.html").is_file()  # partner "index-1"
    listing = page(out, "clusters/index.html")
    assert "../clusters/index-1.html" in listing.links
    assert build.file_names(["index", "index-1", "index-2", "a"]) == {
        "a": "a",
        "index": "index-3",
        "index-1": "index-1",
        "index-2": "index-2",
    }


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://a.example/x?y=1", True),
        ("HTTP://A.EXAMPLE", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<b>", False),
        ("//evil.example/", False),
        ("https://a.example/\u202ex", False),
        ("mailto:a@b.example", False),
        (None, False),
    ],
)
def test_only_http_and_https_urls_become_links(url, linked) -> None:
    assert build.linkable(url) is linked


def test_script_json_cannot_end_its_script_element() -> None:
    text = build.script_json({"name": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": "</script><!-- & \u2028"}


# -- languages --------------------------------------------------------------------------------


def test_every_message_is_in_both_languages() -> None:
    english, dutch = (set(messages.MESSAGES[lang]) for lang in messages.LANGS)
    assert english == dutch
    assert all(text.strip() for lang in messages.LANGS for text in messages.MESSAGES[lang].values())
    for lang in messages.LANGS:
        for key, text in messages.MESSAGES[lang].items():
            # no template syntax in the words: a page shows them as written
            assert not re.search(r"\{\{|\{%|\{#", text), (lang, key)
        assert set(messages.chart_words(lang)) == set(timeline_svg.WORDS)


def test_the_templates_use_only_words_of_the_catalogue() -> None:
    folder = Path(build.__file__).parent / "templates"
    used = set()
    for template in folder.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        # words come through jinja2.ext.i18n: _("key") (a key made with ~ is a prefix)
        used |= set(re.findall(r"""_\(["']([a-z0-9_.-]+)["'][,)]""", source))
        assert not re.search(r"\bt\[", source), template.name  # no other way in
    assert used and used <= set(messages.MESSAGES["en"])


@pytest.mark.parametrize(
    ("lang", "day", "text"),
    [
        ("en", dt.date(2022, 10, 24), "24 October 2022"),
        ("nl", dt.date(2022, 10, 24), "24 oktober 2022"),
    ],
)
def test_dates_are_written_in_the_language_never_the_locale(lang, day, text) -> None:
    assert messages.date_text(day, lang) == text


def test_amounts_and_shares_in_both_languages() -> None:
    assert messages.euro_text(500000, "en") == "EUR 500,000"
    assert messages.euro_text(500000, "nl") == "EUR 500.000"
    assert messages.euro_text(1234.5, "nl") == "EUR 1.234,50"
    assert messages.share_text(0.125, "nl") == "12,5 %"
    assert messages.share_text(0.5, "en") == "50 %"


def test_dutch_pages_carry_lang_nl_dutch_headings_and_dates(events_file, tmp_path) -> None:
    out = tmp_path / "site"
    assert site(events_file, out, "--lang", "nl").exit_code == 0
    for name in (n for n in tree(out) if n.endswith(".html")):
        assert page(out, name).lang == "nl", name
    cluster = page(out, "clusters/alpha.html")
    for heading in (
        "Gegevens",
        "Financiering",
        "Leden",
        "Activiteiten",
        "Controles van het register",
    ):
        assert heading in cluster.headings
    text = cluster.plain
    assert "Speerpuntcluster" in text and "actief" in text
    events = page(out, "events/index.html").plain
    assert "24 oktober 2022" in events and "Komend" in events
    assert "Tijdlijn van de financiering" in page(out, "timeline.html").h1
    assert "Alpha Cluster" in cluster.h1  # the data as recorded
    assert (
        b"X-WR-CALNAME:Activiteiten van het VLAIO-netwerk"
        in (out / "data" / "clusters.ics").read_bytes()
    )


def test_an_unknown_language_is_a_usage_error(events_file, tmp_path) -> None:
    result = site(events_file, tmp_path / "site", "--lang", "fr")
    assert result.exit_code == 2
    assert not (tmp_path / "site").exists()


# -- options ----------------------------------------------------------------------------------


def test_no_findings_and_no_notes_leave_them_out(events_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert site(events_file, out, "--no-findings", "--no-notes").exit_code == 0
    for name in (n for n in tree(out) if n.endswith(".html")):
        html = (out / name).read_text(encoding="utf-8")
        assert "FC106" not in html and "Findings" not in html, name
        assert "Founded by Acme." not in html and "Demonstrations all day." not in html, name
    for name in ("clusters.toml", "clusters.json", "clusters.ics"):
        content = (out / "data" / name).read_text(encoding="utf-8")
        assert "Founded by Acme." not in content and "Demonstrations" not in content, name
    toml = (out / "data" / "clusters.toml").read_text(encoding="utf-8")
    assert "[clusters.alpha]" in toml


def test_a_registry_that_cannot_be_read_exits_3_and_writes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("schema_version = 1\n[clusters.x]\nname = 1\n", encoding="utf-8")
    result = run("--registry", str(broken), "site", str(tmp_path / "site"), "--json")
    assert result.exit_code == 3
    assert result.json()["error"]["code"] == "schema"
    assert not (tmp_path / "site").exists()


# -- the folder ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_gh_pages_checkout_keeps_its_hidden_entries_and_cname(events_file, tmp_path):
    out = tmp_path / "gh-pages"
    (out / ".git" / "refs").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / ".nojekyll").write_text("")
    (out / "CNAME").write_text("clusters.example.org\n")
    before = tree(out)
    result = site(events_file, out)
    assert result.exit_code == 0, result.stderr
    after = tree(out)
    assert {name: after[name] for name in before} == before
    assert "index.html" in after
    assert folder_swap.MARKER not in before and folder_swap.MARKER in after
    # a rebuild is fine too, and still leaves them be
    assert site(events_file, out, "--lang", "nl").exit_code == 0
    assert {name: tree(out)[name] for name in before} == before


def test_a_folder_with_other_files_is_refused_and_nothing_changes(events_file, tmp_path):
    out = tmp_path / "mine"
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "todo.txt").write_text("keep me\n")
    (out / "index.html").write_text("<p>my own page</p>\n")
    (out / ".git").mkdir()
    before = tree(out)
    result = site(events_file, out, "--json")
    assert result.exit_code == 4
    error = result.json()["error"]
    assert error["code"] == "not-a-site"
    assert "index.html" in error["message"] and "notes" in error["message"]
    assert error["fix"]
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clusters.toml", "mine"]


@pytest.mark.slow
def test_a_rebuild_removes_the_pages_of_records_gone_and_keeps_the_users_files(
    tmp_path: Path,
) -> None:
    data = events_registry()
    registry = write(tmp_path, data)
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    assert (out / "clusters" / "beta.html").is_file()
    (out / "clusters" / ".keep").write_text("mine")
    (out / "CNAME").write_text("x.example\n")
    del data["clusters"]["beta"]
    for event in data["events"].values():
        event["clusters"] = [c for c in event["clusters"] if c != "beta"]
    write(tmp_path, data)
    assert site(registry, out).exit_code == 0
    assert not (out / "clusters" / "beta.html").exists()
    assert (out / "clusters" / ".keep").read_text() == "mine"
    assert (out / "CNAME").read_text() == "x.example\n"
    assert "clusters/beta.html" not in (out / folder_swap.MARKER).read_text()
    # a folder the new build no longer uses goes when empty; with a user's file it stays
    del data["events"]
    write(tmp_path, data)
    (out / "events" / ".hidden").write_text("mine")
    assert site(registry, out).exit_code == 0
    assert not (out / "events" / "index.html").exists()
    assert (out / "events" / ".hidden").read_text() == "mine"


def test_a_file_added_to_a_previous_build_makes_it_foreign(events_file, tmp_path) -> None:
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    (out / "clusters" / "extra.html").write_text("mine")
    before = tree(out)
    result = site(events_file, out)
    assert result.exit_code == 4
    assert "clusters/extra.html" in result.stderr
    assert tree(out) == before


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges on Windows")
def test_links_are_never_followed(events_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "alpha.html").write_text("precious")
    # the site's folder replaced by a link: refused, and the link's target untouched
    os.rename(out / "clusters", tmp_path / "old-clusters")
    os.symlink(elsewhere, out / "clusters")
    result = site(events_file, out)
    assert result.exit_code == 4 and "clusters" in result.stderr
    assert (elsewhere / "alpha.html").read_text() == "precious"
    # OUTDIR itself a link: refused, naming the real folder
    link = tmp_path / "link"
    os.symlink(elsewhere, link)
    result = site(events_file, link, "--json")
    assert result.exit_code == 4
    assert result.json()["error"]["code"] == "not-a-site"
    assert str(elsewhere) in result.json()["error"]["fix"]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["alpha.html"]


def test_a_marker_naming_other_files_never_makes_them_the_sites(events_file, tmp_path):
    out = tmp_path / "site"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "config").write_text("keep")
    (out / "CNAME").write_text("keep")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep")
    (out / folder_swap.MARKER).write_text(
        "# clusters site\n../outside.txt\n.git/config\nCNAME\n/etc/hostname\nclusters/../../x\n"
    )
    assert site(events_file, out).exit_code == 0
    assert outside.read_text() == "keep"
    assert (out / ".git" / "config").read_text() == "keep"
    assert (out / "CNAME").read_text() == "keep"
    assert folder_swap.listed(out) == set((out / folder_swap.MARKER).read_text().splitlines()[1:])


def test_outdir_that_is_a_file_is_refused(events_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("mine")
    result = site(events_file, target)
    assert result.exit_code == 4
    assert target.read_text() == "mine"


def test_a_second_build_into_the_same_folder_waits_for_none(events_file, tmp_path) -> None:
    from filelock import FileLock

    out = tmp_path / "site"
    work = folder_swap.work_folder(Path(os.path.abspath(out)))
    work.mkdir(mode=0o700)
    with FileLock(str(work / "lock")):
        result = site(events_file, out, "--json")
    assert result.exit_code == 5
    assert result.json()["error"]["code"] == "locked"
    assert not out.exists()


def test_a_swap_interrupted_midway_is_finished_by_the_next_run(
    events_file: Path, tmp_path: Path, monkeypatch
) -> None:
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    english = tree(out)
    real = os.replace
    moved = []

    class Killed(BaseException):
        """Stands for the process being killed: nothing after it runs."""

    def replace(source, target, **folders):
        if not os.fspath(source).endswith(".tmp"):  # a file of the new build moving in
            if any(os.fspath(name).endswith(".html") for name in moved):
                raise Killed  # once a page moved in
            moved.append(target)
        return real(source, target, **folders)

    monkeypatch.setattr(folder_swap.os, "replace", replace)
    with pytest.raises(Killed):
        site(events_file, out, "--lang", "nl")
    monkeypatch.setattr(folder_swap.os, "replace", real)
    mixed = tree(out)
    assert mixed != english  # a page is Dutch already: a mix, until the next run
    work = folder_swap.work_folder(Path(os.path.abspath(out)))
    assert (work / "journal").is_file()
    # the next run finishes the Dutch build first, then builds what it is asked
    assert site(events_file, tmp_path / "dutch", "--lang", "nl").exit_code == 0
    assert site(events_file, out, "--lang", "nl").exit_code == 0
    assert tree(out) == tree(tmp_path / "dutch")
    assert not work.exists()


def test_finishing_an_interrupted_swap_alone_gives_the_whole_new_build(events_file, tmp_path):
    out = tmp_path / "site"
    assert site(events_file, out).exit_code == 0
    work = folder_swap.work_folder(Path(os.path.abspath(out)))
    data = events_registry()
    files = build.build(data, DAY, build.Options(lang="nl"))
    # a run that stopped right after its journal: nothing moved yet
    work.mkdir(mode=0o700)
    (work / "new").mkdir()
    for name, content in files.items():
        (work / "new" / name).parent.mkdir(parents=True, exist_ok=True)
        (work / "new" / name).write_bytes(content)
    journal = {"write": sorted(files), "delete": []}
    (work / "journal").write_text(json.dumps(journal))
    folder_swap.recover(out)
    assert {name: (out / name).read_bytes() for name in files} == files
    assert not (work / "journal").exists()


@pytest.mark.slow
def test_a_build_killed_midway_leaves_the_previous_site_as_it_was(tmp_path: Path) -> None:
    """A real process, killed with SIGKILL while it writes the new build."""
    from synthetic_registries import generate  # the benchmark's registries too

    registry = tmp_path / "big.toml"
    registry.write_text(generate(10_000), encoding="utf-8")
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    before = tree(out)
    work = folder_swap.work_folder(Path(os.path.abspath(out)))
    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flanders_clusters",
            "--registry",
            str(registry),
            "site",
            str(out),
            "--on",
            ON,
            "--lang",
            "nl",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        written = work / "new" / "clusters"
        if written.is_dir() and sum(1 for _ in written.iterdir()) > 20:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before it could be killed"
    process.send_signal(signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
    process.wait(timeout=30)
    assert not (work / "journal").exists()
    assert tree(out) == before  # the previous site, byte for byte
    # the next run drops the unfinished build and builds anew
    assert site(registry, out, "--lang", "nl").exit_code == 0
    assert not work.exists()
    assert page(out, "index.html").lang == "nl"
    on_disk = sorted(n for n in tree(out) if n != folder_swap.MARKER)
    assert sorted(folder_swap.listed(out)) == on_disk


def test_a_failed_write_is_reported_not_raised(events_file: Path, tmp_path: Path, monkeypatch):
    out = tmp_path / "site"

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(folder_swap, "_write_all", full)
    result = site(events_file, out, "--json")
    assert result.exit_code == 4
    error = result.json()["error"]
    assert error["code"] == "write-failed" and "No space left" in error["message"]
    assert not out.exists()
    assert not folder_swap.work_folder(Path(os.path.abspath(out))).exists()  # undone at once


# -- building in several processes ------------------------------------------------------


@pytest.fixture(scope="module")
def generated() -> tuple[dict, str]:
    """A registry of 2,000 memberships (200 clusters, 421 partners), as read."""
    from synthetic_registries import generate  # the benchmark's registries too

    from flanders_clusters.registry import store

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.toml"
        path.write_text(generate(2_000), encoding="utf-8")
        document = store.read(store.Source(path))
    return document.data, document.text


def test_pages_made_by_several_processes_are_the_pages_made_by_one(generated, tmp_path):
    data, text = generated
    options = build.Options(lang="nl", base_url="https://example.org/")
    files, queues = build.parts(data, DAY, options, text, batch=7)
    assert len(queues) == 2 and len(queues[0]) == 29 and len(queues[1]) == 31
    written = folder_swap.publish(tmp_path / "site", files, queues, workers=2)
    alone = build.build(data, DAY, options, text)
    on_disk = {name: (tmp_path / "site" / name).read_bytes() for name in alone}
    assert on_disk == alone
    assert folder_swap.listed(tmp_path / "site") == set(alone)
    assert written.files == len(alone) + 1 and written.pages == 200 + 421 + 5


def test_without_fork_the_batches_are_written_here_one_after_the_other(
    generated, tmp_path, monkeypatch
):
    data, text = generated
    monkeypatch.setattr(worker_pool, "_forks", lambda: False)
    files, queues = build.parts(data, DAY, build.Options(), text, batch=50)
    folder_swap.publish(tmp_path / "site", files, queues, workers=2)
    alone = build.build(data, DAY, build.Options(), text)
    assert {name: (tmp_path / "site" / name).read_bytes() for name in alone} == alone


def failing(problem: BaseException | None, taken) -> list[list]:
    """Queues whose first batch (the forked process's) fails with ``problem`` (or ends
    the process), after saying it was taken; the other queue keeps this process busy."""

    def fail():
        taken.set()
        if problem is None:
            os._exit(3)
        raise problem
        yield  # a generator, as batches are

    def slow(number):
        time.sleep(0.01)
        yield f"partners/p{number}.html", b"<p>"

    return [[fail], [lambda n=n: slow(n) for n in range(20)]]


def waiting(taken) -> object:
    """This process's own files, written once the forked process took its batch."""
    assert taken.wait(60)
    yield "index.html", b"<p>"


@pytest.mark.parametrize(
    ("problem", "error", "said"),
    [
        (OSError(28, "No space left on device", "x.html"), WriteFailed, "No space left"),
        (PermissionError(13, "Permission denied", "x.html"), PermissionDenied, "permission"),
        (KeyError("a bug"), RuntimeError, "KeyError: 'a bug'"),
        (None, RuntimeError, "ended with code 3"),
    ],
)
def test_a_process_that_fails_stops_the_build_and_leaves_nothing(
    problem, error, said, tmp_path
) -> None:
    if not worker_pool._forks():
        pytest.skip("this system builds in one process: no forked process to fail")
    import multiprocessing

    taken = multiprocessing.get_context("fork").Event()
    out = tmp_path / "site"
    with pytest.raises(error, match=said):
        folder_swap.publish(out, waiting(taken), failing(problem, taken), workers=1)
    assert not out.exists()
    assert not folder_swap.work_folder(Path(os.path.abspath(out))).exists()


def test_when_this_process_fails_the_forked_ones_are_stopped(tmp_path) -> None:
    if not worker_pool._forks():
        pytest.skip("this system builds in one process: there is no forked process")
    import multiprocessing

    taken = multiprocessing.get_context("fork").Event()

    def endless():
        taken.set()
        for number in range(10**6):
            time.sleep(0.01)
            yield f"clusters/c{number}.html", b"<p>"

    def full():
        assert taken.wait(60)
        raise OSError(28, "No space left on device", "index.html")
        yield  # a generator, as files are

    out = tmp_path / "site"
    started = time.monotonic()
    with pytest.raises(WriteFailed, match="No space left"):
        folder_swap.publish(out, full(), [[endless]], workers=1)
    assert time.monotonic() - started < 30  # stopped, not waited for
    assert not out.exists()
    assert not folder_swap.work_folder(Path(os.path.abspath(out))).exists()


def test_processes_are_forked_for_a_large_site_on_two_cores_or_more(monkeypatch) -> None:
    monkeypatch.setattr(worker_pool, "_forks", lambda: True)
    monkeypatch.setattr(
        worker_pool.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False
    )
    assert worker_pool.workers(worker_pool.PARALLEL_PAGES) == 3
    assert worker_pool.workers(worker_pool.PARALLEL_PAGES - 1) == 0  # a small site: here
    monkeypatch.setattr(worker_pool.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert worker_pool.workers(10 * worker_pool.PARALLEL_PAGES) == 0  # one core: here
    monkeypatch.setattr(worker_pool, "_forks", lambda: False)
    assert worker_pool.workers(10 * worker_pool.PARALLEL_PAGES) == 0  # Windows, macOS: here


def test_the_ends_of_the_calendar_draw_without_overflow() -> None:
    found = [{"start": dt.date(1, 1, 1), "end": dt.date(9999, 12, 31)}]
    chart = build.mini_chart(found, "icn", dt.date(9999, 12, 31))
    assert chart["bars"] == [{"x": 0.0, "width": 600.0, "basis": "published"}]
    assert chart["on"] == 600.0
    assert [year["year"] for year in chart["years"] if year["label"]][:2] == [5, 10]


def test_table_cells_and_words_are_escaped_once_and_only_once() -> None:
    # Cells are escaped when their table is made and written by the macro as they are;
    # words and helpers are called without Jinja2's context: text from a record is
    # still escaped, HTML the build made is kept, and a template variable that takes a
    # helper's name is escaped as any other value.
    from markupsafe import Markup

    from flanders_clusters.site.html_helpers import Table
    from flanders_clusters.site.rendering import Renderer
    from flanders_clusters.site.shared_facts import Facts, Options

    out = Renderer(Facts({}, dt.date(2026, 11, 27), Options()))
    table = Table(
        out.pieces,
        ("col.name", "col.role", "col.since"),
        [("<b>A&B</b>", Markup("<i>kept</i>"), 7), (Markup("<a href='x'>B</a>"), "", None)],
    )
    html = out.env.from_string('{% from "macros.html" import table %}{{ table(t, "h") }}').render(
        t=table
    )
    assert '<th scope="row">&lt;b&gt;A&amp;B&lt;/b&gt;</th>' in html
    assert '<td data-label="Role"><i>kept</i></td><td data-label="Since">7</td>' in html
    assert "<th scope=\"row\"><a href='x'>B</a></th>" in html
    shadowed = out.env.from_string(
        '{{ _("nav.home") }}|{% for _, link in [("<x>", "<y>")] %}{{ _ }}{{ link }}{% endfor %}'
        '|{{ number(1234) }}|{{ link("javascript:<z>") }}'
    ).render()
    assert shadowed == "Overview|&lt;x&gt;&lt;y&gt;|1,234|javascript:&lt;z&gt;"
    hidden = out.env.from_string('{% set _ = "<x>".upper %}{{ _() }}').render()
    assert hidden == "&lt;X&gt;"
