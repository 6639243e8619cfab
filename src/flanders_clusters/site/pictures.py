"""The site's pictures, drawn at build time as inline SVG: the network of clusters that
share partners, the members of each cluster by kind, the events of each year.

Pure: figures in, SVG markup out (a ``Markup``, ready for a page). Nothing is loaded and
nothing runs: no script, no font, no link but the nodes' links to cluster pages, no
``style`` attribute and no ``<style>`` element (the site's Content-Security-Policy allows
only its own stylesheet). Colours and strokes come from classes that
``static/style.css`` defines ("Pictures" section), so the pictures follow the page's
light or dark colour scheme; the text is in the page's font, at sizes the pictures set.
Each picture has a ``viewBox`` and no width of its own: it scales to the width of its
box, up to about 1.25 px a unit (a class ``w360``, ``w480``… names its width), so its
text stays legible on a 360 px phone and a desktop alike.

Each picture is labelled by its ``<title>`` and ``<desc>`` (``aria-labelledby``; the ids
start with the caller's ``prefix``, so several pictures share a page). The charts are
``role="img"``; the network graph, whose nodes are links, is ``role="graphics-document"``
when it has one (an image's children are presentational, so a link inside an image is
out of reach of a screen reader, and axe reports it as ``nested-interactive``). Every
text — visible or in a ``<title>`` — comes from ``Words``, English by default, so a page
passes the words and number format of its language. Text from the registry is escaped
for XML, its control and invisible characters shown as ``\\uXXXX``; a visible label is
cut with "…" to its room, and the full text stays in the ``<title>``.

Deterministic: the same figures give the same bytes. Coordinates are rounded to a tenth;
the graph's layout is computed in a fixed order (clusters sorted by id) with additions,
multiplications and square roots only, whose results IEEE 754 fixes on every machine.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from markupsafe import Markup, escape

from ..registry.vocabulary import CLUSTER_TYPES, PARTNER_KINDS, UNSAFE_CLASS

SVG_NS = "http://www.w3.org/2000/svg"
KINDS = (*PARTNER_KINDS, "unknown")  # a member whose partner the registry does not list
WIDTHS = (360, 480, 640, 800, 960)  # the widths a picture may have (a class each)
CHART_WIDTH = 360  # the bar charts: one unit a pixel on a phone
MARGIN = 8
FONT = 13  # the charts' text, in units
EM = 0.6  # the average advance of a character, in ems, for the layout (no font metrics)
Plural = tuple[str, str]  # the words for one, and for any other number


def _english_number(value: int) -> str:
    return f"{value:,}"


@dataclass(frozen=True)
class Words:
    """Every text of the pictures, English by default.

    Counted words are pairs ``(one, other)``: the first for 1, the second for any other
    number (as in English and Dutch). ``number`` writes a number (``1,234``). A page of
    another language keeps them in its message catalogue (``catalogue`` names the
    entries) and passes ``Words.from_catalogue(entries, number)``.
    """

    number: Callable[[int], str] = _english_number
    # the network graph
    network_title: str = "Clusters that share partners"
    network_summary: Plural = (
        "{clusters} clusters, {count} pair that shares partners.",
        "{clusters} clusters, {count} pairs that share partners.",
    )
    network_key: str = "Circle area: members listed. Line width: partners shared."
    network_empty: str = "No two clusters share a partner."
    node: Plural = ("{type}, {count} member listed", "{type}, {count} members listed")
    pair: Plural = (
        "{first} and {second} share {count} partner",
        "{first} and {second} share {count} partners",
    )
    types: Mapping[str, str] = field(
        default_factory=lambda: {
            "spearhead": "Spearhead cluster",
            "icn": "Innovative company network",
            "other": "Cluster",
        }
    )
    # members by kind
    members_title: str = "Members of each cluster by kind"
    members_summary: Plural = (
        "{count} member in {clusters} clusters.",
        "{count} members in {clusters} clusters.",
    )
    members_total: Plural = ("{count} member", "{count} members")
    members_empty: str = "No cluster lists members."
    kinds: Mapping[str, str] = field(
        default_factory=lambda: {
            "company": "Company",
            "knowledge": "Knowledge institution",
            "government": "Government",
            "other": "Other",
            "unknown": "Not in the partner list",
        }
    )
    segment: Mapping[str, Plural] = field(
        default_factory=lambda: {
            "company": ("{name}: {count} company", "{name}: {count} companies"),
            "knowledge": (
                "{name}: {count} knowledge institution",
                "{name}: {count} knowledge institutions",
            ),
            "government": (
                "{name}: {count} government member",
                "{name}: {count} government members",
            ),
            "other": ("{name}: {count} other member", "{name}: {count} other members"),
            "unknown": (
                "{name}: {count} member not in the partner list",
                "{name}: {count} members not in the partner list",
            ),
        }
    )
    # events per year
    events_title: str = "Events per year"
    events_summary: Plural = (
        "{count} event from {first} to {last}.",
        "{count} events from {first} to {last}.",
    )
    events_empty: str = "The registry lists no events."
    year: Plural = ("{year}: {count} event", "{year}: {count} events")

    def counted(self, words: Plural, count: int, **values: Any) -> str:
        """``words`` for ``count`` (one or other), with ``{count}`` written as a number."""
        return words[0 if count == 1 else 1].format(count=self.number(count), **values)

    def catalogue(self) -> dict[str, str]:
        """The words as entries of a message catalogue, ``picture.FIELD``; counted words
        as ``picture.FIELD.one`` and ``.other``; a table's as ``picture.FIELD.KEY`` (and
        ``.one``, ``.other``). ``from_catalogue`` reads them back."""
        out: dict[str, str] = {}
        for name, value in self._texts():
            if isinstance(value, str):
                out[f"picture.{name}"] = value
            elif isinstance(value, tuple):
                out[f"picture.{name}.one"], out[f"picture.{name}.other"] = value
            else:
                for key, text in value.items():
                    if isinstance(text, tuple):
                        out[f"picture.{name}.{key}.one"], out[f"picture.{name}.{key}.other"] = text
                    else:
                        out[f"picture.{name}.{key}"] = text
        return out

    @classmethod
    def from_catalogue(
        cls, entries: Mapping[str, str], number: Callable[[int], str] = _english_number
    ) -> Words:
        """The words from a catalogue's ``picture.…`` entries (as ``catalogue`` names
        them), every one of them: a missing entry is a ``KeyError``, never a word of
        another language."""
        values: dict[str, Any] = {"number": number}
        for name, value in cls()._texts():
            if isinstance(value, str):
                values[name] = entries[f"picture.{name}"]
            elif isinstance(value, tuple):
                values[name] = (entries[f"picture.{name}.one"], entries[f"picture.{name}.other"])
            else:
                table: dict[str, Any] = {}
                for key, text in value.items():
                    at = f"picture.{name}.{key}"
                    table[key] = (
                        (entries[at + ".one"], entries[at + ".other"])
                        if isinstance(text, tuple)
                        else entries[at]
                    )
                values[name] = table
        return cls(**values)

    def _texts(self) -> list[tuple[str, Any]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "number"]


# -- text -------------------------------------------------------------------------------

_UNSAFE = re.compile(f"[{UNSAFE_CLASS}\ufffe\uffff\ud800-\udfff]")
_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")


def _visible(value: Any) -> str:
    """Registry text as a reader may see it: control and invisible characters (which
    XML cannot hold, or which could reverse what one reads) shown as ``\\uXXXX``."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", str(value))


