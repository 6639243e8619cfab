"""Line diffs of a registry's text: the unified diff of a dry run, the first difference
that ``fmt --check`` names.

``unified_diff`` writes what ``diff -u`` writes — ``patch`` and ``git apply`` take it —
in time about linear in the size of the file. ``difflib`` compares every line with
every other in the worst case, and an edit of a large registry is that case: thousands
of records changed a little (``enrich kbo`` fills six fields of 1,600 partners), the
same lines (``kind = "company"``) everywhere. Here the lines that open and close the
files alike are set aside, then the lines that occur once in each file anchor the rest
(the records' own headers and names), as in the "patience" diff; only the short stretches
between two anchors go to ``difflib``. A change that the canonical writer makes to a few
records is therefore diffed in the few places it touched.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Iterator
from dataclasses import dataclass

NO_NEWLINE = "\\ No newline at end of file\n"
CONTEXT = 3  # lines of context around each change, as diff -u
# Texts, and stretches between anchors, whose sides multiply to at most this many pairs
# of lines go to difflib (two texts of 200 lines: it is quick there, and its diffs are
# the ones users have seen).
SMALL = 40_000

Block = tuple[int, int, int]  # a run of equal lines: (start in a, start in b, length)
Opcode = tuple[str, int, int, int, int]  # as difflib's: (tag, i1, i2, j1, j2)


def lines_of(text: str) -> list[str]:
    """Lines ending in ``\n`` only: str.splitlines would also break inside a TOML string
    at U+2028, U+2029 or U+0085, which tomli-w writes raw, and the diff would not apply."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def unified_diff(before: str, after: str, path: str) -> str:
    """The unified diff from ``before`` to ``after``, as ``diff -u`` writes it: carriage
    returns and a byte-order mark kept, and a last line without a newline marked, so
    that ``patch`` and ``git apply`` take it on the file as it is. Empty when the two
    are the same."""
    a, b = lines_of(before), lines_of(after)
    out: list[str] = []
    for group in _groups(opcodes(a, b)):
        if not out:
            out += [f"--- {path}\n", f"+++ {path}\n"]
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [_marked(" ", line) for line in a[i1:i2]]
                continue
            out += [_marked("-", line) for line in a[i1:i2]]
            out += [_marked("+", line) for line in b[j1:j2]]
    return "".join(out)


def _marked(prefix: str, line: str) -> str:
    return prefix + line if line.endswith("\n") else f"{prefix}{line}\n{NO_NEWLINE}"


