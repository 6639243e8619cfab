"""The published site in a real browser: Chromium driven by Playwright.

One browser for the whole module. Each site is served by a local HTTP server on
127.0.0.1; every page is crawled from ``index.html`` and, at 360 px wide, checked for
console errors, failed requests, requests to any other host, sideways scrolling and
axe-core violations (impact serious or critical) in the light and the dark colour
scheme. The browser is `$CLUSTERS_CHROMIUM`, else `chromium` on PATH, else Playwright's
own; without one these tests fail and say how to get one (they never skip).
"""

from __future__ import annotations

import functools
import http.server
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from conftest import REPO, run
from site_support import (
    HOSTILE_NAMES,
    SCRIPT,
    hostile_registry,
    write,
)

pytestmark = pytest.mark.slow

ON = "2026-11-30"
WIDTH = 360
SCREENSHOT = REPO / "docs" / "site-cluster.png"


class Server:
    """A site's folder served on 127.0.0.1 (a port of its own), quietly."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        handler = functools.partial(Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


def build(folder: Path, *args: str) -> Path:
    out = folder / "site"
    result = run(*args, "site", str(out), "--on", ON)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def shipped() -> Iterator[Server]:
    with tempfile.TemporaryDirectory() as folder:
        server = Server(build(Path(folder)))
        yield server
        server.close()


@pytest.fixture(scope="module")
def hostile() -> Iterator[Server]:
    with tempfile.TemporaryDirectory() as folder:
        registry = write(Path(folder), hostile_registry())
        server = Server(build(Path(folder), "--registry", str(registry)))
        yield server
        server.close()


class Watch:
    """What a page did: console errors, failed or foreign requests, dialogs."""

    def __init__(self, page, origin: str) -> None:
        self.problems: list[str] = []
        self.origin = origin
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("request", self.request)
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        page.on("response", self.response)
        page.on("dialog", self.dialog)

    def console(self, message) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def request(self, request) -> None:
        if not request.url.startswith(self.origin + "/"):
            self.problems.append(f"request out of the site: {request.url}")

    def response(self, response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def dialog(self, dialog) -> None:
        self.problems.append(f"a dialog opened: {dialog.message!r}")
        dialog.dismiss()


def crawl(browser, server: Server) -> dict[str, dict]:
    """Every page reachable from index.html, each checked as it is visited."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page()
    page.set_viewport_size({"width": WIDTH, "height": 800})
    watch = Watch(page, server.origin)
    seen: dict[str, dict] = {}
    queue = [server.origin + "/index.html"]
    files: set[str] = set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        watch.problems = []
        page.emulate_media(color_scheme="light")
        response = page.goto(url, wait_until="load")
        assert response is not None and response.ok, url
        found: dict = {"problems": watch.problems}
        found["sideways"] = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        found["axe"] = {}
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            results = axe.run(page, options={"resultTypes": ["violations"]}).response
            found["axe"][scheme] = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in results["violations"]
                if v["impact"] in ("serious", "critical")
            ]
        found["ids"] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        # (an SVG link's href is no string: its attribute, resolved, is the address)
        links = page.eval_on_selector_all(
            "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
        )
        found["links"] = links
        # the page is left once all it asked for came (the favicon comes after "load"),
        # so that no request of it is cut short by the next navigation
        page.wait_for_load_state("networkidle")
        seen[url] = found
        for link in links:
            target, _ = urldefrag(link)
            if not target.startswith(server.origin + "/"):
                assert urlparse(target).scheme in ("http", "https"), (url, link)
                continue
            if target.endswith(".html"):
                queue.append(target)
            else:
                files.add(target)
    for target in sorted(files):  # downloads and the chart: each must be there
        response = page.request.get(target)
        assert response.ok, target
    page.close()
    return seen


@pytest.fixture(scope="module")
def shipped_pages(browser, shipped: Server) -> dict[str, dict]:
    return crawl(browser, shipped)


@pytest.fixture(scope="module")
def hostile_pages(browser, hostile: Server) -> dict[str, dict]:
    return crawl(browser, hostile)


@pytest.mark.parametrize("which", ["shipped_pages", "hostile_pages"])
def test_every_page_loads_cleanly_and_stays_on_the_site(which: str, request) -> None:
    pages = request.getfixturevalue(which)
    assert len(pages) >= 10
    problems = {url: found["problems"] for url, found in pages.items() if found["problems"]}
    assert problems == {}


@pytest.mark.parametrize("which", ["shipped_pages", "hostile_pages"])
def test_every_internal_link_resolves_to_a_page_and_its_anchor(which: str, request) -> None:
    pages = request.getfixturevalue(which)
    broken = []
    for url, found in pages.items():
        for link in found["links"]:
            target, fragment = urldefrag(link)
            if target in pages and fragment and fragment not in pages[target]["ids"]:
                broken.append((url, link))
    assert broken == []


def test_the_crawl_reaches_every_page_the_build_wrote(shipped_pages, shipped) -> None:
    listed = shipped.folder / ".clusters-site"
    pages = {
        f"{shipped.origin}/{name}"
        for name in listed.read_text(encoding="utf-8").splitlines()[1:]
        if name.endswith(".html")
    }
    assert pages == set(shipped_pages)


