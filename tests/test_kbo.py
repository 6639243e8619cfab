"""`clusters enrich kbo`: partner data from the KBO/BCE open-data extract.

Every extract here is written by ``synthetic_kbo.py`` (the benchmark's generator too), in
the layout of the monthly full extract: a byte-order mark, CRLF line ends, quoted cells.
``EXTRACT`` holds one enterprise per case; ``REGISTRY`` the partners that point at them.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import files_support
import pytest
import synthetic_kbo as gen
from conftest import digest, run, run_subprocess, write_registry
from hypothesis import given
from hypothesis import strategies as st

from flanders_clusters.external import country_names, enterprise_numbers, kbo_extract
from flanders_clusters.programme import enterprises
from flanders_clusters.registry.vocabulary import country_table

Enterprise, Address = gen.Enterprise, gen.Address
NAMES = ["acme", "bolt", "cogs", "dura", "echo", "filler"]
N = {name: gen.enterprise_number(i) for i, name in enumerate(NAMES, 1)}
GONE = "0123.456.749"  # valid check digits, in no extract
SNAPSHOT = "2026-11-07"

EXTRACT = [
    # Dutch before French, though the French name comes first; 002 and 003 are not names.
    # A struck-off seat first, then the seat in use; MAIN codes of group 001 in 2025,
    # the newest version given (not group 003's, not a SECO code, not the 2008 ones).
    Enterprise(
        N["acme"],
        names=[("fr", "001", "Acme SA"), ("nl", "002", "ACM"), ("nl", "001", "Acme NV"),
               ("nl", "003", "Acme Shop, Gent")],
        addresses=[Address(zipcode="1000", struck=dt.date(2020, 1, 31)),
                   Address(zipcode="2000", municipality_nl="Antwerpen", street_nl="Meir")],
        activities=[("001", "2008", "62010", "MAIN"), ("001", "2008", "62020", "SECO"),
                    ("001", "2025", "6210001", "MAIN"), ("001", "2025", "6220001", "SECO"),
                    ("003", "2025", "8559001", "MAIN"), ("001", "2003", "72220", "MAIN")],
    ),
    # French before German; a seat abroad: its country, no postal code; two MAIN codes.
    Enterprise(
        N["bolt"],
        names=[("de", "001", "Bolt GmbH"), ("fr", "001", 'Bolt "Le Boulon", SRL')],
        addresses=[Address(zipcode="75008", country_nl="Frankrijk", country_fr="France",
                           municipality_nl="Parijs", municipality_fr="Paris")],
        activities=[("001", "2008", "62010", "MAIN"), ("001", "2008", "46900", "MAIN"),
                    ("001", "2003", "72220", "MAIN")],
    ),
    # The registry already has a legal name, codes and a postal code: kept.
    Enterprise(
        N["cogs"],
        names=[("nl", "001", "Cogs NV")],
        addresses=[Address(zipcode="9000")],
        activities=[("001", "2008", "62010", "MAIN")],
    ),
    # Only a struck-off seat: no postal code; an English name only.
    Enterprise(
        N["dura"],
        names=[("en", "001", "Dura Ltd")],
        addresses=[Address(zipcode="3000", struck=dt.date(2023, 6, 30))],
    ),
    # Not in the registry: the number --match-names suggests for partner echo.
    Enterprise(N["echo"], names=[("nl", "001", "ECHO-SYSTEMS N.V."), ("fr", "003", "Echo")]),
    Enterprise(N["filler"], names=[("nl", "001", "Echo Systems")], legal_person=False),
]  # fmt: skip

REGISTRY = f"""\
schema_version = 1

[partners.acme]
name = "Acme"
kind = "company"
enterprise_number = "{N["acme"]}"

[partners.bolt]
name = "Bolt"
kind = "company"
enterprise_number = "{N["bolt"]}"

[partners.cogs]
name = "Cogs"
kind = "company"
enterprise_number = "{N["cogs"]}"
postal_code = "9000"
legal_name = "Cogs Old Name NV"
nace = [
    "10711",
]
nace_version = "2008"

[partners.dura]
name = "Dura"
kind = "company"
enterprise_number = "{N["dura"]}"

[partners.echo]
name = "Echo Systems BV"
kind = "company"

