"""Every command's help ends with one or two examples, and every example runs as written
on a copy of the shipped registry."""

from __future__ import annotations

import importlib
import importlib.util
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import click
import pytest
import synthetic_kbo
from conftest import SHIPPED_DATA, run

from flanders_clusters.cli.app import COMMANDS
from flanders_clusters.cli.enrich_commands import EXTRACT

EXAMPLES = re.compile(r"\n\nExamples?:\n\n((?:  clusters .*\n)+)\Z")


def command_paths() -> list[str]:
    """Every command of ``clusters`` as typed: "" (the root), "list", "partner show", …"""
    paths = [""]
    for name, module in COMMANDS.items():
        paths.append(name)
        command = importlib.import_module(f"flanders_clusters.cli.{module}").BY_NAME[name]
        if isinstance(command, click.Group):
            paths += [f"{name} {sub}" for sub in command.commands]
    return paths


def examples_of(path: str) -> list[str]:
    text = run(*path.split(), "--help").stdout
    found = EXAMPLES.search(text)
    assert found is not None, f"`clusters {path} --help` does not end with examples:\n{text}"
    return [line.strip() for line in found[1].splitlines()]


@pytest.mark.parametrize("path", command_paths())
def test_every_help_ends_with_an_example_of_its_command(path: str) -> None:
    examples = examples_of(path)
    assert 1 <= len(examples) <= 2
    named = shlex.split(examples[-1])[: 1 + len(path.split())]
    assert named == ["clusters", *path.split()], examples
    heading = "Examples:" if len(examples) > 1 else "Example:"
    assert f"\n\n{heading}\n\n  {examples[0]}\n" in run(*path.split(), "--help").stdout


def test_a_long_example_stays_on_its_line() -> None:
    # Wider than the help: wrapped, it would not run when pasted.
    example = examples_of("add-funding")[0]
    assert len(example) > 80
    assert f"\n  {example}\n" in run("add-funding", "--help").stdout


# -- running them --------------------------------------------------------------------------


def workspace(folder: Path) -> Path:
    """A folder as a keeper has it, with what the examples name: the registry (a copy of
    the shipped one, in git with one change since the copy), old.toml (the copy as it
    was), a members and a participants CSV, and a KBO extract. Returns the registry."""
    registry = folder / "data" / "clusters.toml"
    registry.parent.mkdir()
    shutil.copyfile(SHIPPED_DATA, registry)
    shutil.copyfile(SHIPPED_DATA, folder / "old.toml")
    (folder / "members.csv").write_text(
        "partner,name,kind,role\nacme,Acme NV,company,member\nvoka,,,member\n", encoding="utf-8"
    )
    (folder / "participants.csv").write_text(
        "partner,name,kind,role\nacme,Acme NV,company,exhibitor\nimec,,,speaker\n",
        encoding="utf-8",
    )
    synthetic_kbo.write(folder / EXTRACT, [])
    git = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "data/clusters.toml"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "copy"], check=True)
    changed = run("--registry", str(registry), "update-cluster", "vil", "--domain", "Transport")
    assert changed.exit_code == 0, changed.stderr
    subprocess.run([*git, "commit", "-q", "-a", "-m", "change"], check=True)
    return registry


@pytest.mark.slow
@pytest.mark.parametrize("path", command_paths())
def test_every_example_runs_as_written(
    path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A help's examples run in turn, in one folder (update-label's first adds the label
    # it then changes); `> FILE` is the shell's, done here with the output.
    registry = workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    for example in examples_of(path):
        words = shlex.split(example)
        assert words[0] == "clusters"
        target = None
        if ">" in words:
            target = words[words.index(">") + 1]
            words = words[: words.index(">")]
        result = run(
            *words[1:], "--registry", str(registry), env={"CLUSTERS_REGISTRY": str(registry)}
        )
        assert result.exit_code == 0, f"{example}\n{result.stderr}{result.stdout}"
        if target is not None:
            assert result.stdout
            (tmp_path / target).write_text(result.stdout, encoding="utf-8")


# -- help texts ---------------------------------------------------------------------------


def test_help_shows_no_type_placeholders(registry: Path) -> None:
    for command in ("list", "update-cluster", "add-member", "validate", "timeline"):
        text = run(command, "--help").stdout
        assert "<bool>" not in text and not re.search(r"\bspec\b", text, re.I), command
