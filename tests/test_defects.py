"""Regression tests for the defects a new user met (one section per defect).

Each test fails on the code before the fix and passes after: it runs the CLI (in-process,
or as a real process where pipes and bytes matter) and checks what a user sees — the exit
code, stdout and stderr, the bytes of the file — or calls a pure function directly.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ElementTree
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, SMALL, digest, run, run_in_terminal, write_registry
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent


def cli(registry: Path, *args: str):
    return run("--registry", str(registry), *args)


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (the test's own sanity check)."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def data(registry: Path) -> dict:
    return tomllib.loads(registry.read_text("utf-8"))


def findings(result, code: str) -> list[dict]:
    return [f for f in result.json()["findings"] if f["code"] == code]


def icn(cluster_id: str, funding: str, extra: str = "") -> str:
    """An ICN cluster with an action plan (so FC108 is quiet) and the given funding."""
    return f"""
[clusters.{cluster_id}]
name = "Network {cluster_id}"
type = "icn"
domain = "Test"
action_plan = "https://plan.example"
{extra}funding = [
    {funding},
]
"""


def process(*args: str, **options):
    """``python -m flanders_clusters ARGS`` as a user runs it: bytes in, bytes out."""
    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    environment.update({"NO_COLOR": "1", "COLUMNS": "80"})
    return subprocess.run(
        [sys.executable, "-m", "flanders_clusters", *args],
        env=environment,
        capture_output=True,
        timeout=120,
        **options,
    )


# -- 1. FC103 and leap years -------------------------------------------------------------


def test_money_twelve_calendar_months_are_one_year_in_a_leap_year_too():
    from flanders_clusters.programme import money

    for year in (2020, 2021, 2024, 2100):
        assert money.months(dt.date(year, 1, 1), dt.date(year, 12, 31)) == 12
    assert money.months(dt.date(2021, 1, 1), dt.date(2021, 6, 30)) == 6
    assert money.months(dt.date(2021, 2, 15), dt.date(2021, 2, 28)) == Fraction(14, 28)
    assert money.months(dt.date(2021, 3, 2), dt.date(2021, 3, 1)) == 0
    same = [
        money.yearly_rate(
            {"start": dt.date(y, 1, 1), "end": dt.date(y, 12, 31), "total_support_eur": 150_400}
        )
        for y in (2020, 2021)
    ]
    assert same == [150_400, 150_400]
    half = {"start": dt.date(2021, 1, 1), "end": dt.date(2021, 6, 30), "total_support_eur": 75_000}
    assert money.yearly_rate(half) == 150_000


@given(
    first=st.dates(dt.date(1, 1, 1), dt.date(9000, 12, 1)),
    count=st.integers(1, 36),
)
def test_money_consecutive_whole_months_count_one_each(first, count):
    from flanders_clusters.programme import money

    start = first.replace(day=1)
    index = start.year * 12 + start.month - 1 + count
    after = dt.date(index // 12, index % 12 + 1, 1)  # the first day after the months
    assert money.months(start, after - dt.timedelta(days=1)) == count


@given(
    start=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    length=st.integers(1, 4000),
    cut=st.integers(0, 4000),
)
def test_money_months_are_additive_when_a_period_is_split(start, length, cut):
    from flanders_clusters.programme import money

    end = start + dt.timedelta(days=length)
    middle = start + dt.timedelta(days=cut % length)  # the last day of the first part
    whole = money.months(start, end)
    parts = money.months(start, middle) + money.months(middle + dt.timedelta(days=1), end)
    assert parts == whole
    assert whole > 0


@pytest.mark.parametrize("year", [2020, 2021])
def test_fc103_the_same_total_for_a_leap_and_a_common_year(tmp_path, year):
    at_cap = icn(
        "net", f"{{ start = {year}-01-01, end = {year}-12-31, total_support_eur = 150000 }}"
    )
    path = write_registry(tmp_path, "schema_version = 1\n" + at_cap)
    result = cli(path, "validate", "--on", f"{year}-06-01", "--json")
    assert result.exit_code == 0, result.stdout
    assert findings(result, "FC103") == []
    over = at_cap.replace("150000", "150001")
    path = write_registry(tmp_path, "schema_version = 1\n" + over, name="over.toml")
    result = cli(path, "validate", "--on", f"{year}-06-01", "--json")
    assert result.exit_code == 1
    assert [f["message"] for f in findings(result, "FC103")] == [
        "EUR 150,001 a year is above the icn cap of EUR 150,000"
    ]


def test_fc103_half_a_year_at_half_the_cap_passes_and_a_euro_more_is_refused(tmp_path):
    path = write_registry(
        tmp_path, "schema_version = 1\n" + icn("net", "{ start = 2019-01-01, end = 2019-12-31 }")
    )
    added = cli(path, "add-funding", "net", "--start", "2021-01-01", "--end", "2021-06-30",
                "--total-support-eur", "75000", "--on", "2021-03-01")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert {"start": dt.date(2021, 1, 1), "end": dt.date(2021, 6, 30),
            "total_support_eur": 75000} in data(path)["clusters"]["net"]["funding"]  # fmt: skip
    before = digest(path)
    refused = cli(path, "add-funding", "net", "--start", "2022-01-01", "--end", "2022-06-30",
                  "--total-support-eur", "75001", "--on", "2021-03-01")  # fmt: skip
    assert refused.exit_code == 4
    assert "FC103" in refused.stderr and "EUR 150,002 a year" in refused.stderr
    assert digest(path) == before
    over = path.read_text("utf-8").replace("total_support_eur = 75000", "total_support_eur = 75001")
    path.write_text(over, "utf-8")
    result = cli(path, "validate", "--on", "2021-03-01")
    assert result.exit_code == 1
    assert "FC103" in result.stdout and "EUR 150,002 a year" in result.stdout


def test_support_per_year_counts_months_in_timeline_and_stats(tmp_path):
    # EUR 300,000 for July 2021 to June 2022: twelve months, so EUR 150,000 in each
    # calendar year (days would give 184/365 of it, EUR 151,232.88, to 2021).
    text = "schema_version = 1\n" + icn(
        "net", "{ start = 2021-07-01, end = 2022-06-30, total_support_eur = 300000 }"
    )
    text += icn("leap", "{ start = 2020-01-01, end = 2020-12-31, total_support_eur = 150400 }")
    path = write_registry(tmp_path, text)
    expected = [
        {"year": 2020, "active_spearhead": 0, "active_icn": 1, "support_eur": 150400,
         "support_unknown": 0},
        {"year": 2021, "active_spearhead": 0, "active_icn": 1, "support_eur": 150000,
         "support_unknown": 0},
        {"year": 2022, "active_spearhead": 0, "active_icn": 1, "support_eur": 150000,
         "support_unknown": 0},
    ]  # fmt: skip
    assert cli(path, "timeline", "--on", "2021-08-01", "--json").json()["years"] == expected
    assert cli(path, "stats", "--on", "2021-08-01", "--json").json()["support"] == expected


# -- 2. --unset F with --F VALUE -----------------------------------------------------------


def test_unset_sources_with_a_source_leaves_exactly_that_source(registry):
    result = cli(registry, "update-cluster", "alpha", "--unset", "sources",
                 "--source", "https://new.example", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stdout
    assert result.json() == {"cluster": "alpha", "changed": True}
    assert data(registry)["clusters"]["alpha"]["sources"] == ["https://new.example"]
    again = cli(registry, "update-cluster", "alpha", "--unset", "sources",
                "--source", "https://new.example", "--json")  # fmt: skip
    assert again.json() == {"cluster": "alpha", "changed": False}


def test_unset_website_with_a_website_sets_it(registry):
    result = cli(registry, "update-partner", "uni", "--unset", "website",
                 "--website", "https://uni.example")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert data(registry)["partners"]["uni"]["website"] == "https://uni.example"


def test_help_says_unset_comes_first(registry):
    for command in ("update-cluster", "update-partner", "update-member"):
        text = " ".join(cli(registry, command, "--help").stdout.split())
        assert "Remove a field before the others are set, so --unset F --F VALUE replaces it" in (
            text
        ), command


# -- 3 and 4. Mermaid: keywords in names, inclusive end dates ---------------------------

# A name starting with each statement of Mermaid's gantt grammar, and what the task says.
KEYWORD_NAMES = {
    "title Holders": "title Holders",
    "Section Eight": "Section Eight",
    "Click Flanders": "Click Flanders",
    "dateFormat YYYY": "dateFormat YYYY",
    "axisFormat %Y": "axisFormat ％Y",
    "tickInterval 1month": "tickInterval 1month",
    "excludes weekends": "excludes weekends",
    "includes 2024-01-01": "includes 2024-01-01",
    "todayMarker off": "todayMarker off",
    "inclusiveEndDates": "inclusiveEndDates",
    "topAxis": "topAxis",
    "weekday monday": "weekday monday",
    "weekend friday": "weekend friday",
    "accTitle: Holders": "accTitle Holders",
    "accDescr { Holders }": "accDescr { Holders }",
    "gantt": "gantt",
    "2024-01-01 Holders": "2024-01-01 Holders",
    "%% Holders": "％％ Holders",
    "%%{init: {}}%%": "％％{init {}}％％",
}


def test_mermaid_every_keyword_name_is_one_task_per_period(tmp_path):
    text = "schema_version = 1\n"
    for number, name in enumerate(KEYWORD_NAMES):
        text += f"""
