"""`clusters export --format sqlite`: every record in its table, keys that hold, a file
written atomically and never over something that is not a database."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import stat
import tomllib
from pathlib import Path

import files_support
import pytest
from conftest import SHIPPED_DATA, digest, run, write_registry
from hypothesis import given, settings
from hypothesis import strategies as st

ON = "2025-06-01"

REGISTRY = """\
schema_version = 1

[clusters.alpha]
name = "Alpha"
type = "spearhead"
domain = "Chemistry"
recognised = 2018-01-01
reported_members = 40
members_complete = false
sources = ["https://alpha.example", "https://alpha.example/2"]
management_fte = 2.5
eccp_profile = "https://clustercollaboration.eu/alpha"
labels = [
    { scheme = "esca", level = "bronze", awarded = 2022-01-10, expires = 2023-12-31 },
    { scheme = "esca", level = "silver", awarded = 2024-01-15, reference = "S-1" },
]
funding = [
    { start = 2018-01-01, end = 2022-12-31, annual_support_eur = 400000, support_rate = 0.5 },
    { start = 2023-01-01, end = 2027-12-31, end_basis = "policy-max" },
]
members = [
    { partner = "acme", role = "founder" },
    { partner = "gov", role = "clusterpact", since = 2018-06-01 },
    { partner = "uni" },
]

[partners.acme]
name = "Acme NV"
kind = "company"
size = "large"
enterprise_number = "0123.456.749"
postal_code = "2000"
nace = ["62010", "70220"]
nace_version = "2008"

[partners.gov]
name = "Flemish Government"
kind = "government"

[partners.uni]
name = "Example University"
kind = "knowledge"
country = "BE"

