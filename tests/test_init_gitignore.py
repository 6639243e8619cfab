"""`init` and the `.gitignore` beside a new registry: `*.lock`, so that the lock file an
edit holds is never committed (one was, with `git add -A`).

A folder without a `.gitignore` gets one; one that lacks the line gets it added after its
own lines, which are kept byte for byte; one that has it is left alone.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import run

TEXT = "# The lock file clusters holds while it writes the registry: never to commit.\n*.lock\n"


def test_init_writes_a_gitignore_naming_lock_files(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "reg" / "clusters.toml"))
    assert result.exit_code == 0
    ignore = tmp_path / "reg" / ".gitignore"
    assert ignore.read_text("utf-8") == TEXT
    assert result.stderr.endswith(f"; created {ignore} (*.lock)\n")


@pytest.mark.parametrize("existing", ["build/\n", "build/", "", "# mine\r\nbuild/\r\n"])
def test_init_adds_the_line_to_a_gitignore_that_lacks_it(tmp_path: Path, existing: str) -> None:
    ignore = tmp_path / ".gitignore"
    ignore.write_bytes(existing.encode("utf-8"))

    result = run("init", str(tmp_path / "clusters.toml"), "--json")

    assert result.exit_code == 0
    assert result.json()["gitignore_change"] == "added"
    separator = "\n" if existing and not existing.endswith("\n") else ""
    assert ignore.read_bytes() == (existing + separator + TEXT).encode("utf-8")


def test_init_leaves_a_gitignore_that_has_the_line(tmp_path: Path) -> None:
    ignore = tmp_path / ".gitignore"
    ignore.write_bytes(b"*.pyc\n  *.lock\n")
    result = run("init", str(tmp_path / "clusters.toml"))
    assert result.exit_code == 0
    assert ignore.read_bytes() == b"*.pyc\n  *.lock\n"
    assert result.stderr == (
        f"created {tmp_path / 'clusters.toml'} and {tmp_path / 'clusters.schema.json'}\n"
    )


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_init_does_not_follow_a_gitignore_link(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"keep\n")
    folder = tmp_path / "reg"
    folder.mkdir()
    (folder / ".gitignore").symlink_to(elsewhere)

    result = run("init", str(folder / "clusters.toml"))

    assert result.exit_code == 0
    assert elsewhere.read_bytes() == b"keep\n"
    assert "not a regular file, left as it is; add *.lock" in result.stderr


def test_git_ignores_the_lock_file_of_an_initialised_registry(tmp_path: Path) -> None:
    git = subprocess.run(["git", "init", "-q", str(tmp_path)], capture_output=True)
    if git.returncode != 0:  # pragma: no cover - git is part of the test environment
        pytest.fail(git.stderr.decode())
    run("init", str(tmp_path / "data" / "clusters.toml"))
    (tmp_path / "data" / "clusters.toml.lock").write_bytes(b"")
    status = subprocess.run(
        ["git", "-C", str(tmp_path), "status", "--porcelain", "--untracked-files=all"],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = sorted(line[3:] for line in status.stdout.splitlines())
    assert listed == ["data/.gitignore", "data/clusters.schema.json", "data/clusters.toml"]
