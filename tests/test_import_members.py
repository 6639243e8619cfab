"""``import-members CLUSTER FILE.csv``: the CSV as Belgian spreadsheets write it,
every row checked before anything is written, one read and one write for the whole file.

Every test runs the CLI and checks what a user sees: exit code, stdout/stderr, the file.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import SMALL, digest, run, write_registry

from flanders_clusters.registry import store

ON = "2025-01-01"
SUMMARY_KEYS = ["cluster", "changed", "rows", "added", "unchanged", "created_partners", "skipped"]


def cli(registry: Path, *args: str):
    return run("--registry", str(registry), *args)


def csv_file(folder: Path, text: str, name: str = "members.csv", bom: bool = False) -> Path:
    path = folder / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def data(registry: Path) -> dict:
    return tomllib.loads(registry.read_text("utf-8"))


def members(registry: Path, cluster: str) -> dict[str, dict]:
    return {m["partner"]: m for m in data(registry)["clusters"][cluster].get("members", [])}


def imported(registry: Path, cluster: str, path: Path, *extra: str):
    return cli(registry, "import-members", cluster, str(path), "--on", ON, *extra)


# -- what is read ------------------------------------------------------------------------


def test_a_belgian_spreadsheet_file_bom_semicolons_crlf_day_first(
    registry: Path, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "Since;Kind;Partner;Name;Role;Enterprise_Number;Postal_Code\r\n"
        "27/11/2026;company;newco;'=New Co;board;BE0123456749;\r\n",
        bom=True,
    )
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 0, done.stdout
    body = done.json()
    assert list(body) == SUMMARY_KEYS
    assert body == {
        "cluster": "beta",
        "changed": True,
        "rows": 1,
        "added": 1,
        "unchanged": 0,
        "created_partners": 1,
        "skipped": 0,
    }
    expected = SMALL.replace(
        '    { partner = "acme" },\n]\n\n[partners.acme]',
        '    { partner = "acme" },\n'
        '    { partner = "newco", role = "board", since = 2026-11-27 },\n]\n\n[partners.acme]',
    ).replace(
        "[partners.uni]",
        '[partners.newco]\nname = "=New Co"\nkind = "company"\n'
        'enterprise_number = "0123.456.749"\n\n[partners.uni]',
    )
    assert expected != SMALL
    assert registry.read_text("utf-8") == expected
    assert cli(registry, "fmt", "--check").exit_code == 0


def test_a_comma_file_with_quoted_cells_and_columns_in_any_order(
    registry: Path, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path,
        "role,until,partner,kind,name,country,website,size\n"
        'member,2026-06-30,newco,company,"Acme, Inc.",nl,https://acme.example,sme\n'
        ',,bank,other,"Bank ""The Vault""",,,\n'
        'founder,,multi,knowledge,"Two, Lines",,,\n',
    )
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json()["added"] == 3
    assert done.json()["created_partners"] == 3
    got = data(registry)
    assert got["partners"]["newco"] == {
        "name": "Acme, Inc.",
        "kind": "company",
        "size": "sme",
        "country": "NL",
        "website": "https://acme.example",
    }
    assert got["partners"]["bank"] == {"name": 'Bank "The Vault"', "kind": "other"}
    assert got["partners"]["multi"]["name"] == "Two, Lines"
    beta = members(registry, "beta")
    assert beta["newco"] == {"partner": "newco", "role": "member", "until": _date("2026-06-30")}
    assert beta["bank"] == {"partner": "bank"}  # empty cells are absent, not ""
    assert beta["multi"] == {"partner": "multi", "role": "founder"}


def test_a_quoted_cell_spanning_lines_is_refused_with_its_line(
    registry: Path, tmp_path: Path
) -> None:
    # Names are one line (the schema refuses line breaks); the row starts on line 3.
    path = csv_file(tmp_path, 'partner,name,kind\nok,Ok,company\nmulti,"Two\nLines",company\n')
    before = digest(registry)
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 4
    error = done.json()["error"]
    assert error["code"] == "bad-csv"
    assert error["message"].startswith(f"{path}:3: name 'Two\\nLines' spans lines")
    assert digest(registry) == before