[partners.gone]
name = "Gone"
kind = "company"
enterprise_number = "{GONE}"
"""


def extract(where: Path, enterprises=EXTRACT, **options) -> Path:
    name = "KboOpenData_0140_2026_11_Full" + ("" if options.get("folder") else ".zip")
    return gen.write(where / name, enterprises, **options)


def enrich(folder: Path, path: Path, *args: str, text: str = REGISTRY):
    registry = folder / "clusters.toml"
    if not registry.exists():
        write_registry(folder, text)
    return run("--registry", str(registry), "enrich", "kbo", str(path), "--on", "2026-11-30", *args)


def partners(folder: Path) -> dict:
    return tomllib.loads((folder / "clusters.toml").read_text(encoding="utf-8"))["partners"]


# -- what is filled, from which row -----------------------------------------------------------


def test_each_field_is_filled_from_the_right_row(tmp_path):
    result = enrich(tmp_path, extract(tmp_path))
    assert result.exit_code == 0, result.stderr
    found = partners(tmp_path)
    snapshot = dt.date(2026, 11, 7)
    assert found["acme"] == {
        "name": "Acme",
        "kind": "company",
        "enterprise_number": N["acme"],
        "postal_code": "2000",  # the seat in use, not the struck-off one
        "legal_name": "Acme NV",  # Dutch before French; 002 and 003 are not the name
        "nace": ["6210001"],  # MAIN, group 001, the newest version (2025)
        "nace_version": "2025",
        "kbo_status": "active",
        "kbo_checked": snapshot,
    }
    assert found["bolt"] == {
        "name": "Bolt",
        "kind": "company",
        "enterprise_number": N["bolt"],
        "country": "FR",  # a seat abroad: the country, no postal code
        "legal_name": 'Bolt "Le Boulon", SRL',  # French before German; quotes, comma kept
        "nace": ["46900", "62010"],  # both MAIN codes of 2008, not 2003's
        "nace_version": "2008",
        "kbo_status": "active",
        "kbo_checked": snapshot,
    }
    assert found["dura"] == {
        "name": "Dura",
        "kind": "company",
        "enterprise_number": N["dura"],
        "legal_name": "Dura Ltd",  # only a struck-off seat: no postal code
        "kbo_status": "active",
        "kbo_checked": snapshot,
    }
    assert "enterprise_number" not in found["echo"] and "kbo_status" not in found["echo"]
    assert found["gone"]["kbo_status"] == "not-found"
    assert found["gone"]["kbo_checked"] == snapshot


def test_the_json_summary_is_exact(tmp_path):
    path = extract(tmp_path)
    result = enrich(tmp_path, path, "--json")
    assert result.exit_code == 0
    assert result.json() == {
        "extract": str(path),
        "extract_number": "140",
        "snapshot": SNAPSHOT,
        "checked": 5,
        "found": 4,
        "filled": {"legal_name": 3, "postal_code": 1, "country": 1, "nace": 2,
                   "nace_version": 2},
        "refreshed": {"legal_name": 0, "postal_code": 0, "country": 0, "nace": 0,
                      "nace_version": 0},
        "differing": [
            {"partner": "cogs", "field": "legal_name", "registry": "Cogs Old Name NV",
             "kbo": "Cogs NV"},
            {"partner": "cogs", "field": "nace", "registry": ["10711"], "kbo": ["62010"]},
        ],
        "not_found": ["gone"],
        "unknown": [],
        "affected": [],
        "malformed_rows": [],
        "unreadable_rows": [],
        "suggestions": None,
        "changed": True,
    }  # fmt: skip
    # The warning the edit adds goes to stderr, not into the JSON.
    assert "FC113" in result.stderr


def test_the_text_summary_says_what_was_done(tmp_path):
    result = enrich(tmp_path, extract(tmp_path))
    lines = result.stderr.splitlines()
    assert lines[0].startswith("KBO/BCE extract ") and "no. 140, snapshot of 2026-11-07" in lines[0]
    assert lines[1] == "checked 5 partners with an enterprise number: 4 found, 1 not found"
    assert lines[2] == "filled: legal_name 3, postal_code 1, country 1, nace 2, nace_version 2"
    assert "not among the active enterprises (FC113): gone" in lines
    assert (
        'kept cogs legal_name "Cogs Old Name NV"; the KBO/BCE has "Cogs NV" '
        "(--refresh legal_name takes it)"
    ) in lines
    assert lines[-1] == "recorded the check of 5 partners against the KBO/BCE extract"
    assert result.stdout == ""


# -- kept values, refresh ------------------------------------------------------------------------


def test_existing_values_are_kept_and_differences_reported(tmp_path):
    result = enrich(tmp_path, extract(tmp_path), "--json")
    cogs = partners(tmp_path)["cogs"]
    assert cogs["legal_name"] == "Cogs Old Name NV"
    assert cogs["nace"] == ["10711"]
    assert cogs["nace_version"] == "2008"
    assert cogs["postal_code"] == "9000"  # the same as the extract's: not a difference
    assert cogs["kbo_status"] == "active"
    assert [(d["partner"], d["field"]) for d in result.json()["differing"]] == [
        ("cogs", "legal_name"),
        ("cogs", "nace"),
    ]


def test_refresh_takes_the_extracts_values(tmp_path):
    path = extract(tmp_path)
    result = enrich(tmp_path, path, "--refresh", "legal_name", "--refresh", "nace", "--json")
    assert result.exit_code == 0
    cogs = partners(tmp_path)["cogs"]
    assert (cogs["legal_name"], cogs["nace"], cogs["nace_version"]) == (
        "Cogs NV",
        ["62010"],
        "2008",
    )
    assert result.json()["differing"] == []
    assert result.json()["refreshed"] == {
        "legal_name": 1, "postal_code": 0, "country": 0, "nace": 1, "nace_version": 0
    }  # fmt: skip
    write_registry(tmp_path, REGISTRY)
    text = enrich(tmp_path, path, "--refresh", "legal_name", "--refresh", "nace")
    assert "refreshed: legal_name 1, nace 1" in text.stderr.splitlines()


def test_refresh_replaces_a_version_with_its_codes_and_clears_a_postal_code_abroad(tmp_path):
    text = REGISTRY.replace(
        f'enterprise_number = "{N["bolt"]}"\n',
        f'enterprise_number = "{N["bolt"]}"\npostal_code = "2000"\n'
        'nace = [\n    "46900",\n    "62010",\n]\nnace_version = "2003"\n',
    )
    path = extract(tmp_path)
    kept = enrich(tmp_path, path, "--json", text=text).json()
    assert {"partner": "bolt", "field": "postal_code", "registry": "2000", "kbo": None} in kept[
        "differing"
    ]
    assert {"partner": "bolt", "field": "nace_version", "registry": "2003", "kbo": "2008"} in kept[
        "differing"
    ]
    result = enrich(tmp_path, path, "--refresh", "postal-code", "--refresh", "nace", "--json")
    bolt = partners(tmp_path)["bolt"]
    assert "postal_code" not in bolt and bolt["country"] == "FR"
    assert bolt["nace_version"] == "2008"
    assert result.json()["refreshed"]["postal_code"] == 1
    assert result.json()["refreshed"]["nace_version"] == 1


def test_refresh_refuses_a_field_the_extract_does_not_give(tmp_path):
    result = enrich(tmp_path, extract(tmp_path), "--refresh", "name")
    assert result.exit_code == 2
    assert "legal_name, postal_code, country, nace, nace_version" in result.stderr


def test_a_second_run_changes_nothing(tmp_path):
    path = extract(tmp_path)
    enrich(tmp_path, path)
    before = digest(tmp_path / "clusters.toml")
    result = enrich(tmp_path, path, "--json")
    assert result.exit_code == 0
    assert result.json()["changed"] is False
    assert result.json()["filled"]["legal_name"] == 0
    assert digest(tmp_path / "clusters.toml") == before


# -- FC113 ------------------------------------------------------------------------------------


def test_a_number_absent_from_the_extract_gives_fc113(tmp_path):
    enrich(tmp_path, extract(tmp_path))
    result = run("--registry", str(tmp_path / "clusters.toml"), "validate", "--json")
    [finding] = [f for f in result.json()["findings"] if f["code"] == "FC113"]
    assert finding["partner"] == "gone"
    assert finding["severity"] == "warning"
    assert finding["path"] == "partners.gone.kbo_status"
    assert finding["message"] == (
        f"enterprise number {GONE} is not among the active enterprises of the KBO/BCE extract "
        "of 2026-11-07"
    )
    assert result.exit_code == 0  # a warning


def test_a_number_found_again_clears_fc113(tmp_path):
    text = REGISTRY.replace(
        f'enterprise_number = "{N["dura"]}"\n',
        f'enterprise_number = "{N["dura"]}"\nkbo_status = "not-found"\n',
    )
    enrich(tmp_path, extract(tmp_path), text=text)
    assert partners(tmp_path)["dura"]["kbo_status"] == "active"
    result = run("--registry", str(tmp_path / "clusters.toml"), "validate", "--json")
    assert [f["partner"] for f in result.json()["findings"] if f["code"] == "FC113"] == ["gone"]


# -- malformed rows and broken extracts ---------------------------------------------------------


def test_a_malformed_row_is_reported_with_file_and_line_and_skipped(tmp_path):
    bad = {
        "activity.csv": [
            f'"{N["acme"]}","001","2008"',
            f'"{N["bolt"]}","001","2008","62.010","MAIN"',
        ],
        "address.csv": [f'"{N["dura"]}","REGO",,,"3000",,,,,,,,"31/06/2023"'],
    }
    result = enrich(tmp_path, extract(tmp_path, malformed=bad), "--json")
    assert result.exit_code == 0
    assert result.json()["malformed_rows"] == [
        {"file": "address.csv", "line": 2,
         "reason": "DateStrikingOff '31/06/2023' is not a date dd-mm-yyyy"},
        {"file": "activity.csv", "line": 2, "reason": "3 cells where the header has 5"},
        {"file": "activity.csv", "line": 3,
         "reason": "NaceCode '62.010' is not 5 digits (NACE 2008, written without dots)"},
    ]  # fmt: skip
    found = partners(tmp_path)
    assert found["bolt"]["nace"] == ["46900", "62010"]  # the good rows still read
    assert "postal_code" not in found["dura"]
    text = enrich(tmp_path, extract(tmp_path, malformed=bad))
    assert "malformed row skipped: activity.csv:2: 3 cells where the header has 5" in text.stderr


def test_a_file_broken_throughout_lists_its_first_rows_and_counts_the_others(tmp_path):
    bad = {"activity.csv": [f'"{N["acme"]}","001"'] * 250}
    rows = enrich(tmp_path, extract(tmp_path, malformed=bad), "--json").json()["malformed_rows"]
    assert len(rows) == kbo_extract.MAX_MALFORMED + 1
    assert rows[0] == {
        "file": "activity.csv",
        "line": 2,
        "reason": "2 cells where the header has 5",
    }
    assert rows[-1] == {
        "file": "activity.csv",
        "line": 2 + kbo_extract.MAX_MALFORMED,
        "reason": "and 150 more malformed rows from this line on, not listed",
    }


def test_line_numbers_count_the_lines_of_quoted_cells(tmp_path):
    folder = extract(tmp_path, folder=True)
    with open(folder / "denomination.csv", "a", encoding="utf-8", newline="") as out:
        out.write(f'"{N["filler"]}","2","003","Two\r\nlines"\r\n')  # a good row on two lines
        out.write(f'"{N["acme"]}","2"\r\n')  # the line after: too few cells
        out.write(f'"{N["acme"]}","2","001","Three\r\nmore\r\nlines","x"\r\n')
        out.write('"' + "x" * 200_000 + '"\r\n')  # larger than a cell may be
        out.write(f'"{N["acme"]}","2","001",""\r\n')  # an empty name
        out.write(f'"{N["acme"]}","9","001","Acme Unknown Language"\r\n')
    lines = (folder / "denomination.csv").read_bytes().count(b"\n")
    result = enrich(tmp_path, folder, "--json")
    rows = result.json()["malformed_rows"]
    assert [(r["line"], r["reason"].split(":")[0]) for r in rows] == [
        (lines - 6, "2 cells where the header has 4"),
        (lines - 5, "5 cells where the header has 4"),
        (lines - 2, "not CSV"),
        (lines - 1, "Denomination is empty"),
    ]
    assert "field larger than field limit" in rows[2]["reason"]
    assert partners(tmp_path)["acme"]["legal_name"] == "Acme NV"  # an unknown language last


def test_a_missing_activity_csv_exits_3_naming_it(tmp_path):
    write_registry(tmp_path, REGISTRY)
    before = digest(tmp_path / "clusters.toml")
    path = extract(tmp_path, omit=["activity.csv"])
    result = enrich(tmp_path, path)
    assert result.exit_code == 3
    assert f"error: {path}: the extract has no activity.csv" in result.stderr
    assert digest(tmp_path / "clusters.toml") == before
    error = enrich(tmp_path, path, "--json").json()["error"]
    assert error["code"] == "kbo-extract"
    assert "activity.csv" in error["message"] and error["fix"]


def test_a_folder_missing_files_exits_3_naming_them(tmp_path):
    folder = extract(tmp_path, folder=True, omit=["meta.csv", "denomination.csv"])
    result = enrich(tmp_path, folder)
    assert result.exit_code == 3
    assert "the extract has no meta.csv, denomination.csv" in result.stderr


def test_a_corrupt_zip_exits_3(tmp_path):
    path = extract(tmp_path)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # a cut download
    result = enrich(tmp_path, path)
    assert result.exit_code == 3
    assert f"error: {path}: not a ZIP file, or a damaged one" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_damaged_member_exits_3_naming_it(tmp_path):
    path = extract(tmp_path, level=0)  # deflate without compression: the text is there
    data = bytearray(path.read_bytes())
    start = data.index(b'"EntityNumber","TypeOfAddress"') + 40
    data[start : start + 4] = b"XXXX"  # the data no longer matches its CRC
    path.write_bytes(bytes(data))
    result = enrich(tmp_path, path, "--json")
    assert result.exit_code == 3
    error = result.json()["error"]
    assert error["code"] == "kbo-extract"
    assert error["message"].startswith(f"{path}!address.csv: cannot be read")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing", "no such file or folder"),
        ("not-a-zip", "not a ZIP file, or a damaged one"),
        ("no-snapshot", "meta.csv: no SnapshotDate"),
        ("bad-snapshot", "meta.csv:2: SnapshotDate '2026-11-07' is not a date dd-mm-yyyy"),
        ("no-column", "address.csv:1: no column Zipcode in the header"),
        ("empty-file", "enterprise.csv: the file is empty"),
    ],
)
def test_an_unreadable_extract_exits_3_with_its_reason(tmp_path, case, message):
    path = tmp_path / "KboOpenData_0140_2026_11_Full.zip"
    if case == "not-a-zip":
        path.write_text("EntityNumber,Language\n", encoding="utf-8")
    elif case == "no-snapshot":
        extract(tmp_path, meta={"ExtractNumber": "140"})
    elif case == "bad-snapshot":
        extract(tmp_path, meta={"SnapshotDate": "2026-11-07"})
    elif case in ("no-column", "empty-file"):
        path = extract(tmp_path, folder=True)
        if case == "no-column":
            text = (path / "address.csv").read_text(encoding="utf-8-sig")
            (path / "address.csv").write_text(text.replace('"Zipcode"', '"PostCode"'))
        else:
            (path / "enterprise.csv").write_bytes(b"")
    result = enrich(tmp_path, path)
    assert result.exit_code == 3
    assert message in result.stderr
    assert "fix: " in result.stderr


def test_values_that_cannot_be_read_are_reported(tmp_path):
    folder = extract(tmp_path, folder=True)

    def append(name: str, *rows: bytes) -> int:
        with open(folder / name, "ab") as out:
            first = (folder / name).read_bytes().count(b"\n") + 1
            out.write(b"".join(row + b"\r\n" for row in rows))
        return first

    acme, bolt, dura = (N[name].encode() for name in ("acme", "bolt", "dura"))
    names = append(
        "denomination.csv",
        b'"' + acme + b'","2","001","Acme \xff NV"',
        b'"' + acme + b'","2","001","Acme\r\nNV"',
    )
    seats = append("address.csv", b'"' + dura + b'","REGO",,,"30\n00",,,,,,,,')
    codes = append(
        "activity.csv",
        b'"' + bolt + b'","001","2010","62010","MAIN"',
        b'"' + bolt + b'","001","2025","62010","MAIN"',
    )
    result = enrich(tmp_path, folder, "--json")
    assert result.json()["malformed_rows"] == [
        {"file": "denomination.csv", "line": names, "reason": "Denomination is not UTF-8"},
        {"file": "denomination.csv", "line": names + 1,
         "reason": "Denomination 'Acme\\r\\nNV' spans lines"},
        {"file": "address.csv", "line": seats, "reason": "Zipcode '30\\n00' spans lines"},
        {"file": "activity.csv", "line": codes,
         "reason": "NaceVersion '2010' is not 2003, 2008, 2025"},
        {"file": "activity.csv", "line": codes + 1,
         "reason": "NaceCode '62010' is not 7 digits (NACE 2025, written without dots)"},
    ]  # fmt: skip
    found = partners(tmp_path)
    assert found["acme"]["legal_name"] == "Acme NV"
    assert "postal_code" not in found["dura"]
    assert found["bolt"]["nace_version"] == "2008"


def test_control_characters_and_foreign_looking_zipcodes_are_reported_not_stored(tmp_path):
    """Found by the adversarial review: a legal name with an escape sequence or a
    right-to-left override was stored, and written raw into HTML, CSV and ICS."""
    folder = extract(tmp_path, folder=True)

    def append(name: str, *rows: bytes) -> int:
        with open(folder / name, "ab") as out:
            first = (folder / name).read_bytes().count(b"\n") + 1
            out.write(b"".join(row + b"\r\n" for row in rows))
        return first

    acme, dura = (N[name].encode() for name in ("acme", "dura"))
    names = append(
        "denomination.csv",
        b'"' + acme + b'","1","001","Acme \x1b[31mNV"',
        b'"' + acme + b'","1","001","Acme \xe2\x80\xaeVN"',  # U+202E
    )
    seats = append(
        "address.csv",
        b'"' + dura + b'","REGO",,,"99999",,,,,,,,',
        b'"' + dura + b'","REGO",,,"0999",,,,,,,,',
    )
    result = enrich(tmp_path, folder, "--json")
    assert result.json()["malformed_rows"] == [
        {"file": "denomination.csv", "line": names,
         "reason": "Denomination 'Acme \\x1b[31mNV' holds the control character U+001B"},
        {"file": "denomination.csv", "line": names + 1,
         "reason": "Denomination 'Acme \\u202eVN' holds the bidirectional control U+202E"},
        {"file": "address.csv", "line": seats,
         "reason": "Zipcode '99999' is not a Belgian postal code (1000 to 9999); seat not used"},
        {"file": "address.csv", "line": seats + 1,
         "reason": "Zipcode '0999' is not a Belgian postal code (1000 to 9999); seat not used"},
    ]  # fmt: skip
    found = partners(tmp_path)
    assert found["acme"]["legal_name"] == "Acme NV"  # the good row of the extract
    assert "postal_code" not in found["dura"]
    assert run("--registry", str(tmp_path / "clusters.toml"), "validate").exit_code != 3


def test_a_seat_in_a_country_not_known_is_reported_and_not_used(tmp_path):
    atlantis = [Enterprise(N["bolt"], addresses=[Address(country_nl="Atlantis")])]
    result = enrich(tmp_path, extract(tmp_path, atlantis), "--json")
    assert result.json()["malformed_rows"] == [
        {
            "file": "address.csv",
            "line": 2,
            "reason": "country 'Atlantis' is not one this tool knows; seat not used",
        }
    ]
    assert "country" not in partners(tmp_path)["bolt"]


# -- malformed rows: whom they concern; lines too long to read; doubled members ----------------


def without_row(folder: Path, name: str, number: str, *raw: bytes) -> None:
    """Take ``number``'s rows out of ``name`` and put the ``raw`` lines after its header."""
    header, _, rest = (folder / name).read_bytes().partition(b"\r\n")
    kept = [line for line in rest.split(b"\r\n") if not line.startswith(f'"{number}"'.encode())]
    (folder / name).write_bytes(b"\r\n".join([header, *raw, *kept]))


