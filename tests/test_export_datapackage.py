"""`clusters export --format datapackage --output DIR`: a Frictionless data package that
Frictionless itself finds valid, whose Table Schemas come from the field declarations, and
that it finds invalid, naming the row, once a row breaks a foreign key."""

from __future__ import annotations

import csv
import json
import os
import tomllib
from pathlib import Path

import pytest
from conftest import EXPORT_TABLES, SHIPPED_DATA, digest, write_registry
from open_data_support import FORMULA, ON, export, generate, validate, write_hostile

from flanders_clusters.registry import records
from flanders_clusters.registry.fields import defaults, fields, is_record

TABLES = EXPORT_TABLES


def package(registry: Path, folder: Path) -> dict:
    result = export(registry, "datapackage", folder)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"wrote {folder / 'datapackage.json'} and a CSV per table: ")
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def errors(report) -> list[list]:
    return report.flatten(["rowNumber", "type", "message"])


def table(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_the_shipped_registry_is_a_valid_package(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    descriptor = package(SHIPPED_DATA, folder)
    report = validate(folder / "datapackage.json")
    assert report.valid, errors(report)
    assert sorted(os.listdir(folder)) == sorted(["datapackage.json", *(f"{t}.csv" for t in TABLES)])
    assert descriptor["name"] == "flanders-clusters"
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "title": "Creative Commons Attribution 4.0 International",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]
    assert descriptor["created"] == f"{ON}T00:00:00Z"
    assert [r["name"] for r in descriptor["resources"]] == TABLES
    # the sources are the attribution: every page the registry cites, once
    shipped = tomllib.loads(SHIPPED_DATA.read_text(encoding="utf-8"))
    cited = {
        url
        for kind in ("clusters", "events")
        for record in shipped[kind].values()
        for url in record.get("sources", [])
    }
    assert {s["path"] for s in descriptor["sources"]} == cited
    assert len(descriptor["sources"]) == len(cited)
    # every membership of the registry is a row
    rows = table(folder, "memberships")
    members = sum(len(c.get("members", [])) for c in shipped["clusters"].values())
    assert len(rows) == members > 50


def test_the_schemas_come_from_the_field_declarations(tmp_path: Path) -> None:
    """Each column of a record's table is its declared field: its description, its type,
    its choices, its bounds, required when declared so or filled with its default."""
    descriptor = package(write_registry(tmp_path), tmp_path / "data")
    resources = {r["name"]: r for r in descriptor["resources"]}
    kinds = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array"}
    for name, record, lead in (
        ("clusters", records.Cluster, ["id"]),
        ("partners", records.Partner, ["id"]),
        ("memberships", records.Member, ["cluster"]),
        ("funding", records.Funding, ["cluster"]),
        ("labels", records.Label, ["cluster"]),
        ("events", records.Event, ["id"]),
        ("participants", records.Participant, ["event"]),
    ):
        schema = resources[name]["schema"]
        assert resources[name]["description"] == " ".join(record.__doc__.split())
        declared = [
            f
            for f in fields(record)
            if not (f.is_list and is_record(f.item)) and (name, f.key) != ("events", "clusters")
        ]
        assert [c["name"] for c in schema["fields"]] == lead + [f.key for f in declared]
        for f, column in zip(declared, schema["fields"][len(lead) :], strict=True):
            assert column["description"] == f.meta.help
            assert column["type"] == ("date" if f.kind == "date" else kinds[f.base])
            constraints = column.get("constraints", {})
            assert constraints.get("enum") == (list(f.choices) if f.choices else None)
            required = f.required or f.key in defaults(record)
            assert constraints.get("required", False) is required, (name, f.key)
            if f.value is not None and f.value.ge is not None and f.base in (int, float):
                assert constraints["minimum"] == f.value.ge
    memberships = resources["memberships"]["schema"]
    assert memberships["primaryKey"] == ["cluster", "partner"]
    assert memberships["foreignKeys"] == [
        {"fields": ["cluster"], "reference": {"resource": "clusters", "fields": ["id"]}},
        {"fields": ["partner"], "reference": {"resource": "partners", "fields": ["id"]}},
    ]
    assert resources["labels"]["schema"]["primaryKey"] == ["cluster", "scheme", "awarded"]
    assert resources["event_clusters"]["schema"]["foreignKeys"][1]["reference"] == {
        "resource": "clusters",
        "fields": ["id"],
    }
    severity = resources["findings"]["schema"]["fields"][3]
    assert severity["name"] == "severity"
    assert severity["constraints"]["enum"] == ["error", "warning", "info"]


def test_cells_are_the_data_as_it_is(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    folder = tmp_path / "data"
    package(registry, folder)
    raw = (folder / "memberships.csv").read_bytes()
    assert raw.startswith(b"cluster,partner,role,since,until\r\n")
    assert b"alpha,gov,clusterpact,2018-06-01,\r\n" in raw
    assert b"beta,acme,member,,\r\n" in raw  # the default role filled in
    clusters = {row["id"]: row for row in table(folder, "clusters")}
    assert clusters["alpha"]["sources"] == '["https://alpha.example"]'
    assert clusters["alpha"]["members_complete"] == "true"
    assert clusters["beta"]["recognised"] == ""


def test_a_hostile_registry_is_a_valid_package_and_its_text_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    package(write_hostile(tmp_path), folder)
    report = validate(folder / "datapackage.json")
    assert report.valid, errors(report)
    partners = {row["id"]: row for row in table(folder, "partners")}
    assert partners["formula"]["name"] == FORMULA  # no leading ' in a data package
    assert partners["index"]["name"] == '" onload="window.pwned=3;alert(3)'
    clusters = {row["id"]: row for row in table(folder, "clusters")}
    assert "\n" in clusters["index"]["notes"]  # a line break kept, inside quotes


@pytest.mark.slow
def test_a_generated_registry_of_10000_memberships_is_a_valid_package(tmp_path: Path) -> None:
    registry = tmp_path / "big.toml"
    text = generate(10_000)
    registry.write_text(text, encoding="utf-8")
    folder = tmp_path / "data"
    package(registry, folder)
    report = validate(folder / "datapackage.json")
    assert report.valid, errors(report)
    members = sum(len(c["members"]) for c in tomllib.loads(text)["clusters"].values())
    assert len(table(folder, "memberships")) == members > 9_000  # "about" 10,000


def test_a_planted_broken_foreign_key_is_invalid_and_the_row_named(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    package(write_registry(tmp_path), folder)
    assert validate(folder / "datapackage.json").valid
    rows = len(table(folder, "memberships"))
    with open(folder / "memberships.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write("alpha,nobody,member,,\r\n")  # a member row naming an unknown partner
    report = validate(folder / "datapackage.json")
    assert not report.valid
    [(row, kind, message)] = errors(report)
    assert kind == "foreign-key"
    assert row == rows + 2  # the header is row 1
    assert f'Row at position "{row}"' in message and '"nobody"' in message


def test_a_registry_whose_keys_break_is_refused_and_nothing_written(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    text = registry.read_text().replace('{ partner = "acme" }', '{ partner = "nobody" }')
    registry.write_text(text)
    folder = tmp_path / "data"
    result = export(registry, "datapackage", folder)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {registry}: not exported, 1 error would break the ")
    assert "data package's keys: FC002" in result.stderr
    assert not folder.exists()


@pytest.fixture(params=[True, False], ids=["by-descriptor", "by-path"])
def lookup(request, monkeypatch) -> None:
    """Each folder test twice: names looked up in the folder's descriptor, and by their
    paths (as on Windows, whose system has no such lookups)."""
    from flanders_clusters.formats import data_package

    if not request.param or data_package.BY_DESCRIPTOR:
        monkeypatch.setattr(data_package, "BY_DESCRIPTOR", request.param)
    else:
        pytest.skip("this system cannot look names up in a folder's descriptor")


@pytest.mark.usefixtures("lookup")
def test_an_earlier_package_is_replaced_and_other_files_kept(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    folder = tmp_path / "data"
    package(registry, folder)
    (folder / "README.txt").write_text("mine\n")
    (folder / "memberships.csv").write_text("stale\n")
    package(registry, folder)
    assert (folder / "README.txt").read_text() == "mine\n"
    assert (folder / "memberships.csv").read_bytes().startswith(b"cluster,partner,")
    assert not [name for name in os.listdir(folder) if name.endswith(".tmp")]


@pytest.mark.usefixtures("lookup")
def test_a_folder_of_other_files_a_file_or_a_link_is_refused(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine\n")
    a_file = tmp_path / "file"
    a_file.write_text("mine\n")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    for target in (other, a_file, link):
        before = digest(a_file)
        result = export(registry, "datapackage", target)
        assert result.exit_code == 4, (target, result.stderr)
        assert result.stderr.startswith(f"error: {target}: ")
        assert digest(a_file) == before
    assert os.listdir(other) == ["notes.txt"]
    assert os.listdir(tmp_path / "elsewhere") == []


@pytest.mark.usefixtures("lookup")
def test_a_link_inside_an_earlier_package_is_not_followed(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    folder = tmp_path / "data"
    package(registry, folder)
    secret = tmp_path / "secret.txt"
    secret.write_text("keep\n")
    (folder / "partners.csv").unlink()
    (folder / "partners.csv").symlink_to(secret)
    result = export(registry, "datapackage", folder)
    assert result.exit_code == 4
    assert "partners.csv: is not a regular file" in result.stderr
    assert secret.read_text() == "keep\n"
    assert (folder / "partners.csv").is_symlink()
