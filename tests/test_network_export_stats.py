"""``clusters network``, ``clusters export`` and ``clusters stats``."""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest
from conftest import SHIPPED_DATA, SMALL, run, run_subprocess, write_registry
from hypothesis import given
from hypothesis import strategies as st
from registry_strategies import run_bytes

from flanders_clusters.formats import csv_text
from flanders_clusters.formats.csv_text import neutralise, restore
from flanders_clusters.views import network
from flanders_clusters.views.exports import EXPORT_MEMBER_COLUMNS

ON = "2026-11-27"
# A third cluster sharing two partners with Alpha; hostile text in names and fields.
MORE = """
[clusters.gamma]
name = "Gamma \\"quoted\\" | pipe"
type = "icn"
domain = "Space"
members_complete = false
members = [
    { partner = "gov", role = "board", until = 2020-12-31 },
    { partner = "uni" },
    { partner = "evil" },
]

[partners.evil]
name = "=cmd()"
kind = "company"
postal_code = "@SUM(1)"
country = "NL"
"""


def cli(path, *args, columns: int = 80):
    return run("--registry", str(path), *args, env={"COLUMNS": str(columns)})


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


# -- network -----------------------------------------------------------------------------


def test_network_json_of_the_small_registry(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    result = cli(path, "network", "--json")
    assert result.exit_code == 0
    assert result.json() == {
        "clusters": [
            {"cluster": "alpha", "name": "Alpha Cluster", "type": "spearhead", "members": 3},
            {"cluster": "beta", "name": "Beta Network", "type": "icn", "members": 1},
            {"cluster": "gamma", "name": 'Gamma "quoted" | pipe', "type": "icn", "members": 3},
        ],
        "pairs": [
            {
                "clusters": ["alpha", "gamma"],
                "count": 2,
                "partners": [
                    {"partner": "gov", "name": "Flemish Government"},
                    {"partner": "uni", "name": "Example University"},
                ],
            },
            {
                "clusters": ["alpha", "beta"],
                "count": 1,
                "partners": [{"partner": "acme", "name": "Acme NV"}],
            },
        ],
        "pairs_total": 2,
        "partners": [
            {
                "partner": "acme",
                "name": "Acme NV",
                "kind": "company",
                "count": 2,
                "clusters": ["alpha", "beta"],
            },
            {
                "partner": "gov",
                "name": "Flemish Government",
                "kind": "government",
                "count": 2,
                "clusters": ["alpha", "gamma"],
            },
            {
                "partner": "uni",
                "name": "Example University",
                "kind": "knowledge",
                "count": 2,
                "clusters": ["alpha", "gamma"],
            },
        ],
    }
    assert cli(path, "network", "--format", "json").json() == result.json()


def test_network_table(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    result = cli(path, "network")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Shared partners (2 pairs)"
    assert any(
        re.fullmatch(
            r"Alpha Cluster +Gamma \"quoted\" \| pipe +2 +Flemish Government, "
            r"Example University",
            line,
        )
        for line in lines
    ), result.stdout
    assert "Partners in two or more clusters" in lines
    assert any(re.fullmatch(r"acme +Acme NV +company +2 +alpha, beta", line) for line in lines)


def test_network_dot_is_a_graphviz_graph(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    result = cli(path, "network", "--format", "dot")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "graph clusters {" and lines[-1] == "}"
    body = lines[1:-1]
    statement = re.compile(
        r'  (?:(?:graph|node|edge) \[.*\]|"[^"\\]*(?:\\.[^"\\]*)*"( -- "[a-z0-9-]+")? \[.*\]);'
    )
    assert all(statement.fullmatch(line) for line in body), result.stdout
    assert '  "gamma" [label="Gamma \\"quoted\\" | pipe", shape=ellipse];' in body
    assert '  "alpha" [label="Alpha Cluster", shape=box];' in body
    edges = [line for line in body if " -- " in line]
    assert edges == [
        '  "alpha" -- "gamma" [label="2", tooltip="Flemish Government, Example University", '
        "penwidth=2];",
        '  "alpha" -- "beta" [label="1", tooltip="Acme NV", penwidth=1.5];',
    ]
    assert result.stdout.count("{") == result.stdout.count("}")


def test_network_json_and_dot_disagree(tmp_path):
    path = write_registry(tmp_path)
    result = cli(path, "network", "--json", "--format", "dot")
    assert result.exit_code == 2
    assert result.json()["error"]["code"] == "usage"


def test_network_of_the_shipped_registry():
    data = cli(SHIPPED_DATA, "network", "--json").json()
    top = data["partners"][0]
    assert top["count"] == max(p["count"] for p in data["partners"])
    assert all(pair["count"] == len(pair["partners"]) for pair in data["pairs"])
    counts = [pair["count"] for pair in data["pairs"]]
    assert counts == sorted(counts, reverse=True)


def test_strongest_pairs_counts_every_pair_and_keeps_the_strongest() -> None:
    clusters = {
        c: {"members": [{"partner": p} for p in ps]}
        for c, ps in {"a": "xyz", "b": "xy", "c": "x", "d": "w"}.items()
    }
    joined = {"x": ["a", "b", "c"], "y": ["a", "b"], "z": ["a"], "w": ["d"]}
    best, total = network.strongest_pairs(clusters, joined, 2)
    assert total == 3
    assert best == [(2, "a", "b"), (1, "a", "c")]
    every = [(2, "a", "b"), (1, "a", "c"), (1, "b", "c")]
    assert network.strongest_pairs(clusters, joined, 10)[0] == every
    assert network.strongest_pairs(clusters, joined, None) == (every, 3)


def _every_pair(data: dict) -> list[dict]:
    """The pairs as the first ``network`` listed them: every pair of every partner's
    clusters, most shared first, ties by ids."""
    from itertools import combinations

    from flanders_clusters.programme import members

    people = data.get("partners") or {}
    shared: dict[tuple[str, str], list[str]] = {}
    for partner_id, cluster_ids in members.memberships(data).items():
        for pair in combinations(cluster_ids, 2):
            shared.setdefault(pair, []).append(partner_id)
    return [
        {
            "clusters": list(pair),
            "count": len(ids),
            "partners": [{"partner": p, "name": (people.get(p) or {}).get("name")} for p in ids],
        }
        for pair, ids in sorted(shared.items(), key=lambda item: (-len(item[1]), item[0]))
    ]


MEMBERSHIPS = st.dictionaries(
    st.sampled_from([f"c{i}" for i in range(8)]),
    st.lists(st.sampled_from([f"p{i}" for i in range(6)]), max_size=6),
    max_size=8,
)


@given(memberships=MEMBERSHIPS, limit=st.integers(0, 40))
def test_the_limited_pairs_are_the_first_of_every_pair(memberships, limit) -> None:
    data = {
        "clusters": {
            c: {"name": c.upper(), "type": "icn", "members": [{"partner": p} for p in ps]}
            for c, ps in memberships.items()
        },
        "partners": {f"p{i}": {"name": f"P{i}", "kind": "company"} for i in range(6)},
    }
    every = _every_pair(data)
    found = network.build(data, limit)
    assert found["pairs_total"] == len(every)
    assert found["pairs"] == (every[:limit] if limit else every)
    assert network.build(data, 0)["pairs"] == every


def test_network_limit_cuts_the_pairs_and_says_how_many_there_are(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    found = cli(path, "network", "--json", "--limit", "1").json()
    assert [pair["clusters"] for pair in found["pairs"]] == [["alpha", "gamma"]]
    assert found["pairs_total"] == 2
    assert cli(path, "network", "--limit", "1").stdout.splitlines()[0] == (
        "Shared partners (1 of 2 pairs; --limit 0: all)"
    )
    dot = cli(path, "network", "--format", "dot", "--limit", "1").stdout
    assert sum(" -- " in line for line in dot.splitlines()) == 1
    assert (
        cli(path, "network", "--json", "--limit", "0").json()["pairs"]
        == (cli(path, "network", "--json").json()["pairs"])
    )
    refused = cli(path, "network", "--limit", "-1")
    assert refused.exit_code == 2


def test_network_help_says_the_default_limit() -> None:
    assert f"(default {network.PAIRS_SHOWN}; 0: all)" in run("network", "--help").stdout


def _one_partner_in(count: int) -> str:
    lines = ["schema_version = 1", ""]
    for i in range(count):
        lines += [f"[clusters.c{i:04d}]", f'name = "C{i}"', 'type = "icn"', 'domain = "D"']
        lines += ['members = [{ partner = "shared" }]', ""]
    return "\n".join([*lines, "[partners.shared]", 'name = "Shared"', 'kind = "company"', ""])


def test_a_thousand_clusters_sharing_one_partner_is_quick_and_capped(tmp_path):
    """Found by the adversarial review: 499,500 pairs were all built, printed and kept
    (152 s and 2.2 GB; 2,000 clusters ran out of memory)."""
    path = write_registry(tmp_path, _one_partner_in(1000))
    started = time.perf_counter()
    found = cli(path, "network", "--json")
    table = cli(path, "network")
    elapsed = time.perf_counter() - started
    assert found.exit_code == 0 and table.exit_code == 0
    data = found.json()
    assert len(data["pairs"]) == network.PAIRS_SHOWN
    assert data["pairs_total"] == 1000 * 999 // 2
    assert data["pairs"][0] == {
        "clusters": ["c0000", "c0001"],
        "count": 1,
        "partners": [{"partner": "shared", "name": "Shared"}],
    }
    assert data["pairs"][-1]["clusters"] == ["c0000", "c0100"]  # ties by ids
    assert table.stdout.splitlines()[0] == "Shared partners (100 of 499,500 pairs; --limit 0: all)"
    assert elapsed < 5, elapsed


# -- export ------------------------------------------------------------------------------


# Any text: line breaks of every kind (a lone CR too, which notes may hold) and formula
# starters behind a tab or a line break (found by the adversarial review: a bare CR in
# notes was written unquoted and split the row; "\t=" was not neutralised).
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.dates(),
    st.text(alphabet=st.characters(exclude_categories=("Cs",))),
    st.text(alphabet="'=+-@ab\t\r\n,\"", max_size=6),
    st.lists(st.text(alphabet="'=+-@ab", max_size=4), max_size=3),
)
STARTERS = ("=", "+", "-", "@", "\t", "\r", "\n")  # OWASP's list, and a line feed


@given(st.lists(st.lists(values, min_size=1, max_size=4), max_size=5))
def test_a_csv_cell_never_starts_a_formula_and_reads_back_as_its_value(rows) -> None:
    text = csv_text.to_csv(rows)
    assert "".join(csv_text.csv_pieces(rows, rows=2)) == text  # as the site writes it
    read = list(csv.reader(io.StringIO(text, newline="")))
    assert len(read) == len(rows)
    for written, row in zip(read, rows, strict=True):
        assert [restore(cell) for cell in written] == [csv_text.cell(v) for v in row]
        assert not any(cell.startswith(STARTERS) for cell in written)


@given(
    st.text(alphabet="'=+-@a \t\r\n", max_size=6)
    | st.text(alphabet=st.characters(exclude_categories=("Cs",)))
)
def test_neutralise_adds_one_quote_and_restore_takes_exactly_that_one(text) -> None:
    written = neutralise(text)
    assert restore(written) == text
    assert not written.startswith(STARTERS)
    assert written in (text, "'" + text)


@pytest.mark.parametrize("breaks", ["\r", "\n", "\r\n"])
def test_line_breaks_in_notes_never_split_a_csv_row(tmp_path, breaks) -> None:
    notes = f"first{breaks}=HYPERLINK(1){breaks}\t@SUM(1)"
    text = SMALL.replace('domain = "Drones"', f'domain = "Drones"\nnotes = {json.dumps(notes)}')
    path = write_registry(tmp_path, text)
    code, raw = run_bytes("--registry", str(path), "export", "--format", "csv")
    assert code == 0
    out = raw.decode("utf-8")  # the bytes, as `clusters export … > FILE` writes them
    assert f'"{notes}"' in out  # quoted: a reader that ends a row at a lone CR keeps it
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len(rows) == 1 + 2  # the header, alpha, beta: no row split
    assert dict(zip(rows[0], rows[2], strict=True))["notes"] == notes


@pytest.mark.parametrize("first", ["\t", "\r", "\n"])
def test_a_formula_behind_a_tab_or_line_break_is_neutralised(tmp_path, first) -> None:
    notes = f"{first}=cmd|' /C calc'!A0"
    text = SMALL.replace('domain = "Drones"', f'domain = "Drones"\nnotes = {json.dumps(notes)}')
    path = write_registry(tmp_path, text)
    rows = rows_of(cli(path, "export", "--format", "csv").stdout)
    beta = dict(zip(rows[0], rows[2], strict=True))
    assert beta["notes"] == "'" + notes
    assert restore(beta["notes"]) == notes


def test_export_members_csv_has_the_import_header_and_neutralises_formulas(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    result = cli(path, "export", "--format", "csv", "--what", "members")
    assert result.exit_code == 0
    rows = rows_of(result.stdout)
    assert tuple(rows[0]) == EXPORT_MEMBER_COLUMNS
    assert len(rows) == 1 + 3 + 1 + 3
    by_key = {(row[0], row[1]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_key[("alpha", "acme")] == {
        "cluster": "alpha",
        "partner": "acme",
        "name": "Acme NV",
        "kind": "company",
        "size": "large",
        "enterprise_number": "0123.456.749",
        "postal_code": "2000",
        "country": "",
        "website": "",
        "role": "founder",
        "since": "",
        "until": "",
    }
    assert by_key[("alpha", "gov")]["since"] == "2018-06-01"
    assert by_key[("gamma", "gov")]["until"] == "2020-12-31"
    evil = by_key[("gamma", "evil")]
    assert (evil["name"], evil["postal_code"], evil["country"]) == ("'=cmd()", "'@SUM(1)", "NL")
    assert by_key[("gamma", "uni")]["role"] == ""


def test_exported_members_import_back(tmp_path):
    full = write_registry(tmp_path, SMALL + MORE, name="full.toml")
    exported = cli(full, "export", "--format", "csv", "--what", "members").stdout
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(exported, encoding="utf-8")
    gamma_alone = MORE.split("members = [")[0]  # gamma without members, no partner evil
    bare = write_registry(tmp_path, SMALL + gamma_alone, name="bare.toml")
    result = cli(bare, "import-members", "gamma", str(csv_file))
    assert result.exit_code == 0, result.stdout + result.stderr
    again = cli(bare, "export", "--format", "csv", "--what", "members").stdout
    assert again == exported


def test_export_clusters_csv(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    rows = rows_of(cli(path, "export", "--format", "csv").stdout)
    assert rows[0][:4] == ["id", "name", "type", "domain"]
    alpha = dict(zip(rows[0], rows[1], strict=True))
    assert alpha == {
        "id": "alpha",
        "name": "Alpha Cluster",
        "type": "spearhead",
        "domain": "Chemistry",
        "website": "",
        "recognised": "2018-01-01",
        "reported_members": "",
        "members_complete": "",
        "action_plan": "",
        "ended": "",
        "successor": "",
        "management_fte": "",
        "english_website": "",
        "eccp_profile": "",
        "start": "2018-01-01",
        "end": "2027-12-31",
        "end_basis": "policy-max",
        "funding_periods": "1",
        "members": "3",
        "sources": "https://alpha.example",
        "notes": "",
    }
    gamma = dict(zip(rows[0], rows[3], strict=True))
    assert (gamma["start"], gamma["end"], gamma["funding_periods"]) == ("", "", "0")
    assert gamma["members_complete"] == "false"


def test_export_partners_csv_and_json(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    rows = rows_of(cli(path, "export", "--format", "csv", "--what", "partners").stdout)
    assert rows[0] == [
        "id",
        "name",
        "kind",
        "size",
        "enterprise_number",
        "postal_code",
        "country",
        "network_role",
        "website",
        "legal_name",
        "nace",
        "nace_version",
        "kbo_status",
        "kbo_checked",
        "clusters",
    ]
    assert rows[1] == [
        "acme",
        "Acme NV",
        "company",
        "large",
        "0123.456.749",
        "2000",
        "",
        "",
        "",
        *[""] * 5,
        "alpha beta",
    ]
    assert rows[2][1] == "'=cmd()"
    data = cli(path, "export", "--what", "partners", "--json").json()
    assert data[0] == {
        "id": "acme",
        "name": "Acme NV",
        "kind": "company",
        "size": "large",
        "enterprise_number": "0123.456.749",
        "postal_code": "2000",
        "country": None,
        "network_role": None,
        "website": None,
        "legal_name": None,
        "nace": None,
        "nace_version": None,
        "kbo_status": None,
        "kbo_checked": None,
        "clusters": ["alpha", "beta"],
    }
    assert data[1]["name"] == "=cmd()"


def test_export_clusters_json_is_the_registry_with_nulls(tmp_path):
    path = write_registry(tmp_path)
    result = cli(path, "export")
    assert result.exit_code == 0
    data = result.json()
    assert [c["id"] for c in data] == ["alpha", "beta"]
    assert data[1] == {
        "id": "beta",
        "name": "Beta Network",
        "type": "icn",
        "domain": "Drones",
        "website": None,
        "recognised": None,
        "reported_members": None,
        "members_complete": None,
        "sources": None,
        "notes": None,
        "action_plan": "https://beta.example/plan",
        "ended": None,
        "successor": None,
        "management_fte": None,
        "english_website": None,
        "eccp_profile": None,
        "labels": [],
        "funding": [
            {
                "start": "2019-01-01",
                "end": "2021-12-31",
                "end_basis": None,
                "annual_support_eur": 100000,
                "total_support_eur": None,
                "support_rate": None,
                "reference": None,
            }
        ],
        "members": [{"partner": "acme", "role": None, "since": None, "until": None}],
    }
    assert cli(path, "export", "--format", "json").json() == data


def test_export_members_json(tmp_path):
    path = write_registry(tmp_path)
    data = cli(path, "export", "--what", "members", "--json").json()
    assert [tuple(record) for record in data] == [EXPORT_MEMBER_COLUMNS] * 4
    assert [(r["cluster"], r["partner"], r["role"]) for r in data] == [
        ("alpha", "acme", "founder"),
        ("alpha", "gov", "clusterpact"),
        ("alpha", "uni", "member"),
        ("beta", "acme", None),
    ]


def test_export_lists_memberships_in_the_order_fmt_writes_them(tmp_path):
    # A partner that left and came back has two memberships: the export lists them by
    # partner, then since — as the canonical form does — so it reads the same before and
    # after `clusters fmt` (it kept the file's order of the two before).
    again = SMALL.replace(
        '    { partner = "acme" },\n]',
        '    { partner = "acme", since = 2021-01-01 },\n'
        '    { partner = "acme", since = 2019-01-01, until = 2019-12-31 },\n]',
    )
    path = write_registry(tmp_path, again)
    as_written = {
        what: cli(path, "export", "--what", what, "--json").stdout
        for what in ("clusters", "members")
    }
    members = json.loads(as_written["members"])
    assert [(r["cluster"], r["since"]) for r in members if r["partner"] == "acme"] == [
        ("alpha", None),
        ("beta", "2019-01-01"),
        ("beta", "2021-01-01"),
    ]
    assert cli(path, "fmt").exit_code == 0
    for what, before in as_written.items():
        assert cli(path, "export", "--what", what, "--json").stdout == before


def test_export_markdown_tables_escape_cells(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    lines = cli(path, "export", "--format", "markdown").stdout.splitlines()
    assert lines[0] == (
        "| id | name | type | domain | recognised | start | end | end_basis | members | website |"
    )
    assert lines[1] == "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    assert lines[2] == (
        "| alpha | Alpha Cluster | spearhead | Chemistry | 2018-01-01 | 2018-01-01 | "
        "2027-12-31 | policy-max | 3 |  |"
    )
    assert lines[4].startswith('| gamma | Gamma "quoted" \\| pipe | icn |')
    assert all(len(re.findall(r"(?<!\\)\|", line)) == 11 for line in lines)
    members = cli(path, "export", "--format", "markdown", "--what", "members").stdout
    assert members.splitlines()[0] == "| " + " | ".join(EXPORT_MEMBER_COLUMNS) + " |"
    assert "| =cmd() |" in members
    partners = cli(path, "export", "--format", "markdown", "--what", "partners").stdout
    assert "| @SUM(1) |" in partners


def test_export_usage_errors(tmp_path):
    path = write_registry(tmp_path)
    result = cli(path, "export", "--json", "--format", "csv")
    assert result.exit_code == 2
    assert result.json()["error"]["code"] == "usage"
    assert cli(path, "export", "--what", "everything").exit_code == 2
    assert cli(path, "export", "--format", "xlsx").exit_code == 2


def test_export_through_a_pipe_is_utf8(tmp_path):
    path = write_registry(tmp_path, SMALL.replace("Acme NV", "Açme NV ✓"))
    result = run_subprocess(
        "--registry", str(path), "export", "--format", "csv", "--what", "members"
    )
    assert result.returncode == 0
    assert "alpha,acme,Açme NV ✓,company" in result.stdout
    assert result.stdout.splitlines()[0] == ",".join(EXPORT_MEMBER_COLUMNS)


# -- stats -------------------------------------------------------------------------------


def test_stats_json_of_the_small_registry(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    result = cli(path, "stats", "--on", "2021-06-30", "--json")
    assert result.exit_code == 0
    data = result.json()
    assert data["on"] == "2021-06-30"
    assert data["clusters"] == {
        "total": 3,
        "by_type": {"spearhead": 1, "icn": 2},
        "by_status": {"active": 2, "ended": 0, "planned": 0, "unknown": 1},
        "by_type_and_status": {
            "spearhead": {"active": 1, "ended": 0, "planned": 0, "unknown": 0},
            "icn": {"active": 1, "ended": 0, "planned": 0, "unknown": 1},
        },
    }
    # current on 2021-06-30: alpha's 3, beta's acme, gamma's uni and evil (gov left in 2020)
    assert data["members"] == {
        "total": 6,
        "by_kind": {"company": 3, "knowledge": 2, "government": 1, "other": 0, "unknown": 0},
    }
    assert data["partners"] == {
        "total": 4,
        "by_kind": {"company": 2, "knowledge": 1, "government": 1, "other": 0},
    }
    assert data["support"] == [
        {
            "year": year,
            "active_spearhead": 1,
            "active_icn": int(2019 <= year <= 2021),
            "support_eur": 100000 if 2019 <= year <= 2021 else None,
            "support_unknown": 1,
        }
        for year in range(2018, 2028)
    ]


def test_stats_counts_members_of_unknown_partners(tmp_path):
    text = SMALL.replace('{ partner = "acme" },', '{ partner = "ghost" },')
    data = cli(write_registry(tmp_path, text), "stats", "--on", ON, "--json").json()
    assert data["members"]["by_kind"]["unknown"] == 1


def test_stats_tables(tmp_path):
    path = write_registry(tmp_path, SMALL + MORE)
    result = cli(path, "stats", "--on", "2021-06-30")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Clusters on 2021-06-30"
    assert re.fullmatch(r"spearhead +1 +0 +0 +0 +1", lines[3])
    assert re.fullmatch(r"ICN +1 +0 +0 +1 +2", lines[4])
    assert re.fullmatch(r"all +2 +0 +0 +1 +3", lines[5])
    assert any(re.fullmatch(r"company +3 +2", line) for line in lines)
    assert any(re.fullmatch(r"2020 +1 +1 +100,000 +1", line) for line in lines)
    assert max(len(line) for line in lines) <= 80


def test_stats_of_an_empty_registry(tmp_path):
    path = write_registry(tmp_path, "schema_version = 1\n")
    data = cli(path, "stats", "--on", ON, "--json").json()
    assert data["clusters"]["total"] == 0 and data["support"] == []
    assert cli(path, "stats", "--on", ON).exit_code == 0


@pytest.mark.slow
def test_json_and_text_outputs_do_not_import_rich(tmp_path):
    path = write_registry(tmp_path)
    for args in (
        ["network", "--json"],
        ["network", "--format", "dot"],
        ["export", "--format", "csv", "--what", "members"],
        ["export", "--format", "markdown"],
        ["stats", "--on", ON, "--json"],
    ):
        result = run_subprocess(
            "--registry", str(path), *args, env={"PYTHONPROFILEIMPORTTIME": "1"}
        )
        assert result.returncode == 0, args
        imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
        assert not [name for name in imported if name.split(".")[0] == "rich"], args


def test_reports_on_a_missing_registry_exit_3(tmp_path):
    for args in (["network", "--json"], ["export", "--format", "json"], ["stats", "--json"]):
        result = cli(tmp_path / "nope.toml", *args)
        assert result.exit_code == 3
        assert json.loads(result.stdout)["error"]["code"] == "registry-not-found"