CHECKED_BEFORE = REGISTRY.replace(
    f'enterprise_number = "{N["acme"]}"\n',
    f'enterprise_number = "{N["acme"]}"\nkbo_status = "not-found"\nkbo_checked = 2026-10-03\n',
)


def test_a_malformed_row_of_a_number_looked_up_leaves_its_status_unknown(tmp_path):
    # Acme's row of enterprise.csv is damaged (a cell lost): whether acme is among the
    # active enterprises cannot be said, so its last check stands; it is not not-found.
    folder = extract(tmp_path, folder=True)
    without_row(folder, "enterprise.csv", N["acme"], f'"{N["acme"]}","AC","000"'.encode())
    result = enrich(tmp_path, folder, "--json", text=CHECKED_BEFORE)
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert (summary["checked"], summary["found"], summary["not_found"]) == (5, 3, ["gone"])
    assert summary["unknown"] == ["acme"]
    assert summary["affected"] == [{"partner": "acme", "file": "enterprise.csv", "line": 2}]
    acme = partners(tmp_path)["acme"]
    assert (acme["kbo_status"], acme["kbo_checked"]) == ("not-found", dt.date(2026, 10, 3))
    assert "legal_name" not in acme  # nothing is taken for an enterprise not found
    assert partners(tmp_path)["gone"]["kbo_status"] == "not-found"
    text = enrich(tmp_path, folder, text=CHECKED_BEFORE).stderr.splitlines()
    assert "checked 5 partners with an enterprise number: 3 found, 1 not found, 1 unknown" in text
    assert (
        "status unknown this run, kbo_status and kbo_checked kept (a malformed row of "
        "enterprise.csv may be theirs): acme"
    ) in text
    assert (
        "a malformed row may concern acme: enterprise.csv:2 names its number, and was skipped"
    ) in text
    assert text[-1] == "unchanged: the registry already holds what the extract says"


