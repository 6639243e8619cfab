"""Commands that change the registry: add, update and remove records.

The options of a record's fields come from the records' declarations
(``registry/records.py``), so a field has the same option, type and check in every command
that takes it (add-cluster and update-cluster, add-partner and add-member, …). Every edit
runs in the transaction: locked, re-read, judged by the rules, written atomically; with
``--dry-run`` it prints the diff and writes nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..changes import edits, transaction
from ..programme.rules import Scope
from ..registry.fields import fields, optional
from ..registry.records import Cluster, Funding, Member, Partner
from .options import (
    DryRunOpt,
    JsonOpt,
    OnOpt,
    command,
    field_option,
    id_argument,
    parameter,
    unset_option,
)
from .session import Session, session, write_bytes

APPS: dict[str, typer.Typer] = {}


def options_of(
    record: type, required: tuple[str, ...] = (), only: tuple[str, ...] | None = None
) -> list[inspect.Parameter]:
    """The options of a record's fields (those with an option), in declared order."""
    return [
        parameter(
            f.key,
            field_option(f, required=f.key in required),
            inspect.Parameter.empty if f.key in required else None,
        )
        for f in fields(record)
        if f.option is not None and (only is None or f.key in only)
    ]


def unset_of(record: type) -> inspect.Parameter:
    by_key = {f.key: f for f in fields(record)}
    return parameter("unset", unset_option(optional(record), by_key))


def pick(values: dict[str, Any], record: type) -> dict[str, Any]:
    """The given (non-None, non-empty) field values of ``record``, in declared order."""
    out = {}
    for f in fields(record):
        value = values.get(f.key)
        if value is None or value == [] or f.option is None:
            continue
        out[f.key] = value
    return out


def argument(name: str, noun: str, help_text: str) -> inspect.Parameter:
    return parameter(name, Annotated[str, id_argument(noun, help_text)], inspect.Parameter.empty)


def show(s: Session, outcome: dict[str, Any], text: str, dry_run: bool) -> None:
    """An edit's result: JSON, or the diff of a dry run on stdout and a line on stderr.

    The diff is the diff of the bytes the edit would write: to a terminal its control
    characters are shown escaped; to a pipe or a file it is written as it is, so that
    ``patch`` and ``git apply`` take it.
    """
    if dry_run and not s.as_json:
        if outcome["diff"]:
            import sys

            if sys.stdout.isatty():
                from ..output.console import terminal_safe

                write_bytes(terminal_safe(outcome["diff"]))
            else:
                write_bytes(outcome["diff"])
        text = f"dry run, nothing written: {text}"
    s.result({**outcome, "message": text})


def said(done: str, same: str) -> Callable[[dict[str, Any]], str]:
    """The message of an edit: ``done`` when it changed the file, else ``same``."""
    return lambda o: (done if o["changed"] else "unchanged: " + same).format(**o)


def scope_of(values: dict[str, Any]) -> Scope:
    """The records an edit touches, from its arguments."""
    return Scope(
        clusters=frozenset(filter(None, [values.get("cluster_id")])),
        partners=frozenset(filter(None, [values.get("partner_id")])),
        events=frozenset(filter(None, [values.get("event_id")])),
    )


def edit_command(
    name: str,
    doc: str,
    arguments: list[inspect.Parameter],
    options: list[inspect.Parameter],
    change: Callable[[dict[str, Any]], Callable[[dict[str, Any]], dict[str, Any]]],
    message: Callable[[dict[str, Any]], str],
    apps: dict[str, typer.Typer] = APPS,
) -> None:
    """Register ``clusters NAME``: parse, then run ``change(values)`` in a transaction."""

    def body(ctx: typer.Context, **values: Any) -> None:
        dry_run, as_json, on = values.pop("dry_run"), values.pop("as_json"), values.pop("on")
        with session(ctx, as_json) as s:
            outcome = transaction.transact(
                s.source(),
                change(values),
                scope=scope_of(values),
                timeout=s.lock_timeout,
                dry_run=dry_run,
                on=on,
            )
            show(s, outcome, message(outcome), dry_run)

    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        *arguments,
        *options,
        parameter("on", OnOpt),
        parameter("dry_run", DryRunOpt, False),
        parameter("as_json", JsonOpt, False),
    ]
    body.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    body.__annotations__ = {p.name: p.annotation for p in parameters}
    body.__doc__ = doc
    body.__name__ = name.replace("-", "_")
    command(apps, name)(body)


# -- clusters ----------------------------------------------------------------------------

_CLUSTER = argument("cluster_id", "cluster", "Cluster id.")
_PARTNER = argument("partner_id", "partner", "Partner id.")
_REQUIRED_CLUSTER = ("name", "type", "domain")
_REQUIRED_PARTNER = ("name", "kind")