def _x(value: Any) -> str:
    """Text for XML content or a double-quoted attribute."""
    return str(escape(_visible(value)))


def _ems(text: str) -> float:
    """The estimated width of ``text`` in ems (wide East Asian characters count 1)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else EM for c in text)


def _width(text: str, size: float) -> float:
    return _ems(text) * size


def _fit(text: str, room: float, size: float) -> str:
    """``text`` cut with "…" to about ``room`` units at font ``size``."""
    if _width(text, size) <= room:
        return text
    budget, kept = room / size - EM, []
    for char in text:
        budget -= _ems(char)
        if budget < 0:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no trailing zeros (the same bytes every run)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _check_prefix(prefix: str) -> None:
    if not _PREFIX.match(prefix):
        raise ValueError(f"id prefix {prefix!r}: a letter, then letters, digits, - or _")


def _step_width(needed: float) -> int:
    return next((w for w in WIDTHS if w >= needed), WIDTHS[-1])


def _svg(
    kind: str,
    width: int,
    height: float,
    prefix: str,
    title: str,
    desc: str,
    body: Iterable[str],
    *,
    role: str = "img",
    small: bool = False,
) -> Markup:
    classes = f"picture picture-{kind} w{width}" + (" picture-small" if small else "")
    head = (
        f'<svg xmlns="{SVG_NS}" class="{classes}" viewBox="0 0 {width} {_n(height)}" '
        f'font-size="{FONT}" role="{role}" aria-labelledby="{prefix}-title {prefix}-desc">'
        f'<title id="{prefix}-title">{_x(title)}</title>'
        f'<desc id="{prefix}-desc">{_x(desc)}</desc>'
    )
    return Markup("\n".join([head, *body, "</svg>"]) + "\n")


def _message(kind: str, prefix: str, title: str, text: str) -> Markup:
    """A picture of nothing: its words."""
    _check_prefix(prefix)
    width = CHART_WIDTH
    body, y = [], float(MARGIN)
    for line in _wrap(text, width - 2 * MARGIN, FONT):
        y += FONT * 1.4
        body.append(f'<text class="empty" x="{MARGIN}" y="{_n(y)}">{_x(line)}</text>')
    return _svg(kind, width, y + MARGIN, prefix, title, text, body)


def _legend(
    items: Sequence[tuple[str, str]],
    top: float,
    width: float,
    swatch: Callable[[str, float, float, float], str],
    font: float = FONT,
) -> tuple[list[str], float]:
    """``(class, label)`` items in rows across ``width``, each after its swatch (drawn by
    ``swatch(class, x, middle, size)``); the lines and the bottom of the last row."""
    lines, bottom = _legend_lines(tuple(items), top, width, swatch, font)
    return list(lines), bottom


@functools.lru_cache(maxsize=64)
def _legend_lines(
    items: tuple[tuple[str, str], ...],
    top: float,
    width: float,
    swatch: Callable[[str, float, float, float], str],
    font: float,
) -> tuple[tuple[str, ...], float]:
    """``_legend``'s lines, drawn once for each legend (every cluster page has one, and
    most are the same)."""
    out = [f'<g class="legend" font-size="{_n(font)}">']
    mark = font * 0.9  # the swatch's size
    x, middle, row = float(MARGIN), top + font / 2, font * 1.6
    for css, label in items:
        shown = _fit(label, width - 2 * MARGIN - mark - 6, font)
        size = mark + 6 + _width(shown, font)
        if x > MARGIN and x + size > width - MARGIN:
            x, middle = float(MARGIN), middle + row
        out.append(swatch(css, x, middle, mark))
        out.append(
            f'<text x="{_n(x + mark + 5)}" y="{_n(middle + font * 0.35)}">{_x(shown)}</text>'
        )
        x += size + font
    out.append("</g>")
    return tuple(out), middle + font / 2


# -- the network graph ------------------------------------------------------------------

LINK_LENGTH = 95  # the layout's ideal edge length, in units
RADIUS = (5.0, 20.0)  # the smallest node and the one with the most members
STROKE = (1.5, 8.0)  # edge widths, one partner shared to the most shared
LABEL_FONT = 13
LABEL_EMS = 8.7  # a label's widest line, in ems
SMALL_LABELS = 6  # the small graph labels only its largest nodes
SQUEEZE = 0.85  # how much narrower than laid out a group may be drawn to fit a width
ITERATIONS = (40, 300)  # the layout's fewest and most steps for a group of nodes
BUDGET = 250_000  # node pairs the layout may weigh for one group, over all its steps


def _layout(count: int, edges: Sequence[tuple[int, int, float]]) -> list[list[float]]:
    """Fruchterman–Reingold on nodes ``0 … count-1`` (two or more) joined by ``edges`` ``(i, j,
    strength)``, in units of the ideal edge length: the nodes start on a circle in their
    order and move for a fixed number of steps while the temperature falls. The steps are
    fewer for a large group (``BUDGET``), so the time is bounded. Returns ``[x, y]``s
    centred on 0, turned so the group's long axis lies across.
    """
    if count == 2:
        return [[-0.5, 0.0], [0.5, 0.0]]
    radius = math.sqrt(count) / 2
    xs, ys = [], []
    for index in range(count):
        angle = 2 * math.pi * index / count
        # rounded: ``cos`` and ``sin`` may differ in their last bit between C libraries
        xs.append(round(math.cos(angle), 9) * radius)
        ys.append(round(math.sin(angle), 9) * radius)
    steps = max(ITERATIONS[0], min(ITERATIONS[1], BUDGET * 2 // (count * (count - 1))))
    heat = max(radius / 5, 0.1)
    sqrt = math.sqrt
    for step in range(steps):
        dx = [0.0] * count
        dy = [0.0] * count
        for i in range(count):
            xi, yi = xs[i], ys[i]
            fx = fy = 0.0
            for j in range(i + 1, count):
                ex, ey = xi - xs[j], yi - ys[j]
                d2 = ex * ex + ey * ey
                if d2 < 1e-6:  # on top of each other: apart by their order
                    ex, ey, d2 = 1e-3 * (j - i), 1e-3, 1e-6 * ((j - i) ** 2 + 1)
                ex /= d2  # repulsion k²/d along the unit vector, k = 1
                ey /= d2
                fx += ex
                fy += ey
                dx[j] -= ex
                dy[j] -= ey
            dx[i] += fx
            dy[i] += fy
        for i, j, strength in edges:
            ex, ey = xs[i] - xs[j], ys[i] - ys[j]
            d = sqrt(ex * ex + ey * ey) * strength  # attraction d²/k along the unit vector
            dx[i] -= ex * d
            dy[i] -= ey * d
            dx[j] += ex * d
            dy[j] += ey * d
        limit = heat * (1 - step / steps)
        for i in range(count):
            length = sqrt(dx[i] * dx[i] + dy[i] * dy[i])
            if length > limit:
                scale = limit / length
                xs[i] += dx[i] * scale
                ys[i] += dy[i] * scale
            else:
                xs[i] += dx[i]
                ys[i] += dy[i]
    return _across(xs, ys)


def _across(xs: list[float], ys: list[float]) -> list[list[float]]:
    """The points centred on 0 and turned so their long axis is horizontal (the main
    axis of their spread, from square roots only)."""
    count = len(xs)
    mx, my = sum(xs) / count, sum(ys) / count
    xs = [x - mx for x in xs]
    ys = [y - my for y in ys]
    a = sum(x * x for x in xs)
    b = sum(x * y for x, y in zip(xs, ys, strict=True))
    c = sum(y * y for y in ys)
    if abs(b) < 1e-9 * (a + c + 1e-12):
        if a >= c:
            return [[x, y] for x, y in zip(xs, ys, strict=True)]
        return [[y, -x] for x, y in zip(xs, ys, strict=True)]
    half = (a - c) / 2
    large = (a + c) / 2 + math.sqrt(half * half + b * b)
    ux, uy = b, large - a
    norm = math.sqrt(ux * ux + uy * uy)
    ux, uy = ux / norm, uy / norm
    return [[x * ux + y * uy, -x * uy + y * ux] for x, y in zip(xs, ys, strict=True)]


def _groups(count: int, edges: Sequence[tuple[int, int, float]]) -> list[list[int]]:
    """The connected groups of nodes, largest first, ties by their first node."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _ in edges:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    found: dict[int, list[int]] = {}
    for i in range(count):
        found.setdefault(root(i), []).append(i)
    return sorted(found.values(), key=lambda group: (-len(group), group[0]))


