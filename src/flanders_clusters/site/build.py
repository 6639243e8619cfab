"""The site's files from a registry: pure, a registry and a date in, path → bytes out.

Each page kind has its module, named for it: ``home_page`` (the overview),
``cluster_pages``, ``partner_pages``, ``event_pages``, ``timeline_page``,
``network_page``; ``data_files`` writes the downloads and the sitemap. What pages share
is gathered once in ``shared_facts``; small escaped pieces of HTML (words, dates,
links) are ``html_helpers``; the templates, the frame and the words' translation through
``jinja2.ext.i18n`` are ``rendering``; the pictures are ``pictures``. This module puts
them together, in a fixed order: the same registry and date give the same bytes.

``files`` yields the files one by one, so a large registry's pages are never all in
memory at once; ``build`` collects them into a dict; ``parts`` splits them for the
worker processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from . import cluster_pages, data_files, event_pages, home_page, partner_pages, search_index
from .cluster_pages import mini_chart
from .data_files import Content
from .html_helpers import CSP, file_names, linkable, script_json, static
from .network_page import network_page
from .rendering import Renderer
from .shared_facts import Facts, Options
from .timeline_page import timeline_page

__all__ = [
    "BATCH",
    "CSP",
    "Options",
    "build",
    "file_names",
    "files",
    "linkable",
    "mini_chart",
    "parts",
    "script_json",
]

BATCH = 100  # cluster pages a process takes at a time (partner pages: twice as many)


def build(
    data: dict[str, Any], on: dt.date, options: Options = Options(), text: str | None = None
) -> dict[str, bytes]:
    """Every file of the site (but the marker, which the publisher writes)."""
    return {
        path: content if isinstance(content, bytes) else b"".join(content)
        for path, content in files(data, on, options, text)
    }


def files(
    data: dict[str, Any], on: dt.date, options: Options = Options(), text: str | None = None
) -> Iterator[tuple[str, Content]]:
    """The site's files as (relative path, bytes), in a fixed order.

    ``text`` is the registry file as read: published as ``data/clusters.toml`` (without
    it, or with notes left out, the canonical form of ``data`` is).
    """
    return Site(data, on, options, text).files()


def parts(
    data: dict[str, Any],
    on: dt.date,
    options: Options = Options(),
    text: str | None = None,
    batch: int = 0,
) -> tuple[Iterator[tuple[str, Content]], list[list[Callable[[], Iterator[tuple[str, bytes]]]]]]:
    """The files of ``files`` in parts that processes can share: the overview, the lists,
    the timeline, the network, the events and the downloads; then two queues of batches
    of about ``batch`` pages, the cluster pages and the partner pages (each batch made
    when it is called, by whichever process takes it). What every page needs is
    gathered before this returns, so that a forked process finds it made. Without
    ``batch``, one part: every file."""
    site = Site(data, on, options, text)
    if batch < 1:
        return site.files(), []
    site.out.prepare()
    clusters, partners = sorted(site.facts.clusters), sorted(site.facts.partners)
    return site.common(), [
        [
            partial(cluster_pages.pages, site.out, clusters[start : start + batch])
            for start in range(0, len(clusters), batch)
        ],
        [
            partial(partner_pages.pages, site.out, partners[start : start + 2 * batch])
            for start in range(0, len(partners), 2 * batch)
        ],
    ]


class Site:
    """One build: its facts, its renderer, and the order of its files."""

    def __init__(
        self, data: dict[str, Any], on: dt.date, options: Options, text: str | None = None
    ) -> None:
        self.facts = Facts(data, on, options)
        self.text = text if options.notes else None
        self.out = Renderer(self.facts)

    def files(self) -> Iterator[tuple[str, Content]]:
        yield from self.common()
        yield from cluster_pages.pages(self.out, sorted(self.facts.clusters))
        yield from partner_pages.pages(self.out, sorted(self.facts.partners))

    def common(self) -> Iterator[tuple[str, Content]]:
        """Every file but the cluster and partner pages; the downloads first (their text
        is the largest this process holds at once: while the pages are made, processes
        sharing the registry copy more of it)."""
        out = self.out
        yield from data_files.downloads(self.facts, self.text, out.pieces.text["data.ics_name"])
        yield "style.css", static("style.css")
        yield "site.js", static("site.js")
        yield "favicon.svg", static("favicon.svg")
        yield "search.js", search_index.script(out)
        yield home_page.home(out)
        yield cluster_pages.cluster_index(out)
        yield partner_pages.partner_index(out)
        yield from timeline_page(out)
        yield network_page(out)
        yield from event_pages.pages(out)
        if self.facts.options.base_url:
            yield "sitemap.xml", data_files.sitemap(self.facts, out.pieces.stems)
