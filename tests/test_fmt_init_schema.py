"""The file-level commands: ``fmt [--check]``, ``schema`` and ``init PATH [--from-shipped]``."""

from __future__ import annotations

import json
import os
import random
import stat
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, SHIPPED_DATA, SMALL, digest, run, run_subprocess, write_registry
from hand_written import HandWriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from registry_strategies import normalised, registries

from flanders_clusters.registry import store

PACKAGE_DATA = REPO / "src" / "flanders_clusters" / "data"
SCHEMA_FILE = REPO / "data" / "clusters.schema.json"
HEADER = "#:schema ./clusters.schema.json\n"
POSIX_MODES = pytest.mark.skipif(sys.platform == "win32", reason="Windows has no POSIX file modes")

REGISTRIES = registries()


def umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


# -- fmt --check ---------------------------------------------------------------------------


# The shipped file's own checks (canonical, copied byte for byte) are in test_shipped_data.py.


@pytest.mark.slow
def test_check_on_the_shipped_copy_from_an_empty_folder(tmp_path: Path) -> None:
    before = digest(PACKAGE_DATA / "clusters.toml")
    done = run_subprocess("fmt", "--check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "is in canonical form" in done.stderr
    assert digest(PACKAGE_DATA / "clusters.toml") == before


def test_check_on_the_small_registry(registry: Path) -> None:
    result = run("--registry", str(registry), "fmt", "--check", "--json")
    assert result.exit_code == 0
    assert result.json() == {
        "registry": str(registry),
        "canonical": True,
        "changed": False,
        "first_difference": None,
    }


def test_check_finds_a_difference_and_writes_nothing(tmp_path: Path) -> None:
    path = write_registry(tmp_path, SMALL.replace("[clusters.beta]", "[clusters.gamma]"))
    text = path.read_text(encoding="utf-8")
    unsorted = text.replace(
        'name = "Acme NV"\nkind = "company"', 'kind = "company"\nname = "Acme NV"'
    )
    path.write_text(unsorted, encoding="utf-8")
    before = digest(path)
    result = run("--registry", str(path), "fmt", "--check")
    assert result.exit_code == 1
    assert result.stdout == ""
    line = text.splitlines().index('name = "Acme NV"') + 1
    assert result.stderr == (
        f"{path} is not in canonical form; first difference at line {line}, in "
        """partners.acme: 'kind = "company"', canonical 'name = "Acme NV"' """
        "(`clusters fmt` writes the canonical form)\n"
    )
    assert digest(path) == before
    as_json = run("--registry", str(path), "fmt", "--check", "--json")
    assert as_json.exit_code == 1
    assert as_json.json() == {
        "registry": str(path),
        "canonical": False,
        "changed": False,
        "first_difference": {
            "line": line,
            "record": "partners.acme",
            "found": 'kind = "company"',
            "expected": 'name = "Acme NV"',
        },
    }
    assert digest(path) == before


def test_check_refuses_a_file_with_a_trailing_space(registry: Path) -> None:
    registry.write_text(SMALL.replace('name = "Beta Network"', 'name = "Beta Network" '))
    result = run("--registry", str(registry), "fmt", "--check")
    assert result.exit_code == 1
    line = SMALL.splitlines().index('name = "Beta Network"') + 1
    assert (
        f"first difference at line {line}, in clusters.beta: 'name = \"Beta Network\" ', "
        """canonical 'name = "Beta Network"'"""
    ) in result.stderr


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # A byte-order mark, before any table: the line and nothing else.
        ("\ufeff" + SMALL, "first difference at line 1: '\\ufeff#:schema"),
        # CRLF line ends: the carriage return is shown.
        (
            SMALL.replace("\n", "\r\n"),
            "first difference at line 1: '#:schema ./clusters.schema.json\\r'",
        ),
        # No line break at the end, and a blank line too many.
        (SMALL.rstrip("\n"), "without a line break at its end, canonical"),
        (
            SMALL + "\n",
            "first difference at line 49, in partners.uni: '', canonical the end of the file",
        ),
    ],
    ids=["bom", "crlf", "no-last-newline", "extra-line"],
)
def test_check_names_the_first_difference_of_a_layout(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(text.encode("utf-8"))
    result = run("--registry", str(path), "fmt", "--check")
    assert result.exit_code == 1
    assert said in result.stderr, result.stderr


# -- fmt -------------------------------------------------------------------------------------

HAND_EDITED = '''\
# Registry kept by hand
schema_version = 1

[partners.zed]
kind = "company"   # a trailing comment
name = "Zed BV"
postal_code = "9000"

[partners.acme]
website = "https://acme.example"
name = "Acme NV"
kind = "company"
size = "sme"

[clusters.beta]
type = "icn"
name = "Beta Network"
domain = "Drones"
action_plan = """
Fly [more] drones # carefully
"""

[[clusters.beta.members]]
role = "founder"
partner = "zed"

[[clusters.beta.members]]
partner = "acme"

[[clusters.beta.funding]]
end = 2024-12-31
start = 2022-01-01
annual_support_eur = 100000

[[clusters.beta.funding]]
start = 2019-01-01
end = 2021-12-31

[clusters.alpha]
domain = "Chemistry"
sources = ["https://b.example", "https://a.example"]
name = "Alpha"
type = "spearhead"

[policy]
ignore = ["FC109"]
max_years = { icn = 4, spearhead = 10 }
support_rate = 0.5
'''

HAND_EDITED_CANONICAL = """\
#:schema ./clusters.schema.json

schema_version = 1

[policy]
support_rate = 0.5
ignore = [
    "FC109",
]

[policy.max_years]
spearhead = 10
icn = 4

[clusters.alpha]
name = "Alpha"
type = "spearhead"
domain = "Chemistry"
sources = [
    "https://b.example",
    "https://a.example",
]

[clusters.beta]
name = "Beta Network"
type = "icn"
domain = "Drones"
action_plan = "Fly [more] drones # carefully\\n"
funding = [
    { start = 2019-01-01, end = 2021-12-31 },
    { start = 2022-01-01, end = 2024-12-31, annual_support_eur = 100000 },
]
members = [
    { partner = "acme" },
    { partner = "zed", role = "founder" },
]

[partners.acme]
name = "Acme NV"
kind = "company"
size = "sme"
website = "https://acme.example"

[partners.zed]
name = "Zed BV"
kind = "company"
postal_code = "9000"
"""


def test_fmt_writes_the_canonical_form(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HAND_EDITED)
    result = run("--registry", str(path), "fmt")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert path.read_text(encoding="utf-8") == HAND_EDITED_CANONICAL
    assert f"reformatted {path}" in result.stderr


def test_fmt_warns_once_that_comments_were_dropped(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HAND_EDITED)
    result = run("--registry", str(path), "fmt")
    assert result.exit_code == 0
    assert result.stderr.count("comments") == 1
    assert result.stderr.count("warning:") == 1
    assert f"{path} held comments" in result.stderr
    assert "notes" in result.stderr
    again = run("--registry", str(path), "fmt")
    assert again.exit_code == 0
    assert "comments" not in again.stderr
    assert f"unchanged: {path}" in again.stderr


def test_fmt_json_reports_the_change_and_still_warns_on_stderr(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HAND_EDITED)
    result = run("--registry", str(path), "fmt", "--json")
    assert result.exit_code == 0
    assert result.json() == {"registry": str(path), "canonical": True, "changed": True}
    assert result.stderr.count("comments") == 1
    again = run("--registry", str(path), "fmt", "--json")
    assert again.json() == {"registry": str(path), "canonical": True, "changed": False}
    assert again.stderr == ""


def test_fmt_is_idempotent_and_check_passes_after(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HAND_EDITED)
    assert run("--registry", str(path), "fmt").exit_code == 0
    once = path.read_bytes()
    assert run("--registry", str(path), "fmt").exit_code == 0
    assert path.read_bytes() == once
    assert run("--registry", str(path), "fmt", "--check").exit_code == 0


def test_fmt_keeps_the_data(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HAND_EDITED)
    before = tomllib.loads(HAND_EDITED)
    assert run("--registry", str(path), "fmt").exit_code == 0
    after = tomllib.loads(path.read_text(encoding="utf-8"))
    assert normalised(after) == normalised(before)


def test_fmt_without_comments_does_not_warn(tmp_path: Path) -> None:
    text = SMALL.replace('name = "Acme NV"\nkind = "company"', 'kind = "company"\nname = "Acme NV"')
    path = write_registry(tmp_path, text)
    result = run("--registry", str(path), "fmt")
    assert result.exit_code == 0
    assert "warning" not in result.stderr
    assert path.read_text(encoding="utf-8") == SMALL


def test_fmt_adds_the_schema_header(tmp_path: Path) -> None:
    path = write_registry(tmp_path, SMALL.removeprefix(HEADER + "\n"))
    result = run("--registry", str(path), "fmt")
    assert result.exit_code == 0
    assert "warning" not in result.stderr
    assert path.read_text(encoding="utf-8") == SMALL


def test_fmt_on_a_canonical_file_changes_nothing(registry: Path) -> None:
    before = registry.stat().st_mtime_ns, digest(registry)
    result = run("--registry", str(registry), "fmt")
    assert result.exit_code == 0
    assert f"unchanged: {registry}" in result.stderr
    assert (registry.stat().st_mtime_ns, digest(registry)) == before


@POSIX_MODES
def test_fmt_keeps_the_file_mode(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HAND_EDITED)
    path.chmod(0o640)
    assert run("--registry", str(path), "fmt").exit_code == 0
    assert path.read_text(encoding="utf-8") == HAND_EDITED_CANONICAL
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@POSIX_MODES
def test_fmt_through_a_symbolic_link_rewrites_the_target(tmp_path: Path) -> None:
    target = write_registry(tmp_path, HAND_EDITED, "real.toml")
    link = tmp_path / "clusters.toml"
    link.symlink_to(target)
    assert run("--registry", str(link), "fmt").exit_code == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == HAND_EDITED_CANONICAL


def test_a_byte_order_mark_is_not_canonical_and_fmt_removes_it(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    canonical_text = run("--registry", str(write_registry(tmp_path, HAND_EDITED)), "fmt")
    assert canonical_text.exit_code == 0
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert run("--registry", str(path), "list", "--json").exit_code == 0
    assert run("--registry", str(path), "fmt", "--check").exit_code == 1
    assert run("--registry", str(path), "fmt").exit_code == 0
    assert path.read_text(encoding="utf-8") == HAND_EDITED_CANONICAL


def test_fmt_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HAND_EDITED)
    assert run("--registry", str(path), "fmt").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "clusters.toml"
    ]