[clusters.k{number:02d}]
name = {json.dumps(name)}
type = "icn"
domain = "Test"
action_plan = "https://plan.example"
funding = [
    {{ start = 2020-01-01, end = 2020-12-31 }},
    {{ start = 2024-03-05, end = 2024-03-05, end_basis = "estimate" }},
]
"""
    path = write_registry(tmp_path, text)
    result = cli(path, "timeline", "--on", "2022-06-01", "--format", "mermaid")
    assert result.exit_code == 0, result.stderr
    expected = [
        "gantt",
        "    title Funding timeline on 2022-06-01",
        "    dateFormat YYYY-MM-DD",
        "    inclusiveEndDates",
        "    axisFormat %Y",
        "    todayMarker off",
        "    section Innovative company networks (ICN)",
    ]
    for number, shown in enumerate(KEYWORD_NAMES.values()):
        expected += [
            f"    “{shown}” :done, k{number:02d}-1, 2020-01-01, 2020-12-31",
            f"    “{shown}” (end estimated) :k{number:02d}-2, 2024-03-05, 2024-03-05",
        ]
    assert result.stdout.splitlines() == expected


def test_mermaid_one_day_period_is_a_one_day_task(tmp_path):
    text = "schema_version = 1\n" + icn("day", "{ start = 2024-05-17, end = 2024-05-17 }")
    path = write_registry(tmp_path, text)
    lines = cli(path, "timeline", "--on", "2024-05-17", "--format", "mermaid").stdout.splitlines()
    assert "    inclusiveEndDates" in lines[:6]
    assert lines[-1] == "    “Network day” :active, crit, day-1, 2024-05-17, 2024-05-17"


# -- 5. FC008: a membership that ends before it begins -------------------------------------


def test_fc008_add_member_refuses_until_before_since(registry):
    before = digest(registry)
    result = cli(registry, "add-member", "beta", "uni", "--since", "2020-05-01",
                 "--until", "2019-01-01")  # fmt: skip
    assert result.exit_code == 4
    assert "FC008 membership-period" in result.stderr
    assert "ends (2019-01-01) before it starts (2020-05-01)" in result.stderr
    assert digest(registry) == before


def test_fc008_update_member_refuses_until_before_since(registry):
    before = digest(registry)
    result = cli(registry, "update-member", "alpha", "uni", "--until", "2018-01-31", "--json")
    assert result.exit_code == 4
    assert result.json()["error"]["code"] == "rule-violation"
    assert "FC008" in result.json()["error"]["message"]
    assert digest(registry) == before


def refused_import(registry: Path, rows: Path, text: str) -> str:
    """Import ``text`` as a CSV file into beta: refused (exit 4), nothing written; stderr."""
    rows.write_text(text, encoding="utf-8")
    before = digest(registry)
    result = cli(registry, "import-members", "beta", str(rows))
    assert result.exit_code == 4
    assert digest(registry) == before
    return result.stderr


def test_fc008_import_members_refuses_until_before_since(registry, tmp_path):
    text = "partner,since,until\nuni,2020-05-01,2019-01-01\n"
    assert "FC008" in refused_import(registry, tmp_path / "members.csv", text)


def test_fc008_validate_names_the_line(tmp_path):
    bad = '{ partner = "uni", role = "member", since = 2020-05-01, until = 2019-01-01 },'
    text = replaced(SMALL, '{ partner = "uni", role = "member", since = 2018-02-01 },', bad)
    path = write_registry(tmp_path, text)
    line = path.read_text("utf-8").splitlines().index("    " + bad) + 1
    result = cli(path, "validate", "--on", "2020-06-01", "--json")
    assert result.exit_code == 1
    [found] = findings(result, "FC008")
    assert (found["rule"], found["severity"], found["cluster"], found["partner"]) == (
        "membership-period",
        "error",
        "alpha",
        "uni",
    )
    assert found["line"] == line
    text_output = cli(path, "validate", "--on", "2020-06-01").stdout
    assert f"{path}:{line}" in text_output and "FC008" in text_output


# -- 6. Python internals in messages ------------------------------------------------------

PYTHON_REPRS = re.compile(r"datetime\.date\(|\bNone\b|\bTrue\b|\bFalse\b")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["add-funding", "alpha", "--start", "2018-01-01", "--end", "2027-12-30"],
            "(end is 2027-12-31, not 2027-12-30)",
        ),
        (
            ["add-cluster", "alpha", "--name", "Alpha Cluster", "--type", "spearhead",
             "--domain", "Chemistry", "--ended", "2020-01-01"],
            "(ended is absent, not 2020-01-01)",
        ),
        (
            ["add-cluster", "alpha", "--name", "Alpha Cluster", "--type", "spearhead",
             "--domain", "Chemistry", "--members-complete"],
            "(members_complete is false, not true)",
        ),
    ],
)  # fmt: skip
def test_conflicts_show_values_as_the_user_writes_them(tmp_path, args, said):
    text = replaced(
        SMALL, 'domain = "Chemistry"\n', 'domain = "Chemistry"\nmembers_complete = false\n'
    )
    path = write_registry(tmp_path, text)
    result = cli(path, *args)
    assert result.exit_code == 4
    assert said in result.stderr
    assert not PYTHON_REPRS.search(result.stderr), result.stderr
    as_json = cli(path, *args, "--json")
    error = as_json.json()["error"]
    assert error["code"] == "conflict"
    assert said in error["message"]
    assert not PYTHON_REPRS.search(as_json.stdout), as_json.stdout


# -- 7. --dry-run diffs on CRLF or BOM files ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("last_newline", [True, False], ids=["newline-at-end", "no-newline-at-end"])
def test_dry_run_diff_of_a_crlf_bom_file_applies_with_patch_and_git(tmp_path, last_newline):
    text = "\ufeff" + SMALL.replace("\n", "\r\n")
    raw = text.encode("utf-8") if last_newline else text.encode("utf-8")[:-2]
    edit = ["update-cluster", "alpha", "--name", "Alpha Prime", "--on", "2025-01-01"]
    for name in ("dry.toml", "patched.toml", "git.toml", "real.toml"):
        (tmp_path / name).write_bytes(raw)
    dry = process("--registry", "dry.toml", *edit, "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stderr == b"dry run, nothing written: updated cluster alpha\n"
    assert (tmp_path / "dry.toml").read_bytes() == raw
    diff = dry.stdout
    assert diff.startswith(b"--- dry.toml\n+++ dry.toml\n@@ ")
    assert b"-\xef\xbb\xbf#:schema ./clusters.schema.json\r\n" in diff
    assert b"\\x0d" not in diff and b"\\ufeff" not in diff
    assert (b"\n\\ No newline at end of file\n" in diff) != last_newline
    real = process("--registry", "real.toml", *edit, cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    written = (tmp_path / "real.toml").read_bytes()
    assert written.startswith(b"#:schema") and b"\r" not in written

    patched = subprocess.run(["patch", "--quiet", "patched.toml"], input=diff, cwd=tmp_path)
    assert patched.returncode == 0
    assert (tmp_path / "patched.toml").read_bytes() == written
    for_git = diff.replace(b"dry.toml", b"git.toml")
    applied = subprocess.run(["git", "apply", "-p0", "-"], input=for_git, cwd=tmp_path)
    assert applied.returncode == 0
    assert (tmp_path / "git.toml").read_bytes() == written


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_dry_run_diff_on_a_terminal_shows_carriage_returns_escaped(tmp_path):
    path = tmp_path / "crlf.toml"
    path.write_bytes(("\ufeff" + SMALL.replace("\n", "\r\n")).encode("utf-8"))
    code, seen = run_in_terminal("--registry", str(path), "update-cluster", "alpha",
                                 "--name", "Alpha Prime", "--dry-run")  # fmt: skip
    assert code == 0
    assert "-\\ufeff#:schema ./clusters.schema.json\\x0d" in seen
    assert "\x1b" not in seen


# -- 8. Integers beyond 64 bits ----------------------------------------------------------


def test_an_option_beyond_64_bits_is_a_usage_error(registry):
    before = digest(registry)
    for value in ("99999999999999999999999", str(2**63)):
        result = cli(registry, "update-cluster", "alpha", "--reported-members", value)
        assert result.exit_code == 2, (value, result.stderr)
        assert "--reported-members" in result.stderr
        assert digest(registry) == before
    at_limit = cli(registry, "update-cluster", "alpha", "--reported-members", str(2**63 - 1))
    assert at_limit.exit_code == 0, at_limit.stderr
    assert data(registry)["clusters"]["alpha"]["reported_members"] == 2**63 - 1


def test_a_value_beyond_64_bits_in_the_file_is_fc001(tmp_path):
    huge = "reported_members = 99999999999999999999999"
    text = replaced(SMALL, 'domain = "Chemistry"\n', f'domain = "Chemistry"\n{huge}\n')
    path = write_registry(tmp_path, text)
    line = path.read_text("utf-8").splitlines().index(huge) + 1
    result = cli(path, "validate", "--json")
    assert result.exit_code == 1
    [found] = findings(result, "FC001")
    assert found["path"] == "clusters.alpha.reported_members"
    assert found["line"] == line
    assert "64 bits" in found["message"]
    listed = cli(path, "list")
    assert listed.exit_code == 3
    assert f"{path}:{line}" in listed.stderr


# -- 9. A closed pipe -----------------------------------------------------------------------

LONG = "x" * 12_000


def big_registry(folder: Path, *, hub: bool, until: int = 2022) -> Path:
    """Thirty clusters and partners with 12,000-character names (every table is far larger
    than a pipe holds): ``c000`` lists every partner, ``cNNN`` shares ``pNNN`` with it;
    with ``hub`` one partner is in every cluster. Funding runs from 2020 to ``until``."""
    lines = ["schema_version = 1", ""]
    for number in range(30):
        partners = [f"p{n:03d}" for n in range(30)] if number == 0 else [f"p{number:03d}"]
        partners += ["hub"] if hub else []
        last = until if number == 0 else 2022
        lines += [
            f"[clusters.c{number:03d}]",
            f'name = "Cluster {number:03d} {LONG}"',
            'type = "icn"',
            'domain = "Test"',
            f"funding = [{{ start = 2020-01-01, end = {last}-12-31 }}]",
            "members = [" + ", ".join(f'{{ partner = "{p}" }}' for p in partners) + "]",
            "",
        ]
    for number in range(30):
        lines += [f"[partners.p{number:03d}]", f'name = "Partner {number:03d} {LONG}"']
        lines += ['kind = "company"', ""]
    lines += ["[partners.hub]", 'name = "Hub"', 'kind = "other"', ""]
    path = folder / "big.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell pipe into head")
@pytest.mark.parametrize(
    ("args", "hub", "until"),
    [
        (["show", "c000"], True, 2022),
        (["stats", "--on", "2026-11-30"], True, 5000),  # a line per year: 2,981 lines
        (["network"], False, 2022),
        (["partner", "show", "hub"], True, 2022),
        (["list", "--on", "2026-11-30"], True, 2022),
    ],
    ids=["show", "stats", "network", "partner-show", "list"],
)
def test_a_reader_that_stops_early_ends_the_command_with_141(tmp_path, args, hub, until):
    path = big_registry(tmp_path, hub=hub, until=until)
    errors = tmp_path / "stderr.txt"
    shell = '"$@" 2>"$ERRORS" | head -1 >/dev/null; exit "${PIPESTATUS[0]}"'
    command = [sys.executable, "-m", "flanders_clusters", "--registry", str(path), *args]
    environment = {**os.environ, "ERRORS": str(errors), "NO_COLOR": "1"}
    environment.pop("CLUSTERS_REGISTRY", None)
    done = subprocess.run(["bash", "-c", shell, "bash", *command], env=environment, timeout=120)
    assert errors.read_text("utf-8") == ""
    assert done.returncode == 141


def closed_pipe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``clusters ARGS`` with stdout a pipe whose reader has already gone."""
    reader, writer = os.pipe()
    os.close(reader)
    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    environment["NO_COLOR"] = "1"
    try:
        return subprocess.run(
            [sys.executable, "-m", "flanders_clusters", *args],
            stdout=writer,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=cwd,
            timeout=120,
        )
    finally:
        os.close(writer)


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["list", "--help"],
        ["rules"],
        ["schema"],
        ["validate", "--json"],
        ["export", "--format", "csv", "--what", "members"],
        ["timeline", "--on", "2026-11-30", "--svg", "-"],
        ["timeline", "--on", "2026-11-30", "--format", "mermaid"],
        ["update-cluster", "alpha", "--name", "Alpha Prime", "--dry-run"],
        ["show", "nope", "--json"],
        ["list", "--bogus", "--json"],
    ],
    ids=lambda args: " ".join(args),
)
def test_every_command_ends_with_141_when_nobody_reads(tmp_path, args):
    write_registry(tmp_path)
    done = closed_pipe("--registry", "clusters.toml", *args, cwd=tmp_path)
    assert done.stderr == b""
    assert done.returncode == 141


