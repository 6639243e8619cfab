"""The network's events: ``events`` and ``event show``. (Their edits, and those of who
took part in them, are in the table of edits: ``edit_table.py``.)"""

from __future__ import annotations

import datetime as dt

import click

from ..registry.vocabulary import EVENT_KINDS
from ..terminal import tables
from .click_classes import Command, Group
from .completion import ids
from .session import output_format, session, write_bytes
from .shared_options import JSON, ON, choice, id_argument
from .value_parsers import DATE, ID

FORMATS = ("table", "json", "ics")


@click.command(
    "events",
    cls=Command,
    examples=[
        "clusters events --from 2024-01-01 --kind networking",
        "clusters events --cluster vil --format ics > vil.ics",
    ],
)
@click.option(
    "--from", "first", type=DATE, metavar="DATE", help="Only events that end on or after DATE."
)
@click.option(
    "--to", "last", type=DATE, metavar="DATE", help="Only events that start on or before DATE."
)
@choice("--kind", values=EVENT_KINDS, help="Only events of this kind.")
@click.option(
    "--cluster",
    type=ID,
    metavar="CLUSTER",
    help="Only events this cluster took part in.",
    shell_complete=ids("clusters"),
)
@click.option("--upcoming", is_flag=True, help="Only events that end on or after --on.")
@ON
@choice("--format", "fmt", values=FORMATS, help="table, json, or ics: an iCalendar file.")
@JSON
@click.pass_context
def events(
    ctx: click.Context,
    first: dt.date | None,
    last: dt.date | None,
    kind: str | None,
    cluster: str | None,
    upcoming: bool,
    on: dt.date | None,
    fmt: str | None,
    as_json: bool,
) -> None:
    """The network's events, by start: a table, JSON, or an iCalendar file (--format ics)."""
    from ..views import event_rows

    with session(ctx, as_json or fmt == "json") as s:
        chosen = output_format(fmt, as_json, "table")
        data = s.read().data
        today = s.today(on)
        if first is not None and last is not None and first > last:
            from ..errors import UsageError

            raise UsageError(f"--from {first} is after --to {last}", "swap them")
        found = event_rows.rows(
            data, today, first=first, last=last, kind=kind, cluster=cluster, upcoming=upcoming
        )
        if chosen == "ics":
            from ..formats.ics import ics_bytes

            write_bytes(ics_bytes(data, today, event_rows.chosen(data, found)))
        else:
            s.output(found, tables.events_table if chosen == "table" else None)


@click.group(
    "event",
    cls=Group,
    help="One event of the FI&E network.",
    examples=["clusters event show innovfest-2024"],
)
def event() -> None:
    pass


@event.command(
    "show",
    examples=["clusters event show innovfest-2024", "clusters event show tci-2019 --json"],
)
@id_argument("event", "Event id.")
@JSON
@click.pass_context
def event_show(ctx: click.Context, event: str, as_json: bool) -> None:
    """One event: all its fields and the organisations that took part."""
    from ..views import event_rows

    with session(ctx, as_json) as s:
        s.output(event_rows.detail(s.read().data, event), tables.event_tables)


BY_NAME: dict[str, click.Command] = {"events": events, "event": event}
