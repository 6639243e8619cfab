"""``import-members`` and ``import-participants``: rows of a CSV file added in one edit.

Every row is read and checked first; then one transaction (locked, judged by the rules,
written atomically, or with ``--dry-run`` only shown) adds them all, or none.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from .click_classes import Argument, Command
from .session import session
from .shared_options import DRY_RUN, JSON, ON, id_argument

_CSV = click.argument(
    "csv_file",
    cls=Argument,
    type=click.Path(path_type=Path),
    metavar="FILE.csv",
    help="CSV file (UTF-8; ',' or ';').",
)


def _import(
    ctx: click.Context,
    owner_id: str,
    csv_file: Path,
    dialect: Any,
    on: dt.date | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Read ``csv_file`` in ``dialect``, then add its rows to the cluster or event
    ``owner_id`` in one transaction."""
    from ..changes import csv_imports, transaction
    from ..programme.rules import Scope
    from ..terminal import edit_summaries
    from ..terminal.console import progress

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
        s.edit_result(outcome, edit_summaries.import_summary(outcome), dry_run)


@click.command(
    "import-members",
    cls=Command,
    examples=[
        "clusters import-members vil members.csv --dry-run",
        "clusters import-members vil members.csv",
    ],
)
@id_argument("cluster", "Cluster id.")
@_CSV
@ON
@DRY_RUN
@JSON
@click.pass_context
def import_members(
    ctx: click.Context,
    cluster: str,
    csv_file: Path,
    on: dt.date | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Add members from a CSV file: all rows checked first, then one write."""
    from ..changes.csv_imports import MEMBER_CSV

    _import(ctx, cluster, csv_file, MEMBER_CSV, on, dry_run, as_json)


@click.command(
    "import-participants",
    cls=Command,
    examples=["clusters import-participants innovfest-2024 participants.csv --dry-run"],
)
@id_argument("event", "Event id.")
@_CSV
@ON
@DRY_RUN
@JSON
@click.pass_context
def import_participants(
    ctx: click.Context,
    event: str,
    csv_file: Path,
    on: dt.date | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Add participants from a CSV file (the members CSV's columns; role optional)."""
    from ..changes.csv_imports import PARTICIPANT_CSV

    _import(ctx, event, csv_file, PARTICIPANT_CSV, on, dry_run, as_json)


BY_NAME: dict[str, click.Command] = {
    "import-members": import_members,
    "import-participants": import_participants,
}