def _separate(points: list[list[float]], radii: Sequence[float], gap: float) -> None:
    """Push apart nodes that overlap (a few rounds, in a fixed order)."""
    count = len(points)
    for _ in range(8):
        moved = False
        for i in range(count):
            for j in range(i + 1, count):
                ex = points[j][0] - points[i][0]
                ey = points[j][1] - points[i][1]
                need = radii[i] + radii[j] + gap
                d2 = ex * ex + ey * ey
                if d2 >= need * need:
                    continue
                d = math.sqrt(d2)
                if d < 1e-9:
                    ex, ey, d = 1.0, 0.0, 1.0
                push = (need - d) / 2
                points[i][0] -= ex / d * push
                points[i][1] -= ey / d * push
                points[j][0] += ex / d * push
                points[j][1] += ey / d * push
                moved = True
        if not moved:
            return


@dataclass
class _Node:
    cluster: str
    name: str
    type: str
    members: int
    href: str | None
    radius: float = 0.0
    x: float = 0.0
    y: float = 0.0
    label: list[str] = field(default_factory=list)
    label_at: tuple[float, float, str] | None = None  # x, y of the first line, anchor
    label_box: tuple[float, float, float, float] | None = None  # left, top, right, bottom


def _short(name: str) -> str:
    """A node's label: the name without a closing "(…)" ("SIM (Strategic Initiative
    Materials)" → "SIM"), when something is left."""
    short = _TRAILING_PARENTHESIS.sub("", name)
    return short if short.strip() else name


