"""``clusters diff``: what changed between two registries, or two revisions in git."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from ..errors import EXIT_FINDINGS, TomlSyntaxError, UsageError
from ..registry import revisions, store
from .options import JsonOpt, OnOpt, choice, command
from .session import Session, output_format, session

APPS: dict[str, typer.Typer] = {}
FORMATS = ("table", "json", "markdown")


@command(APPS, "diff")
def diff(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="OLD NEW | PATH",
            help="Two registry files; with --rev, the registry in git (default: the one "
            "clusters uses).",
            show_default=False,
        ),
    ] = None,
    rev: Annotated[
        str | None,
        typer.Option(
            "--rev",
            metavar="REV",
            help="Compare the registry at git revision REV with the working file; A..B: "
            "two revisions; A...B: the merge base of A and B with B (a pull request).",
            show_default=False,
        ),
    ] = None,
    textconv: Annotated[
        Path | None,
        typer.Option(
            "--textconv",
            metavar="FILE",
            dir_okay=False,
            help="Print FILE one fact a line, sorted (for git config diff.clusters.textconv).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None, choice("--format", FORMATS, "Output: table (default), json or markdown.")
    ] = None,
    as_json: JsonOpt = False,
    on: OnOpt = None,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when there is a difference.")
    ] = False,
) -> None:
    """Changes between two registries, record by record, and the findings that appeared
    or disappeared."""
    from ..views import comparison

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "table")
        if textconv is not None:
            if paths or rev is not None or fmt is not None or as_json:
                raise UsageError("--textconv takes a FILE and no other argument or format")
            s.output(textconv, _facts)
            return
        first, second = _sides(s, paths or [], rev)
        result = comparison.compare(
            revisions.read_side("old", first), revisions.read_side("new", second), s.today(on)
        )
        for warning in result["warnings"]:
            s.note(f"warning: {warning}", "yellow")
        if chosen == "markdown":
            from ..formats import markdown

            s.output(result, markdown.comparison_report)
        elif chosen == "table":
            from ..terminal.comparison_tables import diff_tables

            s.output(result, diff_tables)
        else:
            s.output(result)
        if exit_code and comparison.differs(result):
            raise typer.Exit(EXIT_FINDINGS)


def _sides(s: Session, paths: list[str], rev: str | None) -> tuple[revisions.Side, revisions.Side]:
    if rev is not None:
        if len(paths) > 1:
            raise UsageError("--rev takes at most one PATH", "e.g. clusters diff --rev HEAD~1 PATH")
        return revisions.sides(Path(paths[0]) if paths else s.source().path, rev)
    if len(paths) != 2:
        raise UsageError(
            "name two registry files, or a git revision",
            "clusters diff OLD NEW, or clusters diff --rev REV [PATH]",
        )
    old, new = paths
    return revisions.Side(Path(old), label=old), revisions.Side(Path(new), label=new)


def _facts(path: Path) -> str:
    """The facts of a registry; a file that is not TOML (or not UTF-8) is shown as it is
    (after a first line that says so), since git stops a whole log when a textconv
    fails. That line names no file: git passes a temporary file of a random name, and
    the text would change on every run."""
    from ..formats.textconv import textconv

    source = store.Source(path, how="textconv")
    text = None
    try:
        text = store.read_text(source)
        data = store.parse(text, path)
    except TomlSyntaxError as error:
        Session.note(f"warning: {error.message}", "yellow")
        if text is None:  # not UTF-8: each byte that is not is shown as U+FFFD
            text = path.read_bytes().decode("utf-8", errors="replace")
        return f"# not TOML: {_unnamed(error.message, path)}\n{text}"
    return textconv(data)


def _unnamed(message: str, path: Path) -> str:
    """``/tmp/XyZ_clusters.toml:3:5: TOML syntax error: …`` → ``line 3, column 5: TOML
    syntax error: …``: a reader's message without the file's name."""
    rest = message.removeprefix(str(path))
    if rest == message:
        return message
    where = re.match(r":(\d+)(?::(\d+))?: ", rest)
    if where is None:
        return rest.removeprefix(": ")
    column = f", column {where[2]}" if where[2] else ""
    return f"line {where[1]}{column}: {rest[where.end() :]}"