def test_lines_after_a_cell_spanning_lines_are_counted_right(
    registry: Path, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, 'partner,name,kind\nnewco,"A\nB",company\nx,y,firm\n')
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 4
    details = done.json()["error"]["details"]
    assert [d.split(": ", 1)[0] for d in details] == [f"{path}:2", f"{path}:4"]
    assert "kind 'firm' is not one of" in details[1]


def _date(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("27/11/2026", "2026-11-27"),
        ("1/2/2020", "2020-02-01"),
        ("27.11.2026", "2026-11-27"),
        ("27-11-2026", "2026-11-27"),
        ("2026-11-27", "2026-11-27"),
    ],
)
def test_dates_day_first_or_iso(registry: Path, tmp_path: Path, cell: str, day: str) -> None:
    path = csv_file(tmp_path, f"partner;since\nuni;{cell}\n")
    done = imported(registry, "beta", path)
    assert done.exit_code == 0, done.stderr
    assert members(registry, "beta")["uni"]["since"] == _date(day)


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("'=HYPERLINK(1)", "=HYPERLINK(1)"), ("'+32 2 555", "+32 2 555"), ("'-x", "-x"),
     ("'@home", "@home"), ("'plain", "'plain"), ("O'Neil & Co", "O'Neil & Co")],
)  # fmt: skip
def test_formula_prefixed_cells_lose_the_one_quote(
    registry: Path, tmp_path: Path, cell: str, stored: str
) -> None:
    path = csv_file(tmp_path, f"partner;name;kind\nnewco;{cell};other\n")
    done = imported(registry, "beta", path)
    assert done.exit_code == 0, done.stderr
    assert data(registry)["partners"]["newco"]["name"] == stored


def test_existing_partners_need_only_the_partner_column(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "partner\nuni\ngov\n\n")
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json()["added"] == 2
    assert done.json()["created_partners"] == 0
    assert sorted(members(registry, "beta")) == ["acme", "gov", "uni"]


def test_a_partner_listed_twice_is_added_once(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "partner,name,kind\nnewco,N,company\nnewco,N,company\n")
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json()["added"] == 1
    assert done.json()["unchanged"] == 1
    assert [m["partner"] for m in data(registry)["clusters"]["beta"]["members"]] == [
        "acme",
        "newco",
    ]


def test_the_summary_goes_to_stderr(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "partner,name,kind\nacme,,\nnewco,N,company\n")
    done = imported(registry, "beta", path)
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""
    assert "beta: 1 added, 1 already there, 1 new partners" in done.stderr


def test_many_new_warnings_are_summarised_on_stderr(registry: Path, tmp_path: Path) -> None:
    # Each row joins alpha before its recognition (2018-01-01): one FC110 warning per row.
    rows = "".join(f"early-{n},Early {n},company,2017-01-01\n" for n in range(12))
    path = csv_file(tmp_path, "partner,name,kind,since\n" + rows)
    done = imported(registry, "alpha", path)
    assert done.exit_code == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 5
    assert all("FC110 membership-dates" in line for line in warnings[:4])
    assert warnings[4] == "warning: … and 8 more new warnings: see `clusters validate`"


# -- an export-style file ----------------------------------------------------------------

EXPORT_STYLE = """\
cluster,partner,name,kind,size,enterprise_number,postal_code,country,website,role,since,until
alpha,bank,Bank,other,,,,,,board,,
beta,uni,Example University,knowledge,,,,,,,2019-06-01,
beta,newco,New Co,company,sme,,9000,,,,,
"""


def test_an_export_style_file_imports_only_that_clusters_rows(
    registry: Path, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, EXPORT_STYLE)
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json() == {
        "cluster": "beta",
        "changed": True,
        "rows": 3,
        "added": 2,
        "unchanged": 0,
        "created_partners": 1,
        "skipped": 1,
    }
    assert sorted(members(registry, "beta")) == ["acme", "newco", "uni"]
    assert "bank" not in members(registry, "alpha")
    assert "bank" not in data(registry)["partners"]
    plain = imported(registry, "beta", path)
    assert "1 rows of other clusters skipped" in plain.stderr