# -- 10. ended and days left -----------------------------------------------------------


@pytest.fixture
def stopped(tmp_path: Path) -> Path:
    """Alpha (funded to 2027-12-31) ended on 2018-06-30."""
    recognised = "recognised = 2018-01-01\n"
    text = replaced(SMALL, recognised, recognised + "ended = 2018-06-30\n")
    return write_registry(tmp_path, text)


def test_ended_on_its_last_day_is_active_with_no_days_left(stopped):
    shown = cli(stopped, "show", "alpha", "--on", "2018-06-30", "--json").json()
    assert (shown["status"], shown["days_left"]) == ("active", 0)
    row = cli(stopped, "timeline", "--on", "2018-06-30", "--json").json()["rows"][0]
    assert (row["cluster"], row["status"], row["days_left"]) == ("alpha", "active", 0)


def test_ended_counts_the_days_left_and_fc111_names_it(stopped):
    shown = cli(stopped, "show", "alpha", "--on", "2018-06-01", "--json").json()
    assert (shown["status"], shown["days_left"]) == ("active", 29)
    result = cli(stopped, "validate", "--on", "2018-06-01", "--json")
    [found] = [f for f in findings(result, "FC111") if f["cluster"] == "alpha"]
    assert found["severity"] == "info"
    assert "2018-06-30 (ended)" in found["message"] and "in 29 days" in found["message"]
    assert found["path"] == "clusters.alpha.ended"


