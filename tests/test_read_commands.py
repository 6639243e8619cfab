"""The read commands: list, show, partners, partner show — and which registry they read.

Everything runs the CLI (in-process with ``run`` or as a process with ``run_subprocess``)
and checks what a user sees: stdout, stderr, the exit code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SMALL, cli, findings_of, replaced, run, run_subprocess, write_registry

from flanders_clusters import __version__

SEVEN_SPEARHEADS = {
    "blue-cluster",
    "catalisti",
    "flanders-food",
    "flux50",
    "medvia",
    "sim",
    "vil",
}
LIST_KEYS = ["id", "name", "type", "domain", "status", "start", "end", "members"]
MEMBER_KEYS = ["partner", "name", "kind", "role", "since", "until"]
HOSTILE_MARKUP = "[bold]X[/] [#42] [/x]"


def ids(result) -> list[str]:
    return [row["id"] for row in result.json()]


def data_folder(project: Path) -> Path:
    """``PROJECT/data``, where ``clusters`` looks for ``clusters.toml`` in the cwd."""
    folder = project / "data"
    folder.mkdir(parents=True)
    return folder


# -- the shipped registry --------------------------------------------------------------


def test_list_spearheads_of_the_shipped_registry_from_an_empty_folder(tmp_path: Path) -> None:
    done = run_subprocess("list", "--type", "spearhead", "--on", "2024-01-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    rows = [line.split()[0] for line in done.stdout.splitlines()[2:] if line.strip()]
    assert set(rows) == SEVEN_SPEARHEADS
    assert len(rows) == 7
    for line in done.stdout.splitlines()[2:]:
        assert " spearhead " in line
        assert " active " in line
    assert "Flanders' FOOD" in done.stdout
    assert "MEDVIA" in done.stdout


def test_list_json_of_the_shipped_registry_has_exactly_the_spec_keys(tmp_path: Path) -> None:
    done = run_subprocess(
        "list", "--type", "spearhead", "--on", "2024-01-01", "--json", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {row["id"] for row in rows} == SEVEN_SPEARHEADS
    assert [row["id"] for row in rows] == sorted(SEVEN_SPEARHEADS)
    for row in rows:
        assert list(row) == LIST_KEYS
        assert row["type"] == "spearhead"
        assert row["status"] == "active"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["start"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["end"])
        assert isinstance(row["members"], int)
        assert row["members"] >= 1


def test_list_of_the_shipped_registry_includes_icns(tmp_path: Path) -> None:
    done = run_subprocess("list", "--type", "icn", "--json", "--on", "2024-01-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows, "the shipped registry lists ICNs"
    assert all(row["type"] == "icn" for row in rows)
    assert not {row["id"] for row in rows} & SEVEN_SPEARHEADS


def test_show_catalisti_json_lists_sources_and_members(tmp_path: Path) -> None:
    done = run_subprocess("show", "catalisti", "--json", "--on", "2024-01-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    detail = json.loads(done.stdout)
    assert detail["id"] == "catalisti"
    assert detail["name"] == "Catalisti"
    assert detail["type"] == "spearhead"
    assert detail["status"] == "active"
    assert detail["sources"]
    assert all(source.startswith("http") for source in detail["sources"])
    assert detail["members"]
    for member in detail["members"]:
        assert list(member) == MEMBER_KEYS
        assert member["name"], member
        assert member["kind"] in ("company", "knowledge", "government", "other")
        assert member["role"] in ("member", "founder", "board", "clusterpact")
    partners = {member["partner"] for member in detail["members"]}
    assert "flemish-government" in partners
    assert detail["funding"]
    assert {"start", "end", "end_basis"} <= set(detail["funding"][0])


def test_show_of_the_shipped_registry_as_a_table(tmp_path: Path) -> None:
    done = run_subprocess("show", "catalisti", "--on", "2024-01-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Catalisti" in done.stdout
    assert "https://www.catalisti.be" in done.stdout
    assert "members (" in done.stdout
    assert "flemish-government" in done.stdout


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"clusters {__version__}\n"
    done = run_subprocess("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"clusters {__version__}"


# -- which file --------------------------------------------------------------------------

OTHER = """\
#:schema ./clusters.schema.json

schema_version = 1

