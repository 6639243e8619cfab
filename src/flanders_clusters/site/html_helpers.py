"""Small pieces of HTML that every page kind uses: the interface words, dates, amounts,
statuses and links, each escaped once and kept for the next page that shows it.

Every string from the registry is escaped for its context here or by Jinja2's
autoescaping: HTML text and attributes with ``markupsafe`` (the escaping Jinja2 uses),
JSON inside ``<script>`` with ``script_json`` (``<``, ``>`` and ``&`` as ``\\u`` escapes, so
a ``</script>`` in a name cannot end it); only ``http``/``https`` URLs become links.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from ..registry.vocabulary import UNSAFE_CLASS
from . import messages

# Only the site's own files: no inline script or style, no other origin, no plugins.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
_LINKABLE = re.compile(r"^https?://[^\s" + UNSAFE_CLASS + r"]+$", re.IGNORECASE)
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
_FIELD = re.compile(r"\{(\w+)\}")
NOTHING = Markup("")


def linkable(url: Any) -> bool:
    """Whether a value may become a link: an ``http``/``https`` URL, nothing else."""
    return isinstance(url, str) and bool(_LINKABLE.match(url))


def script_json(value: Any) -> str:
    """JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` left raw."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


def file_names(ids: Iterable[str]) -> dict[str, str]:
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


def static(name: str) -> bytes:
    """A file of ``static/`` (the stylesheet, the script), as shipped."""
    from importlib.resources import files as package_files

    return package_files("flanders_clusters.site").joinpath("static", name).read_bytes()


def filled(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """The places of the columns that hold a value in some row (the first, the row's
    heading, always): a column empty in every row is left out of its table."""
    return [
        place
        for place in range(len(columns))
        if place == 0 or any(row[place] not in (None, "", NOTHING) for row in rows)
    ]


class Pieces:
    """The interface words of one language and the pieces made of them, escaped once."""

    def __init__(self, lang: str, records: Mapping[str, Mapping[str, Any]]) -> None:
        self.lang = lang
        self.text = messages.catalogue(lang)
        self.t = {key: escape(text) for key, text in self.text.items()}
        self.records = records  # "clusters", "partners", "events" → {id: record}
        self.stems: dict[str, dict[str, str]] = {
            table: file_names(found) for table, found in records.items()
        }
        self._said: dict[tuple[str, tuple[tuple[str, Any], ...]], Markup] = {}
        self._dates: dict[dt.date, Markup] = {}
        self._amounts: dict[tuple[str, Any], str] = {}
        self._links: dict[tuple[str, str, str], Markup] = {}
        self._heads: dict[tuple[Any, ...], Any] = {}

    def say(self, key: str, **values: Any) -> Markup:
        """The interface text ``key`` (the site's ``gettext``) with its ``{name}``s
        filled in; the values are escaped (those that are HTML already, such as dates,
        are kept). A text made of the site's own pieces (HTML, numbers) is kept for the
        next page that says it; one with a record's text in it is made for its page."""
        if not values:
            return self.t[key]  # a word alone: escaped once, when the catalogue was read
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

    def plural(self, one: str, other: str, count: int, **values: Any) -> Markup:
        """``ngettext``: the words for one or for any other number."""
        return self.say(one if count == 1 else other, count=self.number(count), **values)

    def date(self, day: dt.date | None) -> Markup:
        if day is None:
            return NOTHING
        found = self._dates.get(day)
        if found is None:
            text = messages.date_text(day, self.lang)
            found = self._dates[day] = Markup(f'<time datetime="{day.isoformat()}">{text}</time>')
        return found

    def end(self, day: dt.date | None, basis: str) -> Markup:
        """An end date with its basis in words when no page publishes it: "31 December
        2026 (policy maximum, not published)"."""
        shown = self.date(day)
        if day is None or basis == "published":
            return shown
        return self.say("end." + basis, date=shown)

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

    def href(self, table: str, record_id: str, root: str) -> str:
        """A record's page from a page at ``root`` (``../clusters/x.html``)."""
        return f"{root}{table}/{self.stems[table][record_id]}.html"

    def record_link(self, table: str, record_id: str, root: str) -> Markup:
        """A record's link (its name, escaped) from a page at ``root``; an unknown id (a
        finding says so) is plain text."""
        key = (table, record_id, root)
        found = self._links.get(key)
        if found is None:
            record = self.records[table].get(record_id)
            if record is None:
                found = escape(record_id)
            else:
                name = escape(record["title" if table == "events" else "name"])
                found = Markup(f'<a href="{self.href(table, record_id, root)}">{name}</a>')
            self._links[key] = found
        return found

    def cluster_link(self, cluster_id: str, root: str) -> Markup:
        return self.record_link("clusters", cluster_id, root)

    def partner_link(self, partner_id: str, root: str) -> Markup:
        return self.record_link("partners", partner_id, root)

    def event_link(self, event_id: str, root: str) -> Markup:
        return self.record_link("events", event_id, root)

    def cluster_links(self, ids: Iterable[str], root: str) -> Markup:
        # links are escaped already: joined as text, they stay safe
        return Markup(", ".join([self.record_link("clusters", i, root) for i in ids]))

    def partner_links(self, ids: Iterable[str], root: str) -> Markup:
        return Markup(", ".join([self.record_link("partners", i, root) for i in ids]))

    def heads(
        self, columns: tuple[str, ...], places: tuple[int, ...], numeric: tuple[str, ...]
    ) -> tuple[list[tuple[int, Markup, bool]], list[tuple[int, Markup]], Markup]:
        """A table's headings (place, words, whether a number) for the columns shown;
        each cell's opening tag, with its column's heading as its label (which a phone
        shows beside the value) and its class; and the opening tag of a row's heading,
        labelled unless it is a name (a date or a year alone would not say what it is).
        Made once for each shape of table."""
        key = (columns, places, numeric)
        found = self._heads.get(key)
        if found is None:
            heads = [
                (place, self.say(columns[place]), columns[place] in numeric) for place in places
            ]
            number = Markup(' class="num"')
            cells = [
                (place, Markup('<td data-label="%s"%s>') % (label, number if num else ""))
                for place, label, num in heads[1:]
            ]
            th = (
                Markup('<th scope="row">')
                if columns[0] in NAMED
                else Markup('<th scope="row" data-label="%s">') % heads[0][1]
            )
            found = self._heads[key] = (heads, cells, th)
        return found


# The columns whose value is a name: a phone's row block needs no label before it.
NAMED = frozenset(
    {
        "col.name",
        "col.cluster",
        "col.partner",
        "col.title",
        "col.organisation",
        "col.pair",
    }
)


class Table:
    """A table for the ``table`` macro: its heads (place, heading, whether a number),
    the cells after the row's heading, and its rows. A column that no row fills is left
    out (the first, the rows' headings, always stays).

    ``lines`` are the rows as the macro writes them, each value escaped here, once (a
    value that is HTML already, such as a link or a date, is kept): each row's heading,
    and each shown cell's opening tag beside its value. The macro's loop over them then
    has nothing to escape, and a table of ten thousand rows costs no call per cell."""

    __slots__ = ("cells", "heads", "lines", "rows", "th")

    def __init__(
        self,
        pieces: Pieces,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        numeric: Iterable[str] = (),
    ) -> None:
        self.heads, self.cells, self.th = pieces.heads(
            tuple(columns), tuple(filled(columns, rows)), tuple(numeric)
        )
        self.rows = rows
        cells = self.cells
        self.lines = [
            (
                _html(row[0]),
                [
                    (tag, value if value.__class__ is Markup else escape(value))
                    for place, tag in cells
                    for value in [row[place]]
                ],
            )
            for row in rows
        ]

    def __bool__(self) -> bool:
        return bool(self.rows)


def _html(value: Any) -> Markup:
    """``value`` as HTML, as autoescaping makes it: HTML kept, anything else escaped."""
    return value if value.__class__ is Markup else escape(value)