def test_after_ended_the_cluster_has_ended(stopped):
    shown = cli(stopped, "show", "alpha", "--on", "2018-07-01", "--json").json()
    assert (shown["status"], shown["days_left"]) == ("ended", None)
    result = cli(stopped, "validate", "--on", "2018-07-01", "--json")
    assert [f for f in findings(result, "FC111") if f["cluster"] == "alpha"] == []


# -- 11. The timeline SVG --------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
GENERIC_FONTS = {"serif", "sans-serif", "monospace", "system-ui"}


def parse_svg(text: str) -> ElementTree.Element:
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def assert_self_contained(text: str) -> None:
    """Nothing loaded from elsewhere: no web font, no url(), no link; one namespace."""
    assert "@font-face" not in text
    assert "url(" not in text
    assert "href" not in text
    assert "<script" not in text and "<style" not in text and "<image" not in text
    assert text.count("http") == 1 and 'xmlns="http://www.w3.org/2000/svg"' in text
    for node in parse_svg(text).iter():
        family = node.get("font-family")
        if family is not None:
            assert {f.strip() for f in family.split(",")} <= GENERIC_FONTS, family


def rows_of(root: ElementTree.Element) -> list[ElementTree.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "row"]


def legend_text(root: ElementTree.Element) -> str:
    [legend] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"]
    return " ".join(t.text or "" for t in legend.iter(f"{SVG}text"))


