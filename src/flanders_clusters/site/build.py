"""The site's files from a registry: pure, a registry and a date in, path → bytes out.

Every page is rendered from the templates in ``templates/`` by Jinja2 with autoescaping
on, so every string from the registry is escaped for HTML text and attributes. The frame
of a page (``base.html``: head, navigation, footer) is rendered once for each folder
depth and navigation state, and each page's title and content are put into it. The rows
of the big tables (members, shared partners, the lists of clusters and partners) are
made here, in code that escapes each value with the same ``markupsafe`` that Jinja2
uses: the links to a cluster or a partner, the dates and the interface words are escaped
once and reused on every page that shows them. JSON-LD is escaped for ``<script>``
(``<``, ``>`` and ``&`` as ``\\u`` escapes, so a ``</script>`` in a name cannot end it); only
``http``/``https`` URLs become links. Links are relative, so the site works from
``file://``, any sub-path and any static host, and nothing is fetched from elsewhere.
The same registry and date give the same bytes.

``files`` yields the files one by one, so a large registry's pages are never all in
memory at once; ``build`` collects them into a dict.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, partial
from operator import itemgetter
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .. import __version__
from ..formats import csv_text, ics, timeline_svg
from ..formats.json_text import compact
from ..programme import members, money, participation, periods, rules
from ..programme.policy import policy
from ..registry import canonical
from ..registry.store import SHIPPED
from ..registry.vocabulary import NETWORK_ROLES, PARTNER_KINDS, UNSAFE_CLASS
from ..views import event_rows, exports, network, stats, timeline
from . import messages

Row = dict[str, Any]
# A file's content: bytes, or the bytes in pieces (a large download, written as made).
Content = bytes | Iterable[bytes]
SCHEMA_FILE = SHIPPED.with_name("clusters.schema.json")
# Only the site's own files: no inline script or style, no other origin, no plugins.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
SHOWN = 10  # other clusters named beside a shared partner before "and N more"
NETWORK_SHOWN = network.PAIRS_SHOWN  # pairs and busy partners on the network page
# The files the overview offers (those ``downloads`` writes, and the timeline's chart),
# each with the key of its words.
DOWNLOADS = (
    ("data/clusters.toml", "data.toml"),
    ("data/clusters.json", "data.json"),
    ("data/members.csv", "data.members"),
    ("data/partners.csv", "data.partners"),
    ("data/clusters.schema.json", "data.schema"),
    ("data/clusters.ics", "data.ics"),
    ("timeline.svg", "data.chart"),
)
LATEST_EVENTS = 5  # on the overview when no event is upcoming
BATCH = 100  # cluster pages a process takes at a time (partner pages: twice as many)
_LINKABLE = re.compile(r"^https?://[^\s" + UNSAFE_CLASS + r"]+$", re.IGNORECASE)
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
_FIELD = re.compile(r"\{(\w+)\}")
_WORD = re.compile(r'\{\{ t\["([a-z0-9_.-]+)"\] \}\}')
_SAID_ON = re.compile(r'\{\{ _\("([a-z0-9_.-]+)", date=today\) \}\}')
_KIND_ORDER = (*PARTNER_KINDS, "unknown")
_HELIX = ("company", "knowledge", "government")
_NOTHING = Markup("")
_PIECE = 1 << 20  # characters or bytes of a download made at a time
_SLOT = "\x00"  # marks a slot of the frame (never in the site's own words and links)
_FIRST = itemgetter(0)
_PARTNER = itemgetter("partner")
# What the cluster and partner pages share (the cached properties of ``Site``).
_SHARED = (
    "findings",
    "joined",
    "taking_part",
    "event_rows",
    "cluster_a",
    "partner_a",
    "facts",
    "rank",
    "macros",
)


@dataclass(frozen=True)
class Options:
    """What the command line chooses: language, public address, what to leave out."""

    lang: str = "en"
    base_url: str | None = None  # ends with "/"
    findings: bool = True
    notes: bool = True


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
    site.prepare()
    clusters, partners = sorted(site.clusters), sorted(site.partners)
    return site.common(), [
        [
            partial(site.pages, site.cluster_page, clusters[start : start + batch])
            for start in range(0, len(clusters), batch)
        ],
        [
            partial(site.pages, site.partner_page, partners[start : start + 2 * batch])
            for start in range(0, len(partners), 2 * batch)
        ],
    ]


def linkable(url: Any) -> bool:
    """Whether a value may become a link: an ``http``/``https`` URL, nothing else."""
    return isinstance(url, str) and bool(_LINKABLE.match(url))


def script_json(value: Any) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` left raw."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


def file_names(ids: Any) -> dict[str, str]:
    """Each id's page stem; ``index`` is the folder's own page, so that id becomes
    ``index-N`` (the first N that no other id takes)."""
    taken = set(ids)
    out = {}
    for record_id in sorted(taken):
        stem = record_id
        if record_id == "index":
            number = 1
            while f"index-{number}" in taken:
                number += 1
            stem = f"index-{number}"
        out[record_id] = stem
    return out


class Localised(jinja2.BaseLoader):
    """The templates with the interface words put in: each ``{{ t["key"] }}`` becomes the
    key's text, escaped, and each ``{{ _("key", date=today) }}`` the key's text with the
    date judged on, when a template is loaded, so pages do not make them again. (The
    words hold no template syntax: a test checks; a date is digits and month names.)"""

    def __init__(self, words: dict[str, Markup], on: Callable[[str], Markup]) -> None:
        self.words = words
        self.on = on
        self.loader = jinja2.PackageLoader("flanders_clusters.site", "templates")

    def get_source(self, environment: jinja2.Environment, template: str) -> Any:
        source, filename, uptodate = self.loader.get_source(environment, template)
        source = _WORD.sub(lambda m: str(self.words[m.group(1)]), source)
        source = _SAID_ON.sub(lambda m: str(self.on(m.group(1))), source)
        return source, filename, uptodate


def environment(words: dict[str, Markup], on: Callable[[str], Markup]) -> jinja2.Environment:
    return jinja2.Environment(
        loader=Localised(words, on),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def static(name: str) -> bytes:
    """A file of ``static/`` (the stylesheet, the script), as shipped."""
    from importlib.resources import files as package_files

    return package_files("flanders_clusters.site").joinpath("static", name).read_bytes()


def by_first(rows: list[tuple[Any, str]]) -> Markup:
    """Rows of HTML (made by code that escapes) in the order of their keys, as one piece."""
    return Markup("".join(row for _, row in sorted(rows, key=_FIRST)))


class Site:
    """One build: the registry, the date, the words, and the facts pages share."""

    def __init__(
        self, data: dict[str, Any], on: dt.date, options: Options, text: str | None = None
    ) -> None:
        self.data = data if options.notes else without_notes(data)
        self.text = text if options.notes else None
        self.on = on
        self.options = options
        self.lang = options.lang
        self.clusters: dict[str, Row] = self.data.get("clusters") or {}
        self.partners: dict[str, Row] = self.data.get("partners") or {}
        self.events: dict[str, Row] = self.data.get("events") or {}
        self.cluster_file = file_names(self.clusters)
        self.partner_file = file_names(self.partners)
        self.soon = policy(self.data)["ending_soon_days"]
        # The interface words as HTML, escaped once: ``t["key"]`` in the templates.
        self.words = messages.catalogue(self.lang)
        self.t = {key: escape(text) for key, text in self.words.items()}
        self._dates: dict[dt.date, Markup] = {}
        self._links: dict[tuple[str, str, str], Markup] = {}
        self._frames: dict[tuple[str, str], tuple[str, ...]] = {}
        self._templates: dict[str, jinja2.Template] = {}
        self._also: dict[str, str] = {}
        self._tails: dict[tuple[str, Any, Any, bool], str] = {}
        self._amounts: dict[tuple[str, Any], str] = {}
        self._said: dict[tuple[str, tuple[tuple[str, Any], ...]], Markup] = {}
        self._charts: dict[tuple, Markup] = {}
        self.env = environment(self.t, lambda key: self.say(key, date=self.date(on)))
        self.env.globals.update(
            t=self.t,
            _=self.say,
            d=self.date,
            money=self.money,
            number=self.number,
            link=self.link,
            cluster_link=self.cluster_link,
            partner_link=self.partner_link,
            cluster_links=self.cluster_links,
            partner_links=self.partner_links,
            lang=self.lang,
            csp=CSP,
            version=__version__,
            today=self.date(on),  # the date judged on, as every page shows it
        )

    # -- words and small pieces of HTML ---------------------------------------------------

    def say(self, key: str, **values: Any) -> Markup:
        """The interface text ``key`` with its ``{name}``s filled in; the values are
        escaped (those that are HTML already, such as dates, are kept). A text made of
        the site's own pieces (HTML, numbers) is kept for the next page that says it; one
        with a record's text in it (a name) is made for its page alone."""
        memo = (key, tuple(values.items()))
        kept = all(isinstance(value, Markup | int) for value in values.values())
        found = self._said.get(memo) if kept else None
        if found is None:
            # one pass: a value is never searched for another value's {name}
            text = _FIELD.sub(lambda m: escape(values[m.group(1)]), str(self.t[key]))
            found = Markup(text)  # every part escaped
            if kept:
                self._said[memo] = found
        return found

    def date(self, day: dt.date | None) -> Markup:
        if day is None:
            return _NOTHING
        found = self._dates.get(day)
        if found is None:
            text = messages.date_text(day, self.lang)
            found = self._dates[day] = Markup(f'<time datetime="{day.isoformat()}">{text}</time>')
        return found

    def money(self, value: Any) -> str:
        found = self._amounts.get(("money", value))
        if found is None:
            found = self._amounts[("money", value)] = messages.euro_text(value, self.lang)
        return found

    def share(self, value: Any) -> str:
        found = self._amounts.get(("share", value))
        if found is None:
            found = self._amounts[("share", value)] = messages.share_text(value, self.lang)
        return found

    def number(self, value: Any) -> str:
        return messages.number_text(value, self.lang)

    def status(self, state: str) -> Markup:
        return Markup(f'<span class="status status-{state}">{self.t["status." + state]}</span>')

    def link(self, url: Any, text: Any = None) -> Markup:
        """A link when ``url`` is http(s), else the value as text."""
        shown = escape(url if text is None else text)
        if linkable(url):
            return Markup(f'<a href="{escape(url)}">{shown}</a>')
        return shown

    def _record_link(self, table: str, record_id: str, root: str) -> Markup:
        key = (table, record_id, root)
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = self._make_link(table, record_id, root)
        return found

    def _make_link(self, table: str, record_id: str, root: str) -> Markup:
        """A record's link (its name, escaped) from a page at ``root``; an unknown id (a
        finding says so) is plain text."""
        records, stems = (
            (self.clusters, self.cluster_file)
            if table == "clusters"
            else (self.partners, self.partner_file)
        )
        record = records.get(record_id)
        if record is None:
            return escape(record_id)
        name = escape(record["name"])
        return Markup(f'<a href="{root}{table}/{stems[record_id]}.html">{name}</a>')

    def cluster_link(self, cluster_id: str, root: str) -> Markup:
        return self._record_link("clusters", cluster_id, root)

    def partner_link(self, partner_id: str, root: str) -> Markup:
        return self._record_link("partners", partner_id, root)

    def cluster_links(self, ids: list[str], root: str) -> Markup:
        return Markup(", ").join(self._record_link("clusters", i, root) for i in ids)

    def partner_links(self, ids: list[str], root: str) -> Markup:
        return Markup(", ").join(self._record_link("partners", i, root) for i in ids)

    # -- facts pages share ------------------------------------------------------------------

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

    def member_of(self, partner_id: str) -> Iterator[tuple[str, Row]]:
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

    # -- rendering --------------------------------------------------------------------------

    def page(
        self, template: str, path: str, title: str, jsonld: Row | None = None, **context: Any
    ) -> tuple[str, bytes]:
        """A page: its template's content rendered, put into the frame."""
        root = "../" * path.count("/")
        main = self.template(template).render(root=root, **context)
        return path, self.framed(path, title, main, jsonld)

    def template(self, name: str) -> jinja2.Template:
        """A page's template. Its globals are made one dict, once: Jinja2 copies them into
        every page's context, and a template's own are a chain over the environment's,
        slow to copy."""
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = self.env.get_template(name)
            found.globals = dict(found.globals)
        return found

    def framed(self, path: str, title: str, main: str, jsonld: Row | None = None) -> bytes:
        """``main`` (HTML) put into the frame of ``path``, with its title (escaped here),
        its canonical link and its JSON-LD (escaped for ``<script>``)."""
        head, after_title, after_canonical, after_jsonld, foot = self.frame(path)
        base = self.options.base_url
        canonical = f'<link rel="canonical" href="{escape(base + path)}">\n' if base else ""
        data = (
            f'<script type="application/ld+json">{script_json(jsonld)}</script>\n'
            if jsonld is not None
            else ""
        )
        parts = (head, escape(title), after_title, canonical, after_canonical, data)
        return "".join((*parts, after_jsonld, main, foot)).encode("utf-8")

    def frame(self, path: str) -> tuple[str, ...]:
        """``base.html`` around its slots (title, canonical, jsonld, main), rendered once
        for each folder depth and navigation state: every piece of it is the site's own
        words and links, so a marker character cannot be in it but at the slots."""
        root = "../" * path.count("/")
        current = path if path in self.nav_items else ""
        found = self._frames.get((root, current))
        if found is None:
            nav = self.env.get_template("nav.html").render(
                root=root,
                items=[(href, label, href == current) for href, label in self.nav_items.items()],
            )
            slot = Markup(_SLOT)
            html = self.env.get_template("base.html").render(
                root=root, nav=Markup(nav), title=slot, canonical=slot, jsonld=slot, main=slot
            )
            found = self._frames[(root, current)] = tuple(html.split(_SLOT))
            assert len(found) == 5, "base.html has a slot for each of the four pieces"
        return found

    @cached_property
    def nav_items(self) -> dict[str, Markup]:
        """The navigation: each page's path → its label."""
        items = {
            "index.html": self.t["nav.home"],
            "clusters/index.html": self.t["nav.clusters"],
            "partners/index.html": self.t["nav.partners"],
            "timeline.html": self.t["nav.timeline"],
            "network.html": self.t["nav.network"],
        }
        if self.events:
            items["events/index.html"] = self.t["nav.events"]
        items["index.html#data"] = self.t["nav.data"]
        return items

    def files(self) -> Iterator[tuple[str, Content]]:
        yield from self.common()
        yield from self.pages(self.cluster_page, sorted(self.clusters))
        yield from self.pages(self.partner_page, sorted(self.partners))

    def pages(
        self, make: Callable[[str], tuple[str, bytes]], ids: list[str]
    ) -> Iterator[tuple[str, bytes]]:
        """The pages ``make`` makes of the records ``ids``."""
        for record_id in ids:
            yield make(record_id)

    def prepare(self) -> None:
        """Gather what the cluster and partner pages share, once (before a fork: each
        forked process finds it made)."""
        for shared in _SHARED:
            getattr(self, shared)  # a cached property, made now
        self.frame("clusters/page.html")  # the frame of every cluster and partner page

    def common(self) -> Iterator[tuple[str, Content]]:
        """Every file but the cluster and partner pages; the downloads first (their text
        is the largest this process holds at once: while the pages are made, processes
        sharing the registry copy more of it)."""
        yield from self.downloads()
        yield "style.css", static("style.css")
        yield "site.js", static("site.js")
        yield "favicon.svg", static("favicon.svg")
        yield self.home()
        yield self.cluster_index()
        yield self.partner_index()
        yield from self.timeline_page()
        yield self.network_page()
        if self.events:
            yield self.events_page()
        if self.options.base_url:
            yield "sitemap.xml", self.sitemap()

    # -- pieces many pages repeat, escaped once ---------------------------------------------

    @cached_property
    def cluster_a(self) -> dict[str, str]:
        """Each cluster's link from a page one folder down (``../clusters/x.html``)."""
        return {i: self._make_link("clusters", i, "../") for i in self.clusters}

    @cached_property
    def partner_a(self) -> dict[str, str]:
        """Each partner's link from a page one folder down (``../partners/x.html``), and
        each unknown id a member names, as text."""
        return {i: self._make_link("partners", i, "../") for i in (*self.partners, *self.joined)}

    @cached_property
    def facts(self) -> dict[str, tuple[str, dt.date | None, dt.date | None]]:
        """Each cluster's status on the date and the span of its funding."""
        return {
            cluster_id: (periods.status(record, self.on), *periods.span(record))
            for cluster_id, record in self.clusters.items()
        }

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

    def member_row(self, member: Row, current: bool, link: str) -> str:
        """A row of a cluster's members table: the member's link, then its role, dates
        and whether it is current (made once for each such tail)."""
        key = (members.role(member), member.get("since"), member.get("until"), current)
        tail = self._tails.get(key)
        if tail is None:
            role, since, until, _ = key
            tail = self._tails[key] = (
                f"</th><td>{self.t['role.' + role]}</td><td>{self.date(since)}</td>"
                f"<td>{self.date(until)}</td><td>{self.t['yes' if current else 'no']}</td>"
                "</tr>\n"
            )
        return f'<tr><th scope="row">{link}{tail}'

    def funding_row(self, period: Row) -> str:
        """A row of a cluster's funding table."""
        rate = money.yearly_rate(period)
        total = period.get("total_support_eur")
        share = period.get("support_rate")
        reference = period.get("reference")
        return (
            f'<tr><th scope="row">{self.date(period["start"])}</th>'
            f"<td>{self.date(period['end'])}</td>"
            f"<td>{self.t['basis.' + periods.end_basis(period)]}</td>"
            f'<td class="num">{"" if rate is None else escape(self.money(rate))}</td>'
            f'<td class="num">{"" if total is None else escape(self.money(total))}</td>'
            f'<td class="num">{"" if share is None else escape(self.share(share))}</td>'
            f"<td>{'' if reference is None else escape(reference)}</td></tr>\n"
        )

    def also_in(self, partner_id: str, cluster_id: str) -> str:
        """The other clusters of a shared partner, up to ``SHOWN`` of them "and N more".

        A partner in many clusters shows the same first ones on the pages of all its
        later clusters: that text is made once. (For the pages of its first clusters,
        and for a partner in few, each page's text is its own: made, not kept.)"""
        joined = self.joined[partner_id]
        head = joined[: SHOWN + 1]
        shared = cluster_id not in head
        found = self._also.get(partner_id) if shared else None
        if found is None:
            named = [other for other in head if other != cluster_id][:SHOWN]
            links = self.cluster_a
            found = ", ".join([links[other] for other in named])
            more = len(joined) - 1 - len(named)
            if more:
                found += f" {self.say('and_more', count=more)}"
            if shared:
                self._also[partner_id] = found
        return found

    def part(self, macro: str, *args: Any, **kwargs: Any) -> Markup:
        """A table of ``macros.html`` (findings, events), for a page that has one."""
        return getattr(self.macros, macro)(*args, **kwargs)

    @cached_property
    def macros(self) -> Any:
        return self.env.get_template("macros.html").module

    # -- the overview and the cluster pages --------------------------------------------------

    def cluster_rows(self, root: str, type_: str | None = None) -> Markup:
        """The rows of a table of clusters (by name), as HTML."""
        ids = sorted(
            (c for c, record in self.clusters.items() if type_ in (None, record["type"])),
            key=self.rank["clusters"].__getitem__,
        )
        rows = []
        for cluster_id in ids:
            record = self.clusters[cluster_id]
            state, start, end = self.facts[cluster_id]
            rows.append(
                f'<tr><th scope="row">{self.cluster_link(cluster_id, root)}</th>'
                f"<td>{self.t['type.' + record['type']]}</td><td>{escape(record['domain'])}</td>"
                f"<td>{self.status(state)}</td><td>{self.date(start)}</td>"
                f'<td>{self.date(end)}</td><td class="num">{len(record.get("members") or ())}'
                "</td></tr>\n"
            )
        return Markup("".join(rows))

    def home(self) -> tuple[str, bytes]:
        counts = stats.counts(self.data, self.on)
        every = list(self.event_rows.values())
        upcoming = [row for row in every if row["end"] >= self.on]
        latest = [] if upcoming else every[-LATEST_EVENTS:][::-1]
        # a finding that names a cluster and a partner is in both groups: count it once
        everything = {
            id(row): row
            for group in self.findings.values()
            for found in group.values()
            for row in found
        }
        tally = Counter(row["severity"] for row in everything.values())
        return self.page(
            "index.html",
            "index.html",
            self.words["home.title"],
            counts=counts,
            spearheads=self.cluster_rows("", "spearhead"),
            icns=self.cluster_rows("", "icn"),
            upcoming=upcoming,
            latest=latest,
            show_findings=self.options.findings,
            tally={key: tally.get(key, 0) for key in ("error", "warning", "info")},
            registry_findings=self.findings["registry"].get("", []),
            downloads=DOWNLOADS,
            events_total=len(self.events),
        )

    def cluster_index(self) -> tuple[str, bytes]:
        return self.page(
            "clusters.html",
            "clusters/index.html",
            self.words["clusters.title"],
            rows=self.cluster_rows("../"),
        )

    def cluster_page(self, cluster_id: str) -> tuple[str, bytes]:
        record = self.clusters[cluster_id]
        listed = record.get("members") or ()
        groups: dict[str, list[tuple[int, str]]] = {}
        helix = dict.fromkeys(_HELIX, 0)
        partners_rank = self.rank["partners"]
        for member in listed:
            partner_id = member["partner"]
            known = self.partners.get(partner_id)
            kind = known["kind"] if known else "unknown"
            current = members.is_current(member, self.on)
            link = self.partner_a[partner_id]
            groups.setdefault(kind, []).append(
                (partners_rank[partner_id], self.member_row(member, current, link))
            )
            if current:
                side = "government" if members.role(member) == "clusterpact" else kind
                if side in helix:
                    helix[side] += 1
        shared = []
        for partner_id in sorted({member["partner"] for member in listed}):
            if len(self.joined.get(partner_id, ())) < 2:
                continue
            shared.append(
                f'<tr><th scope="row">{self.partner_a[partner_id]}</th>'
                f"<td>{self.also_in(partner_id, cluster_id)}</td></tr>\n"
            )
        taken = self.events_of_cluster(cluster_id)
        findings = self.findings["cluster"].get(cluster_id)
        days_left = periods.days_left(record, self.on)
        return self.page(
            "cluster.html",
            f"clusters/{self.cluster_file[cluster_id]}.html",
            record["name"],
            self.cluster_jsonld(cluster_id, record, taken),
            c=record,
            state=self.status(self.facts[cluster_id][0]),
            days_left=None
            if days_left is None
            else self.say("fact.days_left", days=self.number(days_left)),
            funding=Markup("".join(map(self.funding_row, periods.periods(record)))),
            chart=self.mini_chart(record),
            members=[
                (kind, self.number(len(groups[kind])), by_first(groups[kind]))
                for kind in _KIND_ORDER
                if kind in groups
            ],
            listed=self.number(len(listed)),
            complete=members.members_complete(record),
            helix=[(side, self.number(count) if count else None) for side, count in helix.items()],
            findings=self.part("findings_table", findings, "h-findings") if findings else None,
            show_findings=self.options.findings,
            shared=Markup("".join(shared)),
            events=self.part("event_table", taken, "h-events", "../") if taken else None,
            show_notes=self.options.notes,
        )

    def mini_chart(self, record: Row) -> Markup | None:
        """The inside of a cluster's small timeline (rendered once per distinct shape)."""
        found = periods.periods(record)
        if not found:
            return None
        shape = (record["type"], *((p["start"], p["end"], periods.end_basis(p)) for p in found))
        drawn = self._charts.get(shape)
        if drawn is None:
            chart = mini_chart(found, record["type"], self.on)
            drawn = self._charts[shape] = Markup(
                self.env.get_template("chart.html").render(chart=chart)
            )
        return drawn

    def organisation(self, partner_id: str) -> Row:
        record = self.partners.get(partner_id) or {}
        out: Row = {"@type": "Organization", "name": record.get("name", partner_id)}
        if self.options.base_url and partner_id in self.partners:
            out["@id"] = f"{self.options.base_url}partners/{self.partner_file[partner_id]}.html"
        if linkable(record.get("website")):
            out["url"] = record["website"]
        return out

    def event_jsonld(self, row: Row) -> Row:
        out: Row = {
            "@type": "Event",
            "name": row["title"],
            "startDate": row["start"].isoformat(),
            "endDate": row["end"].isoformat(),
        }
        if row["place"]:
            out["location"] = {"@type": "Place", "name": row["place"]}
        if linkable(row["url"]):
            out["url"] = row["url"]
        if row["organiser"]:
            out["organizer"] = self.organisation(row["organiser"])
        attendees = [p["partner"] for p in row["participants"]]
        if attendees:
            out["attendee"] = [self.organisation(partner_id) for partner_id in attendees]
        return out

    def cluster_jsonld(self, cluster_id: str, record: Row, taken: list[Row]) -> Row:
        """schema.org: the cluster as an ``Organization``, each member an
        ``OrganizationRole`` around the member ``Organization``, its events as ``Event``s."""
        out: Row = {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": record["name"],
            "description": record["domain"],
        }
        if self.options.base_url:
            out["@id"] = f"{self.options.base_url}clusters/{self.cluster_file[cluster_id]}.html"
        if linkable(record.get("website")):
            out["url"] = record["website"]
        roles = []
        for member in sorted(record.get("members") or (), key=_PARTNER):
            role: Row = {"@type": "OrganizationRole", "roleName": members.role(member)}
            if member.get("since"):
                role["startDate"] = member["since"].isoformat()
            if member.get("until"):
                role["endDate"] = member["until"].isoformat()
            role["member"] = self.organisation(member["partner"])
            roles.append(role)
        if roles:
            out["member"] = roles
        if taken:
            out["event"] = [self.event_jsonld(row) for row in taken]
        return out

    # -- partners ---------------------------------------------------------------------------

    def partner_index(self) -> tuple[str, bytes]:
        groups: dict[str | None, list[str]] = {}
        taken = self.taking_part["partners"]
        with_events = bool(self.events)
        for partner_id in sorted(self.partners, key=self.rank["partners"].__getitem__):
            record = self.partners[partner_id]
            events = f'<td class="num">{len(taken.get(partner_id, ()))}</td>' if with_events else ""
            groups.setdefault(record.get("network_role"), []).append(
                f'<tr><th scope="row">{self.partner_a[partner_id]}</th>'
                f"<td>{self.t['kind.' + record['kind']]}</td>"
                f'<td class="num">{len(self.joined.get(partner_id, ()))}</td>{events}</tr>\n'
            )
        sections = [
            (
                role or "other",
                self.t[f"network_role.{role}"] if role else None,
                len(rows),
                Markup("".join(rows)),
            )
            for role in (*NETWORK_ROLES, None)
            if (rows := groups.get(role))
        ]
        return self.page(
            "partners.html",
            "partners/index.html",
            self.words["partners.title"],
            sections=sections,
            with_events=with_events,
        )

    def partner_page(self, partner_id: str) -> tuple[str, bytes]:
        record = self.partners[partner_id]
        rows = []
        for cluster_id, member in self.member_of(partner_id):
            rows.append(
                (
                    self.rank["clusters"][cluster_id],
                    f'<tr><th scope="row">{self.cluster_a[cluster_id]}</th>'
                    f"<td>{self.t['type.' + self.clusters[cluster_id]['type']]}</td>"
                    f"<td>{self.t['role.' + members.role(member)]}</td>"
                    f"<td>{self.date(member.get('since'))}</td>"
                    f"<td>{self.date(member.get('until'))}</td></tr>\n",
                )
            )
        taken = self.events_of_partner(partner_id)
        findings = self.findings["partner"].get(partner_id)
        return self.page(
            "partner.html",
            f"partners/{self.partner_file[partner_id]}.html",
            record["name"],
            p=record,
            clusters=by_first(rows),
            events=self.part("event_table", taken, "h-events", "../", with_role=True)
            if taken
            else None,
            findings=self.part("findings_table", findings, "h-findings") if findings else None,
            kbo=any(key in record for key in ("legal_name", "nace", "kbo_status", "kbo_checked")),
        )

    # -- the timeline, the network, the events -----------------------------------------------

    def timeline_page(self) -> Iterator[tuple[str, bytes]]:
        found = timeline.build(self.data, self.on)
        chart = timeline_svg.svg(
            found,
            self.soon,
            words=messages.chart_words(self.lang),
            date_text=lambda day: messages.date_text(day, self.lang),
        )
        yield "timeline.svg", chart.encode("utf-8")
        years = found["years"]
        rows = []
        for row in found["rows"]:
            basis = row["periods"][-1]["end_basis"]
            shown = f" ({self.t['basis.' + basis]})" if basis != "published" else ""
            left = row["days_left"] if row["days_left"] is not None else ""
            rows.append(
                f'<tr><th scope="row">{self.cluster_link(row["cluster"], "")}</th>'
                f"<td>{self.t['type.' + row['type']]}</td><td>{self.date(row['start'])}</td>"
                f"<td>{self.date(row['end'])}{shown}</td><td>{self.status(row['status'])}</td>"
                f'<td class="num">{left}</td></tr>\n'
            )
        yield self.page(
            "timeline.html",
            "timeline.html",
            self.words["timeline.title"],
            timeline=found,
            rows=Markup("".join(rows)),
            first=years[0]["year"] if years else None,
            last=years[-1]["year"] if years else None,
        )

    def network_page(self) -> tuple[str, bytes]:
        pairs, total = network.strongest_pairs(self.clusters, self.joined, NETWORK_SHOWN)

        def partners_of(cluster_id: str) -> set[str]:
            return {m["partner"] for m in self.clusters[cluster_id].get("members") or ()}

        listed = []
        for count, first, second in pairs:  # the pairs shown only
            common = sorted(partners_of(first) & partners_of(second))
            listed.append(
                {
                    "first": first,
                    "second": second,
                    "count": count,
                    "partners": common[:SHOWN],
                    "more": len(common) - min(len(common), SHOWN),
                }
            )
        busy = network.busy(self.joined)
        return self.page(
            "network.html",
            "network.html",
            self.words["network.title"],
            pairs=listed,
            pairs_total=total,
            busy=[
                {
                    "partner": partner_id,
                    "count": len(ids),
                    "clusters": ids[:SHOWN],
                    "more": max(0, len(ids) - SHOWN),
                }
                for partner_id, ids in busy[:NETWORK_SHOWN]
            ],
            busy_total=len(busy),
        )

    def events_page(self) -> tuple[str, bytes]:
        every = list(self.event_rows.values())
        graph = {
            "@context": "https://schema.org",
            "@graph": [self.event_jsonld(row) for row in every],
        }
        return self.page(
            "events.html",
            "events/index.html",
            self.words["events.title"],
            graph,
            sections=[
                ("upcoming", [row for row in every if row["end"] >= self.on]),
                ("past", [row for row in every if row["end"] < self.on][::-1]),
            ],
            findings=[row for found in self.findings["event"].values() for row in found],
            show_findings=self.options.findings,
            show_notes=self.options.notes,
        )

    # -- downloads --------------------------------------------------------------------------

    def downloads(self) -> Iterator[tuple[str, Content]]:
        """The data files, the large ones in pieces as they are made (a large registry's
        exports are never all in memory at once)."""
        text = self.text if self.text is not None else canonical.dumps(self.data)
        yield (
            "data/clusters.toml",
            encoded(text[at : at + _PIECE] for at in range(0, len(text), _PIECE)),
        )
        yield "data/clusters.json", json_list_pieces(exports.each(self.data, "clusters"))
        for what in ("members", "partners"):
            rows = exports.rows(self.data, what)
            yield f"data/{what}.csv", encoded(csv_text.csv_pieces(rows))
        yield "data/clusters.schema.json", SCHEMA_FILE.read_bytes()
        yield (
            "data/clusters.ics",
            ics.ics_bytes(self.data, self.on, name=self.words["data.ics_name"]),
        )

    def sitemap(self) -> bytes:
        base = self.options.base_url or ""
        pages = ["index.html", "clusters/index.html", "partners/index.html"]
        pages += [f"clusters/{stem}.html" for stem in self.cluster_file.values()]
        pages += [f"partners/{stem}.html" for stem in self.partner_file.values()]
        pages += ["timeline.html", "network.html"]
        if self.events:
            pages.append("events/index.html")
        body = "".join(f"  <url><loc>{escape(base + page)}</loc></url>\n" for page in sorted(pages))
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{body}</urlset>\n"
        ).encode()


def json_list_pieces(values: Iterable[Any]) -> Iterator[bytes]:
    """A list as compact JSON (dates as ISO text), with the characters a terminal could
    act on escaped, as ``--json`` writes them; in pieces, made one item at a time."""
    pieces, size = [b"["], 1
    for index, value in enumerate(values):
        piece = compact(value).encode("utf-8")
        pieces.append(b"," + piece if index else piece)
        size += len(piece) + 1
        if size >= _PIECE:
            yield b"".join(pieces)
            pieces, size = [], 0
    pieces.append(b"]\n")
    yield b"".join(pieces)


def encoded(texts: Iterable[str]) -> Iterator[bytes]:
    return (text.encode("utf-8") for text in texts)


def mini_chart(found: list[Row], type_: str, on: dt.date, width: int = 600) -> Row:
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
