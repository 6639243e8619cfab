"""``rename-cluster``, ``rename-partner``, ``rename-event``: a new id, and every reference.

One edit in the transaction, as every edit: locked, re-read, judged, written atomically;
``--dry-run`` prints the diff and writes nothing. The references are found from the
records' declarations (``changes/rename_edits.py``).
"""

from __future__ import annotations

from typing import Any

import click

from .click_classes import Argument, Command
from .completion import ids
from .session import session
from .shared_options import DRY_RUN, JSON, ON
from .value_parsers import ID

EXAMPLES = {
    "clusters": ("clusters rename-cluster vil flanders-logistics --dry-run",),
    "partners": (
        "clusters rename-partner vito vito-nv --dry-run",
        "clusters rename-partner vito vito-nv --json",
    ),
    "events": ("clusters rename-event innovfest-2024 innovfest-2024-brussels --dry-run",),
}


def message(noun: str, outcome: dict[str, Any]) -> str:
    if not outcome["changed"]:
        return f"unchanged: {noun} {outcome['old']} already has this id"
    count = len(outcome["references"])
    said = "1 reference" if count == 1 else f"{count} references"
    return f"renamed {noun} {outcome['old']} to {outcome['new']} ({said} followed)"


def build(table: str) -> click.Command:
    from ..changes.rename_edits import NOUNS

    noun = NOUNS[table]

    def callback(old: str, new: str, on: Any, dry_run: bool, as_json: bool) -> None:
        from ..changes import rename_edits, transaction

        ctx = click.get_current_context()
        with session(ctx, as_json) as s:
            outcome = transaction.transact(
                s.source(),
                lambda data: rename_edits.rename(data, table, old, new),  # type: ignore[arg-type]
                scope=rename_edits.scope(table, new),  # type: ignore[arg-type]
                timeout=s.lock_timeout,
                dry_run=dry_run,
                on=on,
                carry=rename_edits.carried(table, old, new),  # type: ignore[arg-type]
            )
            s.edit_result(outcome, message(noun, outcome), dry_run)

    return Command(
        f"rename-{noun}",
        params=[
            Argument(
                ["old"],
                type=ID,
                metavar="OLD",
                help=f"The {noun}'s id now.",
                shell_complete=ids(table),
            ),
            Argument(
                ["new"], type=ID, metavar="NEW", help="Its new id (lowercase letters, digits, '-')."
            ),
            ON.option(),
            DRY_RUN.option(),
            JSON.option(),
        ],
        callback=callback,
        help=f"Give a {noun} a new id; every reference to it follows, in one edit.",
        examples=EXAMPLES[table],
    )


BY_NAME: dict[str, click.Command] = {
    f"rename-{noun}": build(table)
    for table, noun in (("clusters", "cluster"), ("partners", "partner"), ("events", "event"))
}
