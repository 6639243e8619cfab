"""The edit transaction: the one way a command changes a registry.

Take the lock, re-read the file, let a pure function change the data, refuse a change
that adds an error-level finding, write the canonical text atomically. A refused change
writes nothing; a dry run writes nothing and returns the diff of the bytes it would write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..errors import Problem, RuleViolation, plural
from ..formats.textdiff import unified_diff
from ..programme import rules
from ..registry import canonical, store
from ..registry.check import check_records
from ..registry.key_lines import has_comments
from ..registry.records import Registry
from ..registry.vocabulary import SEVERITIES

# A pure edit of the registry's data, in place, returning its JSON (``"changed"`` …).
Change = Callable[[Registry], dict[str, Any]]
# The scope of a change that can name its records only once the data is read (a rename).
ScopeOf = Callable[[Registry], rules.Scope]
# A finding's identity in the file read → its identity after the change (a rename).
Carry = Callable[[tuple[Any, ...]], tuple[Any, ...]]


def transact(
    source: store.Source,
    change: Change,
    *,
    scope: rules.Scope | ScopeOf,
    timeout: float,
    dry_run: bool = False,
    on: dt.date | None = None,
    carry: Carry | None = None,
) -> dict[str, Any]:
    """Apply ``change`` — a pure edit of the data returning its JSON — to the registry.

    Under the lock: re-read, change, refuse (``RuleViolation``) when the result has an
    error-level finding the file did not have, write canonically. ``change`` returning
    ``"changed": False`` writes nothing; neither does ``dry_run``, which adds the diff.
    ``scope`` (a ``rules.Scope``) names the records the change touches: only those, and
    what they reach, are judged — the file was judged whole when it was read. A change
    that was written has ``warnings``: the warning-level findings it adds (``Finding``),
    ``CommentsDropped``, and what the write could not keep (text).

    ``scope`` may be a function of the data read (a rename reaches records it cannot name
    before reading); ``carry`` maps the identity of a finding of the file read to the one
    it has after the change (a rename: the same finding under the new id).
    """
    day = on or dt.date.today()
    if dry_run:
        return _apply(source, change, day, scope, write=False, carry=carry)
    store.ensure_writable(source)
    with store.locked(source, timeout):
        return _apply(source, change, day, scope, write=True, carry=carry)


def _apply(
    source: store.Source,
    change: Change,
    on: dt.date,
    scope: rules.Scope | ScopeOf,
    *,
    write: bool,
    carry: Carry | None = None,
) -> dict[str, Any]:
    document = store.read(source)
    before = document.text
    if not isinstance(scope, rules.Scope):
        scope = scope(document.data)
    baseline = _findings(document.data, on, scope=scope)
    if carry is not None:
        baseline = {carry(key): finding for key, finding in baseline.items()}
    outcome = change(document.data)
    if outcome.get("changed"):
        warnings: list[Any] = _judge(document, baseline, on, scope)
        after = canonical.dumps(document.data)
        if write:
            if has_comments(before):
                warnings.append(canonical.CommentsDropped(source.path))
            warnings += store.write_text(source, after)
        else:
            outcome["diff"] = unified_diff(before, after, str(source.path))
        if warnings:
            outcome["warnings"] = warnings
    elif not write:
        outcome["diff"] = ""
    return outcome


def _findings(
    data: Registry,
    on: dt.date,
    problems: list[Problem] | None = None,
    scope: rules.Scope | None = None,
) -> dict[tuple, rules.Finding]:
    found = rules.run(data, on, problems=problems, scope=scope)
    return {finding.identity: finding for finding in found}


def _judge(
    document: store.Document,
    baseline: dict[tuple, rules.Finding],
    on: dt.date,
    scope: rules.Scope,
) -> list[Any]:
    """Refuse the change if it adds an error-level finding; the warnings it adds."""
    data = document.data
    problems = check_records(data, scope.tables())
    found = _findings(data, on, problems=problems, scope=scope)
    # New: a finding the file did not have, or one it had at a milder severity (a partial
    # member list made complete turns an info into the error it was hiding).
    new = [
        finding
        for key, finding in found.items()
        if key not in baseline or _graver(finding.severity, baseline[key].severity)
    ]
    errors = [f for f in new if f.severity == "error"]
    if errors:
        count = plural(len(errors), "error")
        fixes = list(dict.fromkeys(f.fix for f in errors))
        raise RuleViolation(
            f"{document.source.display}: refused, the edit would add {count}: "
            + "; ".join(f.brief for f in errors)
            + "; nothing was written",
            " ".join(fixes),
        )
    return [finding for finding in new if finding.severity == "warning"]


def _graver(severity: str, than: str) -> bool:
    return SEVERITIES.index(severity) < SEVERITIES.index(than)