def _label_lines(name: str, size: float) -> list[str]:
    """The label in at most two lines of ``LABEL_EMS``, broken between words, the rest
    cut with "…"."""
    room = LABEL_EMS * size
    text = " ".join(_visible(_short(name)).split()) or _visible(name)
    if _width(text, size) <= room:
        return [text]
    words = text.split(" ")
    first = words[0]
    rest = 1
    while rest < len(words) and _width(first + " " + words[rest], size) <= room:
        first += " " + words[rest]
        rest += 1
    if rest == len(words) or _width(first, size) > room:
        return [_fit(text, room, size)]
    return [first, _fit(" ".join(words[rest:]), room, size)]


def _pairs(pairs: Iterable[Any]) -> dict[tuple[str, str], int]:
    """``{(first, second): shared}`` from pairs as ``clusters network --json`` gives
    them (``{"clusters": [a, b], "count": n, …}``) or as ``(count, a, b)``."""
    found: dict[tuple[str, str], int] = {}
    for pair in pairs:
        if isinstance(pair, Mapping):
            first, second = pair["clusters"]
            count = pair["count"]
        else:
            count, first, second = pair
        if first == second:
            raise ValueError(f"a pair of {first!r} with itself")
        key = (first, second) if first < second else (second, first)
        if key in found:
            raise ValueError(f"the pair {key[0]!r}, {key[1]!r} is given twice")
        if not isinstance(count, int) or count < 1:
            raise ValueError(f"the pair {key[0]!r}, {key[1]!r} shares {count!r} partners")
        found[key] = count
    return found


