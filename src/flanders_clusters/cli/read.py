"""Commands that read the registry: list, show, partners, partner show."""

from __future__ import annotations

from typing import Annotated

import typer

from ..registry.vocabulary import CLUSTER_TYPES, NETWORK_ROLES, PARTNER_KINDS, STATUSES
from ..terminal import tables
from ..views import queries
from .options import JsonOpt, OnOpt, choice, command, id_argument, new_group
from .session import session

APPS: dict[str, typer.Typer] = {}
partner_group = APPS["partner"] = new_group("One partner of the FI&E network.")


TypeOpt = Annotated[str | None, choice("--type", CLUSTER_TYPES, "Only clusters of this type.")]


@command(APPS, "list")
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
        data = s.read().data
        rows = queries.list_rows(data, s.today(on), type_=type_, status=status, domain=domain)
        s.output(rows, tables.list_table)


@command(APPS, "show")
def show(
    ctx: typer.Context,
    cluster: Annotated[str, id_argument("cluster", "Cluster id.")],
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One cluster: all fields, funding periods, members with partner details."""
    with session(ctx, as_json) as s:
        s.output(queries.show(s.read().data, cluster, s.today(on)), tables.show_tables)


@command(APPS, "partners")
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
        rows = queries.partner_rows(s.read().data, kind=kind, network_role=network_role)
        s.output(rows, tables.partners_table)


@command(APPS, "show", group=partner_group)
def partner_show(
    ctx: typer.Context,
    partner: Annotated[str, id_argument("partner", "Partner id.")],
    as_json: JsonOpt = False,
) -> None:
    """One partner and the clusters it belongs to."""
    with session(ctx, as_json) as s:
        s.output(queries.partner_detail(s.read().data, partner), tables.partner_tables)
