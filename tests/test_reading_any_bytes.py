"""Reading any bytes: no file on disk may break ``clusters`` (the reader, fuzzed).

Random bytes, truncations, wrong types in every field, huge strings, deep nesting, byte
order marks, CRLF, NUL bytes and invalid UTF-8 each end in one of two clean outcomes:

- the bytes are a registry after all (a BOM or CRLF endings, or luck): exit 0;
- or exit 3 (``validate``: exit 1 with FC001 findings for schema problems), a first
  stderr line ``error: FILE…`` naming the file, with ``--json`` an
  ``{"error": {"code", "message"}}`` object on stdout — and never a traceback.

In-process runs (``run``) let any exception escape into the test, so an uncaught error
fails it; a few cases also run as a real process to show that stderr holds no traceback.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import random
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from conftest import SMALL, run, run_subprocess
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from registry_strategies import (
    ON,
    TERMINAL_UNSAFE,
    assert_clean_failure,
    assert_json_failure,
    examples,
    key_paths,
    normalised,
    parsed,
    registries,
)

from flanders_clusters.errors import dotted_path

FUZZ = settings(
    max_examples=examples(50),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
UNREADABLE_CODES = {"toml-syntax", "schema"}
# A valid registry with text beyond ASCII (two-, three- and four-byte UTF-8).
RICH = SMALL.replace('"Alpha Cluster"', '"Alpha Clüster — 中文 🚀"')


@contextmanager
def registry_file(raw: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clusters.toml"
        path.write_bytes(raw)
        yield path


def outcome(path: Path) -> int:
    """Read ``path`` the way every command does; check the outcome is a clean one.

    Returns the exit code of ``list`` (0: a registry; 3: refused cleanly).
    """
    raw = path.read_bytes()
    text = run("--registry", str(path), "list", "--on", ON)
    as_json = run("--registry", str(path), "list", "--on", ON, "--json")
    assert text.exit_code == as_json.exit_code
    if text.exit_code == 0:
        assert isinstance(as_json.json(), list)
    else:
        assert_clean_failure(text, path, 3)
        assert assert_json_failure(as_json, path, 3)["code"] in UNREADABLE_CODES
    # validate: a syntax error is exit 3; schema problems are FC001 findings (exit 1)
    checked = run("--registry", str(path), "validate", "--json", "--on", ON)
    assert "Traceback" not in checked.stderr
    if text.exit_code == 0:
        assert checked.exit_code in (0, 1)
    else:
        assert checked.exit_code in (1, 3)
        report = checked.json()
        if checked.exit_code == 1:
            assert {f["code"] for f in report["findings"]} == {"FC001"}
        else:
            assert report["error"]["code"] == "toml-syntax"
    # fmt refuses what it cannot read and then writes nothing
    formatted = run("--registry", str(path), "fmt")
    if text.exit_code == 0:
        assert formatted.exit_code == 0, formatted.stderr
    else:
        assert_clean_failure(formatted, path, 3)
        assert path.read_bytes() == raw
    return text.exit_code


# -- random bytes --------------------------------------------------------------------------

TOMLISH = st.lists(
    st.sampled_from(
        [*"[]{}=\"'.,#\n\r\t -_:abcxyz019TZ+", "schema_version", "clusters", "name", '"""']
    ),
    max_size=60,
).map("".join)


@pytest.mark.slow
@FUZZ
@given(raw=st.binary(max_size=400))
def test_random_bytes_give_a_clean_error(raw: bytes) -> None:
    with registry_file(raw) as path:
        assert outcome(path) in (0, 3)


@pytest.mark.slow
@FUZZ
@given(text=TOMLISH, prefix=st.booleans())
def test_random_toml_like_text_gives_a_clean_error(text: str, prefix: bool) -> None:
    body = ("schema_version = 1\n" if prefix else "") + text
    with registry_file(body.encode("utf-8")) as path:
        assert outcome(path) in (0, 3)


# -- byte mutations of a valid registry ------------------------------------------------------

