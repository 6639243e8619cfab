"""Hostile text: names and cells written to attack a terminal, a CI log,
a Markdown page, a graph file or a spreadsheet are refused, or shown as text and kept
exactly.

- control characters (ANSI, OSC and C1 escapes, BEL, backspace, tab, line breaks) and
  bidirectional controls are refused in one-line text, in the file (FC001), on the command
  line (exit 2) and in a CSV import, and shown escaped (``\\x1b``, ``\\u202e``) in the
  messages that say so;
- rich markup (``[bold]``, ``[/x]``, ``[#42]``, ``[link=…]``, ``:emoji:``) prints
  literally: user data never goes through the markup parser;
- the invisible characters the registry takes (zero-width space and joiners, word joiner,
  byte-order mark) and the line breaks of notes are shown escaped in tables and messages,
  and JSON escapes them while keeping the value exact;
- 10,000-character names are not cut by a piped table; the chart still fits 80 columns;
- emoji and wide characters keep table columns aligned;
- Mermaid, DOT, Markdown and GitHub-annotation output cannot be broken out of;
- CSV import keeps formula payloads as text, export neutralises them, and the two
  round-trip; rows with the wrong number of cells are refused with their line numbers.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w
from conftest import digest, run, run_in_terminal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_strategies import ON, TERMINAL_UNSAFE, assert_json_failure, examples, run_bytes
from rich.cells import cell_len

MARKUP = "[bold red]Loud[/bold red] [/x] [#42] [link=https://evil.example]click[/link] :warning:"
# Refused in every one-line text (names, titles, URLs, …), and in notes but for tab and
# line breaks.
ESCAPES = (
    "\x1b[31mRED\x1b[0m"  # ANSI colour
    " \x1b]8;;https://evil.example\x07link\x1b]8;;\x07"  # OSC 8 hyperlink
    " \x1b]52;c;cHduZWQ=\x07"  # OSC 52: write the clipboard
    " \x9b2J"  # C1 CSI: clear the screen
    " \x9d0;title\x9c"  # C1 OSC: set the window title
    " bell\x07 back\x08 tab\there"
)
BIDI = "safe\u202eevil\u202c \u2066iso\u2069 \u200fmark \u061carabic"
# Taken (they are not controls), and never shown raw: invisible characters.
INVISIBLE = "zero\u200bwidth non\u200cjoiner joiner\u200d word\u2060joiner bom\ufeff"
# Line breaks: a name is one line; notes may hold these.
BREAKS = "first\r\nsecond\rthird\nfourth\ttab\u2028ls\u2029ps"
HOSTILE = f"{MARKUP} {INVISIBLE}"
# What each character must look like on the screen: visible, escaped.
SHOWN = ["\\u200b", "\\u200c", "\\u200d", "\\u2060", "\\ufeff"]
URL = 'https://evil.example/[bold]x[/bold]?q="<script>"&r=:warning:'


def hostile_registry(folder: Path, name: str = HOSTILE) -> Path:
    """Every free-text field hostile, in two clusters that share two partners."""
    data = {
        "schema_version": 1,
        "clusters": {
            "alpha": {
                "name": name,
                "type": "spearhead",
                "domain": name,
                "website": URL,
                "notes": f"{name}\n{BREAKS}",
                "sources": [URL],
                "successor": name,
                "funding": [
                    {
                        "start": tomllib.loads("d = 2019-01-01")["d"],
                        "end": tomllib.loads("d = 2026-12-31")["d"],
                        "reference": name,
                    }
                ],
                "members": [{"partner": "acme"}, {"partner": "gov"}, {"partner": "uni"}],
            },
            "beta": {
                "name": name + " (2)",
                "type": "icn",
                "domain": "Drones",
                "action_plan": f"{name}\n{BREAKS}",
                "funding": [
                    {
                        "start": tomllib.loads("d = 2019-01-01")["d"],
                        "end": tomllib.loads("d = 2021-12-31")["d"],
                    }
                ],
                "members": [{"partner": "acme"}, {"partner": "gov"}],
            },
        },
        "partners": {
            "acme": {
                "name": name,
                "kind": "company",
                "country": "NL",  # a foreign postal code is free-form text
                "postal_code": name,
                "website": URL,
            },
            "gov": {"name": name, "kind": "government"},
            "uni": {"name": name, "kind": "knowledge"},
        },
    }
    path = folder / "clusters.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    return path


TABLE_COMMANDS = {
    "list": ["list", "--on", ON],
    "show": ["show", "alpha", "--on", ON],
    "partners": ["partners"],
    "partner-show": ["partner", "show", "acme"],
    "timeline": ["timeline", "--on", ON],
    "network": ["network"],
    "validate": ["validate", "--on", ON],
    "export-markdown": ["export", "--format", "markdown", "--what", "partners"],
}
# The commands whose output shows the names (validate names ids only).
NAMING = ("list", "show", "partners", "partner-show", "network")


# -- rich markup -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", NAMING)
def test_rich_markup_in_names_prints_literally(tmp_path: Path, command: str) -> None:
    path = hostile_registry(tmp_path, MARKUP)
    result = run("--registry", str(path), *TABLE_COMMANDS[command])
    assert result.exit_code == 0, result.stderr
    assert MARKUP in result.stdout
    assert "⚠" not in result.stdout  # :warning: is not an emoji code either


def test_rich_markup_in_an_error_message_prints_literally(tmp_path: Path) -> None:
    path = hostile_registry(tmp_path, "Acme")
    result = run(
        "--registry", str(path), "add-partner", "acme", "--name", MARKUP, "--kind", "company"
    )
    assert result.exit_code == 4
    assert MARKUP in result.stderr  # the conflict names the value given


# -- terminal escapes and bidirectional controls ------------------------------------------------


@pytest.mark.parametrize("command", sorted(TABLE_COMMANDS))
def test_terminal_escapes_in_data_never_reach_the_terminal(tmp_path: Path, command: str) -> None:
    path = hostile_registry(tmp_path)
    result = run("--registry", str(path), *TABLE_COMMANDS[command])
    assert result.exit_code in (0, 1), result.stderr
    assert not TERMINAL_UNSAFE.search(result.stdout), repr(result.stdout)
    assert not TERMINAL_UNSAFE.search(result.stderr), repr(result.stderr)
    if command in NAMING:
        for shown in SHOWN:
            assert shown in result.stdout, shown


@pytest.mark.parametrize("command", sorted(TABLE_COMMANDS))
@pytest.mark.parametrize("text", [ESCAPES, BIDI], ids=["escapes", "bidi"])
def test_controls_in_a_registry_are_refused_and_shown_escaped(
    tmp_path: Path, command: str, text: str
) -> None:
    """Found by the adversarial review: controls were taken in names and written raw
    into HTML, CSV and ICS (a right-to-left override showed a name reversed)."""
    path = hostile_registry(tmp_path, f"Acme {text}")
    result = run("--registry", str(path), *TABLE_COMMANDS[command])
    assert result.exit_code == (1 if command == "validate" else 3), result.stderr
    shown = result.stdout + result.stderr
    assert not TERMINAL_UNSAFE.search(shown), repr(shown)
    first = "U+001B" if text == ESCAPES else "U+202E"
    assert f"holds the control character {first}" in shown or (
        f"holds the bidirectional control {first}" in shown
    )
    assert ("\\x1b[31mRED" if text == ESCAPES else "\\u202e") in shown  # the value, escaped


def test_escapes_in_messages_on_stderr_are_shown_escaped(tmp_path: Path) -> None:
    path = hostile_registry(tmp_path, "Acme")
    refused = run(
        "--registry", str(path), "add-member", "alpha", "newco", "--name", ESCAPES,
        "--kind", "company", "--on", ON,
    )  # fmt: skip
    assert refused.exit_code == 2  # a control character in a name: a usage error
    assert "holds the control character U+001B" in refused.stderr
    assert not TERMINAL_UNSAFE.search(refused.stderr), repr(refused.stderr)
    added = run(
        "--registry", str(path), "add-member", "alpha", "newco", "--name", HOSTILE,
        "--kind", "company", "--on", ON,
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    conflict = run(
        "--registry", str(path), "add-partner", "newco", "--name", "Other", "--kind", "company"
    )
    assert conflict.exit_code == 4
    assert not TERMINAL_UNSAFE.search(conflict.stderr), repr(conflict.stderr)
    assert "u200b" in conflict.stderr  # the name is in the message, escaped
    unknown = run("--registry", str(path), "show", "\x1b[2J\u202egone")
    assert unknown.exit_code == 2  # not an id: a usage error
    assert not TERMINAL_UNSAFE.search(unknown.stderr), repr(unknown.stderr)


def test_a_hostile_key_in_a_schema_error_is_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_text('schema_version = 1\n"\\u001b]0;pwned\\u0007\\u202e" = 1\n', encoding="utf-8")
    for args in (["list"], ["validate", "--on", ON], ["validate", "--format", "github"]):
        result = run("--registry", str(path), *args)
        assert result.exit_code in (1, 3)
        assert not TERMINAL_UNSAFE.search(result.stdout + result.stderr), args
        assert "\\x1b]0;pwned" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json", "--on", ON],
        ["show", "alpha", "--json", "--on", ON],
        ["partners", "--json"],
        ["export", "--format", "json", "--what", "clusters"],
        ["timeline", "--json", "--on", ON],
        ["network", "--json"],
    ],
    ids=["list", "show", "partners", "export", "timeline", "network"],
)
def test_json_escapes_controls_and_keeps_names_exact(tmp_path: Path, args: list[str]) -> None:
    path = hostile_registry(tmp_path)
    result = run("--registry", str(path), *args)
    assert result.exit_code == 0, result.stderr
    assert not TERMINAL_UNSAFE.search(result.stdout), repr(result.stdout)
    assert "\\u200b" in result.stdout  # ZERO WIDTH SPACE, which json.dumps would pass raw
    assert "\\ufeff" in result.stdout  # BYTE ORDER MARK, likewise
    names = re.findall(r'"name": ("(?:[^"\\]|\\.)*")', result.stdout)
    assert names
    assert HOSTILE in {json.loads(name) for name in names}  # lossless


# Found by this suite (fixed in 7dc17d0): the dry-run diff is TOML text, in which tomli-w
# leaves C1 controls (\x9b CSI, \x9d OSC) and bidirectional controls (U+202E …) raw;
# the registry now refuses those, and the invisible characters it takes are left raw too.
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal (POSIX pty)")
def test_a_dry_run_diff_does_not_send_controls_to_the_terminal(tmp_path: Path) -> None:
    path = hostile_registry(tmp_path, "Acme")
    code, shown_text = run_in_terminal(
        "--registry", str(path), "add-member", "alpha", "newco", "--name", HOSTILE,
        "--kind", "company", "--dry-run", "--on", ON,
    )  # fmt: skip
    assert code == 0, shown_text
    assert "+name = " in shown_text.replace('"', "")  # the diff is there
    assert not TERMINAL_UNSAFE.search(shown_text.replace("\r\n", "\n")), repr(shown_text)
    for escaped in SHOWN:  # visible, escaped
        assert escaped in shown_text, escaped
    as_json = run(
        "--registry", str(path), "add-member", "alpha", "newco", "--name", HOSTILE,
        "--kind", "company", "--dry-run", "--on", ON, "--json",
    )  # fmt: skip
    assert as_json.exit_code == 0
    assert not TERMINAL_UNSAFE.search(as_json.stdout)
    assert "\u200b" in as_json.json()["diff"]  # the JSON string itself is exact


def test_a_dry_run_diff_to_a_pipe_is_the_exact_bytes(tmp_path: Path) -> None:
    """Off a terminal the diff is written as it is, so that it applies as a patch."""
    path = hostile_registry(tmp_path, "Acme")
    code, out = run_bytes(
        "--registry", str(path), "add-member", "alpha", "newco", "--name", HOSTILE,
        "--kind", "company", "--dry-run", "--on", ON,
    )  # fmt: skip
    assert code == 0
    assert "\u200b".encode() in out  # raw, not escaped: a pipe is not a terminal


# -- long names, emoji, wide characters ------------------------------------------------------

LONG = "Long" + "n" * 9_990 + "-end"  # 10,000 characters


@pytest.mark.parametrize("command", ["list", "show", "partners", "partner-show"])
def test_a_10000_character_name_is_not_cut_by_a_piped_table(tmp_path: Path, command: str) -> None:
    path = hostile_registry(tmp_path, LONG)
    result = run("--registry", str(path), *TABLE_COMMANDS[command], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert any(LONG in line for line in result.stdout.splitlines())


def test_a_10000_character_name_in_json_and_in_the_chart(tmp_path: Path) -> None:
    path = hostile_registry(tmp_path, LONG)
    listed = run("--registry", str(path), "list", "--json", "--on", ON)
    assert {row["name"] for row in listed.json()} == {LONG, LONG + " (2)"}
    chart = run("--registry", str(path), "timeline", "--on", ON, env={"COLUMNS": "80"})
    assert chart.exit_code == 0, chart.stderr
    lines = chart.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80  # the chart fits 80 columns
    assert any(line.startswith("Longnnn") and "…" in line for line in lines)  # visibly cut


WIDE = {
    "alpha": "🚀🚀 火箭 Ünïcödé",
    "beta": "ｆｕｌｌ ｗｉｄｔｈ 全角",
    "gamma": "Café déjà vu",
    "delta": "plain",
}


def test_emoji_and_wide_characters_keep_table_columns_aligned(tmp_path: Path) -> None:
    clusters = {
        cid: {"name": name, "type": "spearhead", "domain": name + " ✈"}
        for cid, name in WIDE.items()
    }
    path = tmp_path / "clusters.toml"
    path.write_text(tomli_w.dumps({"schema_version": 1, "clusters": clusters}), "utf-8")
    result = run("--registry", str(path), "list", "--on", ON)
    assert result.exit_code == 0, result.stderr
    header, _rule, *rows = result.stdout.splitlines()
    starts = [cell_len(header[: header.index(f" {c} ") + 1]) for c in ("name", "type", "domain")]
    assert len(rows) == len(WIDE)
    for row in rows:
        cid = row.split()[0]
        at, found = 0, []
        for value in (WIDE[cid], "spearhead", WIDE[cid] + " ✈"):  # in column order
            at = row.index(value, at)
            found.append(cell_len(row[:at]))
            at += len(value)
        assert found == starts, row
    assert all(name in result.stdout for name in WIDE.values())


# -- output formats other tools read -----------------------------------------------------------

# (Line breaks other than CR and LF — VT, FF, NEL, U+2028 — are refused in a name.)
BREAKOUT = 'Break "out" \\ ] ; # : } { |x| <script>alert(1)</script> ::error::forged'


def test_mermaid_task_lines_cannot_be_broken(tmp_path: Path) -> None:
    path = hostile_registry(tmp_path, BREAKOUT + " " + INVISIBLE)
    result = run("--registry", str(path), "timeline", "--format", "mermaid", "--on", ON)
    assert result.exit_code == 0
    assert not TERMINAL_UNSAFE.search(result.stdout)
    tasks = [line for line in result.stdout.splitlines() if line.startswith("    ")]
    task = re.compile(
        r"    (title .+|dateFormat .+|inclusiveEndDates|axisFormat .+|todayMarker off"
        r"|section [^:#;]+"
        r"|“[^:#;\n]+”[^:#;\n]* :((done|active|crit), )*[a-z0-9-]+-\d+, \d{4}-\d\d-\d\d, "
        r"\d{4}-\d\d-\d\d)"
    )
    assert all(task.fullmatch(line) for line in tasks), tasks
    assert sum(1 for line in tasks if re.search(r"[a-z]+-\d+, \d{4}", line)) == 2


def test_dot_labels_cannot_be_broken(tmp_path: Path) -> None:
    path = hostile_registry(tmp_path, BREAKOUT + " " + INVISIBLE)
    result = run("--registry", str(path), "network", "--format", "dot")
    assert result.exit_code == 0
    assert not TERMINAL_UNSAFE.search(result.stdout)
    lines = result.stdout.splitlines()
    assert lines[0] == "graph clusters {"
    assert lines[-1] == "}"
    quoted = r'"(?:[^"\\\n]|\\.)*"'
    statement = re.compile(
        rf"  (graph|node|edge) \[.*\];|  {quoted} \[label={quoted}, shape=(box|ellipse)\];"
        rf"|  {quoted} -- {quoted} \[label={quoted}, tooltip={quoted}, penwidth=[\d.]+\];"
    )
    assert all(statement.fullmatch(line) for line in lines[1:-1]), lines
    assert sum(" -- " in line for line in lines) == 1  # one pair: alpha and beta


def test_markdown_cells_cannot_be_broken(tmp_path: Path) -> None:
    path = hostile_registry(tmp_path, BREAKOUT + " " + INVISIBLE)
    result = run("--registry", str(path), "export", "--format", "markdown", "--what", "partners")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2 + 3  # header, rule, one line per partner
    columns = lines[0].count("|")
    for line in lines:
        assert len(re.findall(r"(?<!\\)\|", line)) == columns, line
    assert "<script>" not in result.stdout
    assert not TERMINAL_UNSAFE.search(result.stdout)


def test_github_annotations_cannot_be_forged(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_text(
        'schema_version = 1\n"x\\n::error file=forged.toml::forged%0A" = 1\n'
        '"y\\r\\n::warning::forged too" = 2\n',
        encoding="utf-8",
    )
    result = run("--registry", str(path), "validate", "--format", "github", "--on", ON)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2  # one per finding, nothing injected
    # workflow commands start a line: the line breaks in the keys are not written raw
    assert all(line.startswith(f"::error file={path},line=") for line in lines), lines
    assert all("forged" in line for line in lines)
    assert not TERMINAL_UNSAFE.search(result.stdout)


# -- CSV import and export: formula payloads --------------------------------------------------

FORMULAS = {
    "hyperlink": '=HYPERLINK("https://evil.example","click")',
    "dde": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
}
EMPTY = """\
#:schema ./clusters.schema.json