def test_svg_of_the_shipped_registry_is_self_contained_and_accessible(tmp_path):
    result = cli(SHIPPED_DATA, "timeline", "--on", "2026-11-27", "--svg", "-")
    assert result.exit_code == 0
    text = result.stdout
    assert_self_contained(text)
    root = parse_svg(text)
    assert root.get("role") == "img"
    labels = root.get("aria-labelledby").split()
    by_id = {node.get("id"): node for node in root.iter() if node.get("id")}
    assert [by_id[label].tag for label in labels] == [f"{SVG}title", f"{SVG}desc"]
    assert by_id[labels[0]].text == "Funding timeline on 2026-11-27"
    description = by_id[labels[1]].text
    timeline = cli(SHIPPED_DATA, "timeline", "--on", "2026-11-27", "--json").json()
    for row in timeline["rows"]:
        assert f"{row['name']}, " in description
    assert (
        "Catalisti, spearhead: 2017-01-01 to 2026-12-31 (end is the policy maximum); "
        "active, 34 days left."
    ) in description
    _, _, width, height = root.get("viewBox").split()
    assert (root.get("width"), root.get("height")) == (width, height)
    assert len(rows_of(root)) == len(timeline["rows"])
    assert "Active clusters per year" not in text  # the per-year table is not the picture
    assert text == (REPO / "docs" / "timeline.svg").read_text("utf-8"), (
        "docs/timeline.svg is stale: regenerate it with `clusters --registry "
        "data/clusters.toml timeline --on 2026-11-27 --svg docs/timeline.svg`"
    )


