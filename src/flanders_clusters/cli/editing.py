"""Building edit commands: options from the records' fields, the transaction, the result.

The options of a record's fields come from the records' declarations
(``registry/records.py``), so a field has the same option, type and check in every
command that takes it. Every edit runs in the transaction: locked, re-read, judged by the
rules, written atomically; with ``--dry-run`` it prints the diff and writes nothing.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ..changes import transaction
from ..programme.rules import Scope
from ..registry.fields import fields, optional
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
                from ..terminal.console import terminal_safe

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
    apps: dict[str, typer.Typer],
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


def import_command(name: str, doc: str, noun: str, dialect_name: str, apps: dict) -> None:
    """Register ``clusters NAME OWNER FILE.csv``: every row checked, then one write
    (``import-members`` into a cluster, ``import-participants`` into an event)."""

    def body(
        ctx: typer.Context,
        owner_id: str,
        csv_file: Annotated[
            Path, typer.Argument(help="CSV file (UTF-8; ',' or ';').", metavar="FILE.csv")
        ],
        on: OnOpt = None,
        dry_run: DryRunOpt = False,
        as_json: JsonOpt = False,
    ) -> None:
        from ..changes import csv_imports
        from ..terminal import edit_summaries
        from ..terminal.console import progress

        dialect = getattr(csv_imports, dialect_name)
        with session(ctx, as_json) as s:
            rows = csv_imports.read_rows(csv_file, dialect)
            scope = Scope(partners=frozenset(row.partner for row in rows if row.partner))
            scope = Scope(**{**scope.tables(), dialect.kind.table: frozenset([owner_id])})
            with progress(len(rows), f"importing into {owner_id}") as tick:
                outcome = transaction.transact(
                    s.source(),
                    lambda data: csv_imports.apply(data, owner_id, rows, tick, csv_file, dialect),
                    scope=scope,
                    timeout=s.lock_timeout,
                    dry_run=dry_run,
                    on=on,
                )
            show(s, outcome, edit_summaries.import_summary(outcome), dry_run)

    body.__doc__ = doc
    body.__name__ = name.replace("-", "_")
    # The owner's argument names its noun (CLUSTER, EVENT): an object, not a string to
    # evaluate in this module.
    body.__annotations__["owner_id"] = Annotated[str, id_argument(noun, f"{noun.capitalize()} id.")]
    command(apps, name)(body)
