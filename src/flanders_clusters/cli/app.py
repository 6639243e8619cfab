"""The root command: global options, and the commands loaded only when they run.

Each command lives in a module of this package (``COMMANDS`` says which), whose
``BY_NAME`` holds its Click commands; the root group imports the module when the command
is called (Click's "lazily loading subcommands" pattern), so a script that calls
``clusters list`` does not pay for the other commands' modules. The group gives every
command it loads the global options ``--registry`` and ``--lock-timeout``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from .. import __version__
from ..errors import EXIT_USAGE
from .click_classes import Group
from .session import closed_pipe_ends_quietly, wants_json, write_stdout
from .shared_options import global_options, output_option

# Which module defines each command, in the order of `clusters --help`.
COMMANDS = {
    "list": "read_commands",
    "show": "read_commands",
    "partners": "read_commands",
    "partner": "read_commands",
    "validate": "rule_commands",
    "rules": "rule_commands",
    "timeline": "report_commands",
    "network": "report_commands",
    "stats": "report_commands",
    "export": "report_commands",
    "diff": "diff_commands",
    "events": "event_commands",
    "event": "event_commands",
    "add-cluster": "edit_commands",
    "update-cluster": "edit_commands",
    "remove-cluster": "edit_commands",
    "rename-cluster": "rename_commands",
    "add-partner": "edit_commands",
    "update-partner": "edit_commands",
    "remove-partner": "edit_commands",
    "rename-partner": "rename_commands",
    "add-member": "edit_commands",
    "update-member": "edit_commands",
    "remove-member": "edit_commands",
    "import-members": "import_commands",
    "add-funding": "edit_commands",
    "remove-funding": "edit_commands",
    "add-label": "edit_commands",
    "update-label": "edit_commands",
    "remove-label": "edit_commands",
    "add-event": "edit_commands",
    "update-event": "edit_commands",
    "remove-event": "edit_commands",
    "rename-event": "rename_commands",
    "add-participant": "edit_commands",
    "update-participant": "edit_commands",
    "remove-participant": "edit_commands",
    "import-participants": "import_commands",
    "enrich": "enrich_commands",
    "fmt": "registry_commands",
    "schema": "registry_commands",
    "init": "registry_commands",
    "site": "site_commands",
    "completion": "completion",
}

# The commands whose stdout is data (a file format: JSON, CSV-like text, DOT, Mermaid,
# iCalendar, Markdown, GitHub annotations, the JSON Schema, or a plain table): they take
# --output FILE. Not the edits (their JSON is a result), nor export (its own --output).
OUTPUT_COMMANDS = frozenset(
    {
        "list", "show", "partners", "partner", "validate", "rules", "timeline", "network",
        "stats", "diff", "events", "event", "schema",
    }
)  # fmt: skip


def with_output_option(command: click.Command) -> click.Command:
    """``command`` (and each command of a group) given ``--output FILE``."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_output_option(sub)
    else:
        command.params.append(output_option())
    return command


def with_global_options(command: click.Command) -> click.Command:
    """``command`` (and each command of a group) given ``--registry`` and
    ``--lock-timeout``, after its own options, as its help lists them."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_global_options(sub)
    else:
        command.params.extend(global_options())
    return command


@contextmanager
def _usage_errors_as_json(args: list[str]) -> Iterator[None]:
    """With ``--json``, a usage error is a JSON error object on stdout too (exit 2)."""
    try:
        yield
    except click.UsageError as exc:
        if not wants_json(args):
            raise
        from ..formats import json_text

        write_stdout(json_text.error("usage", exc.format_message(), "see --help"))
        raise click.exceptions.Exit(EXIT_USAGE) from None


class LazyGroup(Group):
    """The root group: its commands are imported and built on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        built = self.commands.get(name)
        if built is None:
            module = importlib.import_module(f"{__package__}.{COMMANDS[name]}")
            built = module.BY_NAME[name]
            if name in OUTPUT_COMMANDS:
                with_output_option(built)
            built = self.commands[name] = with_global_options(built)
        return built

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["clusters.args"] = list(args)
        # Help and --version are written here, outside any command's session.
        with closed_pipe_ends_quietly(), _usage_errors_as_json(args):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with closed_pipe_ends_quietly(), _usage_errors_as_json(ctx.meta.get("clusters.args", [])):
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:  # Ctrl-C: the shell's code for SIGINT, no traceback
                raise click.exceptions.Exit(130) from None


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        write_stdout(f"clusters {__version__}")
        ctx.exit()


app = LazyGroup(
    "clusters",
    help="The registry of the Flemish innovation cluster programme (FI&E / VLAIO).",
    params=[
        *global_options(),
        click.Option(
            ["--version"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_version,
            help="Print the version.",
        ),
    ],
    examples=[
        "clusters list --type spearhead",
        'clusters add-member vil acme --name "Acme NV" --kind company --role member',
    ],
)