[clusters.gamma]
name = "Gamma"
type = "icn"
domain = "Textiles"
"""


def test_registry_option_before_and_after_the_subcommand(registry: Path) -> None:
    before = run("--registry", str(registry), "list", "--json", "--on", "2020-06-01")
    after = run("list", "--json", "--on", "2020-06-01", "--registry", str(registry))
    joined = run("list", f"--registry={registry}", "--json", "--on", "2020-06-01")
    assert before.exit_code == after.exit_code == joined.exit_code == 0
    assert ids(before) == ["alpha", "beta"]
    assert before.stdout == after.stdout == joined.stdout


def test_registry_option_beats_the_environment(tmp_path: Path) -> None:
    option = write_registry(tmp_path, SMALL, "small.toml")
    env_file = write_registry(tmp_path, OTHER, "other.toml")
    result = run(
        "list", "--json", "--registry", str(option), env={"CLUSTERS_REGISTRY": str(env_file)}
    )
    assert result.exit_code == 0
    assert ids(result) == ["alpha", "beta"]


def test_environment_variable_chooses_the_registry(tmp_path: Path) -> None:
    env_file = write_registry(tmp_path, OTHER, "other.toml")
    project = tmp_path / "project"
    write_registry(data_folder(project))
    done = run_subprocess("list", "--json", cwd=project, env={"CLUSTERS_REGISTRY": str(env_file)})
    assert done.returncode == 0, done.stderr
    assert [row["id"] for row in json.loads(done.stdout)] == ["gamma"]


def test_data_folder_in_the_working_directory_is_used(tmp_path: Path) -> None:
    write_registry(data_folder(tmp_path))
    done = run_subprocess("list", "--json", "--on", "2020-06-01", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [row["id"] for row in json.loads(done.stdout)] == ["alpha", "beta"]


def test_data_folder_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_registry(data_folder(tmp_path), OTHER)
    monkeypatch.chdir(tmp_path)
    result = run("list", "--json")
    assert result.exit_code == 0
    assert ids(result) == ["gamma"]


def test_shipped_registry_when_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("list", "--type", "spearhead", "--json", "--on", "2024-01-01")
    assert result.exit_code == 0
    assert set(ids(result)) == SEVEN_SPEARHEADS


def test_missing_registry_option_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    result = run("--registry", str(missing), "list")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert str(missing) in result.stderr
    assert "not found" in result.stderr
    assert "clusters init" in result.stderr
    as_json = run("--registry", str(missing), "list", "--json")
    assert as_json.exit_code == 3
    assert as_json.json()["error"]["code"] == "registry-not-found"
    assert str(missing) in as_json.json()["error"]["message"]
    assert as_json.stderr == ""


def test_missing_registry_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    missing = tmp_path / "gone.toml"
    result = run("list", env={"CLUSTERS_REGISTRY": str(missing)})
    assert result.exit_code == 3
    assert str(missing) in result.stderr
    assert "CLUSTERS_REGISTRY" in result.stderr


def test_empty_registry_option_is_an_error_not_a_fallback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_registry(data_folder(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = run("--registry", "", "list", "--json")
    assert result.exit_code == 3
    assert result.json()["error"]["code"] == "registry-not-found"
    assert "--registry" in result.json()["error"]["message"]


def test_registry_option_without_a_value_after_the_subcommand(registry: Path) -> None:
    result = run("list", "--registry")
    assert result.exit_code == 2
    assert "Option '--registry' requires an argument." in result.stderr


def test_registry_option_without_a_value_with_json_is_a_json_usage_error(registry: Path) -> None:
    result = run("list", "--json", "--registry")
    assert result.exit_code == 2
    assert result.json() == {
        "error": {
            "code": "usage",
            "message": "Option '--registry' requires an argument.",
            "fix": "see --help",
        }
    }


def test_registry_that_is_a_folder(tmp_path: Path) -> None:
    result = run("--registry", str(tmp_path), "list", "--json")
    assert result.exit_code == 3
    assert result.json()["error"]["code"] == "registry-not-found"


# -- list ------------------------------------------------------------------------------


LIST_TABLE = """\
id      name            type        domain      status   start        end          members
──────────────────────────────────────────────────────────────────────────────────────────
alpha   Alpha Cluster   spearhead   Chemistry   active   2018-01-01   2027-12-31         3
beta    Beta Network    icn         Drones      active   2019-01-01   2021-12-31         1
"""


def test_list_table_exact(registry: Path) -> None:
    result = run("--registry", str(registry), "list", "--on", "2020-06-01")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == LIST_TABLE


def test_list_json_exact(registry: Path) -> None:
    result = run("--registry", str(registry), "list", "--on", "2022-06-01", "--json")
    assert result.exit_code == 0
    assert result.json() == [
        {
            "id": "alpha",
            "name": "Alpha Cluster",
            "type": "spearhead",
            "domain": "Chemistry",
            "status": "active",
            "start": "2018-01-01",
            "end": "2027-12-31",
            "members": 3,
        },
        {
            "id": "beta",
            "name": "Beta Network",
            "type": "icn",
            "domain": "Drones",
            "status": "ended",
            "start": "2019-01-01",
            "end": "2021-12-31",
            "members": 1,
        },
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--type", "spearhead"], ["alpha"]),
        (["--type", "icn"], ["beta"]),
        (["--status", "ended"], ["beta"]),
        (["--status", "active"], ["alpha"]),
        (["--status", "planned"], []),
        (["--domain", "drone"], ["beta"]),
        (["--domain", "CHEM"], ["alpha"]),
        (["--domain", "mist"], ["alpha"]),
        (["--domain", "nothing"], []),
        (["--type", "icn", "--status", "active"], []),
    ],
)
def test_list_filters(registry: Path, args: list[str], expected: list[str]) -> None:
    result = run("--registry", str(registry), "list", "--on", "2022-06-01", "--json", *args)
    assert result.exit_code == 0
    assert ids(result) == expected


def test_list_on_changes_the_status(registry: Path) -> None:
    early = run("--registry", str(registry), "list", "--json", "--on", "2017-06-01")
    assert [row["status"] for row in early.json()] == ["planned", "planned"]
    late = run("--registry", str(registry), "list", "--json", "--on", "2030-01-01")
    assert [row["status"] for row in late.json()] == ["ended", "ended"]
    first_day = run("--registry", str(registry), "list", "--json", "--on", "2019-01-01")
    assert [row["status"] for row in first_day.json()] == ["active", "active"]
    last_day = run("--registry", str(registry), "list", "--json", "--on", "2021-12-31")
    assert [row["status"] for row in last_day.json()] == ["active", "active"]
    after = run("--registry", str(registry), "list", "--json", "--on", "2022-01-01")
    assert [row["status"] for row in after.json()] == ["active", "ended"]


@pytest.mark.parametrize(
    "args",
    [
        ["--type", "cluster"],
        ["--status", "finished"],
        ["--on", "2024-02-30"],
        ["--on", "yesterday"],
        ["--bogus"],
    ],
)
def test_list_bad_options_are_usage_errors(registry: Path, args: list[str]) -> None:
    result = run("--registry", str(registry), "list", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_list_empty_registry(tmp_path: Path) -> None:
    path = write_registry(tmp_path, "#:schema ./clusters.schema.json\n\nschema_version = 1\n")
    result = run("--registry", str(path), "list", "--json")
    assert result.exit_code == 0
    assert result.json() == []
    table = run("--registry", str(path), "list")
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == LIST_KEYS


# -- status: planned / active / ended / unknown ------------------------------------------

STATUSES = """\
#:schema ./clusters.schema.json