def _listed(members: Any) -> int:
    """The number of members listed: given as a number, or as the registry's list."""
    if isinstance(members, int):
        return max(0, members)
    return len(members or ())


def network_graph(
    pairs: Iterable[Any],
    clusters: Mapping[str, Mapping[str, Any]],
    link: Callable[[str], str | None] | None = None,
    *,
    prefix: str = "network",
    small: bool = False,
    words: Words | None = None,
) -> Markup:
    """The graph of the clusters that share partners.

    ``pairs``: the pairs to draw, already bounded (the site's 100 strongest), as
    ``clusters network --json`` lists them (``{"clusters": [a, b], "count": n}``) or as
    ``views.network.strongest_pairs`` gives them (``(n, a, b)``); their order does not
    matter (the same pairs in any order give the same bytes). ``clusters``: by id, at
    least ``{"name", "type", "members"}``, ``members`` the number listed or the list
    itself: the registry's clusters, or the ``clusters`` of ``network --json`` keyed by
    their ``cluster``; a cluster missing there is drawn by its id. ``link(cluster_id)``:
    the node's relative link, or None.

    One node per cluster in a pair, coloured by type and sized by members listed (area
    in proportion, with a smallest size), a link to its page with its full name as
    ``<title>``, and a label of its short name when there is room; one edge per pair,
    as wide as the partners shared, with a ``<title>`` naming the pair and the number.
    ``small`` (the overview): only the largest nodes are labelled, in larger text.
    """
    _check_prefix(prefix)
    words = words or Words()
    shared = _pairs(pairs)
    if not shared:
        return _message("network", prefix, words.network_title, words.network_empty)
    ids = sorted({cluster for key in shared for cluster in key})
    index = {cluster: i for i, cluster in enumerate(ids)}
    nodes = []
    for cluster in ids:
        record = clusters.get(cluster) or {}
        kind = record.get("type")
        nodes.append(
            _Node(
                cluster=cluster,
                name=str(record.get("name") or cluster),
                type=kind if kind in CLUSTER_TYPES else "other",
                members=_listed(record.get("members")),
                href=link(cluster) if link else None,
            )
        )
    most = max(node.members for node in nodes)
    for node in nodes:  # area in proportion to members, the smallest still visible
        node.radius = max(RADIUS[0], RADIUS[1] * math.sqrt(node.members / most) if most else 0)
    edges = [
        (index[a], index[b], math.sqrt(math.sqrt(count)))
        for (a, b), count in sorted(shared.items())
    ]
    width = _place(nodes, edges)
    strongest = max(shared.values())
    # larger in a wider picture, which a phone shows smaller
    font = LABEL_FONT * (1.15 if small else 1) * math.sqrt(width / WIDTHS[1])
    _place_labels(nodes, width, font, small)
    height = _trim(nodes) + font / 2
    body = ['<g class="edges">']
    for (a, b), count in sorted(shared.items()):
        first, second = nodes[index[a]], nodes[index[b]]
        thick = STROKE[0] + (STROKE[1] - STROKE[0]) * (
            (count - 1) / (strongest - 1) if strongest > 1 else 0
        )
        ends = f'x1="{_n(first.x)}" y1="{_n(first.y)}" x2="{_n(second.x)}" y2="{_n(second.y)}"'
        title = words.counted(words.pair, count, first=first.name, second=second.name)
        body.append(
            f'<g class="edge" data-count="{count}"><title>{_x(title)}</title>'
            f'<line class="edge-line" {ends} stroke-width="{_n(thick)}"/>'
            f'<line class="edge-hit" {ends} stroke-width="{_n(max(thick, 10))}"/></g>'
        )
    body.append("</g>")
    body.append(f'<g class="nodes" font-size="{_n(font)}">')
    for node in nodes:
        body.append(_node(node, font, words))
    body.append("</g>")
    legend, bottom = _network_legend(nodes, width, height, words)
    body.extend(legend)
    summary = words.counted(words.network_summary, len(shared), clusters=words.number(len(nodes)))
    return _svg(
        "network",
        width,
        bottom + MARGIN,
        prefix,
        words.network_title,
        f"{summary} {words.network_key}",
        body,
        role="graphics-document" if any(node.href for node in nodes) else "img",
        small=small,
    )


