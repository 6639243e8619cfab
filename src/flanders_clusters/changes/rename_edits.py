"""Renames: a cluster, partner or event gets a new id, and every reference follows.

Which fields hold ids of which table is declared with the fields (``refers`` in
``registry/records.py``): a membership's and a participation's ``partner``, an event's
``organiser`` and ``clusters``, a cluster's ``successor`` (when it is a cluster's id and
not words). ``rename`` walks the records by those declarations, so a field declared
later is renamed without a change here. Pure, like every edit: the transaction reads,
calls it under the lock, judges and writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, Literal

from ..errors import AlreadyExists
from ..programme.rules import Scope
from ..registry import lookup
from ..registry.fields import fields, is_record
from ..registry.records import TABLES

Table = Literal["clusters", "partners", "events"]
NOUNS: dict[str, str] = {"clusters": "cluster", "partners": "partner", "events": "event"}
_FIND = {"clusters": lookup.cluster, "partners": lookup.partner, "events": lookup.event}


def _references(
    record: dict[str, Any], kind: type, table: str, old: str, new: str, where: str
) -> Iterator[str]:
    """Rewrite, in ``record`` (of type ``kind``) and its lists of records, every field
    that refers to ``table`` and holds ``old``; yield the dotted place of each."""
    for f in fields(kind):
        value = record.get(f.key)
        if value is None:
            continue
        if f.is_list and is_record(f.item):
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        place = f"{where}.{f.key}[{index}]"
                        yield from _references(item, f.item, table, old, new, place)
        elif f.meta.refers == table:
            if f.is_list and isinstance(value, list) and old in value:
                renamed = [new if item == old else item for item in value]
                record[f.key] = list(dict.fromkeys(renamed))  # NEW once, if it was there
                yield f"{where}.{f.key}"
            elif value == old:
                record[f.key] = new
                yield f"{where}.{f.key}"


def _walk(data: dict[str, Any], table: str, old: str, new: str) -> Iterator[str]:
    for name, kind in TABLES.items():
        for rid, record in (data.get(name) or {}).items():
            if isinstance(record, dict):
                yield from _references(record, kind, table, old, new, f"{name}.{rid}")


def rename(data: Any, table: Table, old: str, new: str) -> dict[str, Any]:
    """Give the record ``old`` of ``table`` the id ``new``; rewrite its references.

    ``{"old", "new", "changed", "references"}``: the references are the dotted places
    that named ``old`` (as they were before the rename). Unknown ``old``: the lookup's
    error; ``new`` taken: ``AlreadyExists``; ``new == old``: nothing changes.
    """
    noun = NOUNS[table]
    _FIND[table](data, old)  # raises, with suggestions
    outcome: dict[str, Any] = {"old": old, "new": new, "changed": False}
    if new == old:
        return outcome | {"references": []}
    records = lookup.table(data, table)
    if new in records:
        raise AlreadyExists(
            f"{noun} {new!r} already exists; {old!r} was not renamed",
            f"choose another id, or `clusters remove-{noun} {new}` first",
        )
    references = list(_walk(data, table, old, new))
    # The record keeps its place among the others (the canonical write sorts them anyway).
    moved = {(new if rid == old else rid): record for rid, record in records.items()}
    records.clear()
    records.update(moved)
    return outcome | {"changed": True, "references": references}


def scope(table: Table, new: str) -> Callable[[Any], Scope]:
    """The records a rename can touch: all (its references are anywhere), and the new
    id, judged on the data the transaction reads."""

    def of(data: dict[str, Any]) -> Scope:
        ids = {name: frozenset(data.get(name) or {}) for name in TABLES}
        found = Scope(ids["clusters"], ids["partners"], ids["events"])
        return replace(found, **{table: ids[table] | {new}})

    return of


def carried(table: Table, old: str, new: str) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A finding's identity with ``old`` read as ``new``: a finding the file had before
    the rename is the same finding after it, not a new one."""
    position = {"clusters": 1, "partners": 2, "events": 3}[table]

    def carry(identity: tuple[Any, ...]) -> tuple[Any, ...]:
        items = list(identity)
        if items[position] == old:
            items[position] = new
        if items[-1] == old:
            items[-1] = new
        return tuple(items)

    return carry
