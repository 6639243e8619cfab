"""``clusters diff`` for people: the changed fields and the findings, as tables."""

from __future__ import annotations

from typing import Any

from ..views.comparison import change_rows, shown, summary, where
from .console import SEVERITY_STYLE, cell, new_table

OP_STYLE = {"added": "green", "removed": "red", "changed": "yellow", "renamed": "cyan"}


def diff_tables(result: dict[str, Any]) -> list[Any]:
    """A heading, one row per changed field, and the findings added and removed."""
    from rich.text import Text

    heading = Text()
    heading.append("old ", "dim")
    heading.append(cell(result["old"]))
    heading.append("  →  new ", "dim")
    heading.append(cell(result["new"]))
    heading.append(f"  (findings on {result['on'].isoformat()})", "dim")
    out: list[Any] = [heading]
    if result["changes"]:
        table = new_table("record", "id", "change", "field", "old", "new")
        for record, rid, op, field, old, new in change_rows(result):
            table.add_row(
                cell(record),
                cell(rid),
                cell(op, OP_STYLE.get(op, "")),
                cell(field),
                cell(shown(old), "red" if old is not None else ""),
                cell(shown(new), "green" if new is not None else ""),
            )
        out.append(table)
    for side in ("added", "removed"):
        found = result["findings"][side]
        if not found:
            continue
        table = new_table(
            "severity", "code", "rule", "record", "line", "message", title=f"Findings {side}"
        )
        for finding in found:
            table.add_row(
                cell(finding["severity"], SEVERITY_STYLE[finding["severity"]]),
                cell(finding["code"]),
                cell(finding["rule"]),
                cell(where(finding)),
                cell(finding["line"]),
                cell(finding["message"]),
            )
        out.append(table)
    out.append(cell(summary(result), "bold"))
    return out
