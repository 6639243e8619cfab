"""``clusters export --format sqlite``: the registry as tables of a relational database.

A registry and its findings in, SQL statements and rows out, run into a new database
file by ``write_database`` (through ``files.durable``: built beside the target, moved
into place, never over a file this tool did not write). Each table has a column per
field of its record, derived from the declarations in ``records.py``, so a new field is a
new column without an edit here:

    clusters        id, then every cluster field        (labels, funding and members
    partners        id, then every partner field         are tables of their own)
    memberships     cluster, then every membership field  primary key (cluster, partner)
    funding         cluster, then every period field      primary key (cluster, start)
    labels          cluster, then every label field       primary key (cluster, scheme, awarded)
    events          id, then every event field           (clusters and participants
    event_clusters  event, cluster                         are tables of their own)
    participants    event, then every participant field  primary key (event, partner)
    findings        the ``validate --json`` keys, one row per finding

Types: text, dates as ISO text, whole numbers as INTEGER, amounts and shares as REAL,
true/false as 1/0, lists of values (sources, nace) as JSON text. An absent field is NULL,
except a field with a fixed default (a membership's role, a partner's country), which is
filled in so that queries need not know the defaults. Foreign keys tie each row to its
cluster, partner or event; every foreign key has an index.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..errors import AlreadyExists, BrokenKeys, PermissionDenied, WriteFailed, plural
from ..files import durable, regular
from ..programme.rules import Finding
from ..registry import records
from ..registry.fields import Field, defaults, fields, is_record
from ..registry.records import Registry

# Rules whose error findings mean rows that break a key: the export refuses them.
KEY_RULES = ("FC002", "FC003", "FC006", "FC009")
_SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "REAL", bool: "INTEGER", dt.date: "TEXT"}


@dataclass(frozen=True)
class Table:
    """A table: its leading key column (the parent record's id), the record whose fields
    are its other columns, its primary key and its references to other tables."""

    name: str
    record: type | None
    parent: tuple[str, str] | None = None  # (column, table): the record it belongs to
    primary: tuple[str, ...] = ("id",)
    references: dict[str, str] = field(default_factory=dict)  # column → table
    repeated_rule: str | None = None  # the rule that reports a repeated primary key
    missing_rule: str | None = None  # the rule that reports a reference to nothing
    skip: tuple[str, ...] = ()  # fields stored in a table of their own

    def fields(self) -> list[Field]:
        assert self.record is not None, f"{self.name} has no record"
        return [
            f
            for f in fields(self.record)
            if f.key not in self.skip and not (f.is_list and is_record(f.item))
        ]

    def columns(self) -> list[tuple[str, str, bool]]:
        """(name, SQL type, required) of each column, in order."""
        if self.record is None:  # event_clusters
            return [(column, "TEXT", True) for column in self.primary]
        lead = [self.parent[0]] if self.parent else ["id"]
        out = [(column, "TEXT", True) for column in lead]
        for f in self.fields():
            out.append((f.key, "TEXT" if f.is_list else _SQL_TYPES[f.base], f.required))
        return out

    def references_all(self) -> dict[str, str]:
        return (
            {self.parent[0]: self.parent[1], **self.references} if self.parent else self.references
        )


TABLES = (
    Table("clusters", records.Cluster),
    Table("partners", records.Partner),
    Table(
        "memberships",
        records.Member,
        parent=("cluster", "clusters"),
        primary=("cluster", "partner"),
        references={"partner": "partners"},
        repeated_rule="FC003",
        missing_rule="FC002",
    ),
    Table("funding", records.Funding, parent=("cluster", "clusters"), primary=("cluster", "start")),
    Table(
        "labels",
        records.Label,
        parent=("cluster", "clusters"),
        primary=("cluster", "scheme", "awarded"),
    ),
    Table(
        "events",
        records.Event,
        references={"organiser": "partners"},
        missing_rule="FC006",
        skip=("clusters",),
    ),
    Table(
        "event_clusters",
        None,
        primary=("event", "cluster"),
        references={"event": "events", "cluster": "clusters"},
        missing_rule="FC006",
    ),
    Table(
        "participants",
        records.Participant,
        parent=("event", "events"),
        primary=("event", "partner"),
        references={"partner": "partners"},
        repeated_rule="FC009",
        missing_rule="FC006",
    ),
)
FINDING_COLUMNS = (
    ("id", "INTEGER"),
    ("code", "TEXT"),
    ("rule", "TEXT"),
    ("severity", "TEXT"),
    ("profile", "TEXT"),
    ("message", "TEXT"),
    ("cluster", "TEXT"),
    ("partner", "TEXT"),
    ("event", "TEXT"),
    ("path", "TEXT"),
    ("line", "INTEGER"),
    ("fix", "TEXT"),
)
NAMES = (*(table.name for table in TABLES), "findings")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_cell)


# How each kind of value is stored; text and numbers as they are.
_CELLS: dict[type, Any] = {dt.date: dt.date.isoformat, bool: int, list: _json, dict: _json}


def _cell(value: Any) -> Any:
    convert = _CELLS.get(type(value))
    if convert is not None:
        return convert(value)
    return value.isoformat() if isinstance(value, dt.date) else value


# -- rows ----------------------------------------------------------------------------------


RAW = "raw"  # ``each_row``'s ``cell`` for values as the registry holds them


def _rows_of(table: Table, cell: Any = None) -> Callable[[str, Mapping[str, Any]], tuple]:
    """A function that makes a record into a row of ``table`` (the key first, then a
    value per field, a fixed default where the field is absent), each value through
    ``cell`` (default: as SQLite stores it; ``RAW``: as it is)."""
    filled = defaults(table.record) if table.record is not None else {}
    pairs = [(f.key, filled.get(f.key)) for f in table.fields()]
    convert = _cell if cell is None else cell

    if cell is RAW:

        def raw(lead: str, record: Mapping[str, Any]) -> tuple:
            get = record.get
            return (lead, *[get(key, default) for key, default in pairs])

        return raw

    def row(lead: str, record: Mapping[str, Any]) -> tuple:
        get = record.get
        return (lead, *[convert(get(key, default)) for key, default in pairs])

    return row


_LISTS = {"memberships": "members", "funding": "funding", "labels": "labels"}


def each_row(data: Registry, name: str, cell: Any = None) -> Iterator[tuple]:
    """The rows of the table ``name`` (not findings), in key order, one at a time, each
    value through ``cell`` (default: as SQLite stores it; ``RAW``: as the registry
    holds it). An export that streams its tables asks for each in turn."""
    clusters, events = data.get("clusters") or {}, data.get("events") or {}
    if name == "event_clusters":
        for eid, event in sorted(events.items()):
            yield from ((eid, cid) for cid in event.get("clusters") or ())
        return
    make = _rows_of(next(t for t in TABLES if t.name == name), cell)
    by_id: dict[str, Mapping[str, Mapping[str, Any]]] = {
        "clusters": clusters,
        "partners": data.get("partners") or {},
        "events": events,
    }
    if name in by_id:
        for key, record in sorted(by_id[name].items()):
            yield make(key, record)
    elif name == "participants":
        for eid, event in sorted(events.items()):
            yield from (make(eid, item) for item in event.get("participants") or ())
    else:
        lists = _LISTS[name]
        for cid, cluster in sorted(clusters.items()):
            items: Any = cluster.get(lists)
            yield from (make(cid, item) for item in items or ())


def rows(data: Registry) -> dict[str, list[tuple]]:
    """The rows of each table but findings, in key order."""
    return {table.name: list(each_row(data, table.name)) for table in TABLES}


def finding_rows(found: Iterable[Finding]) -> list[tuple]:
    return [
        (number, *(item[key] for key, _ in FINDING_COLUMNS[1:]))
        for number, item in enumerate((f.as_json() for f in found), 1)
    ]


# -- keys ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """A row that would break a key: the rule that reports such rows, and what it is."""

    rule: str | None
    message: str


def breaks(tables: dict[str, Any]) -> list[Break]:
    """Rows whose primary key repeats, or whose reference names no row. ``tables``: each
    table's rows, a list, or rows made again at each pass (``data_package.TableRows``),
    which are passed over once more only when one breaks a key."""
    keys: dict[str, set] = {}
    shapes = {}  # each table's column names and the getter of its primary key
    referred: dict[tuple[str, str], set] = {}  # (table, column) → the values it holds
    out = []
    for table in TABLES:
        names = [column for column, _, _ in table.columns()]
        key_of = itemgetter(*(names.index(column) for column in table.primary))
        shapes[table.name] = names, key_of
        found = tables[table.name]
        columns = {column: names.index(column) for column in table.references_all()}
        if isinstance(found, list):  # decided at set speed
            keys[table.name] = seen = set(map(key_of, found))
            count = len(found)
            for column, at in columns.items():
                referred[table.name, column] = set(map(itemgetter(at), found))
        else:  # one pass over rows that are made, not held
            keys[table.name] = seen = set()
            adds = []
            for column, at in columns.items():
                values: set[Any] = set()
                referred[table.name, column] = values
                adds.append((values.add, itemgetter(at)))
            count = 0
            add_key = seen.add
            for row in found:
                count += 1
                add_key(key_of(row))
                for add, get in adds:
                    add(get(row))
        if len(seen) == count:
            continue  # the usual case
        seen = set()
        for row in found:
            key = key_of(row)
            if key in seen:
                out.append(Break(table.repeated_rule, f"{table.name} {_said(key)}: listed twice"))
            seen.add(key)
    for table in TABLES:
        names, key_of = shapes[table.name]
        for column, other in table.references_all().items():
            at = names.index(column)
            known = keys[other]  # the referenced tables have a one-column key: its values
            missing = referred[table.name, column] - known - {None}
            for row in tables[table.name] if missing else ():
                if row[at] in missing:
                    out.append(
                        Break(
                            table.missing_rule,
                            f"{table.name} {_said(key_of(row))}: {column} {row[at]!r} is not "
                            f"in {other}",
                        )
                    )
    return out


def _said(key: Any) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return "/".join("" if part is None else str(part) for part in parts)


def refusals(found: list[Finding], tables: dict[str, Any]) -> list[str]:
    """What stops the export: error findings of the key rules, and rows that break a key
    which no such finding reports (each named)."""
    named = [f for f in found if f.code in KEY_RULES and f.severity == "error"]
    codes = {f.code for f in named}
    out = [f"{f.code} {f.rule}: {_where(f)}: {f.message}" for f in named]
    out += [b.message for b in breaks(tables) if b.rule is None or b.rule not in codes]
    return out


def _where(finding: Finding) -> str:
    return finding.cluster or finding.event or finding.partner or "registry"


# -- SQL ----------------------------------------------------------------------------------


def schema() -> Iterator[str]:
    """The statements that create the tables."""
    for table in TABLES:
        references = table.references_all()
        parts = []
        for column, kind, required in table.columns():
            part = f"{_quoted(column)} {kind}" + (" NOT NULL" if required else "")
            if column in references:
                other = references[column]
                part += f" REFERENCES {_quoted(other)}({_quoted(_id_of(other))})"
                if table.parent and column == table.parent[0]:
                    part += " ON DELETE CASCADE"
            parts.append(part)
        parts.append(f"PRIMARY KEY ({', '.join(map(_quoted, table.primary))})")
        yield f"CREATE TABLE {_quoted(table.name)} (\n  " + ",\n  ".join(parts) + "\n)"
    columns = ",\n  ".join(f"{_quoted(name)} {kind}" for name, kind in FINDING_COLUMNS)
    yield f'CREATE TABLE "findings" (\n  {columns},\n  PRIMARY KEY ("id")\n)'


def indexes() -> Iterator[str]:
    """An index on each foreign key that does not lead a primary key, and on the columns
    of findings that name records (made after the rows: faster than kept up row by row)."""
    for table in TABLES:
        for column in table.references_all():
            if column != table.primary[0]:  # the primary key's own index serves it
                yield _index(table.name, column)
    for column in ("code", "cluster", "partner", "event"):
        yield _index("findings", column)


def _id_of(table: str) -> str:
    return next(t for t in TABLES if t.name == table).primary[0]


def _index(table: str, column: str) -> str:
    name = _quoted(f"{table}_{column}")
    return f"CREATE INDEX {name} ON {_quoted(table)} ({_quoted(column)})"


def _insert(table: str, width: int) -> str:
    return f"INSERT INTO {_quoted(table)} VALUES ({', '.join('?' * width)})"


def script(
    tables: dict[str, list[tuple]], found_rows: list[tuple]
) -> Iterator[tuple[str, list[tuple] | None]]:
    """Each statement to run, with its rows (None: once)."""
    for statement in schema():
        yield statement, None
    for table in TABLES:
        yield _insert(table.name, len(table.columns())), tables[table.name]
    yield _insert("findings", len(FINDING_COLUMNS)), found_rows
    for statement in indexes():
        yield statement, None


def counts(tables: dict[str, list[tuple]], found_rows: list[tuple]) -> dict[str, int]:
    return {**{name: len(found) for name, found in tables.items()}, "findings": len(found_rows)}


def judged(
    data: Registry,
    on: dt.date,
    line: Any,
    display: str,
    tables: dict[str, Any],
    what: str = "database",
) -> list[Finding]:
    """The findings of ``data`` on ``on``; ``BrokenKeys`` (exit 1) when errors of the
    registry would break the keys of the tables (``tables``: each table's rows, a list or
    anything that can be iterated again and measured)."""
    from ..programme import rules

    found = rules.run(data, on, line=line)
    refused = refusals(found, tables)
    if refused:
        raise BrokenKeys(
            f"{display}: not exported, {plural(len(refused), 'error')} would break the "
            f"{what}'s keys: " + "; ".join(refused),
            "correct them (`clusters validate` lists them), then export again",
        )
    return found


def export(
    data: Registry, on: dt.date, line: Any = None, display: str = "registry"
) -> tuple[Iterator[tuple[str, list[tuple] | None]], dict[str, int]]:
    """The statements that make the database of ``data`` (with its findings on ``on``,
    at the lines ``line`` gives) and the rows of each table; ``BrokenKeys`` (exit 1) when
    errors of the registry would break the database's keys."""
    tables = rows(data)
    found_rows = finding_rows(judged(data, on, line, display, tables))
    return script(tables, found_rows), counts(tables, found_rows)


# -- the database file ------------------------------------------------------------------

SQLITE_HEADER = b"SQLite format 3\x00"
# The mark of a database written by clusters, in its header (``PRAGMA application_id``):
# "FlCl" as a 32-bit big-endian number. Only a database with this mark is replaced.
APPLICATION_ID = 0x466C436C
_APPLICATION_ID_AT = slice(68, 72)  # where SQLite's file header keeps it


def write_database(
    path: Path, script: Iterable[tuple[str, Iterable[Sequence[Any]] | None]]
) -> list[str]:
    """Build a new SQLite database at ``path``: each statement of ``script`` runs once, or
    for each of its rows. Built in a temporary file beside ``path`` and moved into place,
    marked with ``APPLICATION_ID``. Only nothing, an empty file or a database this tool
    wrote is replaced: anything else at ``path`` is refused and left alone. Returns
    warnings (a group not kept)."""
    import sqlite3

    _refuse_unless_ours(path)
    warnings: list[str] = []
    with durable.atomic(path, follow_links=False, warnings=warnings) as temp:
        connection = sqlite3.connect(temp.path, isolation_level=None)
        try:
            # The file is private until it is moved into place (and flushed to disk
            # then): a rollback journal or a sync per transaction would only slow it.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute("BEGIN")
            for statement, rows in script:
                if rows is None:
                    connection.execute(statement)
                else:
                    connection.executemany(statement, rows)
            connection.execute("COMMIT")
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.Error as exc:
            raise WriteFailed(
                f"{path}: cannot write the database: {exc}; nothing was written",
                "check the free space and the permissions, then retry",
            ) from None
        finally:
            connection.close()
        if broken:  # a safety net: the records were checked before they were written
            raise WriteFailed(f"{path}: foreign keys would not hold: {broken[:5]}")
    return warnings


def _refuse_unless_ours(path: Path) -> None:
    """Refuse to replace anything but nothing, an empty regular file, or a database
    that carries this tool's mark (read from its header, never opened as a database)."""
    if durable.check_output(path, "clusters.db") is None:
        return
    try:
        with regular.open_regular(path, follow=False) as handle:
            head = handle.read(100)
    except FileNotFoundError:
        return
    except regular.NotRegular as exc:  # swapped since the check
        raise AlreadyExists(f"{path}: is {exc.kind}, so it is not written") from None
    except PermissionError as exc:
        raise PermissionDenied(
            f"{path}: cannot read: {exc.strerror or exc}", "give yourself read permission"
        ) from None
    except OSError as exc:  # a link swapped in since the check (O_NOFOLLOW), …
        raise WriteFailed(f"{path}: cannot check it: {exc.strerror or exc}") from None
    if not head:
        return  # an empty file holds nothing to lose
    if not head.startswith(SQLITE_HEADER):
        raise AlreadyExists(
            f"{path}: exists and is not an SQLite database, so it is not replaced",
            "choose another path, or remove the file",
        )
    if int.from_bytes(head[_APPLICATION_ID_AT], "big") != APPLICATION_ID:
        raise AlreadyExists(
            f"{path}: exists and is an SQLite database that clusters did not write, so it "
            "is not replaced",
            "choose another path, or remove the file (an export made by an earlier "
            "clusters carries no mark: remove it once)",
        )