schema_version = 1

[clusters.c]
name = "C"
type = "icn"
domain = "D"
"""


def empty_registry(folder: Path, name: str = "clusters.toml") -> Path:
    path = folder / name
    path.write_text(EMPTY, encoding="utf-8")
    return path


def csv_rows(folder: Path, rows: list[list[str]], name: str = "members.csv") -> Path:
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = folder / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def partner_names(registry: Path) -> dict[str, str]:
    data = tomllib.loads(registry.read_text("utf-8"))
    return {pid: p["name"] for pid, p in (data.get("partners") or {}).items()}


def export_import(registry: Path, folder: Path) -> tuple[str, Path]:
    """Export the members CSV of ``registry`` and import it into a fresh registry."""
    code, exported = run_bytes(
        "--registry", str(registry), "export", "--format", "csv", "--what", "members"
    )
    assert code == 0
    csv_path = folder / "exported.csv"
    csv_path.write_bytes(exported)  # as `clusters export … > exported.csv` writes it
    fresh = empty_registry(folder, "fresh.toml")
    done = run("--registry", str(fresh), "import-members", "c", str(csv_path), "--on", ON)
    assert done.exit_code == 0, done.stderr
    return exported.decode("utf-8"), fresh


def test_csv_formula_payloads_are_stored_as_text_and_exported_neutralised(
    tmp_path: Path,
) -> None:
    registry = empty_registry(tmp_path)
    rows = [["partner", "name", "kind"]]
    rows += [[pid, payload, "company"] for pid, payload in FORMULAS.items()]
    rows.append(["quoted", "'=1+1", "company"])  # as our own export writes it
    imported = run(
        "--registry", str(registry), "import-members", "c", str(csv_rows(tmp_path, rows)),
        "--on", ON, "--json",
    )  # fmt: skip
    assert imported.exit_code == 0, imported.stdout
    assert imported.json()["added"] == 5
    assert partner_names(registry) == {**FORMULAS, "quoted": "=1+1"}
    exported, fresh = export_import(registry, tmp_path)
    import csv
    import io

    cells = [cell for row in csv.reader(io.StringIO(exported, newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    for payload in [*FORMULAS.values(), "=1+1"]:
        assert "'" + payload in cells
    assert partner_names(fresh) == partner_names(registry)  # and it imports back


# Names a spreadsheet or a CSV parser might trip on (outer whitespace: a known bug below;
# control characters are refused in a name).
CSV_TEXT = (
    st.lists(
        st.sampled_from([*"=+-@'\",;| abcXYZ09", "中", "🚀", "\u200b", "\ufeff"]),
        min_size=1,
        max_size=12,
    )
    .map("".join)
    .filter(lambda s: s.strip() and s == s.strip())
)


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(CSV_TEXT, min_size=1, max_size=5))
def test_members_csv_export_imports_back_exactly(names: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        registry = empty_registry(folder)
        data = tomllib.loads(EMPTY)
        data["partners"] = {f"p{i}": {"name": n, "kind": "company"} for i, n in enumerate(names)}
        data["clusters"]["c"]["members"] = [{"partner": pid} for pid in data["partners"]]
        registry.write_text(tomli_w.dumps(data), encoding="utf-8")
        _, fresh = export_import(registry, folder)
        assert partner_names(fresh) == partner_names(registry)
        again = run(
            "--registry", str(registry), "import-members", "c", str(folder / "exported.csv"),
            "--on", ON, "--json",
        )  # fmt: skip
        assert again.exit_code == 0, again.stdout  # re-import into the source: unchanged
        assert again.json()["changed"] is False


# Found by this suite (fixed in 7dc17d0): a name that itself starts with an apostrophe and
# a formula character was exported as is, and import then stripped the apostrophe.
@pytest.mark.parametrize("name", ["'=1+1", "'-5", "'@home", "''=x", "'plain"])
def test_a_name_starting_with_an_apostrophe_survives_export_and_import(
    tmp_path: Path, name: str
) -> None:
    registry = empty_registry(tmp_path)
    data = tomllib.loads(EMPTY)
    data["partners"] = {"p": {"name": name, "kind": "company"}}
    data["clusters"]["c"]["members"] = [{"partner": "p"}]
    registry.write_text(tomli_w.dumps(data), encoding="utf-8")
    _, fresh = export_import(registry, tmp_path)
    assert partner_names(fresh) == {"p": name}


# Found by this suite: import-members strips every cell, so a name stored with spaces at
# either end (add-partner accepted " Padded ") did not survive export and import, and
# re-importing the export into the same registry was refused as a conflict. The fix in
# progress trims names when they are given and refuses them untrimmed in the file.
@pytest.mark.parametrize("name", [" Padded ", "\t=1", "Trailing ", "\u00a0nbsp\u00a0"])
def test_a_name_given_with_outer_whitespace_survives_export_and_import(
    tmp_path: Path, name: str
) -> None:
    registry = empty_registry(tmp_path)
    added = run(
        "--registry", str(registry), "add-member", "c", "p", f"--name={name}",
        "--kind", "company", "--on", ON,
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    stored = partner_names(registry)
    _, fresh = export_import(registry, tmp_path)
    assert partner_names(fresh) == stored  # what was stored comes back
    again = run(
        "--registry", str(registry), "import-members", "c", str(tmp_path / "exported.csv"),
        "--on", ON, "--json",
    )  # fmt: skip
    assert again.exit_code == 0, again.stdout  # and re-imports into the source unchanged
    assert again.json()["changed"] is False


# -- CSV import: wrong column counts and other broken rows -------------------------------------

BAD_CSV = {
    "too-few-cells": ("partner,name,kind\nnewco,New Co\n", ["2: 2 cells, but the header has 3"]),
    "too-many-cells": (
        "partner,name,kind\nnewco,New Co,company,extra\n",
        ["2: 4 cells, but the header has 3"],
    ),
    "ragged": (
        "partner,name,kind\nok,Ok,company\nshort\nlong,L,company,x,y\n",
        ["3: 1 cells", "4: 5 cells"],
    ),
    "unterminated-quote": ('partner,name,kind\nnewco,"New Co,company\n', ["2: 2 cells"]),
    "quoted-newline-shifts-lines": (
        'partner,name,kind\nok,"Two\nlines",company\nbad\n',
        ["4: 1 cells"],
    ),
    "formula-in-partner-id": ("partner,name,kind\n=cmd,X,company\n", ["2: partner id"]),
    "huge-cell": ("partner,name,kind\nnewco," + "N" * 200_000 + ",company\n", ["field larger"]),
    "unknown-column": ("partner,name,kind,=evil\nnewco,N,company,x\n", ["1: unknown column"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_broken_csv_rows_are_refused_with_their_lines(tmp_path: Path, case: str) -> None:
    registry = empty_registry(tmp_path)
    text, expected = BAD_CSV[case]
    path = tmp_path / "members.csv"
    path.write_text(text, encoding="utf-8", newline="")
    before = digest(registry)
    result = run("--registry", str(registry), "import-members", "c", str(path), "--on", ON)
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith(f"error: {path}")
    assert "nothing imported" in result.stderr or case == "unknown-column"
    for part in expected:
        assert f"{path}:{part}" in result.stderr or part in result.stderr, (part, result.stderr)
    assert not TERMINAL_UNSAFE.search(result.stderr)
    assert len(result.stderr) < 2_000  # a huge cell is not echoed back
    assert digest(registry) == before
    as_json = run(
        "--registry", str(registry), "import-members", "c", str(path), "--on", ON, "--json"
    )
    assert assert_json_failure(as_json, path, 4)["code"] == "bad-csv"


def test_many_bad_rows_are_counted_not_all_printed(tmp_path: Path) -> None:
    registry = empty_registry(tmp_path)
    path = tmp_path / "members.csv"
    path.write_text("partner,name,kind\n" + "x,only-two\n" * 25, encoding="utf-8")
    result = run("--registry", str(registry), "import-members", "c", str(path), "--json")
    error = assert_json_failure(result, path, 4)
    assert error["message"] == f"{path}: 25 bad rows; nothing imported"
    assert len(error["details"]) == 21
    assert error["details"][0] == f"{path}:2: 2 cells, but the header has 3 columns"
    assert error["details"][-1] == "… and 5 more"


def test_control_characters_in_csv_cells_are_escaped_in_errors(tmp_path: Path) -> None:
    registry = empty_registry(tmp_path)
    path = tmp_path / "members.csv"
    path.write_text(
        "partner,name,kind\nnewco,\x1b]52;c;cHduZWQ=\x07\u202e,firm\x1b[2J\n", encoding="utf-8"
    )
    result = run("--registry", str(registry), "import-members", "c", str(path))
    assert result.exit_code == 4
    assert not TERMINAL_UNSAFE.search(result.stderr), repr(result.stderr)
    assert "\\x1b]52;c;" in result.stderr


@pytest.mark.parametrize("text", [ESCAPES, BIDI], ids=["escapes", "bidi"])
def test_a_csv_with_controls_in_names_is_refused(tmp_path: Path, text: str) -> None:
    """Found by the adversarial review: controls in a CSV were imported and stored."""
    registry = empty_registry(tmp_path)
    before = digest(registry)
    path = tmp_path / "members.csv"
    path.write_text(f'partner,name,kind\nnewco,"Acme {text}",company\n', encoding="utf-8")
    result = run("--registry", str(registry), "import-members", "c", str(path), "--on", ON)
    assert result.exit_code == 4, result.stderr
    assert f"{path}:2: name " in result.stderr
    assert "holds the" in result.stderr and "nothing imported" in result.stderr
    assert not TERMINAL_UNSAFE.search(result.stderr), repr(result.stderr)
    assert digest(registry) == before


def test_a_csv_with_invisible_characters_in_names_imports_them_exactly(tmp_path: Path) -> None:
    registry = empty_registry(tmp_path)
    path = tmp_path / "members.csv"
    path.write_text(f'partner,name,kind\nnewco,"{HOSTILE}",company\n', encoding="utf-8")
    result = run("--registry", str(registry), "import-members", "c", str(path), "--on", ON)
    assert result.exit_code == 0, result.stderr
    assert partner_names(registry) == {"newco": HOSTILE}
    assert run("--registry", str(registry), "fmt", "--check").exit_code == 0
    shown = run("--registry", str(registry), "partners")
    assert not TERMINAL_UNSAFE.search(shown.stdout)
