"""Commands that read the registry: list, show, partners, partner show."""

from __future__ import annotations

import datetime as dt

import click

from ..registry.vocabulary import CLUSTER_TYPES, NETWORK_ROLES, PARTNER_KINDS, STATUSES
from ..terminal import tables
from ..views import queries
from .click_classes import Command, Group
from .session import session
from .shared_options import JSON, ON, choice, id_argument


@click.command(
    "list",
    cls=Command,
    examples=[
        "clusters list --type spearhead",
        "clusters list --status active --on 2025-01-01 --json",
    ],
)
@choice("--type", "type_", values=CLUSTER_TYPES, help="Only clusters of this type.")
@choice("--status", values=STATUSES, help="Only clusters with this status on --on.")
@click.option("--domain", metavar="TEXT", help="Domain contains TEXT.")
@ON
@JSON
@click.pass_context
def list_(
    ctx: click.Context,
    type_: str | None,
    status: str | None,
    domain: str | None,
    on: dt.date | None,
    as_json: bool,
) -> None:
    """One row per cluster: id, name, type, domain, status, start, end, members."""
    with session(ctx, as_json) as s:
        data = s.read().data
        rows = queries.list_rows(data, s.today(on), type_=type_, status=status, domain=domain)
        s.output(rows, tables.list_table)


@click.command("show", cls=Command, examples=["clusters show vil", "clusters show flux50 --json"])
@id_argument("cluster", "Cluster id.")
@ON
@JSON
@click.pass_context
def show(ctx: click.Context, cluster: str, on: dt.date | None, as_json: bool) -> None:
    """One cluster: all fields, funding periods, members with partner details."""
    with session(ctx, as_json) as s:
        s.output(queries.show(s.read().data, cluster, s.today(on)), tables.show_tables)


@click.command(
    "partners",
    cls=Command,
    examples=[
        "clusters partners --kind knowledge",
        "clusters partners --network-role federation --json",
    ],
)
@choice("--kind", values=PARTNER_KINDS, help="Only this kind.")
@choice("--network-role", values=NETWORK_ROLES, help="Only this FI&E network role.")
@JSON
@click.pass_context
def partners(ctx: click.Context, kind: str | None, network_role: str | None, as_json: bool) -> None:
    """Partners, with the clusters each belongs to."""
    with session(ctx, as_json) as s:
        rows = queries.partner_rows(s.read().data, kind=kind, network_role=network_role)
        s.output(rows, tables.partners_table)


@click.group(
    "partner",
    cls=Group,
    help="One partner of the FI&E network.",
    examples=["clusters partner show vito"],
)
def partner() -> None:
    pass


@partner.command(
    "show", examples=["clusters partner show vito", "clusters partner show imec --json"]
)
@id_argument("partner", "Partner id.")
@JSON
@click.pass_context
def partner_show(ctx: click.Context, partner: str, as_json: bool) -> None:
    """One partner and the clusters it belongs to."""
    with session(ctx, as_json) as s:
        s.output(queries.partner_detail(s.read().data, partner), tables.partner_tables)


BY_NAME: dict[str, click.Command] = {
    "list": list_,
    "show": show,
    "partners": partners,
    "partner": partner,
}
