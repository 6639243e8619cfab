"""Shell completion: ``clusters completion bash|zsh|fish``, and what completes.

Click's own shell completion (its documented scripts, driven by ``_CLUSTERS_COMPLETE``)
completes the commands and options; the values here complete from the registry in use —
``--registry`` when it is on the line, else ``$CLUSTERS_REGISTRY``, ./data, the shipped
one: the ids of clusters, partners and events where a command takes one, and the rule
codes of ``validate --rule`` and ``rules CODE``. A registry that cannot be read completes
nothing (completion never prints an error into the user's line).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..errors import ClustersError
from .click_classes import Argument, Command
from .session import session, write_stdout
from .shared_options import global_settings

SHELLS = ("bash", "zsh", "fish")
COMPLETE_VAR = "_CLUSTERS_COMPLETE"
Completer = Callable[[click.Context, click.Parameter, str], list[Any]]


def _registry_ids(ctx: click.Context, table: str) -> list[str]:
    from ..registry import store

    registry, _ = global_settings(ctx)
    try:
        source = store.locate(registry)
        data = store.parse(store.read_text(source), source.path)
    except (ClustersError, OSError, ValueError, RecursionError, MemoryError):
        return []
    found = data.get(table)
    return sorted(found) if isinstance(found, dict) else []


def ids(table: str) -> Completer:
    """Complete the ids of ``table`` (``clusters``, ``partners``, ``events``)."""

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(i) for i in _registry_ids(ctx, table) if i.startswith(incomplete)]

    return complete


def rule_codes(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Complete the codes of the rules (``FC10`` → FC101 … FC109)."""
    from click.shell_completion import CompletionItem

    from ..programme.rules import CATALOGUE

    typed = incomplete.upper()
    return [CompletionItem(code) for code in sorted(CATALOGUE) if code.startswith(typed)]


@click.command(
    "completion",
    cls=Command,
    examples=[
        "clusters completion bash > clusters-completion.bash",
        "clusters completion fish",
    ],
)
@click.argument(
    "shell",
    cls=Argument,
    type=click.Choice(SHELLS),
    metavar="SHELL",
    help="bash, zsh or fish.",
)
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the shell's completion script for clusters: commands, options, and the ids
    and rule codes of the registry in use.

    Load it in the shell's start-up file: for bash, eval "$(clusters completion bash)"
    in ~/.bashrc; for zsh, the same in ~/.zshrc; for fish, clusters completion fish >
    ~/.config/fish/completions/clusters.fish.
    """
    from click.shell_completion import get_completion_class

    with session(ctx):
        found = get_completion_class(shell)
        assert found is not None  # the choice admits only the shells Click knows
        root = ctx.find_root().command
        write_stdout(found(root, {}, "clusters", COMPLETE_VAR).source())


BY_NAME: dict[str, click.Command] = {"completion": completion}