def test_svg_draws_the_terminal_chart(tmp_path):
    gamma = icn("gamma", '{ start = 2026-01-01, end = 2028-06-30, end_basis = "estimate" }')
    path = write_registry(tmp_path, SMALL + gamma)
    root = parse_svg(cli(path, "timeline", "--on", "2027-08-01", "--svg", "-").stdout)
    alpha, beta, gamma_row = rows_of(root)
    assert alpha.find(f"{SVG}title").text == "Alpha Cluster"
    notes = [row.findall(f"{SVG}text")[-1].text for row in (alpha, beta, gamma_row)]
    assert notes == ["152d !", "ended", "334d"]
    heights = {row.find(f"{SVG}rect").get("height") for row in (alpha, beta, gamma_row)}
    assert len(heights) == 2  # spearheads and ICNs differ in shape, not only in colour
    assert alpha.find(f"{SVG}rect").get("height") != beta.find(f"{SVG}rect").get("height")
    assert [t.text for t in alpha.findall(f"{SVG}text")][1] == "?"
    assert [t.text for t in gamma_row.findall(f"{SVG}text")][1] == "~"
    assert beta.get("opacity") is not None  # an ended row is drawn faded
    axis = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "axis" for t in g]
    assert "2018" in axis and "2028" in axis
    assert legend_text(root) == (
        "spearhead ICN ? end is the policy maximum ~ end is an estimate on 2027-08-01 "
        "! ends within 180 days"
    )


def test_svg_legend_lists_only_what_is_drawn(tmp_path):
    path = write_registry(tmp_path)
    root = parse_svg(cli(path, "timeline", "--on", "2024-06-01", "--from", "2024", "--to", "2025",
                         "--type", "spearhead", "--svg", "-").stdout)  # fmt: skip
    assert legend_text(root) == "spearhead runs past the axis on 2024-06-01"
    root = parse_svg(cli(path, "timeline", "--on", "2040-01-01", "--svg", "-").stdout)
    assert legend_text(root) == "spearhead ICN ? end is the policy maximum"