def test_reimporting_the_same_file_changes_nothing(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, EXPORT_STYLE)
    assert imported(registry, "beta", path).exit_code == 0
    before = digest(registry)
    again = imported(registry, "beta", path, "--json")
    assert again.exit_code == 0, again.stdout
    assert again.json()["changed"] is False
    assert again.json()["unchanged"] == 2
    assert again.json()["added"] == 0
    assert digest(registry) == before


def test_the_members_export_imports_back_unchanged(registry: Path, tmp_path: Path) -> None:
    exported = cli(registry, "export", "--format", "csv", "--what", "members")
    assert exported.exit_code == 0, exported.stderr
    path = tmp_path / "export.csv"
    path.write_text(exported.stdout, encoding="utf-8")
    before = digest(registry)
    for cluster, count in [("alpha", 3), ("beta", 1)]:
        done = imported(registry, cluster, path, "--json")
        assert done.exit_code == 0, done.stdout
        assert done.json()["changed"] is False
        assert done.json()["unchanged"] == count
    assert digest(registry) == before


# -- bad files: exit 4, bad-csv, the line, nothing written --------------------------------

BAD_FILES = [
    ("unknown-column", "partner,colour\nuni,red\n", 1, "unknown column 'colour'"),
    ("no-partner-column", "name,kind\nNew,company\n", 1, "no 'partner' column"),
    ("column-twice", "partner,name,partner\nuni,x,uni\n", 1, "appears twice"),
    ("cell-count", "partner,name,kind\nuni,,\nnewco,N\n", 3, "2 cells, but the header has 3"),
    ("bad-kind", "partner;name;kind\nnewco;N;firm\n", 2, "kind 'firm' is not one of"),
    ("bad-role", "partner;role\nuni;chair\n", 2, "role 'chair' is not one of"),
    ("bad-size", "partner;size\nuni;huge\n", 2, "size 'huge' is not one of"),
    ("bad-date", "partner;since\nuni;31/02/2026\n", 2, "since '31/02/2026' is not a date"),
    ("bad-date-text", "partner;until\nuni;next year\n", 2, "until 'next year' is not a date"),
    ("check-digits", "partner;enterprise_number\nuni;0123.456.748\n", 2, "wrong check digits"),
    ("malformed-number", "partner;enterprise_number\nuni;12-34\n", 2, "not of the form"),
    ("bad-country", "partner;country\nuni;Belgium\n", 2, "not an ISO 3166"),
    ("bad-slug", "partner;name;kind\nNew Co;N;company\n", 2, "is not a slug"),
    ("empty-partner", "partner;name;kind\n;N;company\n", 2, "the partner cell is empty"),
    ("new-without-name", "partner,kind\nuni,\nnewco,company\n", 3, "the name cell is empty"),
    ("new-without-kind", "partner,name\nnewco,New\n", 2, "the kind cell is empty"),
    ("conflict", "partner,role\nacme,founder\n", 2, "update-member beta acme"),
    ("partner-conflict", "partner,name\nacme,Acme SA\n", 2, "update-partner acme"),
    ("multiline", 'partner,name,kind\nnewco,"A\nB",company\n', 2, "spans lines"),
]


@pytest.mark.parametrize(("text", "line", "reason"), [b[1:] for b in BAD_FILES],
                         ids=[b[0] for b in BAD_FILES])  # fmt: skip
