"""The site on a phone and on a desktop, in a real browser (Chromium driven by
Playwright, as ``test_site_browser``): the shipped registry, a hostile one and an empty
one, each crawled from ``index.html`` at 360 and at 1280 px wide, in the light and the
dark colour scheme.

On every page: no axe-core violation of impact serious or critical; no element whose
content is wider than its box (every element is walked: nothing is cut off and nothing
scrolls sideways, not even inside a box of its own); every internal link resolves to a
file and its anchor to an id; no console error, failed request or request to any other
host.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag

import pytest
from site_support import hostile_registry, write
from test_site_browser import Server, Watch, build

pytestmark = pytest.mark.slow

WIDTHS = (360, 1280)

# Every element whose content is wider than its box: its scroll width beyond its client
# width (inline boxes have none of their own; an SVG's inside is its own coordinates).
WALK = """() => {
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest("svg") && element.tagName.toLowerCase() !== "svg") continue;
    const style = getComputedStyle(element);
    if (["inline", "none", "contents"].includes(style.display)) continue;
    if (element.scrollWidth > element.clientWidth + 1) {
      const text = (element.textContent || "").trim().slice(0, 60);
      wide.push(`${element.tagName.toLowerCase()}.${element.className.baseVal ?? element.className}`
        + ` ${element.scrollWidth} > ${element.clientWidth}: ${text}`);
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    wide.push(`the page: ${root.scrollWidth} > ${root.clientWidth}`);
  }
  return wide;
}"""


# Every link's address (an SVG link's ``href`` is not a string: read its attribute).
LINKS = "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"


def registry_args(which: str, folder: Path) -> tuple[str, ...]:
    if which == "shipped":
        return ()
    data = hostile_registry() if which == "hostile" else {"schema_version": 1}
    return ("--registry", str(write(folder, data)))


@pytest.fixture(scope="module", params=["shipped", "hostile", "empty"])
def served(request) -> Iterator[tuple[str, Server]]:
    with tempfile.TemporaryDirectory() as folder:
        server = Server(build(Path(folder), *registry_args(request.param, Path(folder))))
        yield request.param, server
        server.close()


def visit(browser, server: Server, width: int) -> dict[str, dict]:
    """Every page reachable from index.html at ``width`` px, each checked as visited."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page(viewport={"width": width, "height": 900})
    watch = Watch(page, server.origin)
    seen: dict[str, dict] = {}
    queue = [server.origin + "/index.html"]
    targets: list[tuple[str, str]] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        watch.problems = []
        found: dict = {"wide": {}, "axe": {}}
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            response = page.goto(url, wait_until="load")
            assert response is not None and response.ok, url
            found["wide"][scheme] = page.evaluate(WALK)
            results = axe.run(page, options={"resultTypes": ["violations"]}).response
            found["axe"][scheme] = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
                for v in results["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            page.wait_for_load_state("networkidle")
        found["problems"] = list(watch.problems)
        found["ids"] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        seen[url] = found
        for link in page.eval_on_selector_all("a[href]", LINKS):
            target, anchor = urldefrag(link)
            if not target.startswith(server.origin + "/"):
                continue
            targets.append((target, anchor))
            if target.endswith(".html"):
                queue.append(target)
    for target, anchor in targets:
        if target in seen:
            assert not anchor or anchor in seen[target]["ids"], (target, anchor)
        else:
            assert page.request.get(target).ok, target
    page.close()
    return seen


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_is_axe_clean_and_stays_on_the_site(browser, served, width) -> None:
    which, server = served
    seen = visit(browser, server, width)
    assert len(seen) >= (1 if which == "empty" else 10)
    for url, found in seen.items():
        assert found["problems"] == [], (which, width, url)
        for scheme in ("light", "dark"):
            assert found["wide"][scheme] == [], (which, width, scheme, url)
            assert found["axe"][scheme] == [], (which, width, scheme, url)
