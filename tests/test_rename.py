"""rename-cluster, rename-partner, rename-event: the record and every reference, one edit.

The references are the fields declared to hold an id (a membership's and a
participation's partner, an event's organiser and clusters, a cluster's successor);
``diff`` reports the edit as one rename.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIPPED_DATA, SMALL, digest, run, write_registry

ON = "2026-06-01"


def shipped(tmp_path: Path) -> Path:
    path = tmp_path / "clusters.toml"
    shutil.copyfile(SHIPPED_DATA, path)
    return path


def values(node: Any) -> list[Any]:
    """Every key and every value of a parsed registry, however deep."""
    if isinstance(node, dict):
        return [*node.keys(), *(v for value in node.values() for v in values(value))]
    if isinstance(node, list):
        return [v for value in node for v in values(value)]
    return [node]


def findings(registry: Path) -> list[dict]:
    result = run("--registry", str(registry), "validate", "--on", ON, "--json")
    assert result.exit_code == 0, result.stdout
    return result.json()["findings"]


def renamed(found: list[dict], old: str, new: str) -> list[dict]:
    text = json.dumps(found).replace(f'"{old}"', f'"{new}"')
    return json.loads(text)


def test_rename_partner_vito_on_the_shipped_registry(tmp_path: Path) -> None:
    registry = shipped(tmp_path)
    before = tmp_path / "before.toml"
    shutil.copyfile(registry, before)
    found_before = findings(registry)
    assert "vito" in values(tomllib.loads(registry.read_text("utf-8")))

    result = run("--registry", str(registry), "rename-partner", "vito", "vito-nv", "--json")

    assert result.exit_code == 0, result.stdout
    body = result.json()
    assert body == {
        "old": "vito",
        "new": "vito-nv",
        "changed": True,
        "references": [
            "clusters.catalisti.members[8].partner",
            "clusters.euka.members[4].partner",
            "clusters.vil.members[12].partner",
        ],
    }
    data = tomllib.loads(registry.read_text("utf-8"))
    assert "vito" not in values(data)  # no key, no id, no reference
    assert "vito-nv" in data["partners"]
    assert findings(registry) == renamed(found_before, "vito", "vito-nv")
    assert run("--registry", str(registry), "fmt", "--check").exit_code == 0

    shown = run("--registry", str(registry), "show", "vil", "--json").json()
    assert "vito-nv" in [m["partner"] for m in shown["members"]]
    partner = run("--registry", str(registry), "partner", "show", "vito-nv", "--json")
    assert partner.exit_code == 0
    assert sorted(c["cluster"] for c in partner.json()["clusters"]) == [
        "catalisti",
        "euka",
        "vil",
    ]

    diff = run("diff", str(before), str(registry), "--on", ON, "--json").json()
    assert diff["changes"] == [
        {
            "record": "partner",
            "id": "vito-nv",
            "op": "renamed",
            "fields": {"id": {"old": "vito", "new": "vito-nv"}},
        }
    ]
    assert diff["findings"] == {"added": [], "removed": []}
    table = run("diff", str(before), str(registry), "--on", ON)
    assert "records: 1 renamed; findings: 0 added, 0 removed" in table.stdout


def test_a_renamed_organiser_and_participant_shows_in_events(tmp_path: Path) -> None:
    registry = shipped(tmp_path)
    data = tomllib.loads(registry.read_text("utf-8"))
    organised = sorted(
        e for e, event in data["events"].items() if event.get("organiser") == "vlaio"
    )
    assert organised  # the shipped events VLAIO organised

    result = run("--registry", str(registry), "rename-partner", "vlaio", "vlaio-agency")

    assert result.exit_code == 0
    assert result.stderr.startswith("renamed partner vlaio to vlaio-agency (")
    after = tomllib.loads(registry.read_text("utf-8"))
    assert "vlaio" not in values(after)
    for event_id in organised:
        event = run("--registry", str(registry), "event", "show", event_id, "--json").json()
        assert event["organiser"] == "vlaio-agency"
    partner_events = run(
        "--registry", str(registry), "partner", "show", "vlaio-agency", "--json"
    ).json()["events"]
    assert set(organised) <= {e["event"] for e in partner_events}


def test_rename_cluster_follows_event_clusters_and_a_successor_id(tmp_path: Path) -> None:
    text = (
        SMALL
        + """
