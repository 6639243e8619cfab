"""The funding Gantt chart in a terminal (``clusters timeline``).

It draws the dict of ``views.timeline.build``: a row per cluster, a bar per funding
period over a year axis, a line for ``--on``, the days left beside active bars, a legend
and a table per year. Spearheads and ICNs differ in character as well as colour, and an
end that is not published (policy maximum, estimate) ends in its own character, so the
chart reads without colour too. The layout follows the console's width (80 columns and
up). rich is imported only inside functions; user text goes through ``console.clean``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .console import STATUS_STYLE, clean

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

Record = dict[str, Any]  # a row of the timeline view

FILL = {"spearhead": "█", "icn": "━"}
STYLE = {"spearhead": "blue", "icn": "magenta"}
TYPE_LABEL = {"spearhead": "spearhead", "icn": "ICN"}
END_MARK = {"policy-max": "?", "estimate": "~"}
END_LABEL = {"policy-max": "end is the policy maximum", "estimate": "end is an estimate"}
ON_MARK = "│"
ON_STYLE = "bold red"
SOON_MARK = "!"
SOON_STYLE = "bold red"
LABEL_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000)
GAP = 1


def _text(value: str = "", style: str = "") -> Text:
    """A line of the chart (laid out to fit: never wrapped)."""
    from rich.text import Text

    return Text(value, style=style, no_wrap=True, overflow="crop", end="\n")


class Layout:
    """Where things go at a given width: label, bar area and annotation columns."""

    def __init__(self, timeline: Record, width: int, ending_soon_days: int) -> None:
        from rich.cells import cell_len

        self.on: dt.date = timeline["on"]
        self.rows: list[Record] = timeline["rows"]
        self.low = timeline["years"][0]["year"]
        self.high = timeline["years"][-1]["year"]
        self.first = dt.date(self.low, 1, 1)
        self.last = dt.date(self.high, 12, 31)
        self.total = (self.last - self.first).days + 1
        self.soon = ending_soon_days
        self.names = [clean(row["name"]) for row in self.rows]
        self.notes = self._notes()
        self.note_width = max((cell_len(text) for text, _ in self.notes), default=0)
        longest = max((cell_len(name) for name in self.names), default=0)
        self.label_width = max(4, min(longest, max(10, width // 4)))
        taken = self.label_width + GAP + (self.note_width + GAP if self.note_width else 0)
        self.bar_width = max(10, width - taken)
        self.width = width

    def _notes(self) -> list[tuple[str, str]]:
        """The annotation of each row: days left (``!`` when ending soon) or its status."""
        digits = max(
            (len(f"{row['days_left']}d") for row in self.rows if row["days_left"] is not None),
            default=0,
        )
        out = []
        for row in self.rows:
            left = row["days_left"]
            if row["status"] == "active" and left is not None:
                soon = left <= self.soon
                text = f"{left}d".rjust(digits) + (f" {SOON_MARK}" if soon else "")
                out.append((text, SOON_STYLE if soon else STATUS_STYLE["active"]))
            else:
                out.append((row["status"], STATUS_STYLE.get(row["status"], "")))
        return out

    def column(self, day: dt.date) -> int:
        offset = (day - self.first).days * self.bar_width // self.total
        return min(max(offset, 0), self.bar_width - 1)

    @property
    def on_column(self) -> int | None:
        return self.column(self.on) if self.first <= self.on <= self.last else None

    def step(self) -> int:
        per_year = self.bar_width / (self.high - self.low + 1)
        return next((s for s in LABEL_STEPS if per_year * s >= 5), LABEL_STEPS[-1])


def _axis(layout: Layout) -> list[Any]:
    """The year labels and the tick line (with ``▼`` at ``--on``)."""
    room = layout.bar_width + (layout.note_width + GAP if layout.note_width else 0)
    labels = [" "] * room
    ticks = ["─"] * layout.bar_width
    step = layout.step()
    free = 0
    for year in range(layout.low, layout.high + 1):
        at = layout.column(dt.date(year, 1, 1))
        if (year - layout.low) % step == 0:
            ticks[at] = "┬"
            text = str(year)
            if at >= free and at + len(text) <= room:
                labels[at : at + len(text)] = list(text)
                free = at + len(text) + 1
        elif step == 1 or layout.bar_width / (layout.high - layout.low + 1) >= 2:
            ticks[at] = "┬" if step == 1 else "╷"
    pad = " " * (layout.label_width + GAP)
    label_line = _text(pad + "".join(labels).rstrip())
    tick_line = _text(pad)
    cells = [(char, "dim") for char in ticks]
    if layout.on_column is not None:
        cells[layout.on_column] = ("▼", ON_STYLE)
    _append_runs(tick_line, cells)
    return [label_line, tick_line]


def _append_runs(line: Any, cells: list[tuple[str, str]]) -> None:
    """Append cells to a line, one span per run of cells in the same style."""
    run, style = "", None
    for char, cell_style in cells:
        if cell_style != style and run:
            line.append(run, style)
            run = ""
        run, style = run + char, cell_style
    if run:
        line.append(run, style)


def _bar(layout: Layout, row: Record) -> list[tuple[str, str]]:
    """The cells of one row's bar area."""
    cells = [(" ", "")] * layout.bar_width
    style = STYLE.get(row["type"], "")
    if row["status"] == "ended":
        style += " dim"
    fill = FILL.get(row["type"], "■")
    marks: set[int] = set()
    for period in row["periods"]:
        if period["end"] < layout.first or period["start"] > layout.last:
            continue
        begin, end = layout.column(period["start"]), layout.column(period["end"])
        for index in range(begin, end + 1):
            cells[index] = (fill, style)
        mark = END_MARK.get(period["end_basis"])
        if period["end"] > layout.last:
            cells[end] = ("▸", style)
            marks.add(end)
        elif mark:
            cells[end] = (mark, style)
            marks.add(end)
        if period["start"] < layout.first:
            cells[begin] = ("◂", style)
            marks.add(begin)
    at = layout.on_column
    if at is not None and at not in marks:
        char, cell_style = cells[at]
        cells[at] = (ON_MARK, ON_STYLE) if char == " " else (ON_MARK, cell_style)
    return cells


