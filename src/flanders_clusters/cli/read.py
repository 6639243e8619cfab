"""Commands that read the registry, and the file-level ones: fmt, schema, init."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import queries
from ..vocabulary import CLUSTER_TYPES, NETWORK_ROLES, PARTNER_KINDS, STATUSES
from .app import JsonOpt, OnOpt, app, choice, session, write_stdout

partner_app = typer.Typer(help="One partner of the FI&E network.", no_args_is_help=True)
app.add_typer(partner_app, name="partner")

TypeOpt = Annotated[str | None, choice("--type", CLUSTER_TYPES, "Only clusters of this type.")]


@app.command("list")
def list_(
    ctx: typer.Context,
    type_: TypeOpt = None,
    status: Annotated[
        str | None, choice("--status", STATUSES, "Only clusters with this status on --on.")
    ] = None,
    domain: Annotated[
        str | None, typer.Option("--domain", metavar="TEXT", help="Domain contains TEXT.")
    ] = None,
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One row per cluster: id, name, type, domain, status, start, end, members."""
    with session(ctx, as_json) as s:
        from ..render import list_table

        data = s.read().data
        rows = queries.list_rows(data, s.today(on), type_=type_, status=status, domain_text=domain)
        s.output(rows, list_table)


@app.command()
def show(
    ctx: typer.Context,
    cluster: Annotated[str, typer.Argument(help="Cluster id.")],
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One cluster: all fields, funding periods, members with partner details."""
    with session(ctx, as_json) as s:
        from ..render import show_tables

        s.output(queries.show(s.read().data, cluster, s.today(on)), show_tables)


@app.command()
def partners(
    ctx: typer.Context,
    kind: Annotated[str | None, choice("--kind", PARTNER_KINDS, "Only this kind.")] = None,
    network_role: Annotated[
        str | None, choice("--network-role", NETWORK_ROLES, "Only this FI&E network role.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Partners, with the clusters each belongs to."""
    with session(ctx, as_json) as s:
        from ..render import partners_table

        rows = queries.partner_rows(s.read().data, kind=kind, network_role=network_role)
        s.output(rows, partners_table)


@partner_app.command("show")
def partner_show(
    ctx: typer.Context,
    partner: Annotated[str, typer.Argument(help="Partner id.")],
    as_json: JsonOpt = False,
) -> None:
    """One partner and the clusters it belongs to."""
    with session(ctx, as_json) as s:
        from ..render import partner_tables

        s.output(queries.partner_detail(s.read().data, partner), partner_tables)


@app.command()
def fmt(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the file is not canonical; write nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Rewrite the registry in its canonical form (sorted, fixed field order)."""
    from .. import files

    with session(ctx, as_json) as s:
        result = files.format_registry(s.source(), check=check, timeout=s.settings.lock_timeout)
        s.result(result)
        if check and not result["canonical"]:
            raise typer.Exit(1)


@app.command()
def schema(ctx: typer.Context) -> None:
    """Print the JSON Schema of the registry file."""
    from .. import files

    write_stdout(files.schema_text())


@app.command()
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to create the registry.")],
    from_shipped: Annotated[
        bool, typer.Option("--from-shipped", help="Start from the shipped registry.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a new registry (empty, or a copy of the shipped one) and its schema beside it."""
    from .. import files

    with session(ctx, as_json) as s:
        s.result(files.init(path, from_shipped=from_shipped))
