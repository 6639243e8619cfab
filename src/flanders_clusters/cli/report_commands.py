"""Commands that report on the registry: timeline, network, stats, export.

JSON, Mermaid, SVG, DOT, CSV and Markdown are plain text from the views; only the tables
and the terminal chart load rich (in the terminal layer, when drawn).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from ..errors import ClustersError, UsageError
from ..formats.export_text import FORMATS as EXPORT_FORMATS
from ..registry.vocabulary import CLUSTER_TYPES
from ..terminal import tables
from ..views.exports import WHATS
from .click_classes import Command
from .session import Session, output_format, session, write_stdout
from .shared_options import JSON, ON, SharedOption, choice
from .value_parsers import DATE, WholeNumber


def _format(values: tuple[str, ...], default: str) -> SharedOption:
    return choice("--format", "fmt", values=values, help=f"Output format (default: {default}).")


@click.command(
    "timeline",
    cls=Command,
    examples=[
        "clusters timeline --type spearhead --from 2015",
        "clusters timeline --svg timeline.svg",
    ],
)
@choice("--type", "type_", values=CLUSTER_TYPES, help="Only clusters of this type.")
@click.option(
    "--from",
    "from_",
    type=WholeNumber(1, 9999),
    metavar="YEAR",
    help="First year (default: data's).",
)
@click.option(
    "--to", type=WholeNumber(1, 9999), metavar="YEAR", help="Last year (default: data's)."
)
@ON
@click.option(
    "--svg",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also save the chart as SVG ('-': stdout).",
)
@_format(("table", "json", "mermaid"), "table")
@JSON
@click.pass_context
def timeline(
    ctx: click.Context,
    type_: str | None,
    from_: int | None,
    to: int | None,
    on: dt.date | None,
    svg: Path | None,
    fmt: str | None,
    as_json: bool,
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


def _save_svg(s: Session, path: Path, found: dict[str, Any], soon: int) -> None:
    from ..files import durable
    from ..formats.timeline_svg import svg

    text = svg(found, soon)
    if str(path) == "-":
        write_stdout(text)
        return
    for warning in durable.write_output(path, text, "timeline.svg"):
        s.note(f"warning: {warning}", "yellow")
    s.note(f"wrote {path}")


@click.command(
    "network",
    cls=Command,
    examples=[
        "clusters network --limit 10",
        "clusters network --format dot --output network.dot",
    ],
)
@_format(("table", "json", "dot"), "table")
@click.option(
    "--limit",
    type=WholeNumber(min=0),
    metavar="N",
    help="List the N pairs that share the most partners (default 100; 0: all).",
)
@JSON
@click.pass_context
def network(ctx: click.Context, fmt: str | None, limit: int | None, as_json: bool) -> None:
    """Pairs of clusters that share partners, and the partners in the most clusters.

    The pairs grow with the square of the clusters: the 100 that share the most partners
    are listed, and the JSON's pairs_total says how many there are.
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


_FILE_EXAMPLES = {
    "sqlite": "clusters.db",
    "datapackage": "clusters-data",
    "xlsx": "clusters.xlsx",
}


