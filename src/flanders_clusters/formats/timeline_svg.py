"""The funding timeline as a self-contained SVG picture (``clusters timeline --svg``).

Pure: the dict of ``views.timeline.build`` in, the text of an SVG file out — the chart
the terminal shows (a row per cluster, a bar per funding period, a year axis, the
``--on`` line, days left and the ending-soon mark, a legend of what is drawn), without
the per-year table. Spearheads are full-height bars and ICNs thin ones, and an end that
is not published carries its mark, so the chart reads without colour. Nothing is
loaded from elsewhere (no web font, no link, no ``url(…)``): generic font families only,
so it renders the same offline and on a page that makes no outside request. It is an
image with a text alternative: ``role="img"``, and a ``<title>`` and a ``<desc>`` that
states every row. The same registry gives the same bytes.

Every label comes from ``WORDS`` (English) and every date from ``date_text`` (ISO), so a
caller can draw the chart in another language. Text is laid out with an average
character width (no font metrics), and the picture scales with its ``viewBox``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..registry.vocabulary import UNSAFE_CLASS

WORDS: dict[str, str] = {
    "title": "Funding timeline on {date}",
    "empty": "No cluster has a funding period in these years.",
    "spearhead": "spearhead",
    "icn": "ICN",
    "policy-max": "end is the policy maximum",
    "estimate": "end is an estimate",
    "clipped": "runs past the axis",
    "on": "on {date}",
    "soon": "ends within {days} days",
    "days_left": "{days}d",
    "active": "active",
    "planned": "planned",
    "ended": "ended",
    "unknown": "unknown",
    "summary": "Funding periods of {count} clusters from {first} to {last}, status on {date}.",
    "row": "{name}, {type}: {periods}; {status}.",
    "period": "{start} to {end}",
    "period_basis": "{start} to {end} ({basis})",
    "active_left": "active, {days} days left",
}

WIDTH = 960
MARGIN = 16
GAP = 12  # between the labels, the bars and the notes: room for the end marks
ROW = 22
FONT_SIZE = 13
TITLE_SIZE = 16
CHAR = 7.2  # the average advance of a character at FONT_SIZE, for the layout
LABEL_MAX = 250
BAR_HEIGHT = {"spearhead": 14, "icn": 6}  # as █ and ━ in the terminal
COLOUR = {"spearhead": "#1f4e9c", "icn": "#9c1f7f"}
OTHER_COLOUR = "#555555"
ON_COLOUR = "#c8102e"
INK = "#1a1a1a"
MUTED = "#5f5f5f"
GRID = "#e3e3e3"
TICK = "#9a9a9a"
END_MARK = {"policy-max": "?", "estimate": "~"}
ENDED_OPACITY = "0.45"
LABEL_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000)
TITLE_ID, DESC_ID = "timeline-title", "timeline-desc"
# What XML cannot hold, or a reader could be fooled by: controls, bidi overrides, …
_UNSAFE = re.compile(f"[{UNSAFE_CLASS}\ufffe\uffff]")

Row = dict[str, Any]


def _safe(value: Any) -> str:
    """Registry text for the picture: invisible and control characters shown as
    ``\\uXXXX`` (XML cannot hold most of them), then XML-escaped."""
    return escape(_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", str(value)))


def _attr(value: Any) -> str:
    return quoteattr(_UNSAFE.sub(" ", str(value)))


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros (the same bytes every run)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _width(text: str, size: int = FONT_SIZE) -> float:
    return len(text) * CHAR * size / FONT_SIZE


def _fit(text: str, room: float) -> str:
    """``text`` cut with an ellipsis to about ``room`` pixels."""
    if _width(text) <= room:
        return text
    return text[: max(1, int(room / CHAR) - 1)].rstrip() + "…"


def _text(x: float, y: float, content: str, **attributes: Any) -> str:
    extra = "".join(f" {key.replace('_', '-')}={_attr(v)}" for key, v in attributes.items())
    return f'<text x="{_n(x)}" y="{_n(y)}"{extra}>{content}</text>'


def _swatch(colour: str, height: float) -> Callable[[float, float], str]:
    """The legend's sample of a bar, drawn at (x, y)."""
    return lambda x, y: _rect(x, y - height / 2, 18, height, colour)


def _end_mark(mark: str) -> Callable[[float, float], str]:
    """The legend's sample of a period's end mark, drawn at (x, y)."""
    return lambda x, y: _text(x + 5, y + 4.5, mark, fill=INK, font_weight="bold")


def _rect(x: float, y: float, width: float, height: float, fill: str, **attributes: Any) -> str:
    extra = "".join(f" {key.replace('_', '-')}={_attr(v)}" for key, v in attributes.items())
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'fill="{fill}"{extra}/>'
    )


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1) -> str:
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{stroke}" stroke-width="{_n(width)}"/>'
    )