def test_a_malformed_row_whose_number_cannot_be_read_records_no_partner_not_found(tmp_path):
    # A row of enterprise.csv whose number is lost may be any enterprise's: no partner
    # is recorded not-found this run; those found are active all the same.
    folder = extract(tmp_path, folder=True)
    without_row(folder, "enterprise.csv", "-", b'"0200.0","AC"', b'"x' + b"y" * 200_000 + b'"')
    result = enrich(tmp_path, folder, "--json")
    summary = result.json()
    assert (summary["found"], summary["not_found"], summary["unknown"]) == (4, [], ["gone"])
    assert summary["unreadable_rows"] == [{"file": "enterprise.csv", "line": 2, "count": 2}]
    assert "kbo_status" not in partners(tmp_path)["gone"]
    assert partners(tmp_path)["acme"]["kbo_status"] == "active"
    text = enrich(tmp_path, folder).stderr.splitlines()
    assert (
        "2 malformed rows of enterprise.csv without a number that can be read (from line 2) "
        "may concern any partner not found"
    ) in text


def test_malformed_rows_of_the_other_files_name_the_partners_they_may_concern(tmp_path):
    bad = {
        "activity.csv": [f'"{N["acme"]}","001","2008"', '"nonsense","001"'],
        "address.csv": [f'"{N["dura"]}","REGO",,,"3000",,,,,,,,"31/06/2023"'],
        "denomination.csv": [f'"{N["echo"]}","2"'],  # not looked up: no partner concerned
    }
    summary = enrich(tmp_path, extract(tmp_path, malformed=bad), "--json").json()
    assert summary["affected"] == [
        {"partner": "acme", "file": "activity.csv", "line": 2},
        {"partner": "dura", "file": "address.csv", "line": 2},
    ]
    assert summary["unreadable_rows"] == [{"file": "activity.csv", "line": 3, "count": 1}]
    assert summary["unknown"] == []  # enterprise.csv is whole: found or not, it says
    assert partners(tmp_path)["acme"]["nace"] == ["6210001"]  # its good rows still read