schema_version = 1

[clusters.gap]
name = "Gap"
type = "spearhead"
domain = "Energy"
funding = [
    { start = 2018-01-01, end = 2018-12-31 },
    { start = 2020-01-01, end = 2020-12-31 },
]

[clusters.none]
name = "No funding"
type = "icn"
domain = "Food"

[clusters.stopped]
name = "Stopped"
type = "icn"
domain = "Space"
ended = 2020-06-30
funding = [
    { start = 2018-01-01, end = 2022-12-31 },
]

[clusters.touch]
name = "Touching"
type = "spearhead"
domain = "Water"
funding = [
    { start = 2018-01-01, end = 2018-12-31 },
    { start = 2019-01-01, end = 2019-12-31 },
]
"""


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (
            "2017-12-31",
            {"gap": "planned", "none": "unknown", "stopped": "planned", "touch": "planned"},
        ),
        (
            "2018-01-01",
            {"gap": "active", "none": "unknown", "stopped": "active", "touch": "active"},
        ),
        (
            "2018-12-31",
            {"gap": "active", "none": "unknown", "stopped": "active", "touch": "active"},
        ),
        (
            "2019-01-01",
            {"gap": "planned", "none": "unknown", "stopped": "active", "touch": "active"},
        ),
        (
            "2019-12-31",
            {"gap": "planned", "none": "unknown", "stopped": "active", "touch": "active"},
        ),
        ("2020-06-30", {"gap": "active", "none": "unknown", "stopped": "active", "touch": "ended"}),
        ("2020-07-01", {"gap": "active", "none": "unknown", "stopped": "ended", "touch": "ended"}),
        ("2021-01-01", {"gap": "ended", "none": "unknown", "stopped": "ended", "touch": "ended"}),
    ],
)
def test_status_on_a_date(tmp_path: Path, on: str, expected: dict[str, str]) -> None:
    path = write_registry(tmp_path, STATUSES)
    result = run("--registry", str(path), "list", "--json", "--on", on)
    assert result.exit_code == 0
    assert {row["id"]: row["status"] for row in result.json()} == expected


def test_status_filter_with_gap_and_unknown(tmp_path: Path) -> None:
    path = write_registry(tmp_path, STATUSES)
    on = ("--on", "2019-06-01")
    planned = run("--registry", str(path), "list", "--json", "--status", "planned", *on)
    assert ids(planned) == ["gap"]
    unknown = run("--registry", str(path), "list", "--json", "--status", "unknown", *on)
    assert ids(unknown) == ["none"]
    unknown_row = unknown.json()[0]
    assert unknown_row["start"] is None
    assert unknown_row["end"] is None
    assert unknown_row["members"] == 0


def test_list_span_covers_all_periods(tmp_path: Path) -> None:
    path = write_registry(tmp_path, STATUSES)
    result = run("--registry", str(path), "list", "--json", "--on", "2019-06-01")
    spans = {row["id"]: (row["start"], row["end"]) for row in result.json()}
    assert spans["gap"] == ("2018-01-01", "2020-12-31")
    assert spans["touch"] == ("2018-01-01", "2019-12-31")


@pytest.mark.parametrize(
    ("cluster", "on", "days_left"),
    [
        ("touch", "2018-06-01", 578),  # touching periods are one block: to 2019-12-31
        ("touch", "2019-12-31", 0),
        ("gap", "2018-12-31", 0),  # a gap ends the block
        ("gap", "2019-06-01", None),  # planned: no days left
        ("stopped", "2020-07-01", None),
        ("none", "2020-07-01", None),
    ],
)
def test_show_days_left_counts_to_the_end_of_the_block(
    tmp_path: Path, cluster: str, on: str, days_left: int | None
) -> None:
    path = write_registry(tmp_path, STATUSES)
    result = run("--registry", str(path), "show", cluster, "--json", "--on", on)
    assert result.exit_code == 0
    assert result.json()["days_left"] == days_left


# -- show --------------------------------------------------------------------------------


def test_show_json_exact(registry: Path) -> None:
    result = run("--registry", str(registry), "show", "alpha", "--json", "--on", "2020-06-01")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.json() == {
        "id": "alpha",
        "name": "Alpha Cluster",
        "type": "spearhead",
        "domain": "Chemistry",
        "website": None,
        "recognised": "2018-01-01",
        "reported_members": None,
        "members_complete": True,
        "sources": ["https://alpha.example"],
        "notes": None,
        "action_plan": None,
        "ended": None,
        "successor": None,
        "management_fte": None,
        "english_website": None,
        "eccp_profile": None,
        "status": "active",
        "start": "2018-01-01",
        "end": "2027-12-31",
        "days_left": 2769,
        "labels": [],
        "funding": [
            {
                "start": "2018-01-01",
                "end": "2027-12-31",
                "end_basis": "policy-max",
                "annual_support_eur": None,
                "total_support_eur": None,
                "support_rate": None,
                "reference": None,
            }
        ],
        "members": [
            {
                "partner": "acme",
                "name": "Acme NV",
                "kind": "company",
                "role": "founder",
                "since": None,
                "until": None,
            },
            {
                "partner": "gov",
                "name": "Flemish Government",
                "kind": "government",
                "role": "clusterpact",
                "since": "2018-06-01",
                "until": None,
            },
            {
                "partner": "uni",
                "name": "Example University",
                "kind": "knowledge",
                "role": "member",
                "since": "2018-02-01",
                "until": None,
            },
        ],
        "events": [],
    }


def test_show_member_role_defaults_to_member(registry: Path) -> None:
    result = run("--registry", str(registry), "show", "beta", "--json", "--on", "2020-06-01")
    assert result.exit_code == 0
    detail = result.json()
    assert detail["members"] == [
        {
            "partner": "acme",
            "name": "Acme NV",
            "kind": "company",
            "role": "member",
            "since": None,
            "until": None,
        }
    ]
    assert detail["action_plan"] == "https://beta.example/plan"
    assert detail["funding"][0]["annual_support_eur"] == 100000
    assert detail["funding"][0]["end_basis"] == "published"


def test_show_table_exact(registry: Path) -> None:
    result = run("--registry", str(registry), "show", "alpha", "--on", "2020-06-01")
    assert result.exit_code == 0
    assert result.stdout == (
        "field              value\n"
        "────────────────────────────────────────\n"
        "id                 alpha\n"
        "name               Alpha Cluster\n"
        "type               spearhead\n"
        "domain             Chemistry\n"
        "recognised         2018-01-01\n"
        "members_complete   yes\n"
        "sources            https://alpha.example\n"
        "status             active\n"
        "start              2018-01-01\n"
        "end                2027-12-31\n"
        "days_left          2769\n"
        "\n"
        "funding\n"
        "start        end          end basis    EUR / year   EUR total   rate   reference\n"
        "────────────────────────────────────────────────────────────────────────────────\n"
        "2018-01-01   2027-12-31   policy-max\n"
        "\n"
        "members (3)\n"
        "partner   name                 kind         role          since        until\n"
        "────────────────────────────────────────────────────────────────────────────\n"
        "acme      Acme NV              company      founder\n"
        "gov       Flemish Government   government   clusterpact   2018-06-01\n"
        "uni       Example University   knowledge    member        2018-02-01\n"
    )


def test_show_table_formats_numbers(tmp_path: Path) -> None:
    text = SMALL.replace(
        "annual_support_eur = 100000",
        'total_support_eur = 450000.0, support_rate = 0.5, reference = "B-1"',
    ).replace('action_plan = "https://beta.example/plan"', "reported_members = 12000")
    path = write_registry(tmp_path, text)
    result = run("--registry", str(path), "show", "beta", "--on", "2020-06-01")
    assert result.exit_code == 0
    assert "reported_members   12,000\n" in result.stdout
    assert "2019-01-01   2021-12-31   published                450,000     0.5    B-1\n" in (
        result.stdout
    )
    detail = run("--registry", str(path), "show", "beta", "--on", "2020-06-01", "--json").json()
    assert detail["funding"][0]["total_support_eur"] == 450000.0
    assert detail["reported_members"] == 12000


def test_show_member_of_a_missing_partner_has_null_name(tmp_path: Path) -> None:
    text = SMALL.replace('{ partner = "acme" },', '{ partner = "ghost" },')
    path = write_registry(tmp_path, text)
    result = run("--registry", str(path), "show", "beta", "--json", "--on", "2020-06-01")
    assert result.exit_code == 0
    assert result.json()["members"][0] == {
        "partner": "ghost",
        "name": None,
        "kind": None,
        "role": "member",
        "since": None,
        "until": None,
    }


def test_show_unknown_cluster_suggests_a_near_id(registry: Path) -> None:
    result = run("--registry", str(registry), "show", "alpah")
    assert result.exit_code == 4
    assert result.stdout == ""
    assert "alpah" in result.stderr
    assert "did you mean 'alpha'" in result.stderr
    as_json = run("--registry", str(registry), "show", "alpah", "--json")
    assert as_json.exit_code == 4
    error = as_json.json()["error"]
    assert error["code"] == "unknown-cluster"
    assert "did you mean 'alpha'" in error["message"]


def test_show_unknown_cluster_far_from_any_id(registry: Path) -> None:
    result = run("--registry", str(registry), "show", "zzzzzz")
    assert result.exit_code == 4
    assert "zzzzzz" in result.stderr
    assert "did you mean" not in result.stderr
    assert "clusters list" in result.stderr


def test_show_unknown_cluster_in_the_shipped_registry(tmp_path: Path) -> None:
    done = run_subprocess("show", "catalsti", cwd=tmp_path)
    assert done.returncode == 4
    assert "did you mean 'catalisti'" in done.stderr
    assert "Traceback" not in done.stderr


# -- partners ----------------------------------------------------------------------------


PARTNERS_TABLE = """\
id     name                 kind         size    network role       country   clusters
─────────────────────────────────────────────────────────────────────────────────────────
acme   Acme NV              company      large                      BE        alpha, beta
gov    Flemish Government   government                              BE        alpha
uni    Example University   knowledge            knowledge-centre   BE        alpha
"""


def test_partners_table_exact(registry: Path) -> None:
    result = run("--registry", str(registry), "partners")
    assert result.exit_code == 0
    assert result.stdout == PARTNERS_TABLE


def test_partners_json(registry: Path) -> None:
    result = run("--registry", str(registry), "partners", "--json")
    assert result.exit_code == 0
    rows = result.json()
    assert [row["id"] for row in rows] == ["acme", "gov", "uni"]
    assert rows[0] == {
        "id": "acme",
        "name": "Acme NV",
        "kind": "company",
        "size": "large",
        "enterprise_number": "0123.456.749",
        "postal_code": "2000",
        "country": "BE",
        "network_role": None,
        "website": None,
        "legal_name": None,
        "nace": None,
        "nace_version": None,
        "kbo_status": None,
        "kbo_checked": None,
        "clusters": ["alpha", "beta"],
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--kind", "company"], ["acme"]),
        (["--kind", "government"], ["gov"]),
        (["--kind", "other"], []),
        (["--network-role", "knowledge-centre"], ["uni"]),
        (["--network-role", "federation"], []),
        (["--kind", "knowledge", "--network-role", "knowledge-centre"], ["uni"]),
        (["--kind", "company", "--network-role", "knowledge-centre"], []),
    ],
)
def test_partners_filters(registry: Path, args: list[str], expected: list[str]) -> None:
    result = run("--registry", str(registry), "partners", "--json", *args)
    assert result.exit_code == 0
    assert ids(result) == expected


@pytest.mark.parametrize("args", [["--kind", "firm"], ["--network-role", "bank"]])
def test_partners_bad_filter_is_a_usage_error(registry: Path, args: list[str]) -> None:
    result = run("--registry", str(registry), "partners", *args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_partners_of_the_shipped_registry_by_network_role(tmp_path: Path) -> None:
    done = run_subprocess("partners", "--network-role", "federation", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows
    assert all(row["network_role"] == "federation" for row in rows)
    assert "essenscia" in {row["id"] for row in rows}


def test_partner_show_json(registry: Path) -> None:
    result = run("--registry", str(registry), "partner", "show", "acme", "--json")
    assert result.exit_code == 0
    assert result.json() == {
        "id": "acme",
        "name": "Acme NV",
        "kind": "company",
        "size": "large",
        "enterprise_number": "0123.456.749",
        "postal_code": "2000",
        "country": "BE",
        "network_role": None,
        "website": None,
        "legal_name": None,
        "nace": None,
        "nace_version": None,
        "kbo_status": None,
        "kbo_checked": None,
        "clusters": [
            {
                "cluster": "alpha",
                "name": "Alpha Cluster",
                "type": "spearhead",
                "role": "founder",
                "since": None,
                "until": None,
            },
            {
                "cluster": "beta",
                "name": "Beta Network",
                "type": "icn",
                "role": "member",
                "since": None,
                "until": None,
            },
        ],
        "events": [],
    }


def test_partner_show_table_exact(registry: Path) -> None:
    result = run("--registry", str(registry), "partner", "show", "gov")
    assert result.exit_code == 0
    assert result.stdout == (
        "field     value\n"
        "────────────────────────────\n"
        "id        gov\n"
        "name      Flemish Government\n"
        "kind      government\n"
        "country   BE\n"
        "\n"
        "clusters (1)\n"
        "cluster   name            type        role          since        until\n"
        "──────────────────────────────────────────────────────────────────────\n"
        "alpha     Alpha Cluster   spearhead   clusterpact   2018-06-01\n"
    )


def test_partner_show_of_a_partner_without_clusters(tmp_path: Path) -> None:
    text = SMALL + '\n[partners.loner]\nname = "Loner"\nkind = "other"\ncountry = "NL"\n'
    path = write_registry(tmp_path, text)
    result = run("--registry", str(path), "partner", "show", "loner", "--json")
    assert result.exit_code == 0
    assert result.json()["clusters"] == []
    assert result.json()["country"] == "NL"


def test_partner_show_unknown_partner(registry: Path) -> None:
    result = run("--registry", str(registry), "partner", "show", "acm")
    assert result.exit_code == 4
    assert "did you mean 'acme'" in result.stderr
    as_json = run("--registry", str(registry), "partner", "show", "acm", "--json")
    assert as_json.exit_code == 4
    assert as_json.json()["error"]["code"] == "unknown-partner"


def test_partner_show_of_the_shipped_registry(tmp_path: Path) -> None:
    done = run_subprocess("partner", "show", "flemish-government", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    detail = json.loads(done.stdout)
    clusters = {row["cluster"] for row in detail["clusters"]}
    assert {"catalisti", "blue-cluster"} <= clusters
    assert {row["role"] for row in detail["clusters"]} == {"clusterpact"}


# -- hostile data: markup, invisible characters, line breaks in notes ----------------------
# (Control and bidirectional characters are refused in names: test_hostile_text.)

HOSTILE = r"""
#:schema ./clusters.schema.json