[events.fest]
title = "Fest"
kind = "networking"
start = 2024-10-24
place = "Mechelen"
clusters = ["alpha"]
organiser = "gov"
reported_participants = 300
participants = [
    { partner = "acme" },
    { partner = "uni", role = "speaker" },
]
"""


def export(registry: Path, output: Path, *extra: str):
    return run(
        "--registry", str(registry), "export", "--format", "sqlite", "--output", str(output),
        "--on", ON, *extra,
    )  # fmt: skip


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def assert_keys_hold(db: Path) -> None:
    assert rows(db, "PRAGMA foreign_key_check") == []
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


def test_every_field_in_its_column(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    db = tmp_path / "clusters.db"
    result = export(registry, db)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith(f"wrote {db}: 1 clusters, 3 partners, 3 memberships")
    assert_keys_hold(db)
    assert rows(db, "SELECT * FROM clusters") == [
        (
            "alpha", "Alpha", "spearhead", "Chemistry", None, "2018-01-01", 40, 0,
            '["https://alpha.example", "https://alpha.example/2"]', None, None, None, None,
            2.5, None, "https://clustercollaboration.eu/alpha",
        )
    ]  # fmt: skip
    assert rows(db, "SELECT * FROM partners ORDER BY id") == [
        ("acme", "Acme NV", "company", "large", "0123.456.749", "2000", "BE", None, None, None,
         '["62010", "70220"]', "2008", None, None),
        ("gov", "Flemish Government", "government", None, None, None, "BE", None, None, None,
         None, None, None, None),
        ("uni", "Example University", "knowledge", None, None, None, "BE", None, None, None,
         None, None, None, None),
    ]  # fmt: skip
    # Absent fields with a fixed default are filled in: a membership's role is member.
    assert rows(db, "SELECT * FROM memberships ORDER BY partner") == [
        ("alpha", "acme", "founder", None, None),
        ("alpha", "gov", "clusterpact", "2018-06-01", None),
        ("alpha", "uni", "member", None, None),
    ]
    assert rows(db, "SELECT * FROM funding ORDER BY start") == [
        ("alpha", "2018-01-01", "2022-12-31", "published", 400000.0, None, 0.5, None),
        ("alpha", "2023-01-01", "2027-12-31", "policy-max", None, None, None, None),
    ]
    assert rows(db, "SELECT * FROM labels ORDER BY awarded") == [
        ("alpha", "esca", "bronze", "2022-01-10", "2023-12-31", None),
        ("alpha", "esca", "silver", "2024-01-15", None, "S-1"),
    ]
    assert rows(db, "SELECT * FROM events") == [
        ("fest", "Fest", "networking", "2024-10-24", None, "Mechelen", "network", "gov", None,
         300, None, None),
    ]  # fmt: skip
    assert rows(db, "SELECT * FROM event_clusters") == [("fest", "alpha")]
    assert rows(db, "SELECT * FROM participants ORDER BY partner") == [
        ("fest", "acme", "attendee"),
        ("fest", "uni", "speaker"),
    ]
    assert rows(
        db,
        "SELECT typeof(reported_members), typeof(members_complete), typeof(management_fte), "
        "typeof(recognised) FROM clusters",
    ) == [("integer", "integer", "real", "text")]
    assert rows(
        db, "SELECT typeof(annual_support_eur) FROM funding WHERE start = '2018-01-01'"
    ) == [("real",)]
    (sources,) = rows(db, "SELECT sources FROM clusters")[0]
    assert json.loads(sources) == ["https://alpha.example", "https://alpha.example/2"]


def test_keys_and_indexes(tmp_path: Path) -> None:
    db = tmp_path / "clusters.db"
    assert export(write_registry(tmp_path, REGISTRY), db).exit_code == 0
    columns = {
        table: [(name, kind, notnull, pk) for _, name, kind, notnull, _, pk in
                rows(db, f"PRAGMA table_info({table})")]
        for (table,) in rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
    }  # fmt: skip
    assert sorted(columns) == sorted(
        ["clusters", "partners", "memberships", "funding", "labels", "events",
         "event_clusters", "participants", "findings"]
    )  # fmt: skip
    assert columns["memberships"] == [
        ("cluster", "TEXT", 1, 1),
        ("partner", "TEXT", 1, 2),
        ("role", "TEXT", 0, 0),
        ("since", "TEXT", 0, 0),
        ("until", "TEXT", 0, 0),
    ]
    assert [(c[0], c[3]) for c in columns["funding"] if c[3]] == [("cluster", 1), ("start", 2)]
    assert [(c[0], c[3]) for c in columns["labels"] if c[3]] == [
        ("cluster", 1), ("scheme", 2), ("awarded", 3)
    ]  # fmt: skip
    expected = {
        "memberships": {("cluster", "clusters"), ("partner", "partners")},
        "funding": {("cluster", "clusters")},
        "labels": {("cluster", "clusters")},
        "events": {("organiser", "partners")},
        "event_clusters": {("event", "events"), ("cluster", "clusters")},
        "participants": {("event", "events"), ("partner", "partners")},
    }
    for table, keys in expected.items():
        found = {(row[3], row[2]) for row in rows(db, f"PRAGMA foreign_key_list({table})")}
        assert found == keys, table
        # every foreign key is the first column of an index (its own, or the primary key's)
        leading = set()
        for index in rows(db, f"PRAGMA index_list({table})"):
            leading.add(rows(db, f"PRAGMA index_info({index[1]!r})")[0][2])
        assert {column for column, _ in keys} <= leading, table


def test_the_shipped_registry_every_record_present(tmp_path: Path) -> None:
    db = tmp_path / "shipped.db"
    result = export(SHIPPED_DATA, db)
    assert result.exit_code == 0, result.stderr
    assert_keys_hold(db)
    data = tomllib.loads(SHIPPED_DATA.read_text(encoding="utf-8"))
    assert_every_record_present(db, data)
    # The findings table is validate's result on the same date.
    validate = run("--registry", str(SHIPPED_DATA), "validate", "--json", "--on", ON).json()
    stored = rows(
        db, "SELECT code, rule, severity, message, cluster, partner, path, line FROM findings "
        "ORDER BY id"
    )  # fmt: skip
    keys = ("code", "rule", "severity", "message", "cluster", "partner", "path", "line")
    assert stored == [tuple(f[k] for k in keys) for f in validate["findings"]]
    assert stored, "the shipped registry has findings on this date"


def assert_every_record_present(db: Path, data: dict) -> None:
    clusters = data.get("clusters", {})
    memberships = {
        (cid, m["partner"], m.get("role", "member"), m.get("since"), m.get("until"))
        for cid, cluster in clusters.items()
        for m in cluster.get("members", ())
    }
    funding = {
        (cid, period["start"], period["end"])
        for cid, cluster in clusters.items()
        for period in cluster.get("funding", ())
    }

    def day(value):
        return None if value is None else dt.date.fromisoformat(value)

    stored = {
        (c, p, role, day(since), day(until))
        for c, p, role, since, until in rows(db, "SELECT * FROM memberships")
    }
    assert stored == memberships
    assert len(rows(db, "SELECT * FROM memberships")) == len(memberships)
    assert {
        (c, day(s), day(e)) for c, s, e in rows(db, 'SELECT cluster, start, "end" FROM funding')
    } == funding
    assert [r[0] for r in rows(db, "SELECT id FROM partners ORDER BY id")] == sorted(
        data["partners"]
    )
    # A join through the keys reaches every membership, with the partner's and cluster's data.
    joined = rows(
        db,
        "SELECT m.cluster, c.name, m.partner, p.name, p.kind FROM memberships m "
        "JOIN clusters c ON c.id = m.cluster JOIN partners p ON p.id = m.partner",
    )
    partners = data["partners"]
    assert sorted(joined) == sorted(
        (cid, clusters[cid]["name"], pid, partners[pid]["name"], partners[pid]["kind"])
        for cid, pid, *_ in memberships
    )


def generated(seed: int) -> dict:
    """A registry whose keys hold: partners, clusters with members, funding and labels,
    events with participants."""
    rng = random.Random(seed)
    partners = {
        f"p{n:03d}": {
            "name": f"Partner {n}",
            "kind": rng.choice(["company", "knowledge", "government", "other"]),
            **({"postal_code": str(rng.choice([2000, 9000]))} if rng.random() < 0.5 else {}),
        }
        for n in range(rng.randint(1, 40))
    }
    ids = sorted(partners)
    clusters = {}
    for n in range(rng.randint(0, 12)):
        start = dt.date(2015 + rng.randint(0, 10), rng.randint(1, 12), 1)
        periods, labels = [], []
        for k in range(rng.randint(0, 3)):
            first = dt.date(start.year + 3 * k, start.month, 1)
            periods.append({"start": first, "end": dt.date(first.year + 2, 12, 31)})
        for k in range(rng.randint(0, 2)):
            labels.append({"scheme": "esca", "level": "gold", "awarded": dt.date(2020 + k, 5, 1)})
        members = [
            {"partner": pid, "role": rng.choice(["member", "founder", "board"])}
            for pid in rng.sample(ids, rng.randint(0, min(8, len(ids))))
        ]
        clusters[f"c{n:02d}"] = {
            "name": f"Cluster {n}",
            "type": rng.choice(["spearhead", "icn"]),
            "domain": "Domain",
            "funding": periods,
            "labels": labels,
            "members": members,
        }
    events = {
        f"e{n}": {
            "title": f"Event {n}",
            "kind": "learning",
            "start": dt.date(2024, 1 + n, 1),
            "clusters": rng.sample(sorted(clusters), min(len(clusters), rng.randint(0, 2))),
            "participants": [{"partner": pid} for pid in rng.sample(ids, min(3, len(ids)))],
        }
        for n in range(rng.randint(0, 3))
    }
    return {"schema_version": 1, "clusters": clusters, "partners": partners, "events": events}


def test_a_generated_registry_every_record_present(tmp_path: Path) -> None:
    from flanders_clusters.registry import canonical

    data = generated(2026)
    registry = tmp_path / "generated.toml"
    registry.write_text(canonical.dumps(data), encoding="utf-8")
    db = tmp_path / "generated.db"
    result = export(registry, db)
    assert result.exit_code == 0, result.stderr
    assert_keys_hold(db)
    assert_every_record_present(db, data)
    participants = sum(len(e["participants"]) for e in data["events"].values())
    assert rows(db, "SELECT count(*) FROM participants p JOIN partners q ON q.id = p.partner") == [
        (participants,)
    ]


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**9))
def test_generated_registries_keep_every_record(seed: int) -> None:
    """The pure rows, written by the store: every record present, keys holding."""
    import tempfile

    from flanders_clusters.formats import sqlite_export
    from flanders_clusters.programme import rules

    data = generated(seed)
    tables = sqlite_export.rows(data)
    found = rules.run(data, dt.date(2025, 6, 1))
    assert sqlite_export.refusals(found, tables) == []
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "x.db"
        sqlite_export.write_database(
            db, sqlite_export.script(tables, sqlite_export.finding_rows(found))
        )
        assert_keys_hold(db)
        assert_every_record_present(db, data)
        assert rows(db, "SELECT count(*) FROM findings") == [(len(found),)]


# -- refusals ---------------------------------------------------------------------------


BREAKS = {
    "unknown partner": (
        ('{ partner = "uni" },', '{ partner = "nobody" },'),
        "FC002 unknown-partner: alpha: member 'nobody' is not in [partners]",
    ),
    "member twice": (
        ('{ partner = "uni" },', '{ partner = "uni" },\n    { partner = "uni", role = "board" },'),
        "FC003 duplicate-member: alpha: partner 'uni' is listed more than once",
    ),
    "event names an unknown cluster": (
        ('clusters = ["alpha"]', 'clusters = ["alpha", "zeta"]'),
        "zeta",
    ),
    "unknown organiser": (('organiser = "gov"', 'organiser = "ghost"'), "ghost"),
    "participant twice": (
        (
            '{ partner = "acme" },\n',
            '{ partner = "acme" },\n    { partner = "acme", role = "speaker" },\n',
        ),
        "acme",
    ),
    "two periods with one start": (
        ("{ start = 2023-01-01, end = 2027-12-31", "{ start = 2018-01-01, end = 2027-12-31"),
        "funding alpha/2018-01-01: listed twice",
    ),
    "two labels with one key": (
        (
            '{ scheme = "esca", level = "bronze", awarded = 2022-01-10, expires = 2023-12-31 },',
            '{ scheme = "esca", level = "bronze", awarded = 2022-01-10, expires = 2023-12-31 },\n'
            '    { scheme = "esca", level = "gold", awarded = 2022-01-10 },',
        ),
        "labels alpha/esca/2022-01-10: listed twice",
    ),
}


@pytest.mark.parametrize(("change", "named"), BREAKS.values(), ids=BREAKS.keys())
def test_errors_that_break_keys_are_refused_and_named(
    tmp_path: Path, change: tuple[str, str], named: str
) -> None:
    text = REGISTRY.replace(*change)
    assert text != REGISTRY
    registry = write_registry(tmp_path, text)
    db = tmp_path / "clusters.db"
    result = export(registry, db)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(f"error: {registry}: not exported, ")
    assert named in result.stderr
    assert not db.exists()
    assert list(tmp_path.iterdir()) == [registry]
    as_json = run(
        "--registry", str(registry), "export", "--format", "sqlite", "--output", str(db),
        "--on", ON, "--json",
    )  # fmt: skip
    assert as_json.exit_code == 2  # --json means --format json: a usage error here


def test_usage_errors(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    db = tmp_path / "x.db"
    for args in (
        ("export", "--format", "sqlite"),
        ("export", "--format", "sqlite", "--output", str(db), "--what", "members"),
        ("export", "--format", "xlsx"),  # a file format needs --output
    ):
        result = run("--registry", str(registry), *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ")
    assert not db.exists()


def test_what_with_sqlite_says_what_to_do_instead(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    db = tmp_path / "x.db"
    result = run(
        "--registry", str(registry), "export", "--format", "sqlite", "--output", str(db),
        "--what", "members",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --what does not apply to sqlite, which holds every table; fix: leave out "
        "--what; for one table alone, use --format csv or json with --what, e.g. clusters "
        "export --format csv --what partners\n"
    )


def test_an_existing_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    notes = tmp_path / "notes.db"
    notes.write_text("my notes\n", encoding="utf-8")
    before = digest(notes)
    result = export(registry, notes)
    assert result.exit_code == 4
    assert result.stderr.startswith(f"error: {notes}: exists and is not an SQLite database")
    assert digest(notes) == before
    # the registry itself is refused (as every --output refuses it: a usage error)
    same = digest(registry)
    assert export(registry, registry).exit_code == 2
    assert digest(registry) == same
    folder = tmp_path / "folder.db"
    folder.mkdir()
    assert export(registry, folder).exit_code in (2, 4)  # a folder: never written into


def test_an_existing_export_is_replaced_whole(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    db = tmp_path / "clusters.db"
    assert export(registry, db).exit_code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE mine (x)")  # a table added by hand to the export
    assert export(registry, db).exit_code == 0
    names = {name for (name,) in rows(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "mine" not in names and "memberships" in names
    empty = tmp_path / "empty.db"
    empty.touch()  # an empty file is an empty database to SQLite
    assert export(registry, empty).exit_code == 0
    assert rows(empty, "SELECT count(*) FROM memberships") == [(3,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "clusters.db",
        "clusters.db.metadata.json",  # Datasette's metadata, beside each database
        "clusters.toml",
        "empty.db",
        "empty.db.metadata.json",
    ]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    result = export(registry, tmp_path / "missing" / "x.db")
    assert result.exit_code == 4
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clusters.toml"]


def test_the_store_refuses_a_database_whose_keys_do_not_hold(tmp_path: Path) -> None:
    from flanders_clusters.errors import WriteFailed
    from flanders_clusters.formats import sqlite_export

    script = [
        ("CREATE TABLE a (id TEXT PRIMARY KEY)", None),
        ("CREATE TABLE b (a TEXT REFERENCES a(id))", None),
        ("INSERT INTO b VALUES (?)", [("nowhere",)]),
    ]
    with pytest.raises(WriteFailed, match="foreign keys"):
        sqlite_export.write_database(tmp_path / "x.db", script)
    assert list(tmp_path.iterdir()) == []


def test_the_store_refuses_a_folder_and_reports_a_failed_statement(tmp_path: Path) -> None:
    from flanders_clusters.errors import AlreadyExists, WriteFailed
    from flanders_clusters.formats import sqlite_export

    (tmp_path / "folder.db").mkdir()
    with pytest.raises(AlreadyExists, match="is a folder"):
        sqlite_export.write_database(tmp_path / "folder.db", [])
    with pytest.raises(WriteFailed, match=r"cannot write the database: .*syntax error"):
        sqlite_export.write_database(tmp_path / "x.db", [("CREATE TABLE (", None)])
    assert [p.name for p in tmp_path.iterdir()] == ["folder.db"]


# -- what an --output may replace ---------------------------------------------------------
# Found by an adversarial review: as root, `--output /dev/null` replaced the device with a
# regular file (an empty read passed the "is it a database" check), a FIFO hung the
# export, and another program's database (behind a symbolic link too) was destroyed.


def test_the_export_carries_the_mark_of_clusters(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    db = tmp_path / "clusters.db"
    assert export(registry, db).exit_code == 0
    assert rows(db, "PRAGMA application_id") == [(0x466C436C,)]  # "FlCl", docs/errors.md


def test_a_database_clusters_did_not_write_is_refused(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    theirs = tmp_path / "theirs.db"
    with sqlite3.connect(theirs) as connection:
        connection.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance REAL)")
        connection.execute("INSERT INTO accounts VALUES (1, 100.0)")
    before = digest(theirs)
    result = export(registry, theirs)
    assert result.exit_code == 4, result.stdout
    assert result.stderr.startswith(
        f"error: {theirs}: exists and is an SQLite database that clusters did not write, "
        "so it is not replaced; fix: choose another path, or remove the file"
    )
    assert digest(theirs) == before
    # behind a symbolic link: the link is not followed, and neither file changes
    link = tmp_path / "link.db"
    link.symlink_to(theirs)
    result = export(registry, link)
    assert result.exit_code == 4
    assert result.stderr.startswith(f"error: {link}: is a symbolic link, not a regular file")
    assert link.is_symlink() and digest(theirs) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clusters.toml", "link.db", "theirs.db"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs or device nodes here")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_an_output_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    if kind == "fifo":
        output = files_support.fifo(tmp_path / "pipe.db")
        said = "a FIFO (named pipe)"
    else:
        output = files_support.device(tmp_path, "null")
        said = "a character device"
    with files_support.rescued(output):
        result = export(registry, output)
    assert result.exit_code == 4, result.stderr
    assert result.stderr == (
        f"error: {output}: is {said}, not a regular file, so it is not written; fix: name a "
        "new file or a regular one (a link is not followed: name its target)\n"
    )
    is_kind = stat.S_ISFIFO if kind == "fifo" else stat.S_ISCHR
    assert is_kind(os.lstat(output).st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_symbolic_link_to_an_export_is_not_followed(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, REGISTRY)
    ours = tmp_path / "clusters.db"
    assert export(registry, ours).exit_code == 0
    before = digest(ours)
    link = tmp_path / "latest.db"
    link.symlink_to(ours.name)
    assert export(registry, link).exit_code == 4
    assert link.is_symlink() and digest(ours) == before