def _arrow(x: float, y: float, pointing: int, fill: str) -> str:
    """A small triangle at ``x`` pointing left (-1) or right (1): a bar runs on."""
    tip = x + 6 * pointing
    points = f"{_n(x)},{_n(y - 5)} {_n(tip)},{_n(y)} {_n(x)},{_n(y + 5)}"
    return f'<polygon points="{points}" fill="{fill}"/>'


class _Picture:
    """The chart being drawn: its words, its dates and where things go."""

    def __init__(
        self,
        timeline: Row,
        soon: int,
        words: dict[str, str],
        date_text: Callable[[dt.date], str],
    ) -> None:
        self.on: dt.date = timeline["on"]
        self.rows: list[Row] = timeline["rows"]
        self.soon = soon
        self.words = words
        self.date = date_text
        self.low = timeline["years"][0]["year"] if timeline["years"] else self.on.year
        self.high = timeline["years"][-1]["year"] if timeline["years"] else self.on.year
        self.first = dt.date(self.low, 1, 1)
        self.last = dt.date(self.high, 12, 31)
        self.days = (self.last - self.first).days + 1
        self.notes = [self._note(row) for row in self.rows]
        names = [str(row["name"]) for row in self.rows]
        self.label_width = min(max((_width(name) for name in names), default=0), LABEL_MAX)
        self.note_width = max((_width(text) for text, _ in self.notes), default=0)
        self.left = MARGIN + self.label_width + GAP
        self.right = WIDTH - MARGIN - (self.note_width + GAP if self.note_width else GAP)
        self.seen: set[str] = set()

    def say(self, key: str, **values: Any) -> str:
        return self.words[key].format(**values)

    def x(self, day: dt.date) -> float:
        """The left edge of ``day`` on the axis."""
        return self.left + (day - self.first).days * (self.right - self.left) / self.days

    def _note(self, row: Row) -> tuple[str, bool]:
        """Beside a row: its days left (and ``!`` when ending soon), else its status."""
        left = row["days_left"]
        if row["status"] == "active" and left is not None:
            soon = left <= self.soon
            return self.say("days_left", days=left) + (" !" if soon else ""), soon
        return self.words.get(row["status"], str(row["status"])), False

    def on_x(self) -> float | None:
        if not self.first <= self.on <= self.last:
            return None
        return (self.x(self.on) + self.x(self.on + dt.timedelta(days=1))) / 2

    # -- parts -------------------------------------------------------------------------

    def axis(self, top: float, bottom: float) -> list[str]:
        """Year lines over the rows, a label every few years (as many as fit)."""
        per_year = (self.right - self.left) / (self.high - self.low + 1)
        step = next((s for s in LABEL_STEPS if per_year * s >= 40), LABEL_STEPS[-1])
        out = ['<g class="axis">']
        for year in range(self.low, self.high + 2):
            at = self.x(dt.date(year, 1, 1)) if year <= self.high else self.right
            labelled = (year - self.low) % step == 0 and year <= self.high
            out.append(
                _line(at, top - (6 if labelled else 2), at, bottom, TICK if labelled else GRID)
            )
            if labelled:
                out.append(_text(at + 3, top - 8, str(year), fill=MUTED))
        out.append("</g>")
        return out

    def row(self, row: Row, note: tuple[str, bool], y: float) -> list[str]:
        kind = row["type"]
        colour = COLOUR.get(kind, OTHER_COLOUR)
        middle = y + ROW / 2
        name = str(row["name"])
        ended = row["status"] == "ended"
        out = [f'<g class="row"{" opacity=" + quoteattr(ENDED_OPACITY) if ended else ""}>']
        out.append(f"<title>{_safe(name)}</title>")
        label = _fit(name, self.label_width)
        out.append(_text(MARGIN, middle + 4.5, _safe(label), fill=INK))
        height = BAR_HEIGHT.get(kind, 10)
        for period in row["periods"]:
            if period["end"] < self.first or period["start"] > self.last:
                continue
            begin = self.x(max(period["start"], self.first))
            end = self.x(min(period["end"], self.last) + dt.timedelta(days=1))
            out.append(_rect(begin, middle - height / 2, max(end - begin, 1), height, colour))
            self.seen.add(kind)
            if period["start"] < self.first:
                out.append(_arrow(begin - 1, middle, -1, colour))
                self.seen.add("clipped")
            if period["end"] > self.last:
                out.append(_arrow(end + 1, middle, 1, colour))
                self.seen.add("clipped")
            elif period["end_basis"] in END_MARK:
                mark = END_MARK[period["end_basis"]]
                out.append(_text(end + 2, middle + 4.5, mark, fill=colour, font_weight="bold"))
                self.seen.add(period["end_basis"])
        text, soon = note
        if soon:
            self.seen.add("soon")
        style = {"fill": ON_COLOUR, "font_weight": "bold"} if soon else {"fill": MUTED}
        out.append(_text(self.right + GAP, middle + 4.5, _safe(text), **style))
        out.append("</g>")
        return out

    def legend(self, top: float) -> tuple[list[str], float]:
        """What the chart draws, and only that; wrapped to the width. Returns the lines
        and the height used."""
        items: list[tuple[str, Callable[[float, float], str]]] = []
        for kind, colour in COLOUR.items():
            if kind in self.seen:
                items.append((self.say(kind), _swatch(colour, BAR_HEIGHT[kind])))
        for basis, mark in END_MARK.items():
            if basis in self.seen:
                items.append((self.say(basis), _end_mark(mark)))
        if "clipped" in self.seen:
            items.append(
                (
                    self.say("clipped"),
                    lambda x, y: _arrow(x + 6, y, -1, INK) + _arrow(x + 12, y, 1, INK),
                )
            )
        if self.on_x() is not None:
            items.append(
                (
                    self.say("on", date=self.date(self.on)),
                    lambda x, y: _line(x + 9, y - 8, x + 9, y + 8, ON_COLOUR, 2),
                )
            )
        if "soon" in self.seen:
            items.append(
                (
                    self.say("soon", days=self.soon),
                    lambda x, y: _text(x + 6, y + 4.5, "!", fill=ON_COLOUR, font_weight="bold"),
                )
            )
        out = ['<g class="legend">']
        x, y = float(MARGIN), top + ROW / 2
        for label, symbol in items:
            size = 18 + 6 + _width(label)
            if x > MARGIN and x + size > WIDTH - MARGIN:
                x, y = float(MARGIN), y + ROW
            out.append(symbol(x, y))
            out.append(_text(x + 24, y + 4.5, _safe(label), fill=INK))
            x += size + 20
        out.append("</g>")
        return out, (y + ROW / 2 - top if items else 0)

    def description(self) -> str:
        """The text alternative: what the chart shows, row by row."""
        if not self.rows:
            return self.say("empty")
        sentences = [
            self.say(
                "summary",
                count=len(self.rows),
                first=self.low,
                last=self.high,
                date=self.date(self.on),
            )
        ]
        for row in self.rows:
            shown = []
            for period in row["periods"]:
                dates = {"start": self.date(period["start"]), "end": self.date(period["end"])}
                basis = period["end_basis"]
                if basis in END_MARK:
                    shown.append(self.say("period_basis", basis=self.say(basis), **dates))
                else:
                    shown.append(self.say("period", **dates))
            if row["status"] == "active" and row["days_left"] is not None:
                status = self.say("active_left", days=row["days_left"])
            else:
                status = self.words.get(row["status"], str(row["status"]))
            sentences.append(
                self.say(
                    "row",
                    name=row["name"],
                    type=self.words.get(row["type"], row["type"]),
                    periods=", ".join(shown),
                    status=status,
                )
            )
        return _safe(" ".join(sentences))


