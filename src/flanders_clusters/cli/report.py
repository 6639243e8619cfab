"""Commands that report on the registry: timeline, network, export, stats.

JSON, Mermaid, DOT, CSV and Markdown are plain text from the pure modules; only the
tables and the chart import rich (through ``chart``/``render``, inside the branch).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import domain, jsonout
from ..exporting import FORMATS as EXPORT_FORMATS
from ..exporting import WHATS
from ..vocabulary import CLUSTER_TYPES
from .app import JsonOpt, OnOpt, choice, output_format, session, write_stdout

app = typer.Typer()

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
    typer.Option("--svg", metavar="FILE", dir_okay=False, help="Also save the chart as SVG."),
]


def _format(values: tuple[str, ...], default: str):
    return choice("--format", values, f"Output format (default: {default}).")


def _draw(drawn: list) -> None:
    from ..render import emit

    emit(*drawn)


def _save_svg(path: Path, drawn: list) -> None:
    from .. import chart, render, store

    store.write_text(store.Source(path), chart.svg(drawn, render.console().width))
    render.message(f"wrote {path}")


@app.command()
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
    from .. import timeline as timelines

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "table")
        data = s.read().data
        found = timelines.build(data, s.today(on), type_=type_, from_year=from_, to_year=to)
        soon = domain.policy(data)["ending_soon_days"]
        if chosen == "table" or svg is not None:
            from .. import chart

            drawn = chart.renderables(found, soon)
            if svg is not None:
                _save_svg(svg, drawn)
        if chosen == "json":
            write_stdout(jsonout.dumps(found))
        elif chosen == "mermaid":
            write_stdout(timelines.mermaid(found, soon))
        else:
            _draw(drawn)


@app.command()
def network(
    ctx: typer.Context,
    fmt: Annotated[str | None, _format(("table", "json", "dot"), "table")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Pairs of clusters that share partners, and the partners in the most clusters."""
    from .. import network as networks

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "table")
        found = networks.build(s.read().data)
        if chosen == "table":
            from ..chart import network_tables

            _draw(network_tables(found))
        else:
            write_stdout(networks.dot(found) if chosen == "dot" else jsonout.dumps(found))


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[str | None, _format(EXPORT_FORMATS, "json")] = None,
    what: Annotated[str, choice("--what", WHATS, "What to export (default: clusters).")] = (
        "clusters"
    ),
    as_json: JsonOpt = False,
) -> None:
    """The registry for other tools: JSON, CSV (spreadsheets) or a Markdown table."""
    from .. import exporting

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "json")
        found = exporting.export(s.read().data, what, chosen)
        write_stdout(jsonout.dumps(found) if chosen == "json" else found)


@app.command()
def stats(ctx: typer.Context, on: OnOpt = None, as_json: JsonOpt = False) -> None:
    """Counts by type and status, current members by kind, support per year."""
    from .. import stats as statistics

    with session(ctx, as_json) as s:
        found = statistics.build(s.read().data, s.today(on))
        s.output(found, "chart:stats_tables")