def long_line_extract(where: Path, name: str, start: bytes, size: int) -> Path:
    """The test extract as a ZIP whose ``name`` has, after its header, one line of about
    ``size`` bytes that begins with ``start``: written in pieces, so that neither the test
    nor the ZIP holds it whole (200 MB of one letter compress to about 200 kB)."""
    folder = extract(where / "unpacked", folder=True)
    path = where / "KboOpenData_0140_2026_11_Full.zip"
    piece = b"a" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            with archive.open(file.name, "w", force_zip64=True) as out:
                data = file.read_bytes()
                if file.name != name:
                    out.write(data)
                    continue
                header, _, rest = data.partition(b"\r\n")
                out.write(header + b"\r\n" + start)
                for _ in range(size // len(piece)):
                    out.write(piece)
                out.write(b'"\r\n' + rest)
    return path


def test_a_line_too_long_is_reported_and_skipped_unread(tmp_path):
    start = f'"{N["acme"]}","001","2008","'.encode()
    path = long_line_extract(tmp_path, "activity.csv", start, 3 << 20)
    summary = enrich(tmp_path, path, "--json").json()
    assert summary["malformed_rows"] == [
        {"file": "activity.csv", "line": 2,
         "reason": "a line longer than 1,048,576 bytes, skipped unread"},
    ]  # fmt: skip
    assert summary["affected"] == [{"partner": "acme", "file": "activity.csv", "line": 2}]
    found = partners(tmp_path)
    assert found["acme"]["nace"] == ["6210001"]  # the rows after it are read
    assert found["bolt"]["nace"] == ["46900", "62010"]


def test_a_header_too_long_stops_the_command(tmp_path):
    folder = extract(tmp_path, folder=True)
    (folder / "address.csv").write_bytes(b'"EntityNumber' + b"x" * (2 << 20) + b'"\r\n')
    result = enrich(tmp_path, folder)
    assert result.exit_code == 3
    assert "address.csv:1: the header is longer than 1,048,576 bytes" in result.stderr


@pytest.mark.slow  # 200 MB through deflate, and a process
@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS bounds memory on Linux only")
def test_a_line_of_200_mb_is_read_in_little_memory(tmp_path):
    # Once, the reader held a whole line before the cell limit applied: a 4.7 MB ZIP
    # with one line of 1 GB took 2.2 GB. Here a child with 256 MB of address space
    # reads an extract with a line of 200 MB.
    start = f'"{N["acme"]}","001","2008","'.encode()
    path = long_line_extract(tmp_path, "activity.csv", start, 200 << 20)
    assert path.stat().st_size < 2_000_000
    registry = write_registry(tmp_path, REGISTRY)
    limit = 256 << 20

    def bounded() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "flanders_clusters", "--registry", str(registry), "enrich",
         "kbo", str(path), "--json", "--on", "2026-11-30"],
        capture_output=True, text=True, preexec_fn=bounded, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert summary["malformed_rows"][0]["line"] == 2
    assert "longer than" in summary["malformed_rows"][0]["reason"]
    assert partners(tmp_path)["bolt"]["nace"] == ["46900", "62010"]