schema_version = 1

[clusters.evil]
name = "[bold]X[/] [#42] [/x]"
type = "icn"
domain = "red \u200b zone \u2060 cba"
notes = "cr \r and zero\u200bwidth and tab\there"
sources = ["https://evil.example/[link=https://evil.example]click[/link]"]
funding = [
    { start = 2020-01-01, end = 2022-12-31, reference = "[red]ref[/red] \ufeff" },
]
members = [
    { partner = "bad" },
]

[partners.bad]
name = "[bold]X[/] [#42] [/x] \u200d\u2060"
kind = "company"
website = "https://x.example/[/]"
"""

RAW_CONTROLS = ("\r", "\u200b", "\u200d", "\u2060", "\ufeff", "\t")


def assert_clean(text: str) -> None:
    for char in RAW_CONTROLS:
        assert char not in text, f"raw {char!r} in output"


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--on", "2021-01-01"],
        ["show", "evil", "--on", "2021-01-01"],
        ["partners"],
        ["partner", "show", "bad"],
    ],
)
def test_markup_prints_literally_and_controls_are_escaped(tmp_path: Path, args: list[str]) -> None:
    path = write_registry(tmp_path, HOSTILE)
    result = run("--registry", str(path), *args)
    assert result.exit_code == 0
    assert HOSTILE_MARKUP in result.stdout
    assert_clean(result.stdout)
    if args[0] in ("list", "show"):
        assert "red \\u200b zone \\u2060 cba" in result.stdout
    if args[0] in ("partners", "partner"):
        assert "\\u200d\\u2060" in result.stdout


def test_show_table_escapes_every_field(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HOSTILE)
    result = run("--registry", str(path), "show", "evil", "--on", "2021-01-01")
    assert result.exit_code == 0
    assert "cr \\r and zero\\u200bwidth and tab\\there" in result.stdout
    assert "[link=https://evil.example]click[/link]" in result.stdout
    assert "[red]ref[/red] \\ufeff" in result.stdout
    assert_clean(result.stdout)


def test_partner_show_escapes_the_cluster_name_and_website(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HOSTILE)
    result = run("--registry", str(path), "partner", "show", "bad")
    assert result.exit_code == 0
    assert "https://x.example/[/]" in result.stdout
    table = result.stdout.split("clusters (1)")[1]
    assert f"evil      {HOSTILE_MARKUP}" in table


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--on", "2021-01-01"],
        ["show", "evil", "--on", "2021-01-01"],
        ["partners"],
        ["partner", "show", "bad"],
    ],
)
def test_json_never_holds_raw_controls(tmp_path: Path, args: list[str]) -> None:
    path = write_registry(tmp_path, HOSTILE)
    result = run("--registry", str(path), *args, "--json")
    assert result.exit_code == 0
    assert_clean(result.stdout)
    assert HOSTILE_MARKUP in json.dumps(result.json(), ensure_ascii=False)


def test_json_keeps_the_data_exact(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HOSTILE)
    detail = run("--registry", str(path), "show", "evil", "--json", "--on", "2021-01-01").json()
    assert detail["name"] == HOSTILE_MARKUP
    assert detail["domain"] == "red \u200b zone \u2060 cba"
    assert detail["notes"] == "cr \r and zero\u200bwidth and tab\there"
    assert detail["members"][0]["name"] == HOSTILE_MARKUP + " \u200d\u2060"


def test_error_message_with_hostile_id_is_escaped(registry: Path) -> None:
    result = run("--registry", str(registry), "show", "[bold]x\x1b[31m\u202e")
    assert result.exit_code == 2  # not an id: a usage error
    assert "[bold]x" in result.stderr
    assert_clean(result.stderr)
    as_json = run("--registry", str(registry), "show", "[bold]x\x1b[31m\u202e", "--json")
    assert as_json.exit_code == 2
    assert_clean(as_json.stdout)
    assert "[bold]x" in as_json.json()["error"]["message"]


def test_non_ascii_names_in_json_are_utf8(tmp_path: Path) -> None:
    text = SMALL.replace('"Acme NV"', '"Société Générale — Zürich ✓"')
    path = write_registry(tmp_path, text)
    done = run_subprocess("--registry", str(path), "partners", "--json")
    assert done.returncode == 0, done.stderr
    assert "Société Générale — Zürich ✓" in done.stdout
    assert json.loads(done.stdout)[0]["name"] == "Société Générale — Zürich ✓"


# -- piped tables: no colour, nothing cut ------------------------------------------------

_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(text: str) -> list[str]:
    """SGR sequences that set a colour (not bold, dim or reset)."""
    found = []
    for match in _SGR.finditer(text):
        for param in match.group(1).split(";"):
            if param.isdigit() and (30 <= int(param) <= 49 or 90 <= int(param) <= 107):
                found.append(match.group())
                break
    return found


@pytest.mark.slow
def test_piped_output_has_no_escape_codes(registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    for args in (["list", "--on", "2020-06-01"], ["show", "alpha", "--on", "2020-06-01"]):
        done = run_subprocess("--registry", str(registry), *args, env={"NO_COLOR": ""})
        assert done.returncode == 0, done.stderr
        assert "alpha" in done.stdout
        assert "\x1b" not in done.stdout


def test_in_process_output_without_no_color_has_no_escape_codes(registry: Path) -> None:
    result = run("--registry", str(registry), "list", "--on", "2020-06-01", env={"NO_COLOR": ""})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout


def test_forced_terminal_gets_colour_unless_no_color(tmp_path: Path) -> None:
    """FORCE_COLOR makes rich treat the output as a terminal: NO_COLOR still wins."""
    path = write_registry(tmp_path, HOSTILE)
    args = ("--registry", str(path), "list", "--on", "2021-01-01")
    coloured = run(*args, env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert coloured.exit_code == 0
    assert colour_codes(coloured.stdout)
    plain = run(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert plain.exit_code == 0
    assert colour_codes(plain.stdout) == []
    for result in (coloured, plain):
        assert "\\u200b" in result.stdout
        assert "\u200b" not in result.stdout
        assert "\u2060" not in result.stdout


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with stdout on a pseudo-terminal; return what the terminal received."""
    import pty

    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CLUSTERS_REGISTRY", "FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR")
    }
    environment.update({"PYTHONIOENCODING": "utf-8", "COLUMNS": "200", "TERM": "xterm"})
    environment.update(env)
    master, slave = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "flanders_clusters", *args],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.PIPE,
            env=environment,
        )
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        assert b"Traceback" not in stderr
    finally:
        os.close(master)
        if slave != -1:
            os.close(slave)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals need POSIX pty")
