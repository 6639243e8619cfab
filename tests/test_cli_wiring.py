"""The command table and the start-up path: what a script calling `clusters` pays for."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest
import typer.main
from conftest import run

from flanders_clusters.cli.app import COMMANDS

MODULES = sorted(set(COMMANDS.values()))


def test_every_command_in_the_table_answers_help() -> None:
    for name in COMMANDS:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Usage: clusters " + name in " ".join(result.stdout.split())


@pytest.mark.parametrize("module", MODULES)
def test_each_module_defines_exactly_its_commands_in_the_table(module: str) -> None:
    apps = importlib.import_module(f"flanders_clusters.cli.{module}").APPS
    assert sorted(apps) == sorted(n for n, m in COMMANDS.items() if m == module)
    for name, app in apps.items():
        assert typer.main.get_command(app).callback is not None or name in ("partner",)


def test_help_lists_the_commands_in_table_order() -> None:
    listed = [
        line.split()[0]
        for line in run("--help").stdout.splitlines()
        if line.startswith("  ") and line.split() and line.split()[0] in COMMANDS
    ]
    assert listed == list(COMMANDS)


PROBE = """
import sys
sys.argv = ["clusters", *sys.argv[1:]]
from flanders_clusters.cli import main
try:
    main()
except SystemExit:
    pass
loaded = [m for m in ("rich", "flanders_clusters.registry.model",
                      "flanders_clusters.programme.rules",
                      "flanders_clusters.cli.edit", "flanders_clusters.cli.report",
                      "flanders_clusters.changes.edits", "jinja2", "icalendar")
          if m in sys.modules]
print("LOADED=" + ",".join(loaded), file=sys.stderr)
"""


def loaded_modules(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("LOADED="))
    return [m for m in line.removeprefix("LOADED=").split(",") if m]


def test_list_json_loads_neither_rich_nor_the_model_nor_other_commands() -> None:
    assert loaded_modules("list", "--type", "spearhead", "--json") == []


@pytest.mark.parametrize(
    "args",
    [["stats", "--json"], ["rules", "--json"], ["validate", "--json"], ["show", "vil", "--json"]],
)
def test_other_json_outputs_do_not_load_rich(args: list[str]) -> None:
    assert "rich" not in loaded_modules(*args)


def test_a_table_loads_rich() -> None:
    assert "rich" in loaded_modules("list", "--type", "spearhead")
