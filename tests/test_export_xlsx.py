"""`clusters export --format xlsx --output FILE`: the workbook read back with openpyxl
holds every record and field of the registry (the `--json` outputs as the reference),
dates as dates, links as links, and formula-looking text as text; only this command
loads openpyxl."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import EXPORT_TABLES, SHIPPED_DATA, digest, run, write_registry
from open_data_support import FORMULA, ON, export, write_hostile

from flanders_clusters.registry import records
from flanders_clusters.registry.fields import defaults

SHEETS = EXPORT_TABLES
LISTS = ("sources", "nace", "clusters")  # held as JSON arrays in a cell


def workbook(registry: Path, path: Path) -> Any:
    result = export(registry, "xlsx", path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"wrote {path}: ")
    return openpyxl.load_workbook(path)


def sheet_rows(book: Any, name: str) -> list[dict[str, Any]]:
    """The rows of a sheet as the JSON outputs say them: dates as ISO text (after
    checking that the cell is a date), lists decoded."""
    rows = book[name].iter_rows(values_only=False)
    header = [cell.value for cell in next(rows)]
    out = []
    for row in rows:
        record = {}
        for column, cell in zip(header, row, strict=True):
            value = cell.value
            if isinstance(value, dt.datetime):
                assert cell.is_date and value.time() == dt.time(0)
                value = value.date().isoformat()
            elif column in LISTS and isinstance(value, str) and name != "event_clusters":
                value = json.loads(value)
            record[column] = value
        out.append(record)
    return out


def filled(record: dict[str, Any], kind: type) -> dict[str, Any]:
    """A JSON record with the fixed defaults the tables fill in."""
    fixed = defaults(kind)
    return {k: fixed.get(k) if v is None and k in fixed else v for k, v in record.items()}


def json_of(registry: Path, *args: str) -> Any:
    result = run("--registry", str(registry), *args)
    assert result.exit_code in (0, 1), result.stderr
    return result.json()


def iso(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [iso(v) for v in value]
    return value


def _by_key(row: dict[str, Any]) -> tuple:
    return (row["cluster"], *(str(row.get(k)) for k in ("partner", "start", "awarded")))


def assert_every_record_equal(registry: Path, book: Any) -> None:
    assert book.sheetnames == SHEETS
    clusters = json_of(registry, "export", "--json")
    cluster_keys = [k for k in clusters[0] if k not in ("labels", "funding", "members")]
    expected = [filled({k: c[k] for k in cluster_keys}, records.Cluster) for c in clusters]
    assert sheet_rows(book, "clusters") == expected
    for sheet, key, kind in (
        ("memberships", "members", records.Member),
        ("funding", "funding", records.Funding),
        ("labels", "labels", records.Label),
    ):
        expected = [{"cluster": c["id"], **filled(item, kind)} for c in clusters for item in c[key]]
        assert sorted(sheet_rows(book, sheet), key=_by_key) == sorted(expected, key=_by_key), sheet
    partners = json_of(registry, "export", "--what", "partners", "--json")
    expected = [
        filled({k: v for k, v in p.items() if k != "clusters"}, records.Partner) for p in partners
    ]
    assert sheet_rows(book, "partners") == expected
    # events: the registry file itself (no JSON output holds every event field)
    data = tomllib.loads(registry.read_text(encoding="utf-8"))
    events = sorted((data.get("events") or {}).items())
    keys = [k for k in records.Event.__annotations__ if k not in ("clusters", "participants")]
    expected = [
        {"id": eid, **filled({k: iso(e.get(k)) for k in keys}, records.Event)} for eid, e in events
    ]
    assert sheet_rows(book, "events") == expected
    expected = [{"event": eid, "cluster": c} for eid, e in events for c in e.get("clusters", [])]
    assert sheet_rows(book, "event_clusters") == expected
    expected = [
        {
            "event": eid,
            **filled({"partner": p["partner"], "role": p.get("role")}, records.Participant),
        }
        for eid, e in events
        for p in e.get("participants", [])
    ]
    assert sheet_rows(book, "participants") == expected
    found = json_of(registry, "validate", "--json", "--on", ON)["findings"]
    assert sheet_rows(book, "findings") == [{"id": n, **f} for n, f in enumerate(found, 1)]


@pytest.mark.slow
def test_the_shipped_registry_every_record_and_field(tmp_path: Path) -> None:
    book = workbook(SHIPPED_DATA, tmp_path / "clusters.xlsx")
    assert_every_record_equal(SHIPPED_DATA, book)
    assert book["memberships"].max_row > 50


def test_a_small_registry_every_record_and_field(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    assert_every_record_equal(registry, workbook(registry, tmp_path / "clusters.xlsx"))


def test_a_hostile_registry_every_record_and_formulas_kept_as_text(tmp_path: Path) -> None:
    registry = write_hostile(tmp_path)
    path = tmp_path / "clusters.xlsx"
    book = workbook(registry, path)
    assert_every_record_equal(registry, book)
    names = {row[0].value: row[1] for row in book["partners"].iter_rows(min_row=2)}
    cell = names["formula"]
    assert cell.value == FORMULA and cell.data_type == "s"  # text, not a formula
    assert cell.quotePrefix  # and Excel keeps it text when the cell is edited
    assert names["plus"].value == "+32 2 555 00 00"
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            assert b"<f>" not in archive.read(name)  # no formula anywhere in the workbook


def test_each_sheet_looks_like_a_table(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    book = workbook(registry, tmp_path / "clusters.xlsx")
    for name in SHEETS:
        sheet = book[name]
        header = next(sheet.iter_rows(max_row=1))
        assert all(cell.font.b for cell in header), name
        assert sheet.freeze_panes == "A2"
        last = header[-1].column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{max(sheet.max_row, 1)}"
        for cell in header:
            width = sheet.column_dimensions[cell.column_letter].width
            assert len(cell.value) + 2 <= width <= 62, (name, cell.value, width)
    clusters = book["clusters"]
    header = [cell.value for cell in clusters[1]]
    alpha = {column: cell for column, cell in zip(header, clusters[2], strict=True)}
    assert alpha["recognised"].is_date and alpha["recognised"].number_format == "yyyy-mm-dd"
    assert alpha["members_complete"].value is True
    funding = book["funding"]
    header = [cell.value for cell in funding[1]]
    beta = {column: cell.value for column, cell in zip(header, funding[3], strict=True)}
    assert beta["annual_support_eur"] == 100000 and beta["cluster"] == "beta"
    name_width = clusters.column_dimensions["B"].width
    assert name_width == len("Alpha Cluster") + 2
    partners = book["partners"]
    header = [cell.value for cell in partners[1]]
    website = header.index("website")
    tmp = tmp_path / "linked.toml"
    text = registry.read_text().replace(
        'name = "Acme NV"', 'name = "Acme NV"\nwebsite = "https://acme.example"'
    )
    tmp.write_text(text)
    book = workbook(tmp, tmp_path / "linked.xlsx")
    cell = book["partners"]["A2"].offset(column=website)
    assert cell.value == "https://acme.example"
    assert cell.hyperlink.target == "https://acme.example"


def test_a_text_longer_than_a_cell_holds_is_cut_and_said(tmp_path: Path) -> None:
    """Excel reports a workbook with a cell of more than 32,767 characters as damaged."""
    registry = write_registry(tmp_path)
    notes = "word " * 10_000  # 50,000 characters
    text = registry.read_text().replace(
        'name = "Beta Network"', f'name = "Beta Network"\nnotes = "{notes.strip()}"'
    )
    registry.write_text(text)
    path = tmp_path / "clusters.xlsx"
    result = export(registry, "xlsx", path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(
        "warning: 1 text(s) longer than Excel's 32,767 characters a cell were cut (clusters "
        "row 3 column notes): the data package and the SQLite export hold them whole\n"
    )
    book = openpyxl.load_workbook(path)
    header = [cell.value for cell in book["clusters"][1]]
    cell = book["clusters"][3][header.index("notes")]
    assert len(cell.value) == 32_767
    assert cell.value.startswith("word word")
    assert cell.value.endswith(" […cut: 49,999 characters; the data package holds the whole text]")


def test_an_output_that_is_a_link_or_a_folder_is_refused(tmp_path: Path) -> None:
    registry = write_registry(tmp_path)
    target = tmp_path / "target.txt"
    target.write_text("keep\n")
    link = tmp_path / "clusters.xlsx"
    link.symlink_to(target)
    for output in (link, tmp_path):
        result = export(registry, "xlsx", output)
        assert result.exit_code == 4, result.stderr
        assert result.stderr.startswith(f"error: {output}: ")
    assert target.read_text() == "keep\n" and link.is_symlink()
    before = digest(registry)
    assert export(registry, "xlsx", tmp_path / "missing" / "x.xlsx").exit_code == 4
    assert digest(registry) == before


PROBE = """
import sys
sys.argv = ["clusters", *sys.argv[1:]]
from flanders_clusters.cli import main
try:
    main()
except SystemExit:
    pass
print("LOADED=" + ",".join(m for m in ("openpyxl", "frictionless", "datasette")
                           if m in sys.modules), file=sys.stderr)
"""


def loaded(*args: str, cwd: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--registry", str(SHIPPED_DATA), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("LOADED="))
    return [m for m in line.removeprefix("LOADED=").split(",") if m]


@pytest.mark.slow
def test_only_the_workbook_loads_openpyxl(tmp_path: Path) -> None:
    for args in (
        ["list", "--json"],
        ["validate", "--json"],
        ["export", "--json"],
        ["export", "--format", "sqlite", "--output", "x.db"],
        ["export", "--format", "datapackage", "--output", "data"],
    ):
        assert loaded(*args, cwd=tmp_path) == [], args
    assert loaded("export", "--format", "xlsx", "--output", "x.xlsx", cwd=tmp_path) == ["openpyxl"]