def _place(nodes: list[_Node], edges: Sequence[tuple[int, int, float]]) -> int:
    """Lay out each connected group, then pack the groups in rows (largest first) into
    the narrowest of ``WIDTHS`` they fill; set each node's ``x`` and ``y``. Returns the
    width."""
    placed = []  # (group, points, box width, box height)
    margin = RADIUS[1] + LABEL_FONT * 2.5  # room around a group for its labels
    for group in _groups(len(nodes), edges):
        local = {node: i for i, node in enumerate(group)}
        inner = [(local[i], local[j], s) for i, j, s in edges if i in local]
        points = [[x * LINK_LENGTH, y * LINK_LENGTH] for x, y in _layout(len(group), inner)]
        _separate(points, [nodes[i].radius for i in group], 6)
        low_x = min(x for x, _ in points)
        low_y = min(y for _, y in points)
        points = [[x - low_x, y - low_y] for x, y in points]
        size_x = max(x for x, _ in points) + 2 * margin
        size_y = max(y for _, y in points) + 2 * margin
        placed.append((group, points, size_x, size_y))
    area = sum(w * h for _, _, w, h in placed)
    # wide enough for the groups' area, and for the widest group drawn a little narrower
    width = _step_width(max(math.sqrt(area * 1.3), max(w for _, _, w, _ in placed) * SQUEEZE))
    room = width - 2 * MARGIN
    x = y = row = 0.0
    for group, points, size_x, size_y in placed:
        if size_x > room:  # a group wider than the picture is drawn narrower
            shrink = (room - 2 * margin) / (size_x - 2 * margin)
            points = [[px * shrink, py * shrink] for px, py in points]
            _separate(points, [nodes[i].radius for i in group], 2)
            low_x = min(px for px, _ in points)
            low_y = min(py for _, py in points)
            points = [[px - low_x, py - low_y] for px, py in points]
            size_x = room
            size_y = max(py for _, py in points) + 2 * margin
        if x > 0 and x + size_x > room:
            x, y, row = 0.0, y + row, 0.0
        for i, (px, py) in zip(group, points, strict=True):
            radius = nodes[i].radius  # inside the picture, whatever the separation did
            nodes[i].x = min(max(MARGIN + x + margin + px, radius), width - radius)
            nodes[i].y = max(MARGIN + y + margin + py, radius)
        x += size_x
        row = max(row, size_y)
    return width


def _place_labels(nodes: list[_Node], width: int, font: float, small: bool) -> None:
    """Put each label where it overlaps no node and no other label — below its node,
    else above, right, left or on a diagonal — largest nodes first; a label with no such
    place is left out (the node's ``<title>`` still names it)."""
    boxes = [
        (n.x - n.radius - 1, n.y - n.radius - 1, n.x + n.radius + 1, n.y + n.radius + 1)
        for n in nodes
    ]
    order = sorted(range(len(nodes)), key=lambda i: (-nodes[i].members, nodes[i].cluster))
    if small:
        order = order[:SMALL_LABELS]
    line = font * 1.15
    for i in order:
        node = nodes[i]
        lines = _label_lines(node.name, font)
        wide = max(_width(text, font) for text in lines)
        tall = line * len(lines)
        r = node.radius
        side = r * 0.7 + 2  # beside the node, on the diagonals
        candidates = [  # the box's left, top, and how the text is anchored
            (node.x - wide / 2, node.y + r + 2, "middle"),
            (node.x - wide / 2, node.y - r - 2 - tall, "middle"),
            (node.x + r + 4, node.y - tall / 2, "start"),
            (node.x - r - 4 - wide, node.y - tall / 2, "end"),
            (node.x + side, node.y + side, "start"),
            (node.x + side, node.y - side - tall, "start"),
            (node.x - side - wide, node.y + side, "end"),
            (node.x - side - wide, node.y - side - tall, "end"),
        ]
        for left, top, anchor in candidates:
            if anchor == "middle":  # kept inside the picture, off centre if need be
                left = min(max(left, MARGIN), width - MARGIN - wide)
            box = (left, top, left + wide, top + tall)
            if box[0] < MARGIN or box[2] > width - MARGIN or box[1] < MARGIN:
                continue
            if any(_overlap(box, other) for k, other in enumerate(boxes) if k != i):
                continue
            at_x = {"middle": left + wide / 2, "start": left, "end": left + wide}[anchor]
            node.label = lines
            node.label_at = (at_x, top + font * 0.9, anchor)
            node.label_box = box
            boxes.append(box)
            break


