"""``clusters diff``: what changed between two registries, or two revisions in git."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from ..errors import EXIT_FINDINGS, TomlSyntaxError, UsageError
from ..registry import revisions, store
from .click_classes import Argument, Command
from .session import Session, output_format, session
from .shared_options import JSON, ON, choice

FORMATS = ("table", "json", "markdown")


@click.command(
    "diff",
    cls=Command,
    examples=[
        "clusters diff old.toml data/clusters.toml",
        "clusters diff --rev HEAD~1 --format markdown",
    ],
)
@click.argument(
    "paths",
    cls=Argument,
    nargs=-1,
    metavar="OLD NEW | PATH",
    help="Two registry files; with --rev, the registry in git (default: the one clusters uses).",
)
@click.option(
    "--rev",
    metavar="REV",
    help="Compare the registry at git revision REV with the working file; A..B: two "
    "revisions; A...B: the merge base of A and B with B (a pull request).",
)
@click.option(
    "--textconv",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Print FILE one fact a line, sorted (for git config diff.clusters.textconv).",
)
@choice("--format", "fmt", values=FORMATS, help="Output: table (default), json or markdown.")
@JSON
@ON
@click.option("--exit-code", is_flag=True, help="Exit 1 when there is a difference.")
@click.pass_context
def diff(
    ctx: click.Context,
    paths: tuple[str, ...],
    rev: str | None,
    textconv: Path | None,
    fmt: str | None,
    as_json: bool,
    on: dt.date | None,
    exit_code: bool,
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
        first, second = _sides(s, list(paths), rev)
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
            raise click.exceptions.Exit(EXIT_FINDINGS)


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


BY_NAME: dict[str, click.Command] = {"diff": diff}
