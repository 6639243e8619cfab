"""How findings and the rule catalogue are shown to people: the findings grouped by record,
the catalogue as a table, one rule explained (``formats.github_annotations`` writes them
for GitHub)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import dotted_path, plural
from ..programme.rules import Finding
from ..programme.rules.engine import group_of
from .console import SEVERITY_STYLE, cell, clean, new_table

if TYPE_CHECKING:
    from rich.console import Group
    from rich.table import Table


def summary(counts: dict[str, int]) -> str:
    return ", ".join(plural(counts[s], s) for s in ("error", "warning", "info"))


def findings_text(file: str, findings: list[Finding], counts: dict[str, int]) -> Group:
    """Findings grouped by cluster (then partners, then the registry), and a summary."""
    from rich.console import Group
    from rich.text import Text

    parts: list[Any] = []
    group = object()
    for finding in findings:
        rank, name = group_of(finding)
        heading = f"event {name}" if rank == 1 else name
        if heading != group:
            if parts:
                parts.append(Text(""))
            parts.append(cell(heading, "bold"))
            group = heading
        where = f"{file}:{finding.line}" if finding.line else file
        line = Text("  ")
        line.append(f"{finding.severity:<7}", SEVERITY_STYLE[finding.severity])
        line.append(f" {finding.code} {finding.rule}  ")
        line.append(clean(where), "dim")
        if finding.path:  # the key, so a message such as "-5 is below 0" names its field
            line.append(f"  {clean(dotted_path(finding.path))}", "dim")
        parts.append(line)
        parts.append(cell(f"          {finding.message}"))
        parts.append(cell(f"          fix: {finding.fix}", "dim"))
    if parts:
        parts.append(Text(""))
    worst = "error" if counts["error"] else "warning" if counts["warning"] else ""
    parts.append(cell(summary(counts), SEVERITY_STYLE.get(worst, "green")))
    return Group(*parts)


def catalogue_table(rows: list[dict[str, Any]]) -> Table:
    table = new_table("code", "name", "severity", "profile", "threshold", "summary")
    for row in rows:
        style = SEVERITY_STYLE[row["severity"]] if row["enabled"] else "dim"
        table.add_row(
            cell(row["code"]),
            cell(row["name"]),
            cell(row["severity"] if row["enabled"] else "off", style),
            cell(row["profile"]),
            cell(row["threshold"] or "-"),
            cell(row["summary"]),
        )
    return table


def _paragraph(text: str) -> str:
    import textwrap

    return textwrap.fill(clean(text), width=88, break_long_words=False, break_on_hyphens=False)


def rule_text(row: dict[str, Any]) -> str:
    """One rule explained, as ``ruff rule`` does: what it finds, why, where from, the fix."""
    enabled = "yes" if row["enabled"] else "no (policy.ignore names it)"
    lines = [
        f"# {row['name']} ({row['code']})",
        "",
        f"Profile: {row['profile']}",
        f"Severity: {row['severity']}",
        f"Threshold in effect: {clean(row['threshold'] or 'none')}",
        f"Enabled: {enabled}",
        "",
        _paragraph(row["summary"]),
        "",
        "## Why",
        "",
        _paragraph(row["reason"]),
    ]
    if row["sources"]:
        lines += ["", "## Sources", "", *(f"- {clean(url)}" for url in row["sources"])]
    lines += ["", "## Fix", "", _paragraph(row["fix"])]
    return "\n".join(lines)
