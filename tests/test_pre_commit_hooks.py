"""The pre-commit hooks the repository offers (`.pre-commit-hooks.yaml`):
`clusters-validate` (the rules) and `clusters-fmt` (`fmt --check`), on the registry
files being committed.

The slow test runs `pre-commit try-repo` of this repository on a temporary git
repository, as a keeper would try the hooks before adding them to their configuration:
a broken registry fails each hook, the fixed one passes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SMALL, write_registry

from flanders_clusters.cli import pre_commit_hook

# A spearhead without a company member: FC105, an error.
INVALID = SMALL.replace('kind = "company"\nsize = "large"', 'kind = "other"')
# gov's fields out of their declared order: valid, not canonical.
UNSORTED = SMALL.replace(
    'name = "Flemish Government"\nkind = "government"',
    'kind = "government"\nname = "Flemish Government"',
)


def test_the_hooks_are_declared() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"clusters-validate", "clusters-fmt"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["entry"].startswith("python -m flanders_clusters.cli.pre_commit_hook ")
        assert hook["files"] == r"(^|/)clusters\.toml$"
    assert hooks["clusters-fmt"]["entry"].endswith(" fmt --check")


def test_the_entry_runs_the_command_on_each_file(tmp_path: Path, capsys) -> None:
    good = write_registry(tmp_path)
    bad = write_registry(tmp_path, INVALID, "other.toml")

    assert pre_commit_hook.main(["fmt", "--check", str(good)]) == 0
    assert pre_commit_hook.main(["validate", "--on", "2025-06-01", str(good), str(bad)]) == 1
    said = capsys.readouterr()
    assert f"{bad}" in said.out + said.err
    assert "FC105" in said.out + said.err


def test_the_entry_tells_files_from_options(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    assert pre_commit_hook.split(["validate", "--profile", "all", str(registry)]) == (
        ["validate", "--profile", "all"],
        [str(registry)],
    )
    assert pre_commit_hook.split(["fmt", "--check"]) == (["fmt", "--check"], [])


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


def try_repo(folder: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """Every hook of this repository (its files as they are: try-repo commits a tree
    with changes to a shadow repository) on every file of ``folder``. Each call makes the
    hooks' environment anew (a minute: pip installs clusters from the package index the
    machine is configured with, offline from a local one), hence two calls only."""
    env = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    env.update({"PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"})
    return subprocess.run(
        ["pre-commit", "try-repo", str(REPO), "--all-files", "--color", "never"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_pre_commit_try_repo_fails_a_broken_registry_and_passes_a_fixed_one(
    tmp_path: Path,
) -> None:
    home = tmp_path / "pre-commit-home"
    folder = tmp_path / "keeper"
    folder.mkdir()
    git(folder, "init", "-q")
    registry = folder / "data" / "clusters.toml"
    registry.parent.mkdir()

    # An error-level finding (FC105), and gov's fields out of order: both hooks fail.
    registry.write_text(
        INVALID.replace(
            'name = "Flemish Government"\nkind = "government"',
            'kind = "government"\nname = "Flemish Government"',
        ),
        encoding="utf-8",
    )
    git(folder, "add", "-A")
    failed = try_repo(folder, home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    lines = failed.stdout.splitlines()
    assert any(re.match(r"clusters validate\.+Failed$", line) for line in lines), lines
    assert any(re.match(r"clusters fmt --check\.+Failed$", line) for line in lines), lines
    assert "FC105" in failed.stdout
    assert "data/clusters.toml is not in canonical form; first difference at line" in failed.stdout

    registry.write_text(SMALL, encoding="utf-8")
    git(folder, "add", "-A")
    passed = try_repo(folder, home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    lines = passed.stdout.splitlines()
    assert any(re.match(r"clusters validate\.+Passed$", line) for line in lines), lines
    assert any(re.match(r"clusters fmt --check\.+Passed$", line) for line in lines), lines