def test_fmt_refuses_a_file_with_schema_problems(tmp_path: Path) -> None:
    path = write_registry(tmp_path, HAND_EDITED.replace('name = "Alpha"', 'nam = "Alpha"'))
    before = digest(path)
    result = run("--registry", str(path), "fmt")
    assert result.exit_code == 3
    assert "clusters.alpha.nam" in result.stderr
    assert digest(path) == before


@pytest.mark.slow
def test_fmt_on_the_shipped_copy_is_refused(tmp_path: Path) -> None:
    before = digest(PACKAGE_DATA / "clusters.toml")
    done = run_subprocess("fmt", cwd=tmp_path)
    assert done.returncode == 4
    assert done.stdout == ""
    assert "read-only" in done.stderr
    assert "clusters init" in done.stderr
    assert "Traceback" not in done.stderr
    assert digest(PACKAGE_DATA / "clusters.toml") == before


def test_fmt_on_the_shipped_copy_json(tmp_path: Path) -> None:
    done = run_subprocess("fmt", "--json", cwd=tmp_path)
    assert done.returncode == 4
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "read-only"
    assert "clusters init" in error["fix"]
    assert done.stderr == ""


def test_fmt_on_the_shipped_copy_in_process(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("fmt", "--json")
    assert result.exit_code == 4
    assert result.json()["error"]["code"] == "read-only"


# -- the property: fmt of any hand-written registry -----------------------------------------


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=REGISTRIES, rnd=st.randoms(use_true_random=False))
def test_fmt_property_idempotent_and_lossless(data: dict, rnd: random.Random) -> None:
    writer = HandWriter(rnd)
    text = writer.document(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clusters.toml"
        path.write_text(text, encoding="utf-8")
        first = run("--registry", str(path), "fmt")
        assert first.exit_code == 0, (first.stderr, text)
        once = path.read_text(encoding="utf-8")
        assert first.stderr.count("held comments") == (1 if writer.commented else 0)
        second = run("--registry", str(path), "fmt")
        assert second.exit_code == 0
        assert path.read_text(encoding="utf-8") == once
        assert "unchanged" in second.stderr
        assert "warning" not in second.stderr
        assert run("--registry", str(path), "fmt", "--check").exit_code == 0
        assert once.startswith(HEADER + "\n")
        assert normalised(tomllib.loads(once)) == normalised(data)


# -- schema ------------------------------------------------------------------------------------


def test_schema_prints_the_schema_file() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8")
    assert result.stdout == (PACKAGE_DATA / "clusters.schema.json").read_text(encoding="utf-8")
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["schema_version"]
    assert schema["additionalProperties"] is False


def test_schema_from_an_empty_folder(tmp_path: Path) -> None:
    done = run_subprocess("schema", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


# -- init --------------------------------------------------------------------------------------


def test_init_writes_an_empty_registry_and_its_schema(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    result = run("init", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    schema = tmp_path / "clusters.schema.json"
    assert f"created {path} and {schema}" in result.stderr
    assert path.read_text(encoding="utf-8") == HEADER + "\nschema_version = 1\n"
    assert schema.read_bytes() == SCHEMA_FILE.read_bytes()
    check = run("--registry", str(path), "fmt", "--check")
    assert check.exit_code == 0
    listed = run("--registry", str(path), "list", "--json")
    assert listed.exit_code == 0
    assert listed.json() == []


def test_init_json(tmp_path: Path) -> None:
    path = tmp_path / "reg.toml"
    result = run("init", str(path), "--json")
    assert result.exit_code == 0
    assert result.json() == {
        "registry": str(path),
        "schema": str(tmp_path / "clusters.schema.json"),
        "gitignore": str(tmp_path / ".gitignore"),
        "gitignore_change": "created",
        "from_shipped": False,
        "changed": True,
    }


def test_init_from_shipped(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    result = run("init", str(path), "--from-shipped")
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == SHIPPED_DATA.read_bytes()
    assert (tmp_path / "clusters.schema.json").read_bytes() == SCHEMA_FILE.read_bytes()
    listed = run(
        "--registry", str(path), "list", "--type", "spearhead", "--json", "--on", "2024-01-01"
    )
    assert len(listed.json()) == 7
    fmt = run("--registry", str(path), "fmt")
    assert fmt.exit_code == 0
    assert f"unchanged: {path}" in fmt.stderr


@pytest.mark.slow
def test_init_copy_is_writable_where_the_shipped_one_is_not(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    done = run_subprocess("init", "data/clusters.toml", "--from-shipped", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    fmt = run_subprocess("fmt", cwd=tmp_path)
    assert fmt.returncode == 0, fmt.stderr
    assert "unchanged: data/clusters.toml" in fmt.stderr


def test_init_on_a_folder_says_it_is_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    result = run("init", str(folder))
    assert result.exit_code == 4
    assert result.stderr == (
        f"error: {folder}: is a folder; fix: name the registry file, e.g. "
        f"{folder / 'clusters.toml'}\n"
    )
    assert list(folder.iterdir()) == []
    assert not (tmp_path / "clusters.schema.json").exists()


def test_init_refuses_an_existing_file(registry: Path) -> None:
    before = digest(registry)
    result = run("init", str(registry))
    assert result.exit_code == 4
    assert "already exists" in result.stderr
    assert str(registry) in result.stderr
    assert digest(registry) == before
    assert not (registry.parent / "clusters.schema.json").exists()
    shipped = run("init", str(registry), "--from-shipped", "--json")
    assert shipped.exit_code == 4
    assert shipped.json()["error"]["code"] == "already-exists"
    assert digest(registry) == before


@POSIX_MODES
def test_init_creates_files_readable_as_the_umask_allows(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    assert run("init", str(path)).exit_code == 0
    expected = 0o666 & ~umask()
    assert stat.S_IMODE(path.stat().st_mode) == expected
    assert stat.S_IMODE((tmp_path / "clusters.schema.json").stat().st_mode) == expected


def test_init_creates_missing_folders(tmp_path: Path) -> None:
    path = tmp_path / "project" / "data" / "clusters.toml"
    result = run("init", str(path))
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8") == HEADER + "\nschema_version = 1\n"
    assert (path.parent / "clusters.schema.json").is_file()


def test_init_under_a_file_is_refused_cleanly(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    result = run("init", str(blocker / "clusters.toml"))
    assert result.exit_code == 4
    assert str(blocker) in result.stderr
    assert blocker.read_text(encoding="utf-8") == "x"


def test_fmt_on_a_missing_registry(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    result = run("--registry", str(missing), "fmt", "--json")
    assert result.exit_code == 3
    assert result.json()["error"]["code"] == "registry-not-found"
    assert not missing.exists()


def test_fmt_waits_for_the_lock_then_gives_up(tmp_path: Path) -> None:
    from filelock import FileLock

    path = write_registry(tmp_path, HAND_EDITED)
    before = digest(path)
    with FileLock(f"{path}.lock"):
        result = run("--registry", str(path), "--lock-timeout", "0.1", "fmt", "--json")
    assert result.exit_code == 5
    error = result.json()["error"]
    assert error["code"] == "locked"
    assert "--lock-timeout" in error["fix"]
    assert digest(path) == before
    assert run("--registry", str(path), "fmt").exit_code == 0
    assert path.read_text(encoding="utf-8") == HAND_EDITED_CANONICAL


def test_init_leaves_an_identical_schema_file_and_refuses_another(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    assert run("init", str(first)).exit_code == 0
    schema = tmp_path / "clusters.schema.json"
    # A second registry in the same folder shares the (identical) schema file.
    assert run("init", str(tmp_path / "b.toml")).exit_code == 0
    schema.write_text('{"mine": true}\n', encoding="utf-8")
    third = tmp_path / "c.toml"
    refused = run("init", str(third), "--json")
    assert refused.exit_code == 4
    error = refused.json()["error"]
    assert error["code"] == "already-exists"
    assert f"{schema}: already exists with other content" in error["message"]
    assert schema.read_text(encoding="utf-8") == '{"mine": true}\n'
    assert not third.exists()


def test_the_shipped_registry_found_as_data_clusters_toml_is_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    try:
        (tmp_path / "data" / "clusters.toml").symlink_to(store.SHIPPED)
    except OSError:
        pytest.skip("symbolic links are not allowed here")
    monkeypatch.chdir(tmp_path)
    before = digest(store.SHIPPED)
    result = run("fmt", "--json")
    assert result.exit_code == 4
    assert result.json()["error"]["code"] == "read-only"
    assert digest(store.SHIPPED) == before


# -- init over an existing file -----------------------------------------------------------


def test_init_over_an_existing_file_says_already_exists(registry: Path) -> None:
    error = run("init", str(registry), "--json").json()["error"]
    assert error["code"] == "already-exists"