# Digits are left out of inserted bytes: a mutation may not turn a date into year 9999+
# (a known, separately tested bug: test_extreme_* below) and turn this test flaky.
MUTATION_BYTES = st.sampled_from(
    [*b"[]{}=\"'.,#\n\r\t -_:abzT\\", 0x00, 0x1B, 0x7F, 0x80, 0xC3, 0xE2, 0xED, 0xF0, 0xFF]
)
MUTATIONS = st.lists(
    st.tuples(st.sampled_from(("insert", "delete", "replace")), st.floats(0, 1), MUTATION_BYTES),
    min_size=1,
    max_size=4,
)
READERS = (
    ["show", "alpha", "--on", ON],
    ["partners"],
    ["partner", "show", "acme"],
    ["timeline", "--on", ON],
    ["stats", "--on", ON],
    ["network"],
    ["export", "--format", "csv"],
    ["rules"],
)


def mutate(raw: bytes, mutations: list[tuple[str, float, int]]) -> bytes:
    data = bytearray(raw)
    for kind, where, byte in mutations:
        at = min(int(where * len(data)), len(data) - 1)
        if kind == "insert":
            data.insert(at, byte)
        elif kind == "delete":
            del data[at]
        else:
            data[at] = byte
    return bytes(data)


@pytest.mark.slow
@FUZZ
@given(mutations=MUTATIONS)
def test_mutated_registries_never_break_a_command(mutations: list) -> None:
    with registry_file(mutate(RICH.encode("utf-8"), mutations)) as path:
        readable = outcome(path) == 0
        for args in READERS:
            result = run("--registry", str(path), *args)
            assert "Traceback" not in result.stderr
            if readable:
                assert result.exit_code in (0, 4), (args, result.stderr)  # 4: alpha is gone
            else:
                assert_clean_failure(result, path, 3)


# -- truncated files --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_registry_truncated_at_every_byte_gives_a_clean_outcome(tmp_path: Path) -> None:
    raw = RICH.encode("utf-8")
    path = tmp_path / "clusters.toml"
    seen = set()
    for cut in range(len(raw)):
        path.write_bytes(raw[:cut])
        result = run("--registry", str(path), "list", "--json", "--on", ON)
        assert "Traceback" not in result.stderr
        if result.exit_code == 0:
            seen.add("registry")
            continue
        error = assert_json_failure(result, path, 3)
        assert error["code"] in UNREADABLE_CODES
        seen.add(error["code"])
        inside_a_character = cut < len(raw) and (raw[cut] & 0xC0) == 0x80
        if inside_a_character:
            line = raw[:cut].count(b"\n") + 1
            assert "not UTF-8" in error["message"], cut
            assert error["message"].startswith(f"{path}:{line}: "), cut
    assert seen == {"registry", "toml-syntax", "schema"}  # each outcome was reached


