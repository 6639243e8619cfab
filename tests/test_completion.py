"""Shell completion: `clusters completion bash|zsh|fish` prints Click's completion script;
commands, options, the ids of the registry in use and rule codes complete.

The bash test loads the script in a real bash and calls its completion function with
COMP_WORDS and COMP_CWORD set, as bash does when the user presses Tab (Click's
documented protocol); the others drive the same protocol in-process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, SMALL, run, write_registry

RULES_FC10 = [f"FC10{i}" for i in range(1, 10)]


def complete(words: str, *, env: dict[str, str] | None = None) -> list[str]:
    """What Click answers bash for the line ``words`` (the cursor after its last word;
    a trailing space: a new, empty word)."""
    parts = words.split(" ")
    result = run(
        env={
            "_CLUSTERS_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
            **(env or {}),
        }
    )
    assert result.exit_code == 0, result.stderr
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


def test_commands_complete() -> None:
    assert complete("clusters sh") == ["show"]
    assert complete("clusters rename-") == ["rename-cluster", "rename-partner", "rename-event"]


def test_options_complete() -> None:
    assert complete("clusters fmt --d") == ["--diff"]


def test_ids_complete_from_the_shipped_registry() -> None:
    assert complete("clusters show v") == ["vil"]
    assert complete("clusters rename-partner vit") == ["vito"]
    assert complete("clusters event show innovfest-202") == [
        "innovfest-2022",
        "innovfest-2024",
    ]
    assert "flux50" in complete("clusters events --cluster fl")
    assert "vil" in complete("clusters update-event innovfest-2024 --drop-cluster v")


def test_ids_complete_from_the_registry_named(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, SMALL)
    assert complete(f"clusters --registry {registry} show ") == ["alpha", "beta"]
    assert complete(f"clusters show --registry {registry} a") == ["alpha"]
    assert complete("clusters add-member alpha ", env={"CLUSTERS_REGISTRY": str(registry)}) == [
        "acme",
        "gov",
        "uni",
    ]


def test_a_registry_that_cannot_be_read_completes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("this is = = not toml\n", encoding="utf-8")
    assert complete(f"clusters --registry {broken} show ") == []
    assert complete(f"clusters --registry {tmp_path / 'missing.toml'} show ") == []


def test_rule_codes_complete() -> None:
    assert complete("clusters validate --rule FC10") == RULES_FC10
    assert complete("clusters rules fc10") == RULES_FC10


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_script_is_clicks(shell: str) -> None:
    from click.shell_completion import get_completion_class

    from flanders_clusters.cli.app import app

    result = run("completion", shell)
    assert result.exit_code == 0
    found = get_completion_class(shell)
    assert found is not None
    expected = found(app, {}, "clusters", "_CLUSTERS_COMPLETE").source()
    assert result.stdout == expected + ("" if expected.endswith("\n") else "\n")
    assert "_CLUSTERS_COMPLETE" in result.stdout


def test_an_unknown_shell_is_a_usage_error() -> None:
    result = run("completion", "powershell")
    assert result.exit_code == 2
    assert "'powershell' is not one of 'bash', 'zsh', 'fish'" in result.stderr


BASH_ASKS = """
eval "$(clusters completion bash)"
ask() {  # the words on the line; the cursor at the end of the last one
    COMP_WORDS=("$@")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMPREPLY=()
    _clusters_completion clusters
    echo "${COMPREPLY[*]}"
}
complete -p clusters
ask clusters sh
ask clusters show v
ask clusters validate --rule FC10
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed here")
def test_bash_with_the_script_loaded_completes() -> None:
    bin_folder = str(Path(sys.executable).parent)  # where the clusters script is installed
    env = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    env["PATH"] = bin_folder + os.pathsep + env.get("PATH", "")
    env["CLUSTERS_REGISTRY"] = str(SHIPPED_DATA)
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", BASH_ASKS],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "complete -o nosort -F _clusters_completion clusters",
        "show",
        "vil",
        " ".join(RULES_FC10),
    ]
