"""The Click classes every command is built with: their help, their usage errors.

A command's help shows what a user types: an argument by its name alone (``CLUSTER``,
``[CODE]``), in the usage line and in an Arguments section with its help; then the
options; then one or two examples (as sqlite-utils' commands end with theirs), written
as they are typed, never wrapped. A mistyped option suggests only the options whose
names are close to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

CONTEXT = {"help_option_names": ["-h", "--help"]}
# The arguments that take an id, by name, and the table of the ids (shell completion).
ID_TABLES = {"cluster": "clusters", "partner": "partners", "event": "events"}


class Argument(click.Argument):
    """An argument with a help text, shown in the command's Arguments section."""

    def __init__(self, param_decls: Sequence[str], *, help: str = "", **attrs: Any) -> None:
        super().__init__(param_decls, **attrs)
        self.help_text = help

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """A CLUSTER, PARTNER or EVENT argument completes from the registry's ids."""
        table = ID_TABLES.get(self.name or "")
        if table is not None and self._custom_shell_complete is None:
            from .completion import ids

            return ids(table)(ctx, self, incomplete)
        return super().shell_complete(ctx, incomplete)

    def get_help_record(self, ctx: click.Context) -> tuple[str, str]:
        text = self.help_text
        return self.shown_name(), f"{text}  [required]" if self.required else text

    def shown_name(self) -> str:
        name = self.metavar or (self.name or "").upper()
        return name if self.required else f"[{name}]"

    def get_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [self.shown_name()]


class HelpSections:
    """The help of the house, for a command and for a group (a mixin of ``click.Command``)."""

    examples: tuple[str, ...] = ()

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Usage, description, arguments and options, examples. (Click 8.5 would write
        the arguments under a heading of its own; here they have ours on every version.)"""
        self.format_usage(ctx, formatter)  # type: ignore[attr-defined]
        self.format_help_text(ctx, formatter)  # type: ignore[attr-defined]
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        arguments: list[tuple[str, str]] = []
        options: list[tuple[str, str]] = []
        for param in self.get_params(ctx):  # type: ignore[attr-defined]
            record = param.get_help_record(ctx)
            if record is None:
                continue
            (arguments if isinstance(param, click.Argument) else options).append(record)
        for title, records in (("Arguments", arguments), ("Options", options)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The examples, each on its line as it is typed (a wrapped command would not run
        when pasted)."""
        if not self.examples:
            return
        formatter.write_paragraph()
        formatter.write_heading("Examples" if len(self.examples) > 1 else "Example")
        formatter.write_paragraph()
        for example in self.examples:
            formatter.write(f"  {example}\n")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with close_suggestions(self, ctx):
            return super().parse_args(ctx, args)  # type: ignore[misc]


class Command(HelpSections, click.Command):
    """A command of ``clusters``: its help ends with its ``examples``."""

    def __init__(self, name: str, *, examples: Sequence[str] = (), **attrs: Any) -> None:
        attrs.setdefault("context_settings", CONTEXT)
        super().__init__(name, **attrs)
        self.examples = tuple(examples)


class Group(HelpSections, click.Group):
    """A group of commands (``clusters partner show``): its help ends with its
    ``examples``, and called alone it prints that help."""

    command_class = Command

    def __init__(self, name: str | None = None, *, examples: Sequence[str] = (), **attrs: Any):
        attrs.setdefault("context_settings", CONTEXT)
        attrs.setdefault("no_args_is_help", True)
        super().__init__(name, **attrs)
        self.examples = tuple(examples)


@contextmanager
def close_suggestions(command: Any, ctx: click.Context) -> Iterator[None]:
    """An unknown option names the options of ``command`` whose names, without their
    dashes, are close to it (click compares them with the dashes, which are alike in
    every option: ``--frob`` got "--on"); the name typed is shown with its control
    characters escaped, as a terminal would otherwise obey them."""
    try:
        yield
    except click.NoSuchOption as exc:
        params = command.get_params(ctx)
        names = [
            n for p in params for n in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))
        ]
        close = close_options(exc.option_name, names)
        message = f"No such option: {_escaped(exc.option_name)}"
        if close:
            message += f" (Possible options: {', '.join(sorted(close))})"
        raise click.NoSuchOption(exc.option_name, message, ctx=exc.ctx) from None


def _escaped(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda found: f"\\x{ord(found[0]):02x}", text)


def close_options(typed: str, names: list[str]) -> list[str]:
    """The long options among ``names`` close to ``typed`` (``--jsn`` → ``--json``)."""
    import difflib

    bare = {name.lstrip("-"): name for name in names if name.startswith("--")}
    close = difflib.get_close_matches(typed.lstrip("-"), list(bare), n=3, cutoff=0.6)
    return [bare[name] for name in close]