def test_svg_in_a_window_draws_the_periods_in_it(tmp_path):
    two = "{ start = 2020-03-01, end = 2022-02-28 },\n    { start = 2023-01-01, end = 2025-09-30 }"
    path = write_registry(tmp_path, SMALL + icn("gamma", two))
    args = ["timeline", "--on", "2024-06-01", "--from", "2023", "--to", "2026", "--svg", "-"]
    root = parse_svg(cli(path, *args).stdout)
    assert [len(row.findall(f"{SVG}rect")) for row in rows_of(root)] == [1, 1]  # alpha, gamma
    empty = cli(path, "timeline", "--on", "2024-06-01", "--from", "1990", "--to", "1991",
                "--svg", "-").stdout  # fmt: skip
    assert_self_contained(empty)
    root = parse_svg(empty)
    said = "No cluster has a funding period in these years."
    assert root.find(f"{SVG}desc").text == said
    assert said in [t.text for t in root.iter(f"{SVG}text")]
    assert rows_of(root) == []


def test_svg_legend_wraps_long_words():
    from flanders_clusters.formats import timeline_svg
    from flanders_clusters.views import timeline

    found = timeline.build(data(SHIPPED_DATA), dt.date(2026, 11, 27))
    words = {"policy-max": "het einde is het maximum dat het beleid toelaat, " * 2}  # 100
    root = parse_svg(timeline_svg.svg(found, 180, words=words))
    [legend] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"]
    width = float(root.get("width"))
    labels = [t for t in legend.iter(f"{SVG}text") if t.text not in ("?", "!")]
    assert len({t.get("y") for t in labels}) > 1
    assert all(float(t.get("x")) + 7.2 * len(t.text) <= width for t in labels[1:])


def test_svg_escapes_hostile_names(tmp_path):
    hostile = '"</svg><script>alert(1)</script> & \\"x\\" \\u200b[31m \\ufeff"'
    path = write_registry(tmp_path, replaced(SMALL, '"Beta Network"', hostile))
    text = cli(path, "timeline", "--on", "2020-01-01", "--svg", "-").stdout
    assert_self_contained(text)
    root = parse_svg(text)
    assert not [node for node in root.iter() if node.tag.endswith("script")]
    shown = '</svg><script>alert(1)</script> & "x" \\u200b[31m \\ufeff'
    assert rows_of(root)[1].find(f"{SVG}title").text == shown
    assert f"{shown}, ICN: 2019-01-01 to 2021-12-31; active, 730 days left." in (
        root.find(f"{SVG}desc").text
    )
    assert "\u200b" not in text and "\ufeff" not in text


def test_svg_is_the_same_bytes_every_time(tmp_path):
    path = write_registry(tmp_path)
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for target in (first, second):
        assert cli(path, "timeline", "--on", "2026-11-30", "--svg", str(target)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert_self_contained(first.read_text("utf-8"))


def test_svg_takes_other_words_and_dates():
    from flanders_clusters.formats import timeline_svg
    from flanders_clusters.registry import store
    from flanders_clusters.views import timeline

    found = timeline.build(store.read(store.Source(SHIPPED_DATA)).data, dt.date(2026, 11, 27))
    english = timeline_svg.svg(found, 180)
    words = {key: "«" + value + "»" for key, value in timeline_svg.WORDS.items()}
    marked = timeline_svg.svg(found, 180, words=words, date_text=lambda d: f"{d.day}/{d.month}")
    root = parse_svg(marked)
    for node in root.iter():
        text = (node.text or "").strip()
        if node.tag in (f"{SVG}text", f"{SVG}title") and text and node.get("fill") != "#5f5f5f":
            names = [row["name"] for row in found["rows"]]
            shortened = any(name.startswith(text.rstrip("…")) for name in names)
            assert text.startswith("«") or shortened or text in "?~!", text
    assert root.find(f"{SVG}title").text == "«Funding timeline on 27/11»"
    assert "2026-11-27" not in marked and "2026-11-27" in english
    assert timeline_svg.svg(found, 180, words={"icn": "ICN"}) == english


@st.composite
def funded_registries(draw):
    """Registries of funded clusters: any dates, one to three periods each."""
    days = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
    clusters = {}
    for number in range(draw(st.integers(1, 6))):
        funding = []
        for _ in range(draw(st.integers(1, 3))):
            first, last = sorted((draw(days), draw(days)))
            basis = draw(st.sampled_from(["published", "policy-max", "estimate"]))
            funding.append({"start": first, "end": last, "end_basis": basis})
        clusters[f"c{number}"] = {
            "name": draw(st.text(min_size=1, max_size=30)),
            "type": draw(st.sampled_from(["spearhead", "icn"])),
            "domain": "Test",
            "funding": funding,
        }
    return {"schema_version": 1, "clusters": clusters}


@given(
    registry=funded_registries(),
    on=st.dates(dt.date(1985, 1, 1), dt.date(2045, 12, 31)),
    soon=st.integers(0, 400),
)
@settings(max_examples=40, deadline=None, derandomize=True)
def test_svg_has_one_bar_per_period_within_the_axis(registry, on, soon):
    from flanders_clusters.formats import timeline_svg
    from flanders_clusters.views import timeline

    found = timeline.build(registry, on)
    text = timeline_svg.svg(found, soon)
    assert text == timeline_svg.svg(found, soon)
    assert_self_contained(text)
    root = parse_svg(text)
    rows = rows_of(root)
    assert len(rows) == len(found["rows"]) == len(registry["clusters"])
    axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "axis")
    lines = axis.iter(f"{SVG}line")
    edges = [float(line.get("x1")) for line in lines]
    for drawn, row in zip(rows, found["rows"], strict=True):
        assert drawn.find(f"{SVG}title").text is not None
        bars = drawn.findall(f"{SVG}rect")
        assert len(bars) == len(row["periods"])
        for bar in bars:
            left, width = float(bar.get("x")), float(bar.get("width"))
            assert min(edges) - 0.1 <= left and left + width <= max(edges) + 1.1
            assert width >= 1


