"""Generated registries for property tests (hypothesis strategies), and the checks and
file helpers those tests share.

``registries()`` takes parameters, so that a test can ask for extreme values or for few
ids (members that name partners, rules that fire); ``hand_written.py`` writes what it
draws in the layouts a person may use. The ``assert_*`` helpers state what a user
must see after bad input: an exit code, a one-line error naming the file, a parseable
JSON error object, and never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conftest import Result
from hypothesis import strategies as st

from flanders_clusters.registry.vocabulary import (
    AUDIENCES,
    CLUSTER_TYPES,
    COUNTRY_CODES,
    END_BASES,
    EVENT_KINDS,
    NETWORK_ROLES,
    PARTICIPANT_ROLES,
    PARTNER_KINDS,
    PARTNER_SIZES,
    ROLES,
)

ON = "2020-06-15"
HEADER = "#:schema ./clusters.schema.json"

# What a terminal would act on: C0 controls but tab and newline, DEL, the C1 controls
# (0x9b is CSI, 0x9d OSC), and the invisible bidirectional and format controls.
TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)
# The JSON error codes (docs/json.md), usage errors and failed writes included.
ERROR_CODES = {
    "usage",
    "write-failed",
    "registry-not-found",
    "toml-syntax",
    "schema",
    "unknown-cluster",
    "unknown-partner",
    "conflict",
    "rule-violation",
    "read-only",
    "locked",
    "bad-csv",
    "permission-denied",
    "already-exists",
}


def examples(default: int) -> int:
    """Hypothesis examples per property: modest for CI, more on demand
    (``CLUSTERS_PROPERTY_EXAMPLES=500 pytest -m slow``)."""
    return int(os.environ.get("CLUSTERS_PROPERTY_EXAMPLES", default))


# -- strategies -------------------------------------------------------------------------

SLUGS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
# The bidirectional controls the registry refuses in every text.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Any text the registry takes (TOML cannot encode surrogates; the schema refuses controls
# and bidirectional controls): emoji, markup, invisible format characters, … — free text
# (notes, an action plan) may hold tabs and line breaks ...
PROSE = st.text(
    st.characters(
        exclude_categories=("Cs",),
        exclude_characters=BIDI_CONTROLS
        + "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r"),
    ),
    min_size=1,
    max_size=24,
)
# ... the other text fields are one line without spaces at either end, and without any
# control character (the schema's rule).
ANY_TEXT = (
    st.text(
        st.characters(
            exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters=BIDI_CONTROLS
        ),
        min_size=1,
        max_size=24,
    )
    .map(str.strip)
    .filter(bool)
)
# A URL field takes http(s) URLs only: any text, made one.
URLS = ANY_TEXT.map(
    lambda text: "https://x.example/" + "".join("-" if c.isspace() else c for c in text)
)


def registries(
    *,
    dates: st.SearchStrategy[dt.date] | None = None,
    euros: st.SearchStrategy[Any] | None = None,
    years: st.SearchStrategy[int] | None = None,
    days: st.SearchStrategy[int] | None = None,
    texts: st.SearchStrategy[str] = ANY_TEXT,
    prose: st.SearchStrategy[str] = PROSE,
    ids: st.SearchStrategy[str] = SLUGS,
    min_records: int = 0,
    max_records: int = 4,
) -> st.SearchStrategy[dict[str, Any]]:
    """Registries of the schema (clusters, funding, partners, memberships, policy).

    They need not obey the rules: periods may overlap or end before they start, members
    may name unknown partners, enterprise numbers may be any text.
    """
    dates = dates if dates is not None else st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31))
    euros = (
        euros
        if euros is not None
        else (st.integers(0, 2_000_000) | st.floats(0, 2e6, allow_nan=False, allow_infinity=False))
    )
    years = years if years is not None else st.integers(1, 20)
    days = days if days is not None else st.integers(0, 1000)
    rates = st.floats(0, 1, allow_nan=False)
    by_type = st.fixed_dictionaries({}, optional={"spearhead": years, "icn": years})
    caps = st.fixed_dictionaries({}, optional={"spearhead": days, "icn": days})
    funding = st.fixed_dictionaries(
        {"start": dates, "end": dates},
        optional={
            "end_basis": st.sampled_from(END_BASES),
            "annual_support_eur": euros,
            "total_support_eur": euros,
            "support_rate": rates,
            "reference": texts,
        },
    )
    member = st.fixed_dictionaries(
        {"partner": ids},
        optional={"role": st.sampled_from(ROLES), "since": dates, "until": dates},
    )
    cluster = st.fixed_dictionaries(
        {"name": texts, "type": st.sampled_from(CLUSTER_TYPES), "domain": texts},
        optional={
            "website": URLS,
            "recognised": dates,
            "reported_members": days,
            "members_complete": st.booleans(),
            "sources": st.lists(URLS, max_size=3),
            "notes": prose,
            "action_plan": prose,
            "ended": dates,
            "successor": texts,
            "funding": st.lists(funding, max_size=3),
            "members": st.lists(member, max_size=4),
        },
    ).map(_only_where_allowed)
    partner = st.fixed_dictionaries(
        {"name": texts, "kind": st.sampled_from(PARTNER_KINDS)},
        optional={
            "size": st.sampled_from(PARTNER_SIZES),
            "enterprise_number": texts,
            "postal_code": st.integers(1000, 9999).map(str) | texts,
            "country": st.sampled_from(COUNTRY_CODES),
            "network_role": st.sampled_from(NETWORK_ROLES),
            "website": URLS,
        },
    ).map(_only_where_allowed)
    policy = st.fixed_dictionaries(
        {},
        optional={
            "support_rate": rates,
            "max_years": by_type,
            "annual_cap_eur": caps,
            "max_active_spearheads": days,
            "ending_soon_days": days,
            "ignore": st.lists(st.from_regex(r"FC[0-9]{3}", fullmatch=True), max_size=3),
        },
    )
    participant = st.fixed_dictionaries(
        {"partner": ids}, optional={"role": st.sampled_from(PARTICIPANT_ROLES)}
    )
    event = st.fixed_dictionaries(
        {"title": texts, "kind": st.sampled_from(EVENT_KINDS), "start": dates},
        optional={
            "end": dates,
            "place": texts,
            "audience": st.sampled_from(AUDIENCES),
            "clusters": st.lists(ids, max_size=3),
            "organiser": ids,
            "url": URLS,
            "reported_participants": days,
            "sources": st.lists(URLS, max_size=2),
            "notes": prose,
            "participants": st.lists(participant, max_size=4),
        },
    )
    tables = {
        "clusters": st.dictionaries(ids, cluster, min_size=min_records, max_size=max_records),
        "partners": st.dictionaries(ids, partner, min_size=min_records, max_size=max_records),
    }
    optional_tables = {"events": st.dictionaries(ids, event, max_size=max_records)}
    if min_records:  # both tables present, with records in them
        return st.fixed_dictionaries(
            {"schema_version": st.just(1), **tables},
            optional={"policy": policy, **optional_tables},
        )
    return st.fixed_dictionaries(
        {"schema_version": st.just(1)}, optional={"policy": policy, **tables, **optional_tables}
    )


def _only_where_allowed(record: dict) -> dict:
    """Drop the fields a record of its type or kind may not hold (an ICN's action plan,
    a company's size); a partner seated in Belgium (the default) with a postal code that is
    not Belgian is seated abroad."""
    if record.get("type", "icn") != "icn":
        record.pop("action_plan", None)
    if record.get("kind", "company") != "company":
        record.pop("size", None)
    code = record.get("postal_code")
    belgian = record.get("country", "BE") == "BE"
    if code is not None and belgian and not re.fullmatch(r"[1-9][0-9]{3}", code):
        record["country"] = "NL"
    return record


def run_bytes(*args: str) -> tuple[int, bytes]:
    """``run`` for output that must be compared byte for byte: the test runner's text
    turns CRLF into LF, a file written by ``clusters … > FILE`` keeps it."""
    from click.testing import CliRunner

    from flanders_clusters.cli import app

    environment = {"CLUSTERS_REGISTRY": "", "NO_COLOR": "1", "COLUMNS": "200"}
    result = CliRunner().invoke(app, list(args), env=environment, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes


# -- what a user must see ---------------------------------------------------------------


def assert_clean_failure(result: Result, path: Path, code: int = 3) -> None:
    """A refusal as docs/errors.md describes it: the exit code, ``error: FILE…`` first,
    no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == "", result.stdout
    first = result.stderr.splitlines()[0]
    assert first.startswith("error: "), result.stderr
    assert str(path) in first, result.stderr
    assert not TERMINAL_UNSAFE.search(result.stderr), repr(result.stderr)


def assert_json_failure(result: Result, path: Path, code: int = 3) -> dict[str, Any]:
    """With ``--json``: the exit code and ``{"error": {"code", "message"}}`` on stdout."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    error = json.loads(result.stdout)["error"]
    assert error["code"] in ERROR_CODES, error
    assert str(path) in error["message"]
    assert not TERMINAL_UNSAFE.search(result.stdout), repr(result.stdout)
    return error


def key_paths(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every key path in parsed registry data with its value, tables and leaves, the
    root (``()``) first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from key_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from key_paths(item, (*path, index))


def normalised(data: dict[str, Any]) -> dict[str, Any]:
    """Registry data with lists of records in one order and empty tables dropped (an
    empty table says nothing, and the canonical form leaves it out)."""
    data = json.loads(json.dumps(data, default=str))
    for name in ("policy", "clusters", "partners", "events"):
        if name in data and not data[name]:
            del data[name]
    lists = {"clusters": ("labels", "funding", "members"), "events": ("clusters", "participants")}
    for table, names in lists.items():
        for record in (data.get(table) or {}).values():
            for name in names:
                if name in record:
                    record[name].sort(key=lambda item: json.dumps(item, sort_keys=True))
    return data


def parsed(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_bytes().decode("utf-8").removeprefix("\ufeff"))


def leftovers(folder: Path, registry: Path) -> list[str]:
    """Temporary files of a write that did not finish (``.NAME.*.tmp``)."""
    return sorted(
        p.name
        for p in folder.iterdir()
        if p.name.startswith(f".{registry.name}.") and p.name.endswith(".tmp")
    )


_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def apply_diff(before: str, diff: str) -> str:
    """Apply a unified diff (as ``--dry-run`` prints it) to ``before``, strictly: every
    context and removed line must match, and a diff line must start with ' ', '+' or '-'."""
    if not diff:
        return before
    old = before.split("\n")
    lines = diff.split("\n")
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ "), lines[:2]
    out: list[str] = []
    at, index = 0, 2
    while index < len(lines) and lines[index]:
        hunk = _HUNK.fullmatch(lines[index])
        assert hunk, f"not a hunk header: {lines[index]!r}"
        start = int(hunk[1]) - (0 if hunk[2] == "0" else 1)
        out += old[at:start]
        at = start
        index += 1
        counted = {"-": 0, "+": 0}
        while index < len(lines) and lines[index] and not lines[index].startswith("@@"):
            tag, text = lines[index][0], lines[index][1:]
            assert tag in " +-", f"not a diff line: {lines[index]!r}"
            if tag in " -":
                assert old[at] == text, (old[at], text)
                at += 1
                counted["-"] += 1
            if tag in " +":
                out.append(text)
                counted["+"] += 1
            index += 1
        sizes = (int(hunk[2] or 1), int(hunk[4] or 1))
        assert (counted["-"], counted["+"]) == sizes, (hunk[0], counted)
    return "\n".join(out + old[at:])
