"""The edit commands, built from their table (``edit_table.py``) as Click commands.

Each row becomes a command whose arguments are its ids and whose options come from the
declarations of its records' fields (``record_options.py``), then ``--unset`` and
``--drop-cluster`` where the row has them, and the options of every edit. Every edit
runs in the transaction: locked, re-read, judged by the rules, written atomically; with
``--dry-run`` it prints the diff and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from ..registry.records import Registry
from .click_classes import Argument, Command
from .completion import ids
from .edit_table import TABLE, Edit, Request
from .record_options import options_of, unset_option
from .session import session
from .shared_options import DRY_RUN, JSON, ON
from .value_parsers import ID


def parameters(edit: Edit) -> list[click.Parameter]:
    """The arguments and options of ``edit``'s command, in the order of its help."""
    params: list[click.Parameter] = [
        Argument([i.noun], type=ID, metavar=i.noun.upper(), help=i.help) for i in edit.ids
    ]
    for group in edit.options:
        params += options_of(group.record, group.required, group.only)
    if edit.drop_cluster:
        params.append(
            click.Option(
                ["drop_clusters", "--drop-cluster"],
                type=ID,
                multiple=True,
                metavar="CLUSTER",
                help="Remove a cluster from the event's clusters (repeatable).",
                shell_complete=ids("clusters"),
            )
        )
    if edit.unset:
        params.append(unset_option(edit.options[0].record))
    return [*params, ON.option(), DRY_RUN.option(), JSON.option()]


def request(values: dict[str, Any]) -> Request:
    """The Request of the parsed command line (ids, lists, then the fields given)."""
    return Request(
        cluster=values.pop("cluster", ""),
        partner=values.pop("partner", ""),
        event=values.pop("event", ""),
        unset=tuple(values.pop("unset", ())),
        drop_clusters=tuple(values.pop("drop_clusters", ())),
        given={
            key: list(value) if isinstance(value, tuple) else value
            for key, value in values.items()
            if value is not None and value != ()
        },
    )


def run(edit: Edit, values: dict[str, Any]) -> None:
    """Run ``edit`` with the parsed command line, in the transaction."""
    from ..changes import transaction
    from ..programme.rules import Scope

    ctx = click.get_current_context()
    on: dt.date | None = values.pop("on")
    dry_run: bool = values.pop("dry_run")
    as_json: bool = values.pop("as_json")
    asked = request(values)
    scope = Scope(
        clusters=frozenset(filter(None, [asked.cluster])),
        partners=frozenset(filter(None, [asked.partner])),
        events=frozenset(filter(None, [asked.event])),
    )

    def change(data: Registry) -> dict[str, Any]:
        return edit.change(data, asked)

    with session(ctx, as_json) as s:
        outcome = transaction.transact(
            s.source(), change, scope=scope, timeout=s.lock_timeout, dry_run=dry_run, on=on
        )
        s.edit_result(outcome, edit.message(outcome), dry_run)


def build(edit: Edit) -> click.Command:
    """The Click command of a row of the table."""

    def callback(**values: Any) -> None:
        run(edit, values)

    return Command(
        edit.name,
        params=parameters(edit),
        callback=callback,
        help=edit.help,
        examples=edit.examples,
    )


BY_NAME: dict[str, click.Command] = {edit.name: build(edit) for edit in TABLE}