@pytest.mark.slow
def test_truncated_registries_in_a_real_process(tmp_path: Path) -> None:
    raw = RICH.encode("utf-8")
    cut = raw.index("中".encode()) + 1  # inside a three-byte character
    for end in (cut, len(raw) // 2, 12):
        path = tmp_path / f"cut-{end}.toml"
        path.write_bytes(raw[:end])
        done = run_subprocess("--registry", str(path), "list", "--json")
        assert done.returncode == 3, done.stderr
        assert "Traceback" not in done.stderr
        assert json.loads(done.stdout)["error"]["code"] in UNREADABLE_CODES
        assert str(path) in json.loads(done.stdout)["error"]["message"]


# -- wrong types in every field -----------------------------------------------------------------

FULL: dict[str, Any] = {
    "schema_version": 1,
    "policy": {
        "support_rate": 0.5,
        "max_years": {"spearhead": 10, "icn": 3},
        "annual_cap_eur": {"spearhead": 500000, "icn": 150000},
        "max_active_spearheads": 7,
        "ending_soon_days": 180,
        "ignore": ["FC109"],
    },
    "clusters": {
        "alpha": {
            "name": "Alpha",
            "type": "icn",
            "domain": "Drones",
            "website": "https://alpha.example",
            "recognised": dt.date(2019, 1, 1),
            "reported_members": 3,
            "members_complete": False,
            "sources": ["https://source.example"],
            "notes": "Notes.",
            "action_plan": "https://alpha.example/plan",
            "ended": dt.date(2022, 1, 1),
            "successor": "Beta",
            "funding": [
                {
                    "start": dt.date(2019, 1, 1),
                    "end": dt.date(2021, 12, 31),
                    "end_basis": "estimate",
                    "annual_support_eur": 100000,
                    "total_support_eur": 300000.5,
                    "support_rate": 0.5,
                    "reference": "DEC-1",
                }
            ],
            "members": [
                {
                    "partner": "acme",
                    "role": "founder",
                    "since": dt.date(2019, 1, 1),
                    "until": dt.date(2020, 1, 1),
                }
            ],
        }
    },
    "partners": {
        "acme": {
            "name": "Acme",
            "kind": "company",
            "size": "sme",
            "enterprise_number": "0123.456.749",
            "postal_code": "2000",
            "country": "BE",
            "network_role": "federation",
            "website": "https://acme.example",
        }
    },
}
WRONG = {
    "string": "text",
    "integer": 7,
    "float": 0.25,
    "boolean": True,
    "date": dt.date(2020, 1, 1),
    "date-time": dt.datetime(2020, 1, 1, 12, 0),
    "time": dt.time(12, 0),
    "array": [1],
    "table": {"k": 1},
}


def kinds_of(place: tuple, value: Any) -> set[str]:
    """The wrong-value kinds a field of ``value``'s type would accept."""
    if place[-1] in ("annual_support_eur", "total_support_eur", "support_rate"):
        return {"integer", "float"}  # a number; 7 is out of range for rates
    if isinstance(value, bool):
        return {"boolean"}
    if isinstance(value, int):
        return {"integer"}
    if isinstance(value, dt.date):
        return {"date"}
    if isinstance(value, str):  # "text" in an enum or id field is a bad value, not type
        return {"string"}
    if isinstance(value, dict):  # {"k": 1} is an unknown key, tested elsewhere
        return {"table"}
    return set()  # arrays: [1] holds an integer where a string or table belongs


PLACES = [(path, value) for path, value in key_paths(FULL) if path]


def assignment_at(text: str, line: int) -> str:
    """Line ``line`` and the ``key = …`` line or ``[table]`` header it belongs to (an item
    of a multi-line array belongs to the line that opens the array)."""
    lines = text.splitlines()
    for number in range(line, 0, -1):
        candidate = lines[number - 1]
        if not candidate.startswith(" ") and (" = " in candidate or candidate.startswith("[")):
            return lines[line - 1] + "\n" + candidate
    return lines[line - 1]


def test_the_full_registry_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_text(tomli_w.dumps(FULL), encoding="utf-8")
    result = run("--registry", str(path), "validate", "--json", "--on", ON)
    assert not [f for f in result.json()["findings"] if f["code"] == "FC001"]
    assert run("--registry", str(path), "list").exit_code == 0


@pytest.mark.parametrize("place", [p for p, _ in PLACES], ids=[dotted_path(p) for p, _ in PLACES])
def test_a_wrong_type_in_any_field_is_refused_with_its_line(tmp_path: Path, place) -> None:
    accepted = kinds_of(place, dict(PLACES)[place])
    path = tmp_path / "clusters.toml"
    where = dotted_path(place)
    for kind, wrong in WRONG.items():
        if kind in accepted:
            continue
        data = copy.deepcopy(FULL)
        target = data
        for part in place[:-1]:
            target = target[part]
        target[place[-1]] = copy.deepcopy(wrong)
        text = tomli_w.dumps(data)
        path.write_text(text, encoding="utf-8")
        listed = run("--registry", str(path), "list")
        assert_clean_failure(listed, path, 3)
        head, *details = listed.stderr.splitlines()
        assert head == f"error: {path}: 1 schema problem", (kind, listed.stderr)
        assert len(details) == 1
        located, rest = details[0].strip().removeprefix(f"{path}:").split(": ", 1)
        assert rest.startswith(where), (kind, details)
        assert "fix: " in rest
        key = next(p for p in reversed(place) if isinstance(p, str))
        assert key in assignment_at(text, int(located)), (kind, located, text)
        as_json = run("--registry", str(path), "list", "--json")
        assert assert_json_failure(as_json, path, 3)["code"] == "schema"
        checked = run("--registry", str(path), "validate", "--json", "--on", ON)
        assert checked.exit_code == 1
        (finding,) = checked.json()["findings"]
        assert finding["code"] == "FC001"
        assert finding["path"].startswith(where)
        assert finding["line"] == int(located)


# Found by this suite (fixed in 7dc17d0): the schema's literal 1 matched true and 1.0.
@pytest.mark.parametrize("value", ["true", "1.0", '"1"', "[1]"])
def test_schema_version_of_the_wrong_type_is_refused(tmp_path: Path, value: str) -> None:
    path = tmp_path / "clusters.toml"
    path.write_text(f"schema_version = {value}\n", encoding="utf-8")
    result = run("--registry", str(path), "list")
    assert_clean_failure(result, path, 3)
    assert "schema_version" in result.stderr


# -- huge strings ------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_one_megabyte_name_is_kept_whole(tmp_path: Path) -> None:
    name = "Ω" * 500_000 + "-end"  # a megabyte of UTF-8
    data = copy.deepcopy(FULL)
    data["clusters"]["alpha"]["name"] = name
    path = tmp_path / "clusters.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    assert run("--registry", str(path), "fmt").exit_code == 0
    assert parsed(path)["clusters"]["alpha"]["name"] == name
    shown = run("--registry", str(path), "show", "alpha", "--json", "--on", ON)
    assert shown.exit_code == 0
    assert shown.json()["name"] == name
    listed = run("--registry", str(path), "list", "--on", ON)
    assert listed.exit_code == 0
    # piped, a cell wider than 100,000 columns is folded onto more lines, never cut
    assert listed.stdout.count("Ω") == 500_000
    assert "-end" in listed.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "raw",
    [
        b"schema_version = 1\n" + b"k" * 1_000_000 + b" = 1\n",
        b'schema_version = 1\nx = "' + b"a" * 1_000_000,  # an unterminated huge string
        b"schema_version = 1\n#" + b"c" * 1_000_000 + b"\n[clusters.a]\nname = 1\n",
        # Found by this suite (fixed in 7dc17d0): over 4,300 digits, tomllib raised a
        # ValueError that was not caught, and every command ended in a traceback.
        b"schema_version = 1\n[clusters.a]\nname = 'A'\ntype = 'icn'\ndomain = 'D'\n"
        b"reported_members = " + b"9" * 5000 + b"\n",
        b"schema_version = " + b"9" * 4301 + b"\n",
    ],
    ids=[
        "huge-key",
        "huge-unterminated-string",
        "huge-comment",
        "int-of-5000-digits",
        "version-of-4301-digits",
    ],
)
def test_huge_values_give_a_clean_error(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(raw)
    assert outcome(path) == 3


def test_numbers_beyond_64_bits_are_schema_problems(tmp_path: Path) -> None:
    """Python reads them, but other TOML readers refuse integers past 64 bits: FC001."""
    big = int("9" * 4000)
    path = tmp_path / "clusters.toml"
    path.write_bytes(
        b"schema_version = 1\n[clusters.a]\nname = 'A'\ntype = 'icn'\ndomain = 'D'\n"
        b"reported_members = " + str(big).encode() + b"\n"
        b"[policy]\nsupport_rate = 0." + b"1" * 100_000 + b"\n"
    )
    assert outcome(path) == 3
    found = run("--registry", str(path), "validate", "--json", "--on", ON).json()["findings"]
    assert [(f["code"], f["path"]) for f in found] == [("FC001", "clusters.a.reported_members")]
    assert "64 bits" in found[0]["message"]
    largest = str(2**63 - 1)
    path.write_text(path.read_text().replace(str(big), largest))
    assert outcome(path) == 0
    assert parsed(path)["clusters"]["a"]["reported_members"] == 2**63 - 1


# -- deep nesting ---------------------------------------------------------------------------------

DEPTH = 5000
DEEP = {
    "arrays": b"schema_version = 1\nx = " + b"[" * DEPTH + b"]" * DEPTH + b"\n",
    "inline-tables": b"schema_version = 1\nx = " + b"{a = " * DEPTH + b"1" + b"}" * DEPTH + b"\n",
    "dotted-keys": b"schema_version = 1\n" + b"a." * DEPTH + b"b = 1\n",
    "table-header": b"schema_version = 1\n[" + b"a." * DEPTH + b"b]\nc = 1\n",
    "in-a-known-field": b"schema_version = 1\n[clusters.a]\nname = 'A'\ntype = 'icn'\n"
    b"domain = 'D'\nsources = " + b"[" * DEPTH + b"]" * DEPTH + b"\n",
    "deep-table-in-a-string-field": b"schema_version = 1\n[clusters.a]\ntype = 'icn'\n"
    b"domain = 'D'\n[clusters.a.name." + b"b." * DEPTH + b"c]\n",
    "arrays-of-tables": b"schema_version = 1\n"
    + b"".join(b"[[" + b".".join([b"t"] * (i + 1)) + b"]]\n" for i in range(300)),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_gives_a_clean_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(DEEP[name])
    assert outcome(path) == 3


def test_deep_nesting_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(DEEP["inline-tables"])
    done = run_subprocess("--registry", str(path), "validate", "--json")
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert "nested too deeply" in json.loads(done.stdout)["error"]["message"]


# Found by this suite (fixed: store.parse refuses keys of more than 1,000 dotted parts
# before tomllib, whose memory grows with the square of a key's depth, and
# key_lines.LineIndex records paths only a few levels deep).
@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"schema_version = 1\n[" + b"a." * 25_000 + b"b]\nc = 1\n", id="table-header"),
        pytest.param(b"schema_version = 1\n" + b"a." * 25_000 + b"b = 1\n", id="dotted-key"),
        pytest.param(
            b"schema_version = 1\n" + b'"a" . ' * 25_000 + b"b = 1\n", id="quoted-dotted-key"
        ),
    ],
)
def test_a_deep_key_does_not_exhaust_memory(tmp_path: Path, raw: bytes) -> None:
    import resource
    import subprocess

    path = tmp_path / "clusters.toml"
    path.write_bytes(raw)
    limit = 1 << 30

    def one_gibibyte() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    done = subprocess.run(
        [sys.executable, "-m", "flanders_clusters", "--registry", str(path), "list"],
        capture_output=True,
        text=True,
        env={**environment, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"},
        preexec_fn=one_gibibyte,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr[-300:]
    assert done.returncode == 3, done.stderr[-300:]
    assert done.stderr.startswith(f"error: {path}")


# -- byte-order marks and line endings ---------------------------------------------------------

BOM = b"\xef\xbb\xbf"
ACCEPTED = {
    "bom": BOM + RICH.encode(),
    "crlf": RICH.replace("\n", "\r\n").encode(),
    "bom-crlf": BOM + RICH.replace("\n", "\r\n").encode(),
    "mixed-endings": "".join(
        line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(RICH.splitlines())
    ).encode(),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_bom_and_crlf_are_read_and_fmt_writes_them_away(tmp_path: Path, name: str) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(ACCEPTED[name])
    expected = normalised(tomllib.loads(RICH))
    result = run("--registry", str(path), "list", "--json", "--on", ON)
    assert result.exit_code == 0, result.stderr
    assert [row["id"] for row in result.json()] == ["alpha", "beta"]
    check = run("--registry", str(path), "fmt", "--check")
    assert check.exit_code == 1  # not the canonical bytes
    assert "not in canonical form" in check.stderr
    assert run("--registry", str(path), "fmt").exit_code == 0
    written = path.read_bytes()
    assert not written.startswith(BOM)
    assert b"\r" not in written
    assert normalised(parsed(path)) == expected
    assert run("--registry", str(path), "fmt", "--check").exit_code == 0


def test_an_edit_of_a_bom_crlf_registry_writes_the_canonical_form(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(ACCEPTED["bom-crlf"])
    result = run("--registry", str(path), "add-member", "beta", "uni", "--on", ON, "--json")
    assert result.exit_code == 0, result.stdout
    assert result.json()["changed"] is True
    written = path.read_bytes()
    assert not written.startswith(BOM)
    assert b"\r" not in written
    assert {"partner": "uni"} in parsed(path)["clusters"]["beta"]["members"]
    assert run("--registry", str(path), "fmt", "--check").exit_code == 0


REFUSED = {
    "lone-cr-endings": RICH.replace("\n", "\r").encode(),
    "two-boms": BOM + BOM + RICH.encode(),
    "bom-inside": RICH.encode().replace(b"[clusters.beta]", BOM + b"[clusters.beta]"),
    "utf-16": RICH.encode("utf-16"),
    "utf-16-be-no-bom": RICH.encode("utf-16-be"),
    "utf-32": RICH.encode("utf-32"),
    "latin-1": RICH.replace("Alpha Clüster — 中文 🚀", "Alpha Clüster").encode("latin-1"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_other_encodings_and_endings_give_a_clean_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(REFUSED[name])
    assert outcome(path) == 3


# -- NUL bytes and invalid UTF-8 -------------------------------------------------------------------


@pytest.mark.slow
@FUZZ
@given(where=st.floats(0, 1), count=st.integers(1, 3))
def test_nul_bytes_anywhere_give_a_syntax_error_at_their_line(where: float, count: int) -> None:
    raw = RICH.encode()
    at = int(where * len(raw))
    while at < len(raw) and (raw[at] & 0xC0) == 0x80:  # at a character boundary
        at += 1
    with registry_file(raw[:at] + b"\x00" * count + raw[at:]) as path:
        assert outcome(path) == 3
        error = run("--registry", str(path), "list", "--json").json()["error"]
        assert error["code"] == "toml-syntax"
        line = raw[:at].count(b"\n") + 1
        # the NUL's own line, or the line after when it ends a line (TOML reads "\0\n")
        assert error["message"].startswith((f"{path}:{line}:", f"{path}:{line + 1}:"))


INVALID_UTF8 = [
    b"\xff",  # never in UTF-8
    b"\xc3",  # a lead byte without its continuation
    b"\x80",  # a continuation without its lead
    b"\xc0\xaf",  # an overlong '/'
    b"\xed\xa0\x80",  # a UTF-16 surrogate
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
]


@pytest.mark.slow
@FUZZ
@given(where=st.floats(0, 1), bad=st.sampled_from(INVALID_UTF8))
def test_invalid_utf8_anywhere_names_its_line(where: float, bad: bytes) -> None:
    raw = RICH.encode()
    at = int(where * len(raw))
    while at < len(raw) and (raw[at] & 0xC0) == 0x80:
        at += 1
    with registry_file(raw[:at] + bad + raw[at:]) as path:
        assert outcome(path) == 3
        error = run("--registry", str(path), "list", "--json").json()["error"]
        assert error["code"] == "toml-syntax"
        line = raw[:at].count(b"\n") + 1
        assert error["message"].startswith(f"{path}:{line}: not UTF-8"), error
        stderr = run("--registry", str(path), "list").stderr
        assert "save the file as UTF-8" in stderr


@pytest.mark.slow
def test_binary_junk_in_a_real_process(tmp_path: Path) -> None:
    rnd = random.Random(20261127)
    for index in range(3):
        path = tmp_path / f"junk-{index}.toml"
        path.write_bytes(bytes(rnd.randrange(256) for _ in range(300)))
        done = run_subprocess("--registry", str(path), "list")
        assert done.returncode == 3
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith(f"error: {path}")
        assert not TERMINAL_UNSAFE.search(done.stderr)


# -- extreme values that are of the schema ------------------------------------------


def extreme(tmp_path: Path, funding: str, policy: str = "") -> Path:
    path = tmp_path / "clusters.toml"
    path.write_text(
        f"schema_version = 1\n{policy}\n[clusters.a]\nname = 'A'\ntype = 'icn'\n"
        f"domain = 'D'\nfunding = [{funding}]\n",
        encoding="utf-8",
    )
    return path


def test_extreme_dates_that_work(tmp_path: Path) -> None:
    path = extreme(tmp_path, "{ start = 0001-01-01, end = 0003-12-31 }")
    text = path.read_text(encoding="utf-8") + (
        "recognised = 0001-01-01\nended = 9999-12-31\n"
        "members = [{ partner = 'p', since = 0001-01-01, until = 9999-12-31 }]\n"
        "[partners.p]\nname = 'P'\nkind = 'company'\n"
    )
    path.write_text(text, encoding="utf-8")
    for on in ("0001-01-01", "9999-12-31"):
        for args in (["list"], ["validate", "--json"], ["timeline"], ["stats"], ["show", "a"]):
            result = run("--registry", str(path), *args, "--on", on)
            assert result.exit_code in (0, 1), (args, result.stderr)
            assert "Traceback" not in result.stderr


# Found by this suite (fixed in 7dc17d0): validate crashed (ValueError: year 10002 is out
# of range) when a funding start plus max_years passed year 9999.
@pytest.mark.parametrize(
    "funding, policy, exceeds",
    [
        ("{ start = 9999-01-01, end = 9999-12-31 }", "", False),
        (
            "{ start = 2019-01-01, end = 2020-12-31 }",
            "[policy]\nmax_years = { icn = 99999999 }",
            False,
        ),
        ("{ start = 9990-01-01, end = 9999-12-31 }", "[policy]\nmax_years = { icn = 10 }", False),
        ("{ start = 9989-01-01, end = 9999-12-31 }", "[policy]\nmax_years = { icn = 10 }", True),
    ],
    ids=["start-in-9999", "huge-max-years", "exactly-to-9999", "beyond-in-9999"],
)
def test_extreme_funded_time_is_judged_not_crashed(
    tmp_path: Path, funding: str, policy: str, exceeds: bool
) -> None:
    path = extreme(tmp_path, funding, policy)
    result = run("--registry", str(path), "validate", "--json", "--on", ON)
    assert result.exit_code in (0, 1), result.stdout
    codes = [f["code"] for f in result.json()["findings"]]
    assert ("FC101" in codes) is exceeds, codes


# Found by this suite (fixed in 7dc17d0): annual_support_eur = 1e308 made the yearly
# support infinite: the timeline and stats tables crashed (OverflowError) and their JSON
# printed Infinity. Amounts are now bounded at EUR 10^12, so every sum stays finite.
@pytest.mark.parametrize(
    "args",
    [["timeline"], ["stats"], ["timeline", "--json"], ["stats", "--json"], ["list"]],
    ids=["timeline", "stats", "timeline-json", "stats-json", "list"],
)
def test_an_infinite_yearly_support_cannot_be_written(tmp_path: Path, args: list[str]) -> None:
    path = extreme(tmp_path, "{ start = 2019-01-01, end = 2020-12-31, annual_support_eur = 1e308 }")
    result = run("--registry", str(path), *args, "--on", ON)
    assert "Traceback" not in result.stderr
    if "--json" in args:
        assert assert_json_failure(result, path, 3)["code"] == "schema"
    else:
        assert_clean_failure(result, path, 3)
        assert "annual_support_eur" in result.stderr


def test_the_largest_amounts_keep_every_sum_finite(tmp_path: Path) -> None:
    biggest = "annual_support_eur = 1e12, total_support_eur = 1e12"
    periods = ", ".join(
        f"{{ start = {year}-01-01, end = {year}-12-31, {biggest} }}" for year in range(2000, 2030)
    )
    text = "schema_version = 1\n" + "".join(
        f"[clusters.c{n}]\nname = 'C'\ntype = 'spearhead'\ndomain = 'D'\nfunding = [{periods}]\n"
        for n in range(50)
    )
    path = tmp_path / "clusters.toml"
    path.write_text(text, encoding="utf-8")
    for args in (["timeline", "--json"], ["stats", "--json"], ["validate", "--json"]):
        result = run("--registry", str(path), *args, "--on", ON)
        assert result.exit_code in (0, 1), result.stderr
        json.loads(result.stdout, parse_constant=not_json)  # no Infinity, no NaN
    for args in (["timeline"], ["stats"]):
        assert run("--registry", str(path), *args, "--on", ON).exit_code == 0


def not_json(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


EXTREMES = registries(
    dates=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    euros=st.integers(0, 10**12)
    | st.floats(0, 1e12)
    | st.floats(0, 1.7e308, allow_nan=False, allow_infinity=False),
    years=st.integers(1, 2**63 - 1),
    days=st.integers(0, 2**63 - 1),
    ids=st.sampled_from(("a", "b", "c")),
    min_records=1,
)
EXTREME_COMMANDS = (
    ["validate", "--json"],
    ["validate", "--format", "github"],
    ["timeline", "--json"],
    ["timeline", "--from", "1990", "--to", "2030"],
    ["stats", "--json"],
    ["list"],
    ["show", "a"],
    ["network"],
    ["export", "--format", "csv"],
)


@pytest.mark.slow
@settings(FUZZ, max_examples=examples(25))
@given(data=EXTREMES, on=st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
def test_no_command_breaks_on_extreme_values(data: dict, on: dt.date) -> None:
    """Dates from year 1 to 9999, amounts up to 1e308 (above the bound: a schema error),
    thresholds up to 2^63: every command ends cleanly and its JSON is JSON."""
    with registry_file(tomli_w.dumps(data).encode("utf-8")) as path:
        for args in EXTREME_COMMANDS:
            dated = args[0] not in ("network", "export")
            result = run("--registry", str(path), *args, *(["--on", str(on)] if dated else []))
            assert "Traceback" not in result.stderr
            assert result.exit_code in (0, 1, 3, 4), (args, result.stderr)
            if args[0] == "list":
                event(f"list exit {result.exit_code}")
            if "--json" in args:
                json.loads(result.stdout, parse_constant=not_json)