def test_terminal_output_is_coloured_unless_no_color(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HOSTILE)
    args = ["--registry", str(path), "list", "--on", "2021-01-01"]
    coloured = _run_on_a_terminal(args, {})
    assert colour_codes(coloured), "a terminal gets colour (the status column)"
    plain = _run_on_a_terminal(args, {"NO_COLOR": "1"})
    assert colour_codes(plain) == []
    for text in (coloured, plain):
        assert HOSTILE_MARKUP in text
        assert "\\u200b" in text
        assert "\u200b" not in text
        assert "\u2060" not in text


LONG_NAME = "Very Long Cluster Name " + "x" * 277


def test_piped_table_does_not_cut_a_300_character_name(tmp_path: Path) -> None:
    assert len(LONG_NAME) == 300
    text = SMALL.replace('"Alpha Cluster"', f'"{LONG_NAME}"').replace(
        '"Chemistry"', '"' + ("Chemistry and more " * 10).strip() + '"'
    )
    path = write_registry(tmp_path, text)
    result = run("--registry", str(path), "list", "--on", "2020-06-01", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("alpha"))
    assert LONG_NAME in line
    assert ("Chemistry and more " * 10).strip() in line
    assert line.endswith(" 3")
    done = run_subprocess(
        "--registry", str(path), "list", "--on", "2020-06-01", env={"COLUMNS": "80"}
    )
    assert done.returncode == 0, done.stderr
    assert LONG_NAME in done.stdout