# -- 12. Smaller defects -----------------------------------------------------------------


def test_csv_row_for_a_new_partner_without_kind_names_the_column_and_row(registry, tmp_path):
    rows = tmp_path / "members.csv"
    said = refused_import(registry, rows, "partner,name,kind\nnewco,New Co,\n")
    assert f"{rows}:2: partner 'newco' is not in the registry" in said
    assert "the kind cell is empty" in said
    assert "--kind" not in said


@pytest.mark.parametrize(
    ("old", "new", "path", "edit"),
    [
        ('kind = "government"\n', 'kind = "government"\nsize = "sme"\n', "partners.gov.size",
         ["update-partner", "gov", "--size", "sme"]),
        ('domain = "Chemistry"\n', 'domain = "Chemistry"\naction_plan = "plan"\n',
         "clusters.alpha.action_plan", ["update-cluster", "alpha", "--action-plan", "plan"]),
    ],
    ids=["size-on-a-government", "action-plan-on-a-spearhead"],
)  # fmt: skip
def test_fields_for_one_kind_or_type_only_are_fc001(tmp_path, registry, old, new, path, edit):
    wrong = write_registry(tmp_path, replaced(SMALL, old, new), name="wrong.toml")
    result = cli(wrong, "validate", "--json")
    assert result.exit_code == 1
    assert [f["path"] for f in findings(result, "FC001")] == [path]
    before = digest(registry)
    refused = cli(registry, *edit)
    assert refused.exit_code == 4
    assert "FC001" in refused.stderr
    assert digest(registry) == before


def test_terminal_legend_lists_only_the_marks_drawn_in_the_window(registry):
    window = cli(registry, "timeline", "--on", "2024-06-01", "--from", "2024", "--to", "2025")
    assert window.exit_code == 0
    assert "?" not in window.stdout
    assert "policy maximum" not in window.stdout
    assert "◂▸ runs past the axis" in window.stdout
    whole = cli(registry, "timeline", "--on", "2040-01-01").stdout
    assert "? end is the policy maximum" in whole
    assert "runs past the axis" not in whole


def test_svg_dash_writes_stdout_and_no_file(registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(registry, "timeline", "--on", "2026-11-30", "--svg", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert not (tmp_path / "-").exists()


def test_multi_line_notes_show_as_lines(registry):
    done = cli(registry, "update-cluster", "alpha", "--notes", "First line.\nSecond line.")
    assert done.exit_code == 0, done.stderr
    out = cli(registry, "show", "alpha").stdout
    assert "\\n" not in out
    lines = out.splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith("notes "))
    assert lines[first].endswith("First line.")
    assert lines[first + 1].strip() == "Second line."


def test_a_write_to_a_folder_leaves_no_lock_file(tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    for args in (["update-cluster", "alpha", "--name", "X"], ["fmt"]):
        result = cli(folder, *args)
        assert result.exit_code == 3
        assert f"{folder}: is a folder, not a registry file" in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["registry"]
        assert list(folder.iterdir()) == []


@pytest.mark.parametrize("day", ["20261127", "2026-W48-5", "2026-11-27T00:00", "2026-11-7"])
def test_on_takes_yyyy_mm_dd_only(registry, day):
    result = cli(registry, "list", "--on", day)
    assert result.exit_code == 2
    assert f"'{day}' is not a date; write YYYY-MM-DD" in result.stderr


@pytest.mark.parametrize("amount", ["inf", "nan", "-inf", "Infinity"])
def test_non_finite_amounts_are_usage_errors(registry, amount):
    before = digest(registry)
    result = cli(registry, "add-funding", "beta", "--start", "2023-01-01", "--end",
                 "2023-12-31", "--annual-support-eur", amount)  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "--annual-support-eur" in result.stderr
    assert digest(registry) == before
