"""`--output FILE`: the commands that print data write it to FILE instead of stdout,
atomically, the same bytes stdout gets (not being a terminal), in every format.

The commands: list, show, partners, partner show, events, event show, validate, rules,
timeline, network, stats, diff and schema. Not the edits (their JSON is a result) nor
export (its own --output).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SHIPPED_DATA, SMALL, digest, run, write_registry

from flanders_clusters.cli.app import app

ON = ("--on", "2025-06-01")
OLD = SMALL
NEW = SMALL.replace('name = "Beta Network"', 'name = "Beta Two"')

CASES = [
    ("timeline", "--format", "mermaid", *ON),
    ("timeline", "--format", "json", *ON),
    ("timeline", "--svg", "-", *ON),
    ("timeline", *ON),  # the chart as text, as a pipe gets it
    ("network", "--format", "dot"),
    ("network", "--format", "json"),
    ("events", "--format", "ics"),
    ("events", "--json"),
    ("validate", "--format", "github", *ON),
    ("validate", "--format", "json", *ON),
    ("validate", *ON),
    ("schema",),
    ("list", "--json", *ON),
    ("list", *ON),
    ("partners", "--json"),
    ("stats", "--json", *ON),
    ("show", "vil", "--json", *ON),
    ("partner", "show", "vito", "--json"),
    ("event", "show", "innovfest-2024", "--json"),
    ("rules", "--json"),
    ("rules", "FC105"),
]


def stdout_bytes(*args: str) -> tuple[int, bytes]:
    """The exit code and the bytes on stdout, as written (an iCalendar file's CRLF kept)."""
    env = {"CLUSTERS_REGISTRY": "", "NO_COLOR": "1", "COLUMNS": "200"}
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_output_writes_the_bytes_stdout_gets(tmp_path: Path, args: tuple[str, ...]) -> None:
    target = tmp_path / "out"
    code, printed = stdout_bytes("--registry", str(SHIPPED_DATA), *args)

    written = stdout_bytes("--registry", str(SHIPPED_DATA), *args, "--output", str(target))

    assert written == (code, b"")
    assert code == 0
    assert printed
    assert target.read_bytes() == printed


@pytest.mark.parametrize("fmt", ["markdown", "json", "table"])
def test_diff_output_in_every_format(tmp_path: Path, fmt: str) -> None:
    old = write_registry(tmp_path, OLD, "old.toml")
    new = write_registry(tmp_path, NEW, "new.toml")
    target = tmp_path / f"diff.{fmt}"
    args = ("diff", str(old), str(new), "--format", fmt, *ON)

    printed = run(*args)
    written = run(*args, "--output", str(target))

    assert written.exit_code == printed.exit_code == 0
    assert "Beta Two" in printed.stdout
    assert target.read_bytes() == printed.stdout.encode("utf-8")


def test_diff_exit_code_is_kept_and_the_file_written(tmp_path: Path) -> None:
    old = write_registry(tmp_path, OLD, "old.toml")
    new = write_registry(tmp_path, NEW, "new.toml")
    target = tmp_path / "changes.md"
    result = run(
        "diff", str(old), str(new), "--format", "markdown", "--exit-code", *ON,
        "--output", str(target),
    )  # fmt: skip
    assert result.exit_code == 1
    assert "| cluster | beta | changed | name |" in target.read_text("utf-8")


def test_validate_with_errors_writes_the_file_and_exits_1(tmp_path: Path) -> None:
    registry = write_registry(
        tmp_path, SMALL.replace('kind = "company"\nsize = "large"', 'kind = "other"')
    )
    target = tmp_path / "findings.json"
    printed = run("--registry", str(registry), "validate", "--format", "json", *ON)

    written = run(
        "--registry", str(registry), "validate", "--format", "json", *ON, "--output", str(target)
    )

    assert printed.exit_code == written.exit_code == 1
    assert target.read_bytes() == printed.stdout.encode("utf-8")


def test_an_existing_file_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    target.write_bytes(b"old content, longer than nothing\n" * 1000)
    os.chmod(target, 0o640)
    assert run("schema", "--output", str(target)).exit_code == 0
    assert target.read_bytes() == run("schema").stdout.encode("utf-8")
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_failed_command_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "show.json"
    target.write_bytes(b"before\n")

    result = run("--registry", str(SHIPPED_DATA), "show", "vill", "--json", "--output", str(target))

    assert result.exit_code == 4
    assert result.json()["error"]["code"] == "unknown-cluster"  # on stdout, not in the file
    assert target.read_bytes() == b"before\n"


def test_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("schema", "--output", str(tmp_path))
    assert result.exit_code == 2
    assert f"Invalid value for '--output': File '{tmp_path}' is a directory." in result.stderr


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_a_link_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_bytes(b"keep\n")
    link = tmp_path / "link.json"
    link.symlink_to(elsewhere)
    result = run("schema", "--output", str(link))
    assert result.exit_code == 4
    assert "not a regular file" in result.stderr
    assert elsewhere.read_bytes() == b"keep\n"
    assert link.is_symlink()


def test_edits_and_export_do_not_take_this_output(registry: Path) -> None:
    kept = digest(registry)
    edit = run("--registry", str(registry), "update-cluster", "alpha", "--domain", "X",
               "--output", "x.json")  # fmt: skip
    assert edit.exit_code == 2
    assert "No such option: --output" in edit.stderr
    assert digest(registry) == kept
    # export has an --output of its own (a file, a folder for a data package): written
    # as it writes every format, test_export_output.py shows it
    written = registry.parent / "x.csv"
    export = run("--registry", str(registry), "export", "--format", "csv", "--output", str(written))
    assert export.exit_code == 0 and export.stderr == f"wrote {written}\n"


def test_the_registry_in_use_is_not_an_output(registry: Path) -> None:
    kept = digest(registry)
    result = run("--registry", str(registry), "schema", "--output", str(registry))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: --output {registry} is the registry; it is replaced only by an edit; "
        "fix: name another file\n"
    )
    assert digest(registry) == kept
