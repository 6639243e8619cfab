"""A closed pipe: a reader that stops early, or never reads, ends the command quietly with
exit 141, as a process stopped by SIGPIPE, and says nothing on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_registry

# -- a reader that stops early ------------------------------------------------------------


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
