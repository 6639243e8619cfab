"""The rules: a catalogue of checks of the registry on a date (docs/rules.md).

Importing this package registers every rule; ``run`` judges a registry with them.
"""

from . import consistency, decree, eccp, event_rules, kbo_rules, label_rules  # noqa: F401  (each module registers its rules)
from .engine import (
    CATALOGUE,
    Finding,
    Scope,
    catalogue,
    counts,
    describe,
    find,
    report,
    run,
    unknown_codes,
    warnings,
)

__all__ = [
    "CATALOGUE",
    "Finding",
    "Scope",
    "catalogue",
    "counts",
    "describe",
    "find",
    "report",
    "run",
    "unknown_codes",
    "warnings",
]
