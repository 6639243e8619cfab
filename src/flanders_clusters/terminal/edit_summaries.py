"""What an edit did, in words: the lines ``import-members``, ``import-participants``,
``enrich kbo``, ``fmt`` and ``init`` end with, and the warnings an edit adds. The edits
(``changes``) return data; these functions say it."""

from __future__ import annotations

from typing import Any

from ..errors import plural
from ..formats.textdiff import Difference
from ..programme.rules import Finding
from ..registry.canonical import CommentsDropped
from ..registry.value_text import shown

MAX_WARNINGS = 5  # an import of 10,000 rows should not print 10,000 lines
COMMENTS_DROPPED = (
    "{path} held comments, which the canonical form does not keep; put remarks in a cluster's notes"
)


def warning_lines(warnings: list[Any]) -> list[str]:
    """The warnings of an edit, one line each: the warning-level findings it adds (at most
    ``MAX_WARNINGS`` lines), dropped comments, and what the write could not keep."""
    added = [f"the edit adds {item.brief}" for item in warnings if isinstance(item, Finding)]
    if len(added) > MAX_WARNINGS:
        more = len(added) - MAX_WARNINGS + 1
        added[MAX_WARNINGS - 1 :] = [f"… and {more} more new warnings: see `clusters validate`"]
    others = [
        COMMENTS_DROPPED.format(path=item.path) if isinstance(item, CommentsDropped) else item
        for item in warnings
        if not isinstance(item, Finding)
    ]
    return added + others


def fmt_message(outcome: dict[str, Any]) -> str:
    """``reformatted clusters.toml`` (or ``unchanged: …``)."""
    return f"{'reformatted' if outcome['changed'] else 'unchanged:'} {outcome['registry']}"


def check_message(outcome: dict[str, Any], difference: Difference | None) -> str:
    """``fmt --check``: whether the file is in canonical form, and where it first is not."""
    path = outcome["registry"]
    if difference is None:
        return f"{path} is in canonical form"
    record = f", in {difference.record}" if difference.record else ""
    return (
        f"{path} is not in canonical form; first difference at line {difference.line}"
        f"{record}: {_line(difference.found)}, canonical {_line(difference.expected)} "
        "(`clusters fmt` writes the canonical form)"
    )


def _line(line: str | None, width: int = 80) -> str:
    """A line of the file for a message: quoted, escapes for what cannot be seen (a
    carriage return, a byte-order mark), cut when long; or where the text ends."""
    if line is None:
        return "the end of the file"
    text = repr(line.removesuffix("\n"))
    if len(text) > width:
        text = text[: width - 2] + "…" + text[-1]
    return text if line.endswith("\n") else f"{text} without a line break at its end"


def init_message(outcome: dict[str, Any]) -> str:
    done = outcome["gitignore_change"]
    ignore = outcome["gitignore"]
    said = {
        "created": f"; created {ignore} (*.lock)",
        "added": f"; added *.lock to {ignore}",
    }.get(done, "")
    return f"created {outcome['registry']} and {outcome['schema']}{said}"


def import_summary(outcome: dict[str, Any]) -> str:
    """``vil: 3 added, 1 already there, 2 new partners``: what an import did."""
    owner = outcome.get("cluster") or outcome.get("event")
    parts = [f"{outcome['added']} added", f"{outcome['unchanged']} already there"]
    if outcome["created_partners"]:
        parts.append(f"{outcome['created_partners']} new partners")
    if outcome["skipped"]:
        parts.append(f"{outcome['skipped']} rows of other clusters skipped")
    return f"{owner}: " + ", ".join(parts)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{field} {n}" for field, n in counts.items() if n) or "nothing"


def kbo_details(outcome: dict[str, Any]) -> list[str]:
    """The lines of ``enrich kbo``'s summary before the last (``kbo_headline``)."""
    number = f", extract no. {outcome['extract_number']}" if outcome["extract_number"] else ""
    lines = [
        f"KBO/BCE extract {outcome['extract']}{number}, snapshot of "
        f"{outcome['snapshot'].isoformat()}",
        f"checked {outcome['checked']} partners with an enterprise number: "
        f"{outcome['found']} found, {len(outcome['not_found'])} not found"
        + (f", {len(outcome['unknown'])} unknown" if outcome["unknown"] else ""),
        f"filled: {_counts(outcome['filled'])}",
    ]
    if any(outcome["refreshed"].values()):
        lines.append(f"refreshed: {_counts(outcome['refreshed'])}")
    if outcome["not_found"]:
        lines.append("not among the active enterprises (FC113): " + ", ".join(outcome["not_found"]))
    if outcome["unknown"]:
        lines.append(
            "status unknown this run, kbo_status and kbo_checked kept (a malformed row of "
            "enterprise.csv may be theirs): " + ", ".join(outcome["unknown"])
        )
    for row in outcome["unreadable_rows"]:
        count = plural(row["count"], "malformed row")
        anyone = "not found" if row["file"] == "enterprise.csv" else "looked up"
        lines.append(
            f"{count} of {row['file']} without a number that can be read (from line "
            f"{row['line']}) may concern any partner {anyone}"
        )
    for item in outcome["affected"]:
        lines.append(
            f"a malformed row may concern {item['partner']}: {item['file']}:{item['line']} "
            "names its number, and was skipped"
        )
    for item in outcome["differing"]:
        lines.append(
            f"kept {item['partner']} {item['field']} {shown(item['registry'])}; "
            f"the KBO/BCE has {shown(item['kbo'])} (--refresh {item['field']} takes it)"
        )
    for row in outcome["malformed_rows"]:
        lines.append(f"malformed row skipped: {row['file']}:{row['line']}: {row['reason']}")
    for row in outcome["suggestions"] or ():
        lines.append(
            f"suggestion (not applied): {row['partner']} ({row['name']}) may be "
            f"{row['enterprise_number']}, {row['kbo_name']!r} in the KBO/BCE"
        )
    if outcome["suggestions"] == []:
        lines.append("suggestions: no partner without a number has a name found in the extract")
    return lines


def kbo_headline(outcome: dict[str, Any]) -> str:
    """The last line of ``enrich kbo``'s summary: what it recorded."""
    if not outcome["changed"]:
        return "unchanged: the registry already holds what the extract says"
    recorded = outcome["checked"] - len(outcome["unknown"])
    return f"recorded the check of {recorded} partners against the KBO/BCE extract"