def test_a_bad_file_names_the_line_and_writes_nothing(
    registry: Path, tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = csv_file(tmp_path, text)
    before = digest(registry)
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 4, done.stdout
    error = done.json()["error"]
    assert error["code"] == "bad-csv"
    assert error["message"].startswith(f"{path}:{line}: ")
    assert reason in error["message"]
    plain = imported(registry, "beta", path)
    assert plain.exit_code == 4
    assert f"{path}:{line}:" in plain.stderr
    assert plain.stdout == ""
    assert digest(registry) == before


def test_a_cell_too_large_for_the_csv_reader_is_a_bad_row(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "partner;name;kind\nuni;;\nnewco;" + "x" * 200_000 + ";company\n")
    before = digest(registry)
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 4
    error = done.json()["error"]
    assert error["code"] == "bad-csv"
    assert error["message"].startswith(f"{path}:3: ")
    assert "field larger than field limit" in error["message"]
    assert digest(registry) == before


def test_several_bad_rows_are_all_listed(registry: Path, tmp_path: Path) -> None:
    rows = "".join(f"p{i},P,firm\n" for i in range(25))
    path = csv_file(tmp_path, "partner,name,kind\nuni,,\n" + rows)
    before = digest(registry)
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 4
    error = done.json()["error"]
    assert error["code"] == "bad-csv"
    assert "25 bad rows" in error["message"]
    assert error["details"][0].startswith(f"{path}:3: ")
    assert error["details"][19].startswith(f"{path}:22: ")
    assert error["details"][-1] == "… and 5 more"
    plain = imported(registry, "beta", path)
    assert f"{path}:3:" in plain.stderr
    assert digest(registry) == before


FIX = "fix: correct the rows named, then import the file again"


def test_a_partner_named_twice_with_different_roles_is_the_files_own_contradiction(
    registry: Path, tmp_path: Path
) -> None:
    # Once, this said "membership of 'vito' … exists with other values" with a fix,
    # `clusters update-member`, that failed: vito was in no cluster, only twice in the file.
    text = "partner,name,kind,role\nvito,VITO,knowledge,member\nuni,,,\nvito,VITO,knowledge,board\n"
    path = csv_file(tmp_path, text)
    before = digest(registry)
    done = imported(registry, "beta", path)
    assert done.exit_code == 4
    assert done.stderr == (
        f"error: {path}:4: rows 2 and 4 both name vito, with different roles; nothing "
        f"imported; {FIX}\n"
    )
    assert digest(registry) == before
    # The same values twice are one membership; another name for the partner is not.
    again = csv_file(tmp_path, "partner,name,kind\nvito,VITO,knowledge\nvito,VITO NV,company\n")
    done = imported(registry, "beta", again)
    assert done.stderr == (
        f"error: {again}:3: rows 2 and 3 both name vito, with different names and kinds; "
        f"nothing imported; {FIX}\n"
    )


def test_a_conflict_with_the_registry_has_one_fix(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "partner,role\nacme,founder\n")
    done = imported(registry, "beta", path)
    assert done.exit_code == 4
    assert done.stderr == (
        f"error: {path}:2: membership of 'acme' in 'beta' exists with other values (role is "
        f'"member", not "founder") — `clusters update-member beta acme`; nothing imported; '
        f"{FIX}\n"
    )
    partner = csv_file(tmp_path, "partner,name\nacme,Acme SA\n", "partner.csv")
    done = imported(registry, "beta", partner)
    assert done.stderr.count("fix:") == 1
    assert "leave the row's partner cells empty, or `clusters update-partner acme`" in done.stderr


def test_every_problem_of_every_row_is_found_in_one_pass(registry: Path, tmp_path: Path) -> None:
    # Once, the cells were checked first and the rest only when they were right: a new
    # partner without a name was reported after the bad id had been fixed.
    text = (
        "partner;name;kind;since\n"
        "New Co;N;company;\n"  # 2: not an id
        "newco;;company;\n"  # 3: a new partner without a name
        "uni;;;31/02/2026\n"  # 4: no such day
        "acme;;;\n"  # 5: good
        "other;;firm;\n"  # 6: a kind that is none, and no name
        "newco;;company;01/02/2026\n"  # 7: newco again, with a day the first row left out
        "ghost;G;other;\n"  # 8: good, a new partner
    )
    path = csv_file(tmp_path, text)
    before = digest(registry)
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 4
    error = done.json()["error"]
    assert error["message"] == f"{path}: 5 bad rows; nothing imported"
    assert error["details"] == [
        f"{path}:2: partner id 'New Co' is not a slug (lowercase letters, digits, '-')",
        f"{path}:3: partner 'newco' is not in the registry, so the row must give its name, "
        "but the name cell is empty",
        f"{path}:4: since '31/02/2026' is not a date (YYYY-MM-DD or DD/MM/YYYY)",
        f"{path}:6: kind 'firm' is not one of: company, knowledge, government, other; "
        "partner 'other' is not in the registry, so the row must give its name, but the "
        "name cell is empty",
        f"{path}:7: rows 3 and 7 both name newco, with different 'since' dates",
    ]
    assert digest(registry) == before


def test_a_file_that_is_not_utf8_is_refused(registry: Path, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("partner;name;kind\nnewco;Société Générale;company\n".encode("latin-1"))
    before = digest(registry)
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 4
    error = done.json()["error"]
    assert error["code"] == "bad-csv"
    assert error["message"].startswith(f"{path}:2: not UTF-8")
    assert digest(registry) == before


@pytest.mark.parametrize("name", ["empty.csv", "missing.csv"])
def test_an_empty_or_missing_file_is_refused(registry: Path, tmp_path: Path, name: str) -> None:
    if name == "empty.csv":
        (tmp_path / name).write_bytes(b"")
    before = digest(registry)
    done = imported(registry, "beta", tmp_path / name, "--json")
    assert done.exit_code == 4
    assert done.json()["error"]["code"] == "bad-csv"
    assert name in done.json()["error"]["message"]
    assert digest(registry) == before


def test_a_header_only_file_changes_nothing(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "partner;name;kind\n")
    before = digest(registry)
    done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json()["changed"] is False
    assert done.json()["rows"] == 0
    assert digest(registry) == before


def test_an_unknown_cluster_is_refused_with_a_suggestion(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "partner\nuni\n")
    before = digest(registry)
    done = imported(registry, "bta", path, "--json")
    assert done.exit_code == 4
    error = done.json()["error"]
    assert error["code"] == "unknown-cluster"
    assert "did you mean 'beta'" in error["message"]
    assert digest(registry) == before


def test_an_import_on_the_shipped_registry_is_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = csv_file(tmp_path, "partner,name,kind\nnewco,N,company\n")
    monkeypatch.chdir(tmp_path)
    before = digest(store.SHIPPED)
    done = run("import-members", "vil", str(path), "--json")
    assert done.exit_code == 4
    assert done.json()["error"]["code"] == "read-only"
    assert "clusters init" in done.json()["error"]["fix"]
    assert digest(store.SHIPPED) == before


# -- dry run -------------------------------------------------------------------------------


def test_dry_run_prints_the_diff_and_writes_nothing(registry: Path, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "partner;name;kind\nnewco;New Co;company\n")
    before = digest(registry)
    done = imported(registry, "beta", path, "--dry-run")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(f"--- {registry}\n+++ {registry}\n@@ ")
    assert '+    { partner = "newco" },\n' in done.stdout
    assert '+name = "New Co"\n' in done.stdout
    assert "dry run, nothing written: beta: 1 added" in done.stderr
    as_json = imported(registry, "beta", path, "--dry-run", "--json")
    assert as_json.exit_code == 0
    assert as_json.json()["changed"] is True
    assert as_json.json()["diff"] == done.stdout
    assert digest(registry) == before


# -- a large file: one read, one write -----------------------------------------------------


def big_csv(folder: Path, rows: int) -> Path:
    lines = ["\ufeffpartner;name;kind;size;since;role"]
    lines += [f"n{i:05d};Name {i};company;sme;{1 + i % 28}/02/2026;member" for i in range(rows)]
    return csv_file(folder, "\r\n".join(lines) + "\r\n", name="big.csv")


@pytest.mark.slow
def test_ten_thousand_rows_are_imported_with_one_read_and_one_write(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_csv(tmp_path, 10_000)
    calls = {"read": 0, "write": 0}
    real_read, real_write = store.read_text, store.write_text

    def counted_read(source):
        calls["read"] += 1
        return real_read(source)

    def counted_write(source, text):
        calls["write"] += 1
        return real_write(source, text)

    monkeypatch.setattr(store, "read_text", counted_read)
    monkeypatch.setattr(store, "write_text", counted_write)
    inode = registry.stat().st_ino
    done = imported(registry, "alpha", path)
    assert done.exit_code == 0, done.stderr[-2000:]
    assert calls == {"read": 1, "write": 1}
    # one atomic replace: a new file took the registry's place, nothing else is left beside it
    assert registry.stat().st_ino != inode or sys.platform == "win32"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "big.csv",
        "clusters.toml",
        "clusters.toml.lock",
    ]
    assert done.stderr == "alpha: 10000 added, 0 already there, 10000 new partners\n"
    got = data(registry)
    assert len(got["clusters"]["alpha"]["members"]) == 10_003
    assert len(got["partners"]) == 10_003
    assert [m["partner"] for m in got["clusters"]["alpha"]["members"]][-2:] == [
        "n09999",
        "uni",
    ]
    assert members(registry, "alpha")["n09999"] == {
        "partner": "n09999",
        "role": "member",
        "since": _date("2026-02-04"),
    }
    assert cli(registry, "fmt", "--check").exit_code == 0
    calls.update(read=0, write=0)
    again = imported(registry, "alpha", path, "--json")
    assert again.json()["changed"] is False
    assert again.json()["unchanged"] == 10_000
    assert calls == {"read": 1, "write": 0}


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="uses a pseudo-terminal")
def test_a_progress_bar_is_drawn_on_stderr_when_it_is_a_terminal(
    registry: Path, tmp_path: Path
) -> None:
    import pty

    path = big_csv(tmp_path, 3_000)
    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    environment.update({"NO_COLOR": "1", "COLUMNS": "100", "TERM": "xterm"})
    process = subprocess.Popen(
        [sys.executable, "-m", "flanders_clusters", "--registry", str(registry),
         "import-members", "alpha", str(path), "--on", ON, "--json"],
        stdout=subprocess.PIPE, stderr=follower, env=environment,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    stdout = process.stdout.read() if process.stdout else b""
    assert process.wait(timeout=60) == 0
    os.close(leader)
    assert b"importing into alpha" in seen
    assert b"importing" not in stdout  # data only on stdout
    assert b'"added": 3000' in stdout
    assert len(members(registry, "alpha")) == 3_003


def test_no_progress_bar_when_stderr_is_not_a_terminal(registry: Path, tmp_path: Path) -> None:
    path = big_csv(tmp_path, 3_000)
    done = imported(registry, "alpha", path)
    assert done.exit_code == 0
    assert done.stderr == "alpha: 3000 added, 0 already there, 3000 new partners\n"


def test_csv_partners_are_checked_by_the_rules_like_any_edit(
    tmp_path: Path,
) -> None:
    # a partner created by the CSV may add warnings (FC109 for a Walloon company)
    registry = write_registry(tmp_path)
    path = csv_file(tmp_path, "partner;name;kind;postal_code\nwal;Wal SA;company;1300\n")
    done = imported(registry, "alpha", path)
    assert done.exit_code == 0, done.stderr
    assert "warning: the edit adds FC109" in done.stderr
    assert "wal" in members(registry, "alpha")


# Found by an adversarial review: a FIFO named as the CSV file hung the import forever.
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_csv_path_that_is_a_fifo_is_refused(registry: Path, tmp_path: Path) -> None:
    import files_support

    path = files_support.fifo(tmp_path / "members.csv")
    before = digest(registry)
    with files_support.rescued(path):
        done = imported(registry, "beta", path, "--json")
    assert done.exit_code == 4, done.stdout
    error = done.json()["error"]
    assert error["code"] == "bad-csv"
    assert error["message"] == f"{path}: is a FIFO (named pipe), not a CSV file"
    assert digest(registry) == before


# -- rows refused before anything is written ----------------------------------------------


def refused_import(registry: Path, rows: Path, text: str) -> str:
    """Import ``text`` as a CSV file into beta: refused (exit 4), nothing written; stderr."""
    rows.write_text(text, encoding="utf-8")
    before = digest(registry)
    result = cli(registry, "import-members", "beta", str(rows))
    assert result.exit_code == 4
    assert digest(registry) == before
    return result.stderr


def test_fc008_import_members_refuses_until_before_since(registry, tmp_path):
    text = "partner,since,until\nuni,2020-05-01,2019-01-01\n"
    assert "FC008" in refused_import(registry, tmp_path / "members.csv", text)


def test_csv_row_for_a_new_partner_without_kind_names_the_column_and_row(registry, tmp_path):
    rows = tmp_path / "members.csv"
    said = refused_import(registry, rows, "partner,name,kind\nnewco,New Co,\n")
    assert f"{rows}:2: partner 'newco' is not in the registry" in said
    assert "the kind cell is empty" in said
    assert "--kind" not in said
