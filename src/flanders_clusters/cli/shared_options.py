"""Options that several commands take, each declared once, and the global options.

``--registry`` and ``--lock-timeout`` are options of the root and of every command (the
root group adds them to each command it builds, see ``app.py``), so they may precede the
command name or follow it (``clusters list --registry x.toml``) and are parsed like any
option; the command's value wins over the root's. Their values go to the context's
``meta``, where the command's session finds them: no command function takes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from ..registry.store import DEFAULT_LOCK_TIMEOUT
from .click_classes import Argument
from .value_parsers import DATE, ID, Parsed, Seconds, one_of

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class SharedOption:
    """An option declared once: ``@JSON`` adds it to a command function, as
    ``click.option`` does; ``JSON.option()`` makes it for a command built from a table."""

    decls: tuple[str, ...]
    attrs: dict[str, Any] = field(default_factory=dict)

    def __call__(self, function: F) -> F:
        return click.option(*self.decls, **self.attrs)(function)

    def option(self) -> click.Option:
        return click.Option(list(self.decls), **self.attrs)


JSON = SharedOption(("--json", "as_json"), {"is_flag": True, "help": "Print JSON for scripts."})
ON = SharedOption(
    ("--on",), {"type": DATE, "metavar": "DATE", "help": "Judge on this date (default: today)."}
)
DRY_RUN = SharedOption(
    ("--dry-run",), {"is_flag": True, "help": "Print the change as a diff; write nothing."}
)


def choice(
    *decls: str, values: tuple[str, ...], help: str, metavar: str | None = None, **attrs: Any
) -> SharedOption:
    """An option limited to ``values`` (its help text says its default, if any)."""
    return SharedOption(
        decls,
        {
            "type": Parsed(one_of(values), "choice"),
            "metavar": metavar or "|".join(values),
            "help": help,
            "show_default": False,
            **attrs,
        },
    )


def id_argument(noun: str, help: str) -> Callable[[F], F]:
    """A record id argument: CLUSTER, PARTNER, EVENT; a malformed id is a usage error."""
    return click.argument(noun, cls=Argument, type=ID, metavar=noun.upper(), help=help)


# -- the global options ------------------------------------------------------------------

GLOBAL_KEY = "clusters.global"


def _keep(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """Keep a global option given at this level: the root's are parsed first, so a
    command's replaces them. (``meta`` is one dict for a context and its children.)"""
    if value is not None and param.name is not None:
        ctx.meta.setdefault(GLOBAL_KEY, {})[param.name] = value


def global_options() -> list[click.Parameter]:
    """``--registry`` and ``--lock-timeout``, new objects for each command that takes them."""
    return [
        click.Option(
            ["registry", "--registry"],
            metavar="PATH",
            help="Registry file (else $CLUSTERS_REGISTRY, ./data/clusters.toml, the shipped one).",
            expose_value=False,
            callback=_keep,
        ),
        click.Option(
            ["lock_timeout", "--lock-timeout"],
            type=Seconds(0, 86400),
            metavar="SECONDS",
            help="Wait this long for another writer's lock (default 10).",
            expose_value=False,
            callback=_keep,
        ),
    ]


def global_settings(ctx: click.Context) -> tuple[str | None, float]:
    """The registry path given (or None) and the lock timeout in seconds."""
    found = ctx.meta.get(GLOBAL_KEY, {})
    return found.get("registry"), found.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)


# -- --output ----------------------------------------------------------------------------

OUTPUT_KEY = "clusters.output"


def _keep_output(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.meta[OUTPUT_KEY] = value


def output_option() -> click.Option:
    """``--output FILE``: what the command prints on stdout, written to FILE instead
    (the session writes it atomically when the command is done; ``output_file``)."""
    return click.Option(
        ["output_file", "--output"],
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Write the output to FILE instead of stdout (atomically; the same bytes).",
        expose_value=False,
        callback=_keep_output,
    )


def output_file(ctx: click.Context) -> Path | None:
    """The FILE of ``--output``, or None."""
    found = ctx.meta.get(OUTPUT_KEY)
    return found if isinstance(found, Path) else None