def test_a_zip_holding_a_file_twice_is_refused(tmp_path):
    folder = extract(tmp_path, folder=True)
    path = tmp_path / "doubled.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, file.name)
        archive.writestr("old/enterprise.csv", "EnterpriseNumber\r\n")
    write_registry(tmp_path, REGISTRY)
    before = digest(tmp_path / "clusters.toml")
    result = enrich(tmp_path, path, "--json")
    assert result.exit_code == 3
    error = result.json()["error"]
    assert error["code"] == "kbo-extract"
    assert error["message"] == (
        f"{path}: the ZIP holds enterprise.csv 2 times (enterprise.csv, old/enterprise.csv)"
    )
    assert digest(tmp_path / "clusters.toml") == before


def test_language_codes_come_from_code_csv(tmp_path):
    folder = extract(tmp_path, folder=True)
    rows = (folder / "code.csv").read_text(encoding="utf-8-sig")
    # Swap the codes of Dutch and French: the name in code "1" is now the Dutch one.
    swapped = rows.replace('"Language","1"', '"Language","X"').replace(
        '"Language","2"', '"Language","1"'
    )
    (folder / "code.csv").write_text(swapped.replace('"Language","X"', '"Language","2"'))
    enrich(tmp_path, folder)
    assert partners(tmp_path)["acme"]["legal_name"] == "Acme SA"


def test_without_language_codes_the_documented_ones_are_used(tmp_path):
    folder = extract(tmp_path, folder=True)
    text = (folder / "code.csv").read_text(encoding="utf-8-sig")
    kept = [line for line in text.splitlines(keepends=True) if '"Language"' not in line[:12]]
    (folder / "code.csv").write_text("".join(kept))
    enrich(tmp_path, folder)
    assert partners(tmp_path)["acme"]["legal_name"] == "Acme NV"


