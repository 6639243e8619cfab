"""The Typer application, its global options and the session every command runs in.

Commands live in ``read.py``, ``edit.py`` and ``report.py``; each body parses its options,
calls the layers below and hands the result to ``Session.output``. Every typed failure
becomes its exit code and one message (stderr, or a JSON error object on stdout with
``--json``) in ``session``.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import typer
import typer.main

from .. import __version__, jsonout, store
from ..errors import EXIT_USAGE, ClustersError, UsageError

GLOBAL_OPTIONS = ("--registry", "--lock-timeout")
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


# Which module defines each command, in the order of `clusters --help`. A command's module
# is imported, and its options built, only when the command runs (or help lists it): a
# script calling `clusters list` does not pay for the other twenty commands.
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
    "fmt": "registry",
    "schema": "registry",
    "init": "registry",
}


class LazyCommands(MutableMapping):
    """The root's commands, built from their module on first use."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            import importlib

            module = importlib.import_module(f"{__package__}.{COMMANDS[name]}")
            self._built[name] = _build(module.app, name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


def _build(module_app: typer.Typer, name: str) -> Any:
    """The click command ``name`` of a module's Typer app, built alone.

    Typer builds all of an app's commands at once; building only the one that runs keeps
    the start-up of a script's call small. Should Typer's builders change shape, every
    command of the module is built instead.
    """
    options = {
        "pretty_exceptions_short": module_app.pretty_exceptions_short,
        "rich_markup_mode": module_app.rich_markup_mode,
    }
    try:
        for info in module_app.registered_commands:
            if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:
                return typer.main.get_command_from_info(info, **options)
        for info in module_app.registered_groups:
            if info.name == name:
                return typer.main.get_group_from_info(
                    info, suggest_commands=module_app.suggest_commands, **options
                )
    except (AttributeError, TypeError):  # pragma: no cover - a future Typer
        pass
    return typer.main.get_command(module_app).commands[name]  # pragma: no cover


class Group(typer.core.TyperGroup):
    """The root command: global options may also follow the subcommand (SPEC §3)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = LazyCommands()

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["clusters.args"] = list(args)
        with _usage_errors_as_json(args):
            return super().parse_args(ctx, hoist_global_options(args))

    def invoke(self, ctx: Any) -> Any:
        with _usage_errors_as_json(ctx.meta.get("clusters.args", [])):
            return super().invoke(ctx)


@contextmanager
def _usage_errors_as_json(args: list[str]) -> Iterator[None]:
    """With ``--json``, a usage error is a JSON error object on stdout too (exit 2)."""
    try:
        yield
    except _UsageError as exc:
        if not wants_json(args):
            raise
        write_stdout(jsonout.error("usage", exc.format_message()))
        raise typer.Exit(EXIT_USAGE) from None


def hoist_global_options(args: list[str]) -> list[str]:
    """Move ``--registry X`` / ``--lock-timeout=N`` that follow a subcommand to the front."""
    front: list[str] = []
    rest: list[str] = []
    index = 0
    while index < len(args):
        token = args[index]
        if token == "--":
            rest.extend(args[index:])
            break
        if token in GLOBAL_OPTIONS:
            if index + 1 == len(args):
                raise _UsageError(f"Option '{token}' requires an argument.")
            front.extend(args[index : index + 2])
            index += 2
            continue
        if token.startswith(tuple(f"{name}=" for name in GLOBAL_OPTIONS)):
            front.append(token)
        else:
            rest.append(token)
        index += 1
    return front + rest


def wants_json(args: list[str]) -> bool:
    return "--json" in args or "--format=json" in args or _pair(args, "--format") == "json"


def _pair(args: list[str], name: str) -> str | None:
    for index, token in enumerate(args[:-1]):
        if token == name:
            return args[index + 1]
    return None


def write_stdout(text: str) -> None:
    """Write data to stdout as UTF-8 (the console's code page may not hold every name)."""
    stream = sys.stdout
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()


def _version(value: bool) -> None:
    if value:
        write_stdout(f"clusters {__version__}")
        raise typer.Exit()


app = typer.Typer(
    cls=Group,
    name="clusters",
    help="The registry of the Flemish innovation cluster programme (FI&E / VLAIO).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass
class Settings:
    registry: str | None
    lock_timeout: float


@app.callback()
def _global(
    ctx: typer.Context,
    registry: Annotated[
        str | None,
        typer.Option(
            "--registry",
            metavar="PATH",
            help="Registry file (else $CLUSTERS_REGISTRY, ./data/clusters.toml, the shipped one).",
            show_default=False,
        ),
    ] = None,
    lock_timeout: Annotated[
        float,
        typer.Option(
            "--lock-timeout", min=0, metavar="SECONDS", help="Wait this long for the lock."
        ),
    ] = store.DEFAULT_LOCK_TIMEOUT,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    ctx.obj = Settings(registry, lock_timeout)


# -- shared options ----------------------------------------------------------------------


def parse_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (SPEC §5 shapes).")]
OnOpt = Annotated[
    dt.date | None,
    typer.Option(
        "--on", parser=parse_date, metavar="DATE", help="Judge on this date (default: today)."
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Print the change as a diff; write nothing.")
]


def one_of(values: tuple[str, ...]) -> Callable[[str | None], str | None]:
    """An option callback that accepts only ``values`` (else a usage error, exit 2)."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in values:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(values)}")
        return value

    return check


def choice(name: str, values: tuple[str, ...], help_text: str, metavar: str | None = None):
    """An option limited to ``values``."""
    return typer.Option(
        name, callback=one_of(values), metavar=metavar or "|".join(values), help=help_text
    )


def output_format(chosen: str | None, as_json: bool, default: str) -> str:
    """``--json`` means ``--format json``; the two disagreeing is a usage error."""
    if as_json and chosen not in (None, "json"):
        raise UsageError(f"--json and --format {chosen} disagree; fix: pass only one of them")
    return "json" if as_json else (chosen or default)


# -- the session -------------------------------------------------------------------------


class Session:
    """What a command needs from the world: its registry, its date, its streams."""

    def __init__(self, ctx: typer.Context, as_json: bool) -> None:
        root = ctx.find_root()
        self.settings: Settings = root.obj or Settings(None, store.DEFAULT_LOCK_TIMEOUT)
        self.as_json = as_json

    def source(self) -> store.Source:
        return store.locate(self.settings.registry)

    def read(self, *, strict: bool = True) -> store.Document:
        return store.read(self.source(), strict=strict)

    @staticmethod
    def today(on: dt.date | None) -> dt.date:
        return on or dt.date.today()

    def output(self, value: Any, tables: Callable[[Any], Any] | str | None = None) -> None:
        """JSON with ``--json``, else what ``tables(value)`` draws.

        ``tables`` may name a function of ``render``, so that JSON never imports it.
        """
        if self.as_json or tables is None:
            write_stdout(jsonout.dumps(value))
            return
        if isinstance(tables, str):  # "module:function" (render by default), imported now
            import importlib

            module, _, name = tables.rpartition(":")
            tables = getattr(
                importlib.import_module(f"flanders_clusters.{module or 'render'}"), name
            )
        drawn = tables(value)
        if isinstance(drawn, str):  # plain text formats (github, mermaid, dot, csv…)
            if drawn:
                write_stdout(drawn)
            return
        from .. import render

        render.emit(*(drawn if isinstance(drawn, list) else [drawn]))

    def result(self, outcome: dict[str, Any]) -> None:
        """An action's outcome: its JSON with ``--json``, else its message on stderr.

        ``outcome["message"]`` is for people and not part of the JSON; warnings (such as
        dropped comments) go to stderr either way.
        """
        outcome = dict(outcome)
        message = outcome.pop("message", None)
        for warning in outcome.pop("warnings", ()):
            self.note(f"warning: {warning}", "yellow")
        if self.as_json:
            write_stdout(jsonout.dumps(outcome))
        elif message:
            self.note(message)

    @staticmethod
    def note(message: str, style: str = "") -> None:
        from .. import render

        render.message(message, style=style)


def report(error: ClustersError, as_json: bool) -> None:
    if as_json:
        extra = {"details": error.details} if error.details else {}
        write_stdout(jsonout.error(error.code, error.message, **extra))
        return
    from .. import render

    render.message(f"error: {error.message}", style="bold red")
    for line in error.details:
        render.message(f"  {line}")


@contextmanager
def session(ctx: typer.Context, as_json: bool = False) -> Iterator[Session]:
    """Run a command body; a typed failure becomes its message and exit code."""
    try:
        yield Session(ctx, as_json)
    except ClustersError as error:
        report(error, as_json)
        raise typer.Exit(error.exit_code) from None