edit_command(
    "add-cluster",
    "Add a cluster (name, type and domain are required).",
    [argument("cluster_id", "cluster", "New cluster id (lowercase letters, digits, '-').")],
    options_of(Cluster, _REQUIRED_CLUSTER),
    lambda v: lambda data: edits.add_cluster(data, v["cluster_id"], pick(v, Cluster)),
    said("added cluster {cluster}", "cluster {cluster} exists with these values"),
)
edit_command(
    "update-cluster",
    "Change a cluster's fields (--FIELD VALUE) or remove them (--unset FIELD).",
    [_CLUSTER],
    [*options_of(Cluster), unset_of(Cluster)],
    lambda v: (
        lambda data: edits.update_cluster(data, v["cluster_id"], pick(v, Cluster), v["unset"] or ())
    ),
    said("updated cluster {cluster}", "cluster {cluster} already has these values"),
)
edit_command(
    "remove-cluster",
    "Remove a cluster with its funding periods and memberships.",
    [_CLUSTER],
    [],
    lambda v: lambda data: edits.remove_cluster(data, v["cluster_id"]),
    said("removed cluster {cluster}", ""),
)

# -- partners ----------------------------------------------------------------------------

edit_command(
    "add-partner",
    "Add a partner (name and kind are required).",
    [argument("partner_id", "partner", "New partner id (lowercase letters, digits, '-').")],
    options_of(Partner, _REQUIRED_PARTNER),
    lambda v: lambda data: edits.add_partner(data, v["partner_id"], pick(v, Partner)),
    said("added partner {partner}", "partner {partner} exists with these values"),
)
edit_command(
    "update-partner",
    "Change a partner's fields (--FIELD VALUE) or remove them (--unset FIELD).",
    [_PARTNER],
    [*options_of(Partner), unset_of(Partner)],
    lambda v: (
        lambda data: edits.update_partner(data, v["partner_id"], pick(v, Partner), v["unset"] or ())
    ),
    said("updated partner {partner}", "partner {partner} already has these values"),
)
edit_command(
    "remove-partner",
    "Remove a partner (refused while it is a member of a cluster).",
    [_PARTNER],
    [],
    lambda v: lambda data: edits.remove_partner(data, v["partner_id"]),
    said("removed partner {partner}", ""),
)

# -- memberships -------------------------------------------------------------------------

edit_command(
    "add-member",
    "Add a membership; creates the partner when --name and --kind are given.",
    [_CLUSTER, _PARTNER],
    [*options_of(Partner), *options_of(Member)],
    lambda v: (
        lambda data: edits.add_member(
            data, v["cluster_id"], v["partner_id"], pick(v, Member), pick(v, Partner)
        )
    ),
    said("added {partner} to {cluster}", "{partner} is already a member of {cluster}"),
)
edit_command(
    "update-member",
    "Change a membership's role or dates, or remove them (--unset FIELD).",
    [_CLUSTER, _PARTNER],
    [*options_of(Member), unset_of(Member)],
    lambda v: (
        lambda data: edits.update_member(
            data, v["cluster_id"], v["partner_id"], pick(v, Member), v["unset"] or ()
        )
    ),
    said("updated {partner} in {cluster}", "{partner} in {cluster} already has these values"),
)
edit_command(
    "remove-member",
    "Remove a membership.",
    [_CLUSTER, _PARTNER],
    [],
    lambda v: lambda data: edits.remove_member(data, v["cluster_id"], v["partner_id"]),
    said("removed {partner} from {cluster}", "{partner} is not a member of {cluster}"),
)

# -- funding -----------------------------------------------------------------------------

edit_command(
    "add-funding",
    "Add a funding period (--start and --end are required).",
    [_CLUSTER],
    options_of(Funding, ("start", "end")),
    lambda v: lambda data: edits.add_funding(data, v["cluster_id"], pick(v, Funding)),
    said("added funding from {start} to {cluster}", "{cluster} has this period from {start}"),
)
edit_command(
    "remove-funding",
    "Remove the funding period that starts on --start.",
    [_CLUSTER],
    options_of(Funding, ("start",), only=("start",)),
    lambda v: lambda data: edits.remove_funding(data, v["cluster_id"], v["start"]),
    said("removed funding from {start} of {cluster}", "{cluster} has no period from {start}"),
)


# -- bulk import -------------------------------------------------------------------------


@command(APPS, "import-members")
def import_members(
    ctx: typer.Context,
    cluster_id: Annotated[str, id_argument("cluster", "Cluster id.")],
    csv_file: Annotated[
        Path, typer.Argument(help="CSV file (UTF-8; ',' or ';').", metavar="FILE.csv")
    ],
    on: OnOpt = None,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Add members from a CSV file: all rows checked first, then one write."""
    from ..changes import imports
    from ..output.console import progress

    with session(ctx, as_json) as s:
        rows = imports.read_rows(csv_file)
        with progress(len(rows), f"importing into {cluster_id}") as tick:
            outcome = transaction.transact(
                s.source(),
                lambda data: imports.apply(data, cluster_id, rows, tick, csv_file),
                scope=Scope(frozenset([cluster_id]), frozenset(row.partner for row in rows)),
                timeout=s.lock_timeout,
                dry_run=dry_run,
                on=on,
            )
        show(s, outcome, imports.summary(outcome), dry_run)