def _trim(nodes: list[_Node]) -> float:
    """Move the drawing up to the top margin; returns the bottom of the drawing."""
    tops = [n.y - n.radius for n in nodes] + [n.label_box[1] for n in nodes if n.label_box]
    bottoms = [n.y + n.radius for n in nodes] + [n.label_box[3] for n in nodes if n.label_box]
    shift = min(tops) - MARGIN
    for node in nodes:
        node.y -= shift
        if node.label_at:
            x, y, anchor = node.label_at
            node.label_at = (x, y - shift, anchor)
    return max(bottoms) - shift


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _node(node: _Node, font: float, words: Words) -> str:
    kind = words.types.get(node.type, node.type)
    desc = words.counted(words.node, node.members, type=kind)
    inner = [
        f"<title>{_x(node.name)}</title><desc>{_x(desc)}</desc>",
        f'<circle cx="{_n(node.x)}" cy="{_n(node.y)}" r="{_n(node.radius)}"/>',
    ]
    if node.label_at:
        x, y, anchor = node.label_at
        spans = "".join(
            f'<tspan x="{_n(x)}" dy="{_n(0 if k == 0 else font * 1.15)}">{_x(text)}</tspan>'
            for k, text in enumerate(node.label)
        )
        inner.append(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}">{spans}</text>')
    css = f"node node-{node.type}"
    if node.href:
        return f'<a class="{css}" href="{_x(node.href)}">{"".join(inner)}</a>'
    return f'<g class="{css}">{"".join(inner)}</g>'


def _network_legend(
    nodes: list[_Node], width: int, top: float, words: Words
) -> tuple[list[str], float]:
    seen = {node.type for node in nodes}
    items = [
        (f"node-{kind}", words.types.get(kind, kind))
        for kind in (*CLUSTER_TYPES, "other")
        if kind in seen
    ]
    font = FONT * max(1.0, math.sqrt(width / WIDTHS[1]))  # as the labels grow
    legend, bottom = _legend(items, top + 6, width, _dot, font)
    for line in _wrap(words.network_key, width - 2 * MARGIN, font):
        bottom += font * 1.4
        legend.append(
            f'<text class="key" x="{MARGIN}" y="{_n(bottom)}" font-size="{_n(font)}">'
            f"{_x(line)}</text>"
        )
    return legend, bottom + font * 0.4


def _wrap(text: str, room: float, size: float) -> list[str]:
    """``text`` in lines of ``room`` units, broken between words (a word too long for
    a line is cut with "…")."""
    lines: list[str] = []
    for word in _visible(text).split():
        if lines and _width(lines[-1] + " " + word, size) <= room:
            lines[-1] += " " + word
        else:
            lines.append(_fit(word, room, size))
    return lines


# -- members by kind --------------------------------------------------------------------

BAR = 16  # a bar's height, in units
ROW_GAP = 12
INSIDE_FONT = 11


