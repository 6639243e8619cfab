"""The events: their index (``events/index.html``, upcoming first, then by year, with
the picture of events per year and the Subscribe link to the calendar), one page per
event (``events/<id>.html``) and its one-event calendar (``events/<id>.ics``, the same
UID as in ``data/clusters.ics``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from ..formats import ics
from . import pictures
from .html_helpers import Table
from .rendering import Renderer
from .schema_org import event_jsonld

Row = dict[str, Any]
KINDS = pictures.KINDS


def event_table(out: Renderer, rows: list[Row], root: str, with_role: bool = False) -> Table:
    """A table of events: each one's page, its dates, kind and place (and a partner's
    role in it)."""
    pieces = out.pieces
    columns = ["col.title", "col.date", "col.kind", "col.place"]
    if with_role:
        columns.append("col.role")
    made = []
    for row in rows:
        cells = [
            pieces.event_link(row["id"], root),
            when(out, row),
            pieces.t["event_kind." + row["kind"]],
            row["place"],
        ]
        if with_role:
            cells.append(pieces.t["participant." + row["role"]])
        made.append(cells)
    return Table(pieces, columns, made)


def when(out: Renderer, row: Row) -> Markup:
    start = out.pieces.date(row["start"])
    if row["end"] == row["start"]:
        return start
    return start + Markup(" – ") + out.pieces.date(row["end"])


def by_year(out: Renderer) -> tuple[list[Row], list[tuple[int, list[Row]]]]:
    """The upcoming events (soonest first), and the others by year (latest first)."""
    every = list(out.facts.event_rows.values())
    upcoming = [row for row in every if row["end"] >= out.facts.on]
    years: dict[int, list[Row]] = {}
    for row in reversed(every):
        if row["end"] < out.facts.on:
            years.setdefault(row["start"].year, []).append(row)
    return upcoming, sorted(years.items(), reverse=True)


def events_index(out: Renderer) -> tuple[str, bytes]:
    facts, pieces = out.facts, out.pieces
    every = list(facts.event_rows.values())
    upcoming, years = by_year(out)
    counts = Counter(row["start"].year for row in every)
    words = pictures.Words.from_catalogue(pieces.text, pieces.number)
    graph = {"@context": "https://schema.org", "@graph": [event_jsonld(out, r) for r in every]}
    return out.page(
        "events.html",
        "events/index.html",
        pieces.text["events.title"],
        graph,
        upcoming=event_table(out, upcoming, "../"),
        years=[(year, event_table(out, rows, "../")) for year, rows in years],
        chart=pictures.events_per_year(counts, prefix="per-year", words=words),
        per_year=[
            words.counted(words.year, counts.get(year, 0), year=year)
            for year in range(min(counts), max(counts) + 1)
        ]
        if counts
        else [],
        findings=[row for found in facts.findings["event"].values() for row in found],
    )


def event_page(out: Renderer, event_id: str) -> Iterator[tuple[str, bytes]]:
    """An event's page and its one-event calendar."""
    facts, pieces = out.facts, out.pieces
    row = facts.event_rows[event_id]
    stem = pieces.stems["events"][event_id]
    groups: dict[str, list[tuple[Markup, Markup]]] = {}
    rank = facts.rank["partners"]
    for taking in sorted(row["participants"], key=lambda p: rank[p["partner"]]):
        groups.setdefault(facts.kind_of(taking["partner"]), []).append(
            (
                pieces.partner_link(taking["partner"], "../"),
                pieces.t["participant." + taking["role"]],
            )
        )
    participants = [
        (kind, Table(pieces, ("col.organisation", "col.role"), groups[kind]))
        for kind in KINDS
        if kind in groups
    ]
    yield out.page(
        "event.html",
        f"events/{stem}.html",
        row["title"],
        {"@context": "https://schema.org", **event_jsonld(out, row)},
        e=row,
        when=when(out, row),
        ics=f"{stem}.ics",
        participants=participants,
        findings=facts.findings["event"].get(event_id),
    )
    yield (
        f"events/{stem}.ics",
        ics.ics_bytes(
            facts.data,
            facts.on,
            {event_id: facts.events[event_id]},
            name=row["title"],
        ),
    )


def pages(out: Renderer) -> Iterator[tuple[str, bytes]]:
    if not out.facts.events:
        return
    yield events_index(out)
    for event_id in out.facts.event_rows:
        yield from event_page(out, event_id)