@pytest.mark.parametrize("which", ["shipped_pages", "hostile_pages"])
def test_no_serious_axe_violation_in_either_colour_scheme(which: str, request) -> None:
    pages = request.getfixturevalue(which)
    violations = {
        (url, scheme): found["axe"][scheme]
        for url, found in pages.items()
        for scheme in ("light", "dark")
        if found["axe"][scheme]
    }
    assert violations == {}


@pytest.mark.parametrize("which", ["shipped_pages", "hostile_pages"])
def test_no_page_scrolls_sideways_at_360_px(which: str, request) -> None:
    pages = request.getfixturevalue(which)
    assert {url: found["sideways"] for url, found in pages.items() if found["sideways"] > 0} == {}


def test_without_javascript_every_cluster_and_partner_is_listed(browser, shipped) -> None:
    clusters = run("list", "--json").json()
    partners = run("partners", "--json").json()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(shipped.origin + "/clusters/index.html")
        assert page.locator("table[data-filtered] tbody tr").count() == len(clusters)
        assert not page.locator(".filter").is_visible()  # no box that cannot work
        for record in clusters:
            assert page.get_by_role("link", name=record["name"], exact=True).count() >= 1
        page.goto(shipped.origin + "/partners/index.html")
        rows = page.locator("table[data-filtered] tbody tr")
        assert rows.count() == len(partners)
        assert all(rows.nth(i).is_visible() for i in range(rows.count()))
    finally:
        context.close()


def test_typing_in_the_filter_box_hides_the_rows_that_do_not_match(browser, shipped) -> None:
    page = browser.new_page()
    try:
        page.goto(shipped.origin + "/clusters/index.html")
        box = page.get_by_label("Filter")
        assert box.is_visible()
        rows = page.locator("table[data-filtered] tbody tr")
        total = rows.count()
        box.fill("flux")
        visible = [rows.nth(i) for i in range(total) if rows.nth(i).is_visible()]
        assert [row.locator("th").inner_text() for row in visible] == ["Flux50"]
        assert page.locator(".filter .count").inner_text() == f"1 of {total} shown"
        box.fill("zzz-nothing")
        assert not any(rows.nth(i).is_visible() for i in range(total))
        box.fill("")
        assert all(rows.nth(i).is_visible() for i in range(total))
        page.goto(shipped.origin + "/partners/index.html")
        page.get_by_label("Filter").fill("university")
        sections = page.locator("section[data-filter-section]")
        shown = [sections.nth(i) for i in range(sections.count()) if sections.nth(i).is_visible()]
        assert shown  # the sections with a university stay, the others hide
        assert len(shown) < sections.count()
        for row in page.locator("table[data-filtered] tbody tr").all():
            assert row.is_visible() == ("university" in row.inner_text().lower())
    finally:
        page.close()


def test_hostile_text_runs_no_script_opens_no_dialog_and_shows_literally(browser, hostile):
    page = browser.new_page()
    watch = Watch(page, hostile.origin)
    try:
        for path in (
            "/clusters/index-1.html",
            "/clusters/x.html",
            "/events/index.html",
            "/partners/index-2.html",
            "/index.html",
        ):
            page.goto(hostile.origin + path, wait_until="networkidle")  # as the crawl
            assert page.evaluate("window.pwned === undefined"), path
            for link in page.locator("a").all():  # clicking any link runs nothing either
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith("javascript"), (path, href)
        page.goto(hostile.origin + "/clusters/index-1.html", wait_until="networkidle")
        assert page.locator("h1").inner_text() == SCRIPT
        text = page.locator("main").inner_text()
        for name in HOSTILE_NAMES:
            assert name in text
        assert watch.problems == []
    finally:
        page.close()


def test_a_cluster_page_works_from_a_file_url_too(browser, shipped) -> None:
    folder = shipped.folder
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(r.url))
    try:
        # Each page is left once all it asked for came (the favicon comes after "load"):
        # a request cut short by the next navigation is not the site's failure.
        page.goto((folder / "clusters" / "index.html").as_uri(), wait_until="networkidle")
        assert page.get_by_label("Filter").is_visible()  # the script ran under the policy
        page.goto((folder / "clusters" / "vil.html").as_uri(), wait_until="networkidle")
        assert page.locator("h1").inner_text() == "VIL"
        assert problems == []
    finally:
        page.close()


def test_screenshot_of_a_cluster_page(browser, shipped, tmp_path: Path) -> None:
    """The picture of docs/site.md, made here; `CLUSTERS_SCREENSHOT=1` saves it into docs/."""
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": 1000, "height": 900})
        page.emulate_media(color_scheme="light")
        page.goto(shipped.origin + "/clusters/flux50.html")
        target = SCREENSHOT if os.environ.get("CLUSTERS_SCREENSHOT") else tmp_path / "shot.png"
        page.screenshot(path=str(target), full_page=False)
        assert target.read_bytes().startswith(b"\x89PNG")
    finally:
        page.close()
