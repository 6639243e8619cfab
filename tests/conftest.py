"""Shared test helpers: run the CLI in-process and build small registries on disk."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from flanders_clusters.cli import app

REPO = Path(__file__).resolve().parent.parent
SHIPPED_DATA = REPO / "data" / "clusters.toml"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Invoke ``clusters ARGS`` in-process (CliRunner), stdout and stderr apart."""
    runner = CliRunner()
    environment = {"CLUSTERS_REGISTRY": "", "NO_COLOR": "1", "COLUMNS": "200"}
    environment.update(env or {})
    result = runner.invoke(app, list(args), env=environment, input=input, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


def run_subprocess(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the installed entry point the way a user does (``python -m flanders_clusters``)."""
    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    environment.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "flanders_clusters", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


SMALL = """\
#:schema ./clusters.schema.json

schema_version = 1

[clusters.alpha]
name = "Alpha Cluster"
type = "spearhead"
domain = "Chemistry"
recognised = 2018-01-01
sources = [
    "https://alpha.example",
]
funding = [
    { start = 2018-01-01, end = 2027-12-31, end_basis = "policy-max" },
]
members = [
    { partner = "acme", role = "founder" },
    { partner = "gov", role = "clusterpact", since = 2018-06-01 },
    { partner = "uni", role = "member", since = 2018-02-01 },
]

[clusters.beta]
name = "Beta Network"
type = "icn"
domain = "Drones"
action_plan = "https://beta.example/plan"
funding = [
    { start = 2019-01-01, end = 2021-12-31, annual_support_eur = 100000 },
]
members = [
    { partner = "acme" },
]

[partners.acme]
name = "Acme NV"
kind = "company"
size = "large"
enterprise_number = "0123.456.749"
postal_code = "2000"

[partners.gov]
name = "Flemish Government"
kind = "government"

[partners.uni]
name = "Example University"
kind = "knowledge"
network_role = "knowledge-centre"
"""


def write_registry(folder: Path, text: str = SMALL, name: str = "clusters.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def cli(registry: Path, *args: str) -> Result:
    """``clusters --registry REGISTRY ARGS``, in-process."""
    return run("--registry", str(registry), *args)


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (the test's own sanity check)."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def toml_of(registry: Path) -> dict:
    """The registry file as TOML reads it."""
    import tomllib

    return tomllib.loads(registry.read_text("utf-8"))


def findings_of(result: Result, code: str) -> list[dict]:
    """The findings with ``code`` in ``validate --json``'s output."""
    return [f for f in result.json()["findings"] if f["code"] == code]


def icn(cluster_id: str, funding: str, extra: str = "") -> str:
    """An ICN cluster with an action plan (so FC108 is quiet) and the given funding."""
    return f"""
[clusters.{cluster_id}]
name = "Network {cluster_id}"
type = "icn"
domain = "Test"
action_plan = "https://plan.example"
{extra}funding = [
    {funding},
]
"""


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """A small valid registry in canonical form, in a fresh folder."""
    return write_registry(tmp_path)


def said(error: dict) -> str:
    """An error as the text output says it: the message, then the fix."""
    return error["message"] + (f"; fix: {error['fix']}" if error.get("fix") else "")


def run_in_terminal(*args: str, timeout: float = 60) -> tuple[int, str]:
    """Run ``clusters ARGS`` with stdout and stderr on a pseudo-terminal (POSIX only), as
    a user at a terminal does; returns the exit code and what the terminal received."""
    import pty

    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    environment.update({"NO_COLOR": "1", "COLUMNS": "200", "TERM": "dumb"})
    process = subprocess.Popen(
        [sys.executable, "-m", "flanders_clusters", *args],
        stdout=follower,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=environment,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed when the process ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    code = process.wait(timeout=timeout)
    return code, b"".join(chunks).decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for a module's browser tests (Playwright gives each launch a fresh,
    empty profile); without one the tests fail and say how to get one (they never skip)."""
    from playwright.sync_api import Error, sync_playwright
    from site_support import CHROMIUM_FLAGS, HOW_TO_GET_ONE, chromium

    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=chromium(), headless=True, args=CHROMIUM_FLAGS
            )
        except Error as exc:
            pytest.fail(f"{HOW_TO_GET_ONE} ({exc.message.splitlines()[0]})", pytrace=False)
        yield launched
        launched.close()


# The open-data exports' tables, in their order (the data package's resources, the
# workbook's sheets, the Datasette metadata's tables): written out, not derived.
EXPORT_TABLES = [
    "clusters",
    "partners",
    "memberships",
    "funding",
    "labels",
    "events",
    "event_clusters",
    "participants",
    "findings",
]
