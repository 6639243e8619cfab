"""`fmt --diff`: the unified diff `fmt` would make, nothing written, exit 1 when there
is one (as `--check`); `fmt --check` names the first record that is not canonical."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import SMALL, digest, run, write_registry

# gov's fields out of their declared order, and uni written before gov.
UNSORTED = SMALL.replace(
    '[partners.gov]\nname = "Flemish Government"\nkind = "government"\n\n'
    '[partners.uni]\nname = "Example University"\nkind = "knowledge"\n'
    'network_role = "knowledge-centre"\n',
    '[partners.uni]\nname = "Example University"\nkind = "knowledge"\n'
    'network_role = "knowledge-centre"\n\n'
    '[partners.gov]\nkind = "government"\nname = "Flemish Government"\n',
)
FIELD_ORDER = SMALL.replace(
    '[partners.gov]\nname = "Flemish Government"\nkind = "government"\n',
    '[partners.gov]\nkind = "government"\nname = "Flemish Government"\n',
)


def test_fmt_diff_prints_the_change_fmt_would_make_and_writes_nothing(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, FIELD_ORDER)
    kept = digest(registry)

    result = run("--registry", str(registry), "fmt", "--diff")

    assert result.exit_code == 1
    assert result.stdout == (
        f"--- {registry}\n+++ {registry}\n@@ -39,8 +39,8 @@\n"
        ' postal_code = "2000"\n \n [partners.gov]\n'
        '+name = "Flemish Government"\n kind = "government"\n-name = "Flemish Government"\n'
        ' \n [partners.uni]\n name = "Example University"\n'
    )
    assert "first difference at line 42, in partners.gov" in result.stderr
    assert digest(registry) == kept


def test_the_diff_is_what_fmt_then_writes(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, UNSORTED)
    patched = tmp_path / "patched.toml"
    shutil.copyfile(registry, patched)
    diff = run("--registry", str(registry), "fmt", "--diff").stdout
    assert run("--registry", str(registry), "fmt").exit_code == 0

    applied = subprocess.run(
        ["patch", "--quiet", str(patched)], input=diff, text=True, capture_output=True
    )

    if applied.returncode == 127:  # pragma: no cover - patch is part of the environment
        pytest.fail("patch is not installed")
    assert applied.returncode == 0, applied.stderr
    assert patched.read_bytes() == registry.read_bytes()


def test_fmt_diff_of_a_canonical_file_is_empty_and_exits_0(registry: Path) -> None:
    result = run("--registry", str(registry), "fmt", "--diff")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == f"{registry} is in canonical form\n"


def test_fmt_diff_json_holds_the_diff(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, FIELD_ORDER)
    text_diff = run("--registry", str(registry), "fmt", "--diff").stdout

    result = run("--registry", str(registry), "fmt", "--diff", "--json")

    assert result.exit_code == 1
    body = result.json()
    assert body["diff"] == text_diff
    assert body["canonical"] is False
    assert body["first_difference"]["record"] == "partners.gov"


@pytest.mark.parametrize(
    ("text", "record", "line"),
    [(FIELD_ORDER, "partners.gov", 42), (UNSORTED, "partners.gov", 41)],
)
def test_fmt_check_names_the_first_record_that_differs(
    tmp_path: Path, text: str, record: str, line: int
) -> None:
    registry = write_registry(tmp_path, text)
    result = run("--registry", str(registry), "fmt", "--check", "--json")
    assert result.exit_code == 1
    assert result.json()["first_difference"]["record"] == record
    assert result.json()["first_difference"]["line"] == line
    said = run("--registry", str(registry), "fmt", "--check").stderr
    assert f"first difference at line {line}, in {record}:" in said