# -- the write: dry run, folder, match-names -----------------------------------------------------


def test_dry_run_leaves_the_registry_byte_identical(tmp_path):
    write_registry(tmp_path, REGISTRY)
    before = digest(tmp_path / "clusters.toml")
    result = enrich(tmp_path, extract(tmp_path), "--dry-run")
    assert result.exit_code == 0
    assert digest(tmp_path / "clusters.toml") == before
    assert '+legal_name = "Acme NV"' in result.stdout
    assert '+kbo_status = "not-found"' in result.stdout
    assert result.stderr.splitlines()[-1].startswith("dry run, nothing written: ")
    diff = enrich(tmp_path, extract(tmp_path), "--dry-run", "--json").json()["diff"]
    assert diff == result.stdout


def test_an_unpacked_folder_works_like_the_zip(tmp_path):
    zipped, unpacked = tmp_path / "zip", tmp_path / "folder"
    zipped.mkdir()
    unpacked.mkdir()
    bad = {"activity.csv": ['"x","001"']}
    by_zip = enrich(zipped, extract(zipped, malformed=bad), "--json").json()
    by_folder = enrich(unpacked, extract(unpacked, malformed=bad, folder=True), "--json").json()
    assert by_folder.pop("extract").endswith("_Full")
    assert by_zip.pop("extract").endswith("_Full.zip")
    assert by_zip == by_folder
    assert (zipped / "clusters.toml").read_bytes() == (unpacked / "clusters.toml").read_bytes()


def test_a_zip_with_the_files_in_a_folder_is_read(tmp_path):
    folder = extract(tmp_path, folder=True)
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for file in folder.iterdir():
            archive.write(file, f"KboOpenData_0140_2026_11_Full/{file.name}")
    result = enrich(tmp_path, path, "--json")
    assert result.exit_code == 0 and result.json()["found"] == 4
    assert partners(tmp_path)["acme"]["legal_name"] == "Acme NV"


def test_match_names_suggests_and_writes_nothing(tmp_path):
    only_echo = (
        'schema_version = 1\n\n[partners.echo]\nname = "Echo Systems BV"\nkind = "company"\n'
    )
    write_registry(tmp_path, only_echo)
    before = digest(tmp_path / "clusters.toml")
    folder = extract(tmp_path, folder=True)
    with open(folder / "denomination.csv", "a", encoding="utf-8") as out:
        out.write('"2.000.000.017","2","003","Echo Systems"\r\n')  # an establishment's name
    result = enrich(tmp_path, folder, "--match-names", "--json")
    assert result.exit_code == 0
    assert result.json()["suggestions"] == [
        {
            "partner": "echo",
            "name": "Echo Systems BV",
            "enterprise_number": N["echo"],
            "kbo_name": "ECHO-SYSTEMS N.V.",
        },
        {
            "partner": "echo",
            "name": "Echo Systems BV",
            "enterprise_number": N["filler"],
            "kbo_name": "Echo Systems",
        },
    ]
    assert result.json()["changed"] is False
    assert digest(tmp_path / "clusters.toml") == before
    text = enrich(tmp_path, folder, "--match-names")
    assert (
        f"suggestion (not applied): echo (Echo Systems BV) may be {N['echo']}, "
        "'ECHO-SYSTEMS N.V.' in the KBO/BCE"
    ) in text.stderr.splitlines()


def test_match_names_beside_the_enrichment_never_writes_a_number(tmp_path):
    result = enrich(tmp_path, extract(tmp_path), "--match-names", "--json")
    assert {s["partner"] for s in result.json()["suggestions"]} == {"echo"}
    assert "enterprise_number" not in partners(tmp_path)["echo"]
    assert partners(tmp_path)["acme"]["legal_name"] == "Acme NV"
    nothing = enrich(tmp_path, extract(tmp_path, EXTRACT[:3]), "--match-names")
    assert "suggestions: no partner without a number has a name found in the extract" in (
        nothing.stderr
    )


def test_partner_show_gives_the_kbo_fields_apart(tmp_path):
    enrich(tmp_path, extract(tmp_path))
    result = run("--registry", str(tmp_path / "clusters.toml"), "partner", "show", "acme")
    assert result.exit_code == 0
    own, kbo = result.stdout.split("KBO/BCE\n")[0], result.stdout.split("KBO/BCE\n")[1]
    assert "legal_name" not in own and "postal_code" in own
    rows = {line.split()[0]: line.split()[1:] for line in kbo.splitlines()[2:7]}
    assert rows == {
        "legal_name": ["Acme", "NV"],
        "nace": ["6210001"],
        "nace_version": ["2025"],
        "kbo_status": ["active"],
        "kbo_checked": ["2026-11-07"],
    }
    shown = run("--registry", str(tmp_path / "clusters.toml"), "partner", "show", "acme", "--json")
    assert shown.json()["nace"] == ["6210001"] and shown.json()["kbo_checked"] == SNAPSHOT
    plain = run("--registry", str(tmp_path / "clusters.toml"), "partner", "show", "echo")
    assert "KBO/BCE" not in plain.stdout


@pytest.mark.slow  # a process
def test_a_read_only_registry_is_refused_before_the_extract_is_read(tmp_path):
    # In a folder without data/clusters.toml, the registry is the shipped one.
    done = run_subprocess("enrich", "kbo", str(tmp_path / "missing.zip"), cwd=tmp_path)
    assert done.returncode == 4
    assert "read-only" in done.stderr and "missing.zip" not in done.stderr