def members_by_kind(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    *,
    prefix: str = "members",
    words: Words | None = None,
) -> Markup:
    """Horizontal stacked bars, one per cluster, of its members by kind (the triple
    helix: companies, knowledge institutions, government; then other members, and those
    whose partner the registry does not list).

    ``rows``: ``(cluster name, {kind: count})`` in the order to draw (a count of 0 or
    a kind left out draws nothing). All bars share one scale, so that clusters compare;
    above each bar its name and total, in each segment wide enough its count, and a
    ``<title>`` on each segment ("Catalisti: 12 companies"). A legend of the kinds.
    """
    _check_prefix(prefix)
    words = words or Words()
    for _, counts in rows:
        strange = set(counts) - set(KINDS)
        if strange:
            raise ValueError(f"kinds of member not known: {', '.join(sorted(strange))}")
    if not rows:
        return _message("members", prefix, words.members_title, words.members_empty)
    width = CHART_WIDTH
    room = width - 2 * MARGIN
    totals = [sum(counts.get(kind, 0) for kind in KINDS) for _, counts in rows]
    most = max(totals)
    seen = [kind for kind in KINDS if any(counts.get(kind, 0) for _, counts in rows)]
    shown = [kind for kind in KINDS if kind != "unknown" or kind in seen]
    legend, y = _legend(
        [(f"kind-{kind}", words.kinds.get(kind, kind)) for kind in shown],
        MARGIN,
        width,
        _square,
    )
    body = legend
    y += ROW_GAP
    for (name, counts), total in zip(rows, totals, strict=True):
        total_text = words.counted(words.members_total, total)
        label = _fit(_visible(name), room - _width(total_text, FONT) - 2 * FONT * EM, FONT)
        baseline = y + FONT
        body.append('<g class="row">')
        body.append(f'<text x="{MARGIN}" y="{_n(baseline)}">{escape(label)}</text>')
        body.append(
            f'<text class="total" x="{width - MARGIN}" y="{_n(baseline)}" '
            f'text-anchor="end">{_x(total_text)}</text>'
        )
        top = baseline + 5
        body.append(
            f'<rect class="track" x="{MARGIN}" y="{_n(top)}" width="{_n(room)}" height="{BAR}"/>'
        )
        x = float(MARGIN)
        for kind in KINDS:
            count = counts.get(kind, 0)
            if not count:
                continue
            size = room * count / most
            title = words.counted(words.segment[kind], count, name=name)
            number = words.number(count)
            inside = ""
            if _width(number, INSIDE_FONT) + 6 <= size:
                inside = (
                    f'<text class="inside" x="{_n(x + size / 2)}" '
                    f'y="{_n(top + BAR / 2 + INSIDE_FONT * 0.35)}" '
                    f'text-anchor="middle">{_x(number)}</text>'
                )
            body.append(
                f'<g class="segment kind-{kind}" data-count="{count}">'
                f"<title>{_x(title)}</title>"
                f'<rect x="{_n(x)}" y="{_n(top)}" width="{_n(size)}" height="{BAR}"/>'
                f"{inside}</g>"
            )
            x += size
        body.append("</g>")
        y = top + BAR + ROW_GAP
    everyone = sum(totals)
    summary = words.counted(words.members_summary, everyone, clusters=words.number(len(rows)))
    return _svg("members", width, y - ROW_GAP + MARGIN, prefix, words.members_title, summary, body)


def _dot(css: str, x: float, middle: float, size: float) -> str:
    return f'<circle class="{css}" cx="{_n(x + size / 2)}" cy="{_n(middle)}" r="{_n(size / 2)}"/>'


def _square(css: str, x: float, middle: float, size: float) -> str:
    return (
        f'<rect class="{css}" x="{_n(x)}" y="{_n(middle - size / 2)}" '
        f'width="{_n(size)}" height="{_n(size)}"/>'
    )


# -- events per year --------------------------------------------------------------------

YEAR_ROW = 22


def events_per_year(
    counts: Mapping[int, int], *, prefix: str = "events", words: Words | None = None
) -> Markup:
    """A bar per year, from the first year with an event to the last (a year between
    with none has a bar of 0), each with its number beside it and a ``<title>``
    ("2022: 3 events"). ``counts``: ``{year: events}``."""
    _check_prefix(prefix)
    words = words or Words()
    found = {year: count for year, count in counts.items() if count}
    if not found:
        return _message("events", prefix, words.events_title, words.events_empty)
    if any(count < 0 for count in found.values()):
        raise ValueError("a negative number of events")
    first, last = min(found), max(found)
    width = CHART_WIDTH
    most = max(found.values())
    label_room = _width(str(last), FONT) + 8
    number_room = _width(words.number(most), FONT) + 6
    left = MARGIN + label_room
    room = width - MARGIN - number_room - left
    body = []
    y = float(MARGIN)
    for year in range(first, last + 1):
        count = found.get(year, 0)
        size = room * count / most
        middle = y + YEAR_ROW / 2
        title = words.counted(words.year, count, year=year)
        bar = (
            f'<rect x="{_n(left)}" y="{_n(middle - 7)}" width="{_n(size)}" height="14"/>'
            if count
            else ""
        )
        body.append(
            f'<g class="bar" data-count="{count}"><title>{_x(title)}</title>'
            f'<text class="year" x="{_n(left - 8)}" y="{_n(middle + FONT * 0.35)}" '
            f'text-anchor="end">{year}</text>{bar}'
            f'<text class="number" x="{_n(left + size + 4)}" '
            f'y="{_n(middle + FONT * 0.35)}">{_x(words.number(count))}</text></g>'
        )
        y += YEAR_ROW
    summary = words.counted(words.events_summary, sum(found.values()), first=first, last=last)
    return _svg("events", width, y + MARGIN, prefix, words.events_title, summary, body)
