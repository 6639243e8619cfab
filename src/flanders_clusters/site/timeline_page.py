"""The funding timeline (``timeline.html`` and its chart ``timeline.svg``): the chart,
the figures of each year as a table beside it, and every cluster's span, its end's basis
said in words."""

from __future__ import annotations

from collections.abc import Iterator

from ..formats import timeline_svg
from ..views import timeline
from . import messages
from .html_helpers import Table
from .rendering import Renderer

YEAR_COLUMNS = (
    "col.year",
    "col.active_spearheads",
    "col.active_icns",
    "col.support",
    "col.support_unknown",
)
ROW_COLUMNS = ("col.cluster", "col.type", "col.start", "col.end", "col.status", "col.days_left")


def timeline_page(out: Renderer) -> Iterator[tuple[str, bytes]]:
    facts, pieces = out.facts, out.pieces
    found = timeline.build(facts.data, facts.on)
    chart = timeline_svg.svg(
        found,
        facts.soon,
        words=messages.chart_words(out.lang),
        date_text=lambda day: messages.date_text(day, out.lang),
    )
    yield "timeline.svg", chart.encode("utf-8")
    years = found["years"]
    year_rows = [
        (
            year["year"],
            pieces.number(year["active_spearhead"]),
            pieces.number(year["active_icn"]),
            None if year["support_eur"] is None else pieces.money(year["support_eur"]),
            pieces.number(year["support_unknown"]),
        )
        for year in years
    ]
    rows = [
        (
            pieces.cluster_link(row["cluster"], ""),
            pieces.t["type." + row["type"]],
            pieces.date(row["start"]),
            pieces.end(row["end"], row["periods"][-1]["end_basis"]),
            pieces.status(row["status"]),
            None if row["days_left"] is None else pieces.number(row["days_left"]),
        )
        for row in found["rows"]
    ]
    yield out.page(
        "timeline.html",
        "timeline.html",
        pieces.text["timeline.title"],
        timeline=found,
        years=Table(pieces, YEAR_COLUMNS, year_rows, numeric=YEAR_COLUMNS[1:]),
        rows=Table(pieces, ROW_COLUMNS, rows, numeric=("col.days_left",)),
        first=years[0]["year"] if years else None,
        last=years[-1]["year"] if years else None,
    )