def test_piped_show_does_not_cut_long_notes(tmp_path: Path) -> None:
    notes = "Notes " + " ".join(f"word{i}" for i in range(120))
    text = SMALL.replace(
        "recognised = 2018-01-01\n", f'recognised = 2018-01-01\nnotes = "{notes}"\n'
    )
    path = write_registry(tmp_path, text)
    result = run(
        "--registry", str(path), "show", "alpha", "--on", "2020-06-01", env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0
    assert notes in result.stdout


def test_repository_and_package_copies_are_the_same_file() -> None:
    package = REPO / "src" / "flanders_clusters" / "data" / "clusters.toml"
    result = run("--registry", str(package), "list", "--json", "--on", "2024-01-01")
    repo = run(
        "--registry", str(REPO / "data" / "clusters.toml"), "list", "--json", "--on", "2024-01-01"
    )
    assert result.exit_code == repo.exit_code == 0
    assert result.stdout == repo.stdout
    assert package.read_bytes() == (REPO / "data" / "clusters.toml").read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals need POSIX pty")
def test_a_table_too_wide_for_the_terminal_is_shown_one_record_per_block(tmp_path: Path) -> None:
    args = ["list", "--type", "spearhead", "--on", "2026-11-27"]
    narrow = _run_on_a_terminal(args, {"NO_COLOR": "1", "COLUMNS": "80"}).replace("\r", "")
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip() for line in narrow.splitlines()]
    assert max(len(line) for line in lines) <= 80
    assert "name     De Blauwe Cluster" in lines
    assert "domain   Sustainable chemistry and plastics" in lines
    assert sum(line.startswith("id ") for line in lines) == 7
    wide = _run_on_a_terminal(args, {"NO_COLOR": "1", "COLUMNS": "200"}).replace("\r", "")
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in wide.splitlines()]
    assert any(line.startswith("id") and line.rstrip().endswith("members") for line in plain)


