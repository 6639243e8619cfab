"""The header search and the README's pictures of the site, in a real browser
(Chromium driven by Playwright, as ``test_site_browser``).

The search: typing a partner's name in the header of the overview shows a link to that
partner's page, and following it lands there — served over HTTP and opened from a
``file://`` URL alike (its index is a classic script); without JavaScript the form is
hidden and the lists are there. The pictures: the overview at desktop (1280 px) and
phone (360 px) width, made here; ``CLUSTERS_SCREENSHOT=1`` saves them into
``docs/images/``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, SHIPPED_DATA
from test_site_browser import Server, Watch, build

from flanders_clusters.registry import store

pytestmark = pytest.mark.slow

IMAGES = REPO / "docs" / "images"
SHOTS = {"site-desktop.png": 1280, "site-phone.png": 360}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Path, Server]]:
    with tempfile.TemporaryDirectory() as folder:
        out = build(Path(folder))
        server = Server(out)
        yield out, server
        server.close()


def a_partner() -> tuple[str, str]:
    """A partner of the shipped registry whose name is in no other record's."""
    data = store.read(store.Source(SHIPPED_DATA)).data
    names = [r["name"] for table in ("clusters", "partners") for r in data[table].values()]
    names += [event["title"] for event in data["events"].values()]
    for partner_id, record in sorted(data["partners"].items()):
        if sum(record["name"].casefold() in name.casefold() for name in names) == 1:
            return partner_id, record["name"]
    raise AssertionError("no partner with a name of its own")


@pytest.mark.parametrize("how", ["http", "file"])
def test_typing_a_partners_name_in_the_header_search_leads_to_its_page(browser, served, how):
    out, server = served
    partner_id, name = a_partner()
    page = browser.new_page(viewport={"width": 360, "height": 800})
    watch = Watch(page, server.origin if how == "http" else "file://")
    try:
        start = server.origin if how == "http" else out.resolve().as_uri()
        page.goto(f"{start}/index.html")
        search = page.get_by_role("search")
        assert search.is_visible()
        search.get_by_label("Search", exact=True).fill(name)
        result = search.get_by_role("link", name=name, exact=True)
        result.wait_for(state="visible")
        assert result.get_attribute("href") == f"partners/{partner_id}.html"
        result.click()
        page.wait_for_url(f"**/partners/{partner_id}.html")
        assert page.locator("h1").inner_text() == name
        assert watch.problems == []
    finally:
        page.close()


def test_a_search_on_a_page_one_folder_down_links_from_there(browser, served):
    _, server = served
    partner_id, name = a_partner()
    page = browser.new_page()
    try:
        page.goto(server.origin + "/clusters/index.html")
        page.get_by_role("search").get_by_label("Search", exact=True).fill(name)
        result = page.get_by_role("search").get_by_role("link", name=name, exact=True)
        result.wait_for(state="visible")
        assert result.get_attribute("href") == f"../partners/{partner_id}.html"
        page.get_by_role("search").get_by_label("Search", exact=True).fill("no such name at all")
        page.get_by_role("search").get_by_text("Nothing found.").wait_for(state="visible")
    finally:
        page.close()


def test_without_javascript_the_search_is_hidden_and_the_lists_are_there(browser, served):
    _, server = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(server.origin + "/index.html")
        assert page.get_by_role("search").count() == 0  # hidden: not in the page's roles
        assert page.locator("form.search").is_hidden()
        assert page.locator("table tbody tr").count() > 0
    finally:
        context.close()


@pytest.mark.parametrize("name", sorted(SHOTS))
def test_screenshot_of_the_overview_for_the_readme(browser, served, name, tmp_path: Path):
    """The README's pictures; ``CLUSTERS_SCREENSHOT=1`` saves them into docs/images/."""
    _, server = served
    width = SHOTS[name]
    page = browser.new_page(viewport={"width": width, "height": 900 if width > 400 else 780})
    try:
        page.emulate_media(color_scheme="light")
        page.goto(server.origin + "/index.html")
        if os.environ.get("CLUSTERS_SCREENSHOT"):
            IMAGES.mkdir(exist_ok=True)
            target = IMAGES / name
        else:
            target = tmp_path / name
        page.screenshot(path=str(target), full_page=False)
        data = target.read_bytes()
        assert data.startswith(b"\x89PNG")
        assert int.from_bytes(data[16:20], "big") == width  # the PNG's width, in its header
    finally:
        page.close()