[clusters.beta2]
name = "Beta Two"
type = "icn"
domain = "Drones"
ended = 2020-01-01
successor = "alpha"

[events.meetup]
title = "Meetup"
kind = "networking"
start = 2024-05-01
clusters = ["alpha", "beta"]
participants = [{ partner = "acme" }]
"""
    )
    registry = write_registry(tmp_path, text)
    run("--registry", str(registry), "fmt")
    before = tmp_path / "before.toml"
    shutil.copyfile(registry, before)

    result = run("--registry", str(registry), "rename-cluster", "alpha", "zeta", "--json")

    assert result.exit_code == 0, result.stdout
    assert result.json()["references"] == [
        "clusters.beta2.successor",
        "events.meetup.clusters",
    ]
    data = tomllib.loads(registry.read_text("utf-8"))
    assert data["events"]["meetup"]["clusters"] == ["beta", "zeta"]
    assert data["clusters"]["beta2"]["successor"] == "zeta"
    assert "alpha" not in data["clusters"]
    listed = run("--registry", str(registry), "events", "--cluster", "zeta", "--json").json()
    assert [e["id"] for e in listed] == ["meetup"]
    diff = run("diff", str(before), str(registry), "--on", ON, "--json").json()
    assert [(c["record"], c["id"], c["op"]) for c in diff["changes"]] == [
        ("cluster", "zeta", "renamed")
    ]


def test_rename_event(tmp_path: Path) -> None:
    registry = shipped(tmp_path)
    before = tmp_path / "before.toml"
    shutil.copyfile(registry, before)

    result = run(
        "--registry", str(registry), "rename-event", "innovfest-2024", "innovfest-2024-mechelen"
    )

    assert result.exit_code == 0
    assert (
        result.stderr
        == "renamed event innovfest-2024 to innovfest-2024-mechelen (0 references followed)\n"
    )
    shown = run("--registry", str(registry), "events", "--json").json()
    ids = [e["id"] for e in shown]
    assert "innovfest-2024-mechelen" in ids and "innovfest-2024" not in ids
    diff = run("diff", str(before), str(registry), "--on", ON, "--json").json()
    assert [(c["record"], c["id"], c["op"]) for c in diff["changes"]] == [
        ("event", "innovfest-2024-mechelen", "renamed")
    ]


def test_new_id_taken_is_refused_and_the_file_is_untouched(registry: Path) -> None:
    kept = digest(registry)

    result = run("--registry", str(registry), "rename-partner", "acme", "gov", "--json")

    assert result.exit_code == 4
    error = result.json()["error"]
    assert error["code"] == "already-exists"
    assert error["message"] == "partner 'gov' already exists; 'acme' was not renamed"
    assert digest(registry) == kept


def test_unknown_old_id_is_refused_with_its_code(registry: Path) -> None:
    kept = digest(registry)
    result = run("--registry", str(registry), "rename-cluster", "alfa", "omega", "--json")
    assert result.exit_code == 4
    assert result.json()["error"]["code"] == "unknown-cluster"
    assert "did you mean 'alpha'" in result.json()["error"]["message"]
    assert digest(registry) == kept


def test_an_invalid_new_id_is_a_usage_error(registry: Path) -> None:
    kept = digest(registry)
    result = run("--registry", str(registry), "rename-partner", "acme", "Acme NV")
    assert result.exit_code == 2
    assert "NEW" in result.stderr
    assert digest(registry) == kept


def test_dry_run_prints_the_diff_and_writes_nothing(registry: Path) -> None:
    kept = digest(registry)

    result = run("--registry", str(registry), "rename-partner", "acme", "acme-group", "--dry-run")

    assert result.exit_code == 0
    assert '-    { partner = "acme", role = "founder" },' in result.stdout
    assert '+    { partner = "acme-group", role = "founder" },' in result.stdout
    assert "+[partners.acme-group]" in result.stdout
    assert result.stderr.startswith("dry run, nothing written: renamed partner acme to acme-group")
    assert digest(registry) == kept


def test_same_id_changes_nothing(registry: Path) -> None:
    kept = digest(registry)
    result = run("--registry", str(registry), "rename-partner", "acme", "acme", "--json")
    assert result.exit_code == 0
    assert result.json() == {"old": "acme", "new": "acme", "changed": False, "references": []}
    assert digest(registry) == kept


def test_findings_of_the_old_id_are_not_new_after_the_rename(tmp_path: Path) -> None:
    """A registry with an error (a spearhead without a company member, FC105 an error
    here) may still be renamed: the error is the one it had, under the new id."""
    text = SMALL.replace('kind = "company"\nsize = "large"', 'kind = "other"')
    registry = write_registry(tmp_path, text)
    before = findings_any(registry)
    assert any(f["severity"] == "error" for f in before)

    result = run("--registry", str(registry), "rename-cluster", "alpha", "omega", "--on", ON)

    assert result.exit_code == 0, result.stderr
    after = findings_any(registry)
    assert after == renamed(before, "alpha", "omega")
    assert [f["path"] for f in after if f["code"] == "FC105"] == [["clusters", "omega", "members"]]


def findings_any(registry: Path) -> list[dict]:
    """The findings, without the lines (the renamed record moves to its sorted place) and
    with paths as ids (``clusters.alpha.members`` → ``alpha`` ``members``)."""
    result = run("--registry", str(registry), "validate", "--on", ON, "--json")
    found = result.json()["findings"]
    return [{**f, "line": None, "path": f["path"].split(".")} for f in found]


WRITERS = 16


@pytest.mark.slow
def test_sixteen_rename_processes_at_once_lose_no_rename(tmp_path: Path) -> None:
    members = "".join(f'    {{ partner = "p{i:02d}" }},\n' for i in range(WRITERS))
    partners = "".join(
        f'\n[partners.p{i:02d}]\nname = "Partner {i}"\nkind = "company"\n' for i in range(WRITERS)
    )
    text = SMALL.replace(
        'members = [\n    { partner = "acme" },\n]',
        'members = [\n    { partner = "acme" },\n' + members + "]",
    )
    registry = write_registry(tmp_path, text + partners)
    assert run("--registry", str(registry), "fmt").exit_code == 0
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flanders_clusters",
                "--registry",
                str(registry),
                "--lock-timeout",
                "60",
                "rename-partner",
                f"p{i:02d}",
                f"q{i:02d}",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(WRITERS)
    ]
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()
        assert json.loads(stdout)["changed"] is True
    data = tomllib.loads(registry.read_text("utf-8"))
    wanted = {f"q{i:02d}" for i in range(WRITERS)}
    assert wanted <= set(data["partners"])
    assert not any(p.startswith("p") for p in data["partners"])
    assert wanted <= {m["partner"] for m in data["clusters"]["beta"]["members"]}
    assert run("--registry", str(registry), "fmt", "--check").exit_code == 0


def _one_rename_each(table: str, ids: list[str]) -> None:
    from flanders_clusters.changes import rename_edits
    from flanders_clusters.registry import store
    from flanders_clusters.views import comparison

    noun = rename_edits.NOUNS[table]
    source = store.Source(SHIPPED_DATA, shipped=True, how="shipped")
    for old in ids:
        before = store.read(source).data
        after = store.read(source).data
        rename_edits.rename(after, table, old, f"{old}-renamed")  # type: ignore[arg-type]
        found = comparison.changes(before, after)
        assert found == [
            {
                "record": noun,
                "id": f"{old}-renamed",
                "op": "renamed",
                "fields": {"id": {"old": old, "new": f"{old}-renamed"}},
            }
        ], old


def test_diff_reports_a_rename_of_some_shipped_records_as_one_rename() -> None:
    _one_rename_each("clusters", ["vil"])
    _one_rename_each("partners", ["vito"])
    _one_rename_each("events", ["innovfest-2022"])


@pytest.mark.slow
@pytest.mark.parametrize("table", ["clusters", "partners", "events"])
def test_diff_reports_the_rename_of_any_shipped_record_as_one_rename(table: str) -> None:
    data = tomllib.loads(SHIPPED_DATA.read_text("utf-8"))
    _one_rename_each(table, sorted(data[table]))