def _legend(layout: Layout, drawn: set[str]) -> list[Any]:
    """What the chart draws, and only that (a mark cut off by the window is not listed)."""
    items = [(FILL[kind], STYLE[kind], TYPE_LABEL[kind]) for kind in FILL if FILL[kind] in drawn]
    items += [(END_MARK[b], "", END_LABEL[b]) for b in END_MARK if END_MARK[b] in drawn]
    if drawn & {"◂", "▸"}:
        items.append(("◂▸", "", "runs past the axis"))
    if layout.on_column is not None:
        items.append((ON_MARK, ON_STYLE, f"on {layout.on.isoformat()}"))
    if SOON_MARK in drawn:
        items.append((SOON_MARK, SOON_STYLE, f"ends within {layout.soon} days"))
    lines: list[Any] = []
    line = _text()
    for mark, style, label in items:
        size = len(mark) + 1 + len(label)
        if line.cell_len and line.cell_len + 3 + size > layout.width:
            lines.append(line)
            line = _text()
        if line.cell_len:
            line.append("   ")
        line.append(mark, style)
        line.append(" " + label)
    lines.append(line)
    return lines


class Chart:
    """A rich renderable: the Gantt chart laid out for the console's width."""

    def __init__(self, timeline: Record, ending_soon_days: int) -> None:
        self.timeline = timeline
        self.ending_soon_days = ending_soon_days

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        """As wide as the console (a wider measure must not stretch the chart)."""
        from rich.measure import Measurement

        width = min(options.max_width, console.width)
        return Measurement(min(40, width), width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        timeline = self.timeline
        title = f"Funding timeline on {timeline['on'].isoformat()}"
        yield _text(title, "bold")
        if not timeline["rows"]:
            yield _text("No cluster has a funding period in these years.")
            return
        layout = Layout(timeline, options.max_width, self.ending_soon_days)
        yield from _axis(layout)
        drawn: set[str] = set()
        for row, name, (note, note_style) in zip(
            layout.rows, layout.names, layout.notes, strict=True
        ):
            line = _text()
            label = _text(name, "dim" if row["status"] == "ended" else "")
            label.truncate(layout.label_width, overflow="ellipsis", pad=True)
            line.append_text(label)
            line.append(" " * GAP)
            cells = _bar(layout, row)
            _append_runs(line, cells)
            if layout.note_width:
                line.append(" " * GAP + note.ljust(layout.note_width), note_style)
            line.rstrip()
            yield line
            drawn.update(char for char, _ in cells)
            if note.endswith(SOON_MARK):
                drawn.add(SOON_MARK)
        yield _text()
        yield from _legend(layout, drawn)


def _money(year: Record) -> str:
    if year["support_eur"] is None:
        return "—"
    return clean(round(year["support_eur"]))


def summary(timeline: Record) -> Table:
    """The line per year under the chart: active spearheads, ICNs, known support."""
    from .console import cell, new_table

    table = new_table(
        "year",
        "spearheads",
        "ICNs",
        "support EUR",
        "without amount",
        title="Active clusters per year",
    )
    for column in table.columns[1:]:
        column.justify = "right"
    for year in timeline["years"]:
        table.add_row(
            cell(str(year["year"])),
            cell(year["active_spearhead"]),
            cell(year["active_icn"]),
            cell(_money(year)),
            cell(year["support_unknown"]),
        )
    return table


def renderables(timeline: Record, ending_soon_days: int) -> list[Any]:
    """The chart, then the per-year table (when there are years)."""
    drawn: list[Any] = [Chart(timeline, ending_soon_days)]
    if timeline["years"] and timeline["rows"]:
        drawn.append(summary(timeline))
    return drawn
