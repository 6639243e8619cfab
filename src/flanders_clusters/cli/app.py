"""The root command: global options, and the commands loaded only when they run.

Each command lives in a module of this package (``COMMANDS`` says which) as a Typer app
of its own; the root group imports the module and builds the command when the command
is called (click's "lazily loading subcommands" pattern), so a script that calls
``clusters list`` does not pay for the other commands' modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
import typer.core
import typer.main

from .. import __version__
from ..errors import EXIT_USAGE
from .options import CONTEXT, _lock_option, _registry_option, close_suggestions, remember
from .session import closed_pipe_ends_quietly, wants_json, write_stdout

# Which module defines each command, in the order of `clusters --help`.
COMMANDS = {
    "list": "read",
    "show": "read",
    "partners": "read",
    "partner": "read",
    "validate": "rules",
    "rules": "rules",
    "timeline": "report",
    "network": "report",
    "stats": "report",
    "export": "report",
    "diff": "review",
    "events": "events",
    "event": "events",
    "add-cluster": "edit",
    "update-cluster": "edit",
    "remove-cluster": "edit",
    "add-partner": "edit",
    "update-partner": "edit",
    "remove-partner": "edit",
    "add-member": "edit",
    "update-member": "edit",
    "remove-member": "edit",
    "import-members": "edit",
    "add-funding": "edit",
    "remove-funding": "edit",
    "add-label": "labels",
    "update-label": "labels",
    "remove-label": "labels",
    "add-event": "events",
    "update-event": "events",
    "remove-event": "events",
    "add-participant": "events",
    "update-participant": "events",
    "remove-participant": "events",
    "import-participants": "events",
    "enrich": "enrich",
    "fmt": "registry",
    "schema": "registry",
    "init": "registry",
    "site": "site",
}


def _is_usage_error(exc: BaseException) -> bool:
    """A click usage error (exit 2): an unknown option, a bad value, a missing argument.

    Typer may bring its own copy of click, so the class is not imported: every click
    exception carries ``exit_code`` and ``format_message()``, usage errors with code 2.
    """
    return getattr(exc, "exit_code", None) == EXIT_USAGE and callable(
        getattr(exc, "format_message", None)
    )


@contextmanager
def _usage_errors_as_json(args: list[str]) -> Iterator[None]:
    """With ``--json``, a usage error is a JSON error object on stdout too (exit 2)."""
    try:
        yield
    except Exception as exc:
        if not (_is_usage_error(exc) and wants_json(args)):
            raise
        from ..formats import json_text

        write_stdout(json_text.error("usage", exc.format_message(), "see --help"))  # type: ignore[attr-defined]
        raise typer.Exit(EXIT_USAGE) from None


class LazyGroup(typer.core.TyperGroup):
    """The root group: its commands are imported and built on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in COMMANDS:
            return None
        built = self.commands.get(name)
        if built is None:
            module = importlib.import_module(f"{__package__}.{COMMANDS[name]}")
            built = typer.main.get_command(module.APPS[name])
            built.name = name
            self.commands[name] = built
        return built

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["clusters.args"] = list(args)
        # Help and --version are written here, outside any command's session.
        with (
            closed_pipe_ends_quietly(),
            _usage_errors_as_json(args),
            close_suggestions(self, ctx),
        ):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        with closed_pipe_ends_quietly(), _usage_errors_as_json(ctx.meta.get("clusters.args", [])):
            return super().invoke(ctx)


def _version(value: bool) -> None:
    if value:
        write_stdout(f"clusters {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=LazyGroup,
    name="clusters",
    help="The registry of the Flemish innovation cluster programme (FI&E / VLAIO).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT,
)


@app.callback()
def _global(
    ctx: typer.Context,
    registry: Annotated[str | None, _registry_option()] = None,
    lock_timeout: Annotated[float | None, _lock_option()] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    remember(ctx, registry, lock_timeout)
