"""The site's downloads (``data/``: the registry as TOML, JSON and CSV, the partners
and events as ``--json`` shapes them, the schema, the calendar) and ``sitemap.xml``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from markupsafe import escape

from ..formats import csv_text, ics
from ..formats.json_text import compact
from ..registry import canonical
from ..registry.store import SHIPPED
from ..views import event_rows, exports, queries
from .shared_facts import Facts

# A file's content: bytes, or the bytes in pieces (a large download, written as made).
Content = bytes | Iterable[bytes]
SCHEMA_FILE = SHIPPED.with_name("clusters.schema.json")
_PIECE = 1 << 20  # characters or bytes of a download made at a time


def downloads(facts: Facts, text: str | None, calendar_name: str) -> Iterator[tuple[str, Content]]:
    """The data files, the large ones in pieces as they are made (a large registry's
    exports are never all in memory at once)."""
    data = facts.data
    text = text if text is not None else canonical.dumps(dict(data))
    yield (
        "data/clusters.toml",
        encoded(text[at : at + _PIECE] for at in range(0, len(text), _PIECE)),
    )
    yield "data/clusters.json", json_list_pieces(exports.each(data, "clusters"))
    for what in ("members", "partners"):
        rows = exports.rows(data, what)
        yield f"data/{what}.csv", encoded(csv_text.csv_pieces(rows))
    # the shapes of ``clusters partners --json`` and ``clusters events --json``
    yield "data/partners.json", json_list_pieces(queries.partner_rows(data))
    yield "data/events.json", json_list_pieces(event_rows.rows(data, facts.on))
    yield "data/clusters.schema.json", SCHEMA_FILE.read_bytes()
    yield "data/clusters.ics", ics.ics_bytes(data, facts.on, name=calendar_name, refresh=True)
    yield from facts.open_data.files()  # data/package/: dataset_card.py


def sitemap(facts: Facts, stems: dict[str, dict[str, str]]) -> bytes:
    base = facts.options.base_url or ""
    pages = ["index.html", "clusters/index.html", "partners/index.html"]
    for table in ("clusters", "partners", "events"):
        pages += [f"{table}/{stem}.html" for stem in stems[table].values()]
    pages += ["timeline.html", "network.html"]
    if facts.events:
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