# -- ended: the last day active, then ended -----------------------------------------------


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
    [found] = [f for f in findings_of(result, "FC111") if f["cluster"] == "alpha"]
    assert found["severity"] == "info"
    assert "2018-06-30 (ended)" in found["message"] and "in 29 days" in found["message"]
    assert found["path"] == "clusters.alpha.ended"


def test_after_ended_the_cluster_has_ended(stopped):
    shown = cli(stopped, "show", "alpha", "--on", "2018-07-01", "--json").json()
    assert (shown["status"], shown["days_left"]) == ("ended", None)
    result = cli(stopped, "validate", "--on", "2018-07-01", "--json")
    assert [f for f in findings_of(result, "FC111") if f["cluster"] == "alpha"] == []


# -- notes on several lines, --on ---------------------------------------------------------


def test_multi_line_notes_show_as_lines(registry):
    done = cli(registry, "update-cluster", "alpha", "--notes", "First line.\nSecond line.")
    assert done.exit_code == 0, done.stderr
    out = cli(registry, "show", "alpha").stdout
    assert "\\n" not in out
    lines = out.splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith("notes "))
    assert lines[first].endswith("First line.")
    assert lines[first + 1].strip() == "Second line."


@pytest.mark.parametrize("day", ["20261127", "2026-W48-5", "2026-11-27T00:00", "2026-11-7"])
def test_on_takes_yyyy_mm_dd_only(registry, day):
    result = cli(registry, "list", "--on", day)
    assert result.exit_code == 2
    assert f"'{day}' is not a date; write YYYY-MM-DD" in result.stderr


# -- an error's message and fix -----------------------------------------------------------


def test_errors_carry_their_fix_apart_from_the_message(registry: Path) -> None:
    error = cli(registry, "show", "alpah", "--json").json()["error"]
    assert error == {
        "code": "unknown-cluster",
        "message": "no cluster 'alpah' (did you mean 'alpha'?)",
        "fix": "see `clusters list` for the ids",
    }
    text = cli(registry, "show", "alpah")
    assert text.stderr == (
        "error: no cluster 'alpah' (did you mean 'alpha'?); fix: see `clusters list` for the ids\n"
    )