def test_a_registry_without_numbers_is_left_alone(tmp_path):
    text = 'schema_version = 1\n\n[partners.echo]\nname = "Echo"\nkind = "company"\n'
    write_registry(tmp_path, text)
    result = enrich(tmp_path, extract(tmp_path), "--json")
    assert result.json()["checked"] == 0 and result.json()["changed"] is False
    assert (tmp_path / "clusters.toml").read_text(encoding="utf-8") == text


# -- the reader on its own -----------------------------------------------------------------------


def test_the_reader_keeps_only_the_numbers_asked_for_and_counts_its_bytes(tmp_path):
    path = extract(tmp_path)
    ticks: list[int] = []
    found = kbo_extract.read(
        path, [N["bolt"], GONE], progress=lambda total: contextlib.nullcontext(ticks.append)
    )
    assert sorted(found.found) == [N["bolt"]]
    assert found.looked_up == frozenset([N["bolt"], GONE])
    assert (found.snapshot, found.number) == (dt.date(2026, 11, 7), "140")
    with zipfile.ZipFile(path) as archive:
        total = sum(archive.getinfo(name).file_size for name in kbo_extract.COLUMNS)
    assert ticks[-1] == total


def test_the_generator_writes_the_layout_of_the_extract(tmp_path):
    path = gen.write(tmp_path / "x.zip", gen.Synthetic(2000), malformed={"activity.csv": ["x"]})
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(gen.FILES)
        raw = archive.read("activity.csv")
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
        rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == list(gen.HEADERS["activity.csv"])
    assert {row[2] for row in rows[2:]} == {"2003", "2008", "2025"}
    numbers = [gen.enterprise_number(i) for i in range(2000)]
    found = kbo_extract.read(path, numbers)
    assert len(found.found) == 2000
    assert found.malformed == [
        {"file": "activity.csv", "line": 2, "reason": "1 cells where the header has 5"}
    ]
    seats = [e.seat for e in found.found.values() if e.seat is not None]
    assert {seat.country for seat in seats} > {"BE"}  # some seats abroad
    assert {e.nace_version for e in found.found.values()} == {"2008", "2025"}
    assert any(e.legal_name and e.legal_name.endswith(" SRL") for e in found.found.values())
    assert all(enterprise_numbers.enterprise_number_valid(n) for n in numbers)


def test_day_first_dates():
    assert kbo_extract.parse_day("07-11-2026") == dt.date(2026, 11, 7)
    for text in ("2026-11-07", "7-11-2026", "31-02-2026", ""):
        with pytest.raises(ValueError):
            kbo_extract.parse_day(text)


def test_country_names_in_dutch_french_and_english():
    assert country_names.code_of("Frankrijk") == "FR"
    assert country_names.code_of("", "Pays-Bas") == "NL"
    assert country_names.code_of("Duitsland (Bondsrepubliek)") == "DE"
    assert country_names.code_of("Verenigde Staten van Amerika") == "US"
    korea = country_names.code_of("Korea, Republiek")
    assert korea == country_names.code_of("Republiek Korea") == "KR"
    assert country_names.code_of("COTE D'IVOIRE") == "CI"
    assert country_names.code_of("Atlantis") is None
    assert len(country_table()) == 249


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_a_legal_form_after_a_name_does_not_change_its_key(name):
    assert enterprises.name_key(name + " BV") == enterprises.name_key(name)
    assert enterprises.name_key(name + " N.V.") == enterprises.name_key(name)
    key = enterprises.name_key(name)
    assert key == key.strip() and "  " not in key
    assert all(c.isalnum() or c == " " for c in key)


def test_names_compare_without_case_accents_punctuation_and_legal_forms():
    same = ["Société Générale SA", "SOCIETE GENERALE", "Societe-Generale N.V.", "société générale"]
    assert len({enterprises.name_key(name) for name in same}) == 1
    assert enterprises.name_key("Naamloze Vennootschap Acme") == "acme"
    assert enterprises.name_key("NV") == ""
    assert json.dumps(enterprises.name_key("L’Oréal")) == '"loreal"'


# Found by an adversarial review: a FIFO as the extract hung `enrich kbo` forever, and
# `enrich kbo /dev/zero` grew to 7.2 GB in 6 s. Only a ZIP file or a folder is opened.
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs or device nodes here")
@pytest.mark.parametrize("kind", ["fifo", "endless-device"])
def test_an_extract_that_is_a_fifo_or_a_device_exits_3_naming_it(tmp_path, kind):
    write_registry(tmp_path, REGISTRY)
    before = digest(tmp_path / "clusters.toml")
    if kind == "fifo":
        path = files_support.fifo(tmp_path / "KboOpenData_0140_2026_11_Full.zip")
        said = "a FIFO (named pipe)"
    else:
        path, said = files_support.device(tmp_path, "zero"), "a character device"
    with files_support.rescued(path):
        result = enrich(tmp_path, path, "--json")
    assert result.exit_code == 3, result.stdout
    error = result.json()["error"]
    assert error["code"] == "kbo-extract"
    assert error["message"] == f"{path}: is {said}, not a ZIP file, a folder or a file of one"
    assert digest(tmp_path / "clusters.toml") == before


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_file_of_a_folder_swapped_for_a_fifo_is_not_opened(tmp_path):
    """The folder's files are checked when the extract is opened, and again as each is
    read: one replaced by a FIFO in between is refused, not read (which would block)."""
    folder = extract(tmp_path, folder=True)
    files = kbo_extract._Files(folder)
    (folder / "activity.csv").unlink()
    fifo = files_support.fifo(folder / "activity.csv")
    with files_support.rescued(fifo), pytest.raises(kbo_extract.KboExtractError) as refused:
        files.text("activity.csv").__enter__()
    files.close()
    assert str(refused.value).startswith(f"{fifo}: is a FIFO (named pipe), not a ZIP file")