def svg(
    timeline: dict,
    ending_soon_days: int,
    *,
    words: dict[str, str] | None = None,
    date_text: Callable[[dt.date], str] | None = None,
) -> str:
    """The SVG text of the chart of ``timeline`` (the dict of ``views.timeline.build``).

    ``words`` replaces some or all of ``WORDS`` (the labels, for another language);
    ``date_text`` writes a date (ISO 8601 by default).
    """
    picture = _Picture(
        timeline,
        ending_soon_days,
        {**WORDS, **(words or {})},
        date_text or dt.date.isoformat,
    )
    title = _safe(picture.say("title", date=picture.date(picture.on)))
    body = [_text(MARGIN, MARGIN + TITLE_SIZE, title, font_size=TITLE_SIZE, font_weight="bold")]
    top = MARGIN + TITLE_SIZE + 34  # the title, then the year labels
    if not picture.rows:
        body.append(_text(MARGIN, top, _safe(picture.say("empty")), fill=INK))
        height: float = top + MARGIN
    else:
        bottom = top + ROW * len(picture.rows)
        rows: list[str] = []
        for index, (row, note) in enumerate(zip(picture.rows, picture.notes, strict=True)):
            rows.extend(picture.row(row, note, top + index * ROW))
        body.extend(picture.axis(top, bottom))
        body.extend(rows)
        on = picture.on_x()
        if on is not None:
            body.append(_line(on, top - 10, on, bottom, ON_COLOUR, 2))
            tip = f"{_n(on - 5)},{_n(top - 12)} {_n(on + 5)},{_n(top - 12)} {_n(on)},{_n(top - 4)}"
            body.append(f'<polygon points="{tip}" fill="{ON_COLOUR}"/>')
        legend, used = picture.legend(bottom + ROW / 2)
        body.extend(legend)
        height = bottom + ROW / 2 + used + MARGIN
    size = f'width="{WIDTH}" height="{_n(height)}" viewBox="0 0 {WIDTH} {_n(height)}"'
    head = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {size} role="img" '
        f'aria-labelledby="{TITLE_ID} {DESC_ID}" font-family="sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{TITLE_ID}">{title}</title>',
        f'<desc id="{DESC_ID}">{picture.description()}</desc>',
        _rect(0, 0, WIDTH, height, "#ffffff"),
    ]
    return "\n".join([*head, *body, "</svg>"]) + "\n"
