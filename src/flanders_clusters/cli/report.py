"""Commands that report on the registry: timeline, network, stats, export.

JSON, Mermaid, SVG, DOT, CSV and Markdown are plain text from the views; only the tables
and the terminal chart load rich (in the output layer, when drawn).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ..errors import UsageError
from ..formats.export_text import FORMATS as EXPORT_FORMATS
from ..registry.vocabulary import CLUSTER_TYPES
from ..terminal import tables
from ..views.exports import WHATS
from .options import JsonOpt, OnOpt, choice, command, parse_date
from .session import output_format, session, write_stdout

APPS: dict[str, typer.Typer] = {}

TypeOpt = Annotated[str | None, choice("--type", CLUSTER_TYPES, "Only clusters of this type.")]
FromOpt = Annotated[
    int | None,
    typer.Option("--from", metavar="YEAR", min=1, max=9999, help="First year (default: data's)."),
]
ToOpt = Annotated[
    int | None,
    typer.Option("--to", metavar="YEAR", min=1, max=9999, help="Last year (default: data's)."),
]
SvgOpt = Annotated[
    Path | None,
    typer.Option(
        "--svg", metavar="FILE", dir_okay=False, help="Also save the chart as SVG ('-': stdout)."
    ),
]


def _format(values: tuple[str, ...], default: str):
    return choice("--format", values, f"Output format (default: {default}).")


@command(APPS, "timeline")
def timeline(
    ctx: typer.Context,
    type_: TypeOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    on: OnOpt = None,
    svg: SvgOpt = None,
    fmt: Annotated[str | None, _format(("table", "json", "mermaid"), "table")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Funding timeline: a Gantt chart of the clusters, and active clusters per year."""
    from ..programme.policy import policy
    from ..views import timeline as timelines

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "table")
        if from_ is not None and to is not None and from_ > to:
            raise UsageError(f"--from {from_} is after --to {to}", "swap them or drop one")
        data = s.read().data
        found = timelines.build(data, s.today(on), type_=type_, from_year=from_, to_year=to)
        soon = policy(data)["ending_soon_days"]
        if svg is not None:
            _save_svg(s, svg, found, soon)
            if str(svg) == "-":
                return
        if chosen == "mermaid":
            from ..formats import mermaid

            s.output(found, lambda f: mermaid.mermaid(f, soon))
        elif chosen == "table":
            from ..terminal import gantt

            s.output(found, lambda f: gantt.renderables(f, soon))
        else:
            s.output(found)


def _save_svg(s, path: Path, found: dict, soon: int) -> None:
    from ..files import durable
    from ..formats.timeline_svg import svg

    text = svg(found, soon)
    if str(path) == "-":
        write_stdout(text)
        return
    for warning in durable.write_output(path, text, "timeline.svg"):
        s.note(f"warning: {warning}", "yellow")
    s.note(f"wrote {path}")


@command(APPS, "network")
def network(
    ctx: typer.Context,
    fmt: Annotated[str | None, _format(("table", "json", "dot"), "table")] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            metavar="N",
            help="List the N pairs that share the most partners (default 100; 0: all).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Pairs of clusters that share partners, and the partners in the most clusters.

    The pairs grow with the square of the clusters: the 100 that share the most partners
    are listed, and the JSON's pairs_total says how many there are.

    Example: clusters network --limit 10 --format dot > network.dot
    """
    from ..views import network as networks

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "table")
        found = networks.build(s.read().data, networks.PAIRS_SHOWN if limit is None else limit)
        if chosen == "dot":
            from ..formats import dot

            s.output(found, dot.dot)
        else:
            s.output(found, tables.network_tables if chosen == "table" else None)


@command(APPS, "export")
def export(
    ctx: typer.Context,
    fmt: Annotated[str | None, _format(EXPORT_FORMATS, "json")] = None,
    what: Annotated[
        str | None, choice("--what", WHATS, "What to export (default: clusters; not sqlite).")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="FILE",
            dir_okay=False,
            help="The database file to write (sqlite only; replaced if it is one).",
            show_default=False,
        ),
    ] = None,
    on: Annotated[
        dt.date | None,
        typer.Option(
            "--on",
            parser=parse_date,
            metavar="DATE",
            help="Judge the findings table on this date (sqlite; default: today).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The registry for other tools: JSON, CSV (spreadsheets), a Markdown table, or an
    SQLite database of every table (--output FILE.db)."""
    from ..formats import export_text

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "json")
        if chosen == "sqlite":
            if output is None:
                raise UsageError(
                    "--format sqlite writes a file: name it with --output",
                    "clusters export --format sqlite --output clusters.db",
                )
            if what is not None:
                raise UsageError(
                    "--what does not apply to sqlite, which holds every table",
                    "leave out --what; for one table alone, use --format csv or json with "
                    "--what, e.g. clusters export --format csv --what partners",
                )
            s.note(_database(s, s.read(), s.today(on), output))
            return
        if output is not None:
            raise UsageError(
                "--output is for --format sqlite", "redirect the output: clusters export … > FILE"
            )
        found = export_text.export(s.read().data, what or "clusters", chosen)
        if chosen == "json":
            s.output(found)
        else:
            write_stdout(str(found))


def _database(s, document, on: dt.date, path: Path) -> str:
    """Write the SQLite export, or refuse (exit 1) a registry whose errors break keys."""
    from ..formats import sqlite_export

    statements, counted = sqlite_export.export(
        document.data, on, document.line, document.source.display
    )
    for warning in sqlite_export.write_database(path, statements):
        s.note(f"warning: {warning}", "yellow")
    return f"wrote {path}: " + ", ".join(f"{n} {name}" for name, n in counted.items())


@command(APPS, "stats")
def stats(ctx: typer.Context, on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """Counts by type and status, current members by kind, support per year."""
    from ..views import stats as statistics

    with session(ctx, as_json) as s:
        found = statistics.build(s.read().data, s.today(on))
        s.output(found, tables.stats_tables)
