"""Shared pieces of the open-data tests: the registries they export and the export itself."""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import synthetic_registries
from conftest import Result, run
from site_support import hostile_registry, write

ON = "2026-06-01"
FORMULA = '=HYPERLINK("x")'  # a name a spreadsheet would run, were it a formula


def validate(path: Path):
    """Frictionless's report on the package ``path``. Frictionless raises the csv
    module's field size limit for the whole process when it is loaded: the limit is put
    back, so that the tests of the imports that run after this one in the same process
    still meet the default."""
    limit = csv.field_size_limit()
    try:
        from frictionless import validate as frictionless_validate

        return frictionless_validate(path)
    finally:
        csv.field_size_limit(limit)


def generate(memberships: int) -> str:
    """The benchmark's registry of about ``memberships`` memberships (clean, shared
    partners, events)."""
    return synthetic_registries.generate(memberships, events=max(1, memberships // 100))


def hostile() -> dict:
    """The site's hostile registry, plus a member whose name looks like a formula and
    another that starts with ``+`` and ``-``."""
    data = copy.deepcopy(hostile_registry())
    data["partners"]["formula"] = {
        "name": FORMULA,
        "kind": "other",
        "postal_code": "-1",
        "country": "LU",  # a postal code abroad is free-form
    }
    data["partners"]["plus"] = {"name": "+32 2 555 00 00", "kind": "other"}
    data["clusters"]["x"]["members"] += [{"partner": "formula"}, {"partner": "plus"}]
    return data


def write_hostile(folder: Path) -> Path:
    return write(folder, hostile())


def export(registry: Path, fmt: str, output: Path, *extra: str) -> Result:
    return run(
        "--registry", str(registry), "export", "--format", fmt, "--output", str(output),
        "--on", ON, *extra,
    )  # fmt: skip
