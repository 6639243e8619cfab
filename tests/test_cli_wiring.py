"""The command table and the start-up path: what a script calling `clusters` pays for."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from conftest import REPO, SMALL, cli, run, write_registry

from flanders_clusters.cli.app import COMMANDS

MODULES = sorted(set(COMMANDS.values()))


def test_every_command_in_the_table_answers_help() -> None:
    for name in COMMANDS:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Usage: clusters " + name in " ".join(result.stdout.split())


@pytest.mark.parametrize("module", MODULES)
def test_each_module_defines_exactly_its_commands_in_the_table(module: str) -> None:
    commands = importlib.import_module(f"flanders_clusters.cli.{module}").BY_NAME
    assert sorted(commands) == sorted(n for n, m in COMMANDS.items() if m == module)
    for name, command in commands.items():
        assert command.name == name
        assert isinstance(command, click.Group) or command.callback is not None


def test_no_code_forges_a_signature() -> None:
    # Once the global options and the edit options were added by rewriting functions'
    # __signature__ and __annotations__ for Typer, which no framework documents.
    forged = []
    for path in sorted((REPO / "src").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            targets = [t.value if isinstance(t, ast.Subscript) else t for t in targets]
            names = [t.attr for t in targets if isinstance(t, ast.Attribute)]
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setattr":
                names += [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            if {"__signature__", "__annotations__"} & set(names):
                forged.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert forged == []


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
                      "flanders_clusters.cli.edit_commands",
                      "flanders_clusters.cli.record_options",
                      "flanders_clusters.cli.report_commands",
                      "flanders_clusters.changes.record_edits", "jinja2", "icalendar")
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


# -- help and usage messages --------------------------------------------------------------


def every_help() -> dict[str, str]:
    """The --help of every command and subcommand, by its path."""
    helps = {}
    for name in COMMANDS:
        helps[name] = run(name, "--help").stdout
        command = importlib.import_module(f"flanders_clusters.cli.{COMMANDS[name]}").BY_NAME[name]
        for sub in getattr(command, "commands", {}):
            helps[f"{name} {sub}"] = run(name, sub, "--help").stdout
    return helps


def test_no_help_shows_a_python_type() -> None:
    # Once "CLUSTER <str>", "OLD NEW | PATH <list[str]>", "rules [OPTIONS] [[CODE]]",
    # "show [OPTIONS] {CLUSTER}": Typer's own notation, not what a user types.
    helps = every_help()
    assert {"partner show", "event show", "enrich kbo"} <= set(helps)
    for path, text in helps.items():
        assert text.startswith(f"Usage: clusters {path} "), path
        for python in ("<str>", "<int>", "<float>", "<path>", "<bool>", "list[", "[[", "{"):
            assert python not in text, (path, python)
    assert helps["show"].startswith("Usage: clusters show [OPTIONS] CLUSTER\n")
    assert "\n  CLUSTER  Cluster id.  [required]\n" in helps["show"]
    assert helps["rules"].startswith("Usage: clusters rules [OPTIONS] [CODE]\n")
    assert helps["diff"].startswith("Usage: clusters diff [OPTIONS] [OLD NEW | PATH]\n")
    assert helps["import-members"].startswith(
        "Usage: clusters import-members [OPTIONS] CLUSTER FILE.csv\n"
    )


def test_validate_says_the_default_profile_once() -> None:
    text = " ".join(run("validate", "--help").stdout.split())
    assert "--profile decree|eccp|all The rules of this profile (default: decree). --" in text
    assert text.count("decree") == 2  # the choices and the default


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("list", "--frob"), "Error: No such option: --frob\n"),
        (("list", "--jsn"), "Error: No such option: --jsn (Possible options: --json)\n"),
        (("timeline", "--form"), "(Possible options: --format, --from)\n"),
        (
            ("--regsitry", "x", "list"),
            "Error: No such option: --regsitry (Possible options: --registry)\n",
        ),
        (("list", "--\x1b[2J"), "Error: No such option: --\\x1b[2J\n"),
    ],
    ids=["nothing-close", "json", "two-close", "root", "escape-sequence"],
)
def test_a_mistyped_option_suggests_only_close_ones(args: tuple[str, ...], said: str) -> None:
    # Once `list --frob` suggested "--on": click compares the names with their dashes.
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.endswith(said), result.stderr


# -- global options -----------------------------------------------------------------------


def test_a_global_option_name_as_an_option_value_is_stored_as_text(registry: Path) -> None:
    done = cli(registry, "update-cluster", "alpha", "--notes", "--registry", "--json")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert tomllib.loads(registry.read_text("utf-8"))["clusters"]["alpha"]["notes"] == (
        "--registry"
    )
    timeout = cli(registry, "update-cluster", "alpha", "--notes", "--lock-timeout")
    assert timeout.exit_code == 0, timeout.stderr
    assert "--lock-timeout" in registry.read_text("utf-8")


def test_global_options_work_after_the_command_too(registry: Path) -> None:
    after = run("list", "--registry", str(registry), "--lock-timeout", "3", "--json")
    assert after.exit_code == 0
    assert [row["id"] for row in after.json()] == ["alpha", "beta"]
    # the command's own --registry wins over the root's
    other = write_registry(registry.parent, SMALL.replace("Alpha Cluster", "Other"), "b.toml")
    both = run("--registry", str(registry), "show", "alpha", "--registry", str(other), "--json")
    assert both.json()["name"] == "Other"