@click.command(
    "export",
    cls=Command,
    examples=[
        "clusters export --format xlsx --output clusters.xlsx",
        "clusters export --format datapackage --output clusters-data",
    ],
)
@_format(EXPORT_FORMATS, "json")
@choice(
    "--what",
    values=WHATS,
    help="What to export (default: clusters; json, csv and markdown only).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Write here instead of stdout ('-': stdout); sqlite, datapackage (a folder) and "
    "xlsx need it.",
)
@click.option(
    "--on",
    type=DATE,
    metavar="DATE",
    help="Judge the findings table on this date (sqlite, datapackage, xlsx; default: today).",
)
@JSON
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str | None,
    what: str | None,
    output: Path | None,
    on: dt.date | None,
    as_json: bool,
) -> None:
    """The registry for other tools: JSON, CSV (spreadsheets), a Markdown table
    (`--format csv --what members > members.csv`); or every table as an SQLite database
    with its Datasette metadata beside it (`--format sqlite --output clusters.db` also
    writes clusters.db.metadata.json), a Frictionless data package (a folder:
    datapackage.json and a CSV per table) or an Excel workbook. The data is published
    under CC BY 4.0, with its sources as attribution."""
    from ..formats import export_text

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "json")
        if output is not None and str(output) != "-":
            _refuse_the_registry(s, output)
        if chosen in export_text.FILE_FORMATS:
            example = _FILE_EXAMPLES[chosen]
            if output is None:
                raise UsageError(
                    f"--format {chosen} writes a file: name it with --output",
                    f"clusters export --format {chosen} --output {example}",
                )
            if what is not None:
                raise UsageError(
                    f"--what does not apply to {chosen}, which holds every table",
                    "leave out --what; for one table alone, use --format csv or json with "
                    "--what, e.g. clusters export --format csv --what partners",
                )
            for line in _every_table(s, chosen, s.read(), s.today(on), output):
                s.note(line)
            return
        found = export_text.export(s.read().data, what or "clusters", chosen)
        if output is not None and str(output) == "-":
            output = None  # '-': stdout, as timeline --svg -
        if chosen == "json" and output is None:
            s.output(found)
            return
        if chosen == "json":
            from ..formats.json_text import dumps

            text = dumps(found)
        else:
            text = str(found)
        if output is None:
            write_stdout(text)
            return
        from ..files import durable

        # the same bytes as stdout gets (write_stdout ends the text with a line break)
        content = text if text.endswith("\n") else text + "\n"
        for warning in durable.write_output(output, content, f"clusters.{chosen}"):
            s.note(f"warning: {warning}", "yellow")
        s.note(f"wrote {output}")


def _refuse_the_registry(s: Session, path: Path) -> None:
    """The registry in use is replaced only by an edit (under its lock), never by an
    export written over it."""
    import os

    try:
        same = os.path.samefile(path, s.source().path)
    except (ClustersError, OSError):
        same = False  # no registry, or no FILE yet
    if same:
        raise UsageError(
            f"--output {path} is the registry; it is replaced only by an edit",
            "name another file",
        )


def _every_table(s: Session, fmt: str, document: Any, on: dt.date, path: Path) -> list[str]:
    """Write the export of every table (refused, exit 1, when the registry's errors
    would break its keys); the lines that say what was written."""
    data, line, display = document.data, document.line, document.source.display
    if fmt == "sqlite":
        from ..files import durable
        from ..formats import datasette_metadata, sqlite_export

        statements, counted = sqlite_export.export(data, on, line, display)
        warnings = sqlite_export.write_database(path, statements)
        about = datasette_metadata.path_for(path)
        warnings += durable.write_output(about, datasette_metadata.text(path), about.name)
        written = str(path)
        also = [f"wrote {about}: its metadata for Datasette (datasette {path} -m {about})"]
    elif fmt == "datapackage":
        from ..formats import data_package

        counted, warnings = data_package.export(data, on, line, display, path)
        written, also = str(path / data_package.DESCRIPTOR) + " and a CSV per table", []
    else:
        from ..formats import xlsx_workbook

        counted, warnings = xlsx_workbook.export(data, on, line, display, path)
        written, also = str(path), []
    for warning in warnings:
        s.note(f"warning: {warning}", "yellow")
    tables = ", ".join(f"{n} {name}" for name, n in counted.items())
    return [f"wrote {written}: {tables}", *also]


@click.command(
    "stats", cls=Command, examples=["clusters stats", "clusters stats --on 2024-12-31 --json"]
)
@ON
@JSON
@click.pass_context
def stats(ctx: click.Context, on: dt.date | None, as_json: bool) -> None:
    """Counts by type and status, current members by kind, support per year."""
    from ..views import stats as statistics

    with session(ctx, as_json) as s:
        found = statistics.build(s.read().data, s.today(on))
        s.output(found, tables.stats_tables)


BY_NAME: dict[str, click.Command] = {
    "timeline": timeline,
    "network": network,
    "stats": stats,
    "export": export,
}
