"""Markdown tables: cell text escaped so that a value is shown as it is, on one line."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..registry.vocabulary import UNSAFE_CLASS, UNSAFE_CODE_POINTS
from ..views.comparison import change_rows, shown, summary, where
from .csv_text import cell

_MD_CONTROLS = re.compile(f"[{UNSAFE_CLASS}]")
_MD_MARKUP = re.compile(r"([\\`*_\[\]<>|])")


def md_cell(value: Any) -> str:
    """Cell text for a Markdown table: Markdown and HTML characters escaped, one line."""
    text = _MD_CONTROLS.sub(" ", cell(value))
    return _MD_MARKUP.sub(r"\\\1", " ".join(text.split()))


def md_table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """The lines of a Markdown table: the header, its rule, a line per row (cells as given,
    already escaped)."""
    header = list(header)
    return [_md_row(header), _md_row("---" for _ in header), *map(_md_row, rows)]


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def to_markdown(found: list[list[Any]]) -> str:
    header, *body = found
    rows = ([md_cell(value) for value in row] for row in body)
    return "\n".join(md_table(header, rows)) + "\n"


# -- the comparison of two registries (``diff --format markdown``) ----------------------------

_MD_TEXT = {ord(c): "\\" + c for c in "\\`*_[]|~<>&!#"}
_MD_LINES = {code: f"\\u{code:04x}" for code in UNSAFE_CODE_POINTS}
_MD_LINES.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def md_text(value: Any) -> str:
    """Text in a Markdown table cell, shown literally: Markdown and HTML characters
    escaped, line breaks and controls written as escapes (one cell, one line)."""
    return str(value).translate(_MD_TEXT).translate(_MD_LINES)


def comparison_report(result: dict[str, Any]) -> str:
    """The comparison as Markdown, for a pull-request comment or a job summary."""
    lines = [
        "### Registry changes",
        "",
        f"{md_text(result['old'])} → {md_text(result['new'])}, findings judged on "
        f"{result['on'].isoformat()}: {md_text(summary(result))}.",
    ]
    lines += (
        ["", *(f"> {md_text(note)}" for note in result["warnings"])] if result["warnings"] else []
    )
    if result["changes"]:
        rows = [
            [md_text(a), md_text(b), md_text(c), md_text(d), md_text(shown(e)), md_text(shown(f))]
            for a, b, c, d, e, f in change_rows(result)
        ]
        lines += ["", *md_table(("record", "id", "change", "field", "old", "new"), rows)]
    for side in ("added", "removed"):
        found = result["findings"][side]
        if not found:
            continue
        rows = [
            [
                md_text(f["severity"]),
                md_text(f["code"]),
                md_text(f["rule"]),
                md_text(where(f)),
                md_text("" if f["line"] is None else f["line"]),
                md_text(f["message"]),
            ]
            for f in found
        ]
        lines += ["", f"#### Findings {side} ({len(found)})", ""]
        lines += md_table(("severity", "code", "rule", "record", "line", "message"), rows)
    return "\n".join(lines) + "\n"
