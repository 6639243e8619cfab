"""The network's events: ``events``, ``event show``, and the edits of events and of who
took part in them (with the guarantees of every edit: see ``edit.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ..changes import event_edits
from ..registry.records import Event, Participant, Partner
from ..registry.vocabulary import EVENT_KINDS
from ..terminal import tables
from .editing import argument, edit_command, import_command, options_of, pick, said, unset_of
from .options import (
    JsonOpt,
    OnOpt,
    choice,
    command,
    each,
    id_argument,
    new_group,
    parameter,
    parse_date,
    parse_id,
)
from .session import output_format, session, write_bytes

APPS: dict[str, typer.Typer] = {}
event_group = APPS["event"] = new_group("One event of the FI&E network.")


FORMATS = ("table", "json", "ics")
DateOpt = {"parser": parse_date, "metavar": "DATE", "show_default": False}


@command(APPS, "events")
def events(
    ctx: typer.Context,
    first: Annotated[
        dt.date | None,
        typer.Option("--from", help="Only events that end on or after DATE.", **DateOpt),
    ] = None,
    last: Annotated[
        dt.date | None,
        typer.Option("--to", help="Only events that start on or before DATE.", **DateOpt),
    ] = None,
    kind: Annotated[str | None, choice("--kind", EVENT_KINDS, "Only events of this kind.")] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="CLUSTER",
            callback=parse_id,
            help="Only events this cluster took part in.",
        ),
    ] = None,
    upcoming: Annotated[
        bool, typer.Option("--upcoming", help="Only events that end on or after --on.")
    ] = False,
    on: OnOpt = None,
    fmt: Annotated[
        str | None, choice("--format", FORMATS, "table, json, or ics: an iCalendar file.")
    ] = None,
    as_json: JsonOpt = False,
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


@command(APPS, "show", group=event_group)
def event_show(
    ctx: typer.Context,
    event: Annotated[str, id_argument("event", "Event id.")],
    as_json: JsonOpt = False,
) -> None:
    """One event: all its fields and the organisations that took part."""
    from ..views import event_rows

    with session(ctx, as_json) as s:
        s.output(event_rows.detail(s.read().data, event), tables.event_tables)


# -- edits ---------------------------------------------------------------------------------

_EVENT = argument("event_id", "event", "Event id.")
_PARTNER = argument("partner_id", "partner", "Partner id.")
_DROP = parameter(
    "drop_cluster",
    Annotated[
        list[str] | None,
        typer.Option(
            "--drop-cluster",
            metavar="CLUSTER",
            callback=each(parse_id),
            help="Remove a cluster from the event's clusters (repeatable).",
            show_default=False,
        ),
    ],
)

edit_command(
    "add-event",
    "Add an event (title, kind and start are required).",
    [argument("event_id", "event", "New event id (lowercase letters, digits, '-').")],
    options_of(Event, ("title", "kind", "start")),
    lambda v: lambda data: event_edits.add_event(data, v["event_id"], pick(v, Event)),
    said("added event {event}", "event {event} exists with these values"),
    APPS,
)
edit_command(
    "update-event",
    "Change an event's fields (--FIELD VALUE), drop clusters, or remove fields (--unset).",
    [_EVENT],
    [*options_of(Event), _DROP, unset_of(Event)],
    lambda v: (
        lambda data: event_edits.update_event(
            data, v["event_id"], pick(v, Event), v["unset"] or (), v["drop_cluster"] or ()
        )
    ),
    said("updated event {event}", "event {event} already has these values"),
    APPS,
)
edit_command(
    "remove-event",
    "Remove an event with its participations.",
    [_EVENT],
    [],
    lambda v: lambda data: event_edits.remove_event(data, v["event_id"]),
    said("removed event {event}", ""),
    APPS,
)
edit_command(
    "add-participant",
    "Add an organisation that took part; creates the partner when --name and --kind are given.",
    [_EVENT, _PARTNER],
    [*options_of(Partner), *options_of(Participant)],
    lambda v: (
        lambda data: event_edits.add_participant(
            data, v["event_id"], v["partner_id"], pick(v, Participant), pick(v, Partner)
        )
    ),
    said("added {partner} to {event}", "{partner} already takes part in {event}"),
    APPS,
)
edit_command(
    "update-participant",
    "Change a participant's role.",
    [_EVENT, _PARTNER],
    [*options_of(Participant), unset_of(Participant)],
    lambda v: (
        lambda data: event_edits.update_participant(
            data, v["event_id"], v["partner_id"], pick(v, Participant), v["unset"] or ()
        )
    ),
    said("updated {partner} in {event}", "{partner} in {event} already has these values"),
    APPS,
)
edit_command(
    "remove-participant",
    "Remove an organisation from an event's participants.",
    [_EVENT, _PARTNER],
    [],
    lambda v: lambda data: event_edits.remove_participant(data, v["event_id"], v["partner_id"]),
    said("removed {partner} from {event}", "{partner} does not take part in {event}"),
    APPS,
)


import_command(
    "import-participants",
    "Add participants from a CSV file (the members CSV's columns; role optional).",
    "event",
    "PARTICIPANT_CSV",
    APPS,
)