def _range(start: int, stop: int) -> str:
    """A hunk's range as diff -u writes it: ``3`` for one line, ``2,0`` for none."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """How to turn ``a`` into ``b``, as ``difflib.SequenceMatcher.get_opcodes`` says it."""
    out: list[Opcode] = []
    i = j = 0
    for ai, bj, size in [*matching_blocks(a, b), (len(a), len(b), 0)]:
        tag = ""
        if i < ai and j < bj:
            tag = "replace"
        elif i < ai:
            tag = "delete"
        elif j < bj:
            tag = "insert"
        if tag:
            out.append((tag, i, ai, j, bj))
        if size:
            out.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return out


def matching_blocks(a: list[str], b: list[str]) -> list[Block]:
    """The runs of lines ``a`` and ``b`` have in common, in order, adjacent runs joined.
    Two short texts (a registry of a few hundred lines) are compared by difflib whole."""
    if len(a) * len(b) <= SMALL:
        return _difflib_blocks(a, b, 0, len(a), 0, len(b), autojunk=True)
    found: list[Block] = []
    work = [(0, len(a), 0, len(b))]
    while work:
        alo, ahi, blo, bhi = work.pop()
        # The lines both stretches open with, then those they close with.
        start = alo
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            alo, blo = alo + 1, blo + 1
        if alo > start:
            found.append((start, blo - (alo - start), alo - start))
        end = ahi
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi, bhi = ahi - 1, bhi - 1
        if end > ahi:
            found.append((ahi, bhi, end - ahi))
        if alo == ahi or blo == bhi:
            continue
        if (ahi - alo) * (bhi - blo) <= SMALL:
            found += _difflib_blocks(a, b, alo, ahi, blo, bhi, autojunk=False)
            continue
        anchors = _anchors(a, b, alo, ahi, blo, bhi)
        if not anchors:  # no line occurs once on each side: difflib's own heuristics
            found += _difflib_blocks(a, b, alo, ahi, blo, bhi, autojunk=True)
            continue
        # The stretches between anchors, each diffed on its own; the anchors match.
        i, j = alo, blo
        for ai, bj in anchors:
            work.append((i, ai, j, bj))
            found.append((ai, bj, 1))
            i, j = ai + 1, bj + 1
        work.append((i, ahi, j, bhi))
    return _slid(a, b, _joined(sorted(found)))


def _difflib_blocks(
    a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int, *, autojunk: bool
) -> list[Block]:
    matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=autojunk)
    return [(alo + i, blo + j, n) for i, j, n in matcher.get_matching_blocks() if n]


def _anchors(
    a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Pairs of positions of the lines that occur exactly once in each stretch, the
    longest series of them in the same order on both sides."""
    seen: dict[str, int] = {}  # line → its position in a, or -1 when it occurs twice
    for i in range(alo, ahi):
        seen[a[i]] = -1 if a[i] in seen else i
    other: dict[str, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        if seen.get(line, -1) >= 0:
            other[line] = -1 if line in other else j
    pairs = sorted((seen[line], j) for line, j in other.items() if j >= 0)
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of ``pairs`` (sorted by their first item) whose second items
    increase too (patience sorting: n log n)."""
    tops: list[int] = []  # the second item ending the best run of each length
    ends: list[int] = []  # the index of that pair
    before: list[int] = []  # for each pair, the pair before it in its best run
    for index, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tops, j)
        if length == len(tops):
            tops.append(j)
            ends.append(index)
        else:
            tops[length] = j
            ends[length] = index
        before.append(ends[length - 1] if length else -1)
    out = []
    index = ends[-1] if ends else -1
    while index >= 0:
        out.append(pairs[index])
        index = before[index]
    return out[::-1]


def _joined(blocks: list[Block]) -> list[Block]:
    out: list[Block] = []
    for i, j, n in blocks:
        if out and out[-1][0] + out[-1][2] == i and out[-1][1] + out[-1][2] == j:
            last = out.pop()
            out.append((last[0], last[1], last[2] + n))
        else:
            out.append((i, j, n))
    return out


def _slid(a: list[str], b: list[str], blocks: list[Block]) -> list[Block]:
    """Place each pure insertion or removal as difflib does where it could go in more
    than one place (a record added between blank lines): difflib matches the longer of
    the two runs of equal lines around it first, and that run takes the shared lines.
    The diff says the same either way; this keeps it the diff users have seen."""
    out = list(blocks)
    for index in range(len(out) - 1):
        (i, j, n), (i2, j2, n2) = out[index], out[index + 1]
        if i + n < i2 and j + n < j2:
            continue  # lines replaced: nothing to place
        side, start, stop = (b, j + n, j2) if i + n == i2 else (a, i + n, i2)
        if n >= n2:  # the run before is longer: it takes the shared lines that follow
            shift = _shared(side, start, stop, n2 - 1, 1)
        else:  # the run after takes the shared lines that precede
            shift = -_shared(side, start - 1, stop - 1, n - 1, -1)
        if shift:
            out[index] = (i, j, n + shift)
            out[index + 1] = (i2 + shift, j2 + shift, n2 - shift)
    return out


def _shared(side: list[str], start: int, stop: int, limit: int, step: int) -> int:
    """How many lines, from ``start`` and ``stop`` on in the direction ``step``, are
    the same (at most ``limit``)."""
    count = 0
    while count < limit and side[start + step * count] == side[stop + step * count]:
        count += 1
    return count


def _groups(codes: list[Opcode], context: int = CONTEXT) -> Iterator[list[Opcode]]:
    """The hunks of a unified diff: the changes, with ``context`` equal lines around
    each, changes closer than twice that in one hunk (as difflib groups them)."""
    if not codes or (len(codes) == 1 and codes[0][0] == "equal"):
        return
    codes = list(codes)
    tag, i1, i2, j1, j2 = codes[0]
    if tag == "equal":
        codes[0] = tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2
    tag, i1, i2, j1, j2 = codes[-1]
    if tag == "equal":
        codes[-1] = tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        yield group


# -- the first difference (fmt --check) ---------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """Where a text first differs from another: its line (1-based), that line on each
    side (None: that side ends before it), and the table it is in (``partners.acme``;
    None before the first table)."""

    line: int
    found: str | None
    expected: str | None
    record: str | None


def first_difference(text: str, expected: str) -> Difference | None:
    """The first line where ``text`` differs from ``expected``; None when they are equal.
    A table header names the record of the lines below it (``[partners.acme]``)."""
    if text == expected:
        return None
    ours, theirs = lines_of(text), lines_of(expected)
    index = next(
        (i for i, pair in enumerate(zip(ours, theirs, strict=False)) if pair[0] != pair[1]),
        min(len(ours), len(theirs)),
    )
    record = None
    for line in reversed(theirs[: index + 1] if index < len(theirs) else theirs):
        name = table_name(line)
        if name is not None:
            record = name
            break
    return Difference(
        index + 1,
        ours[index] if index < len(ours) else None,
        theirs[index] if index < len(theirs) else None,
        record,
    )


def table_name(line: str) -> str | None:
    """``[partners.acme]`` → ``partners.acme`` (``[[a.b]]`` → ``a.b``); None for a line
    that is not a table header."""
    text = line.strip()
    if not text.startswith("[") or "=" in text.split("]", 1)[0]:
        return None
    inner = text.lstrip("[").split("]", 1)[0].strip()
    return inner or None
