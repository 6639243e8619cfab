"""Properties of the registry file over generated registries and edit sequences.

- read → write → read is the identity, whatever layout, BOM or line endings the file had;
- ``fmt`` is idempotent, and ``fmt --check`` says exactly whether ``fmt`` would write;
- any sequence of add/remove edits through the CLI equals the same edits applied to a
  small reference model (plain dicts, the edit commands as docs/commands.md describes
  them), and the file stays canonical and valid after every step;
- ``validate --json`` never crashes, its counts equal its findings, ``valid`` and the exit
  code agree with them, and its FC001 findings are exactly the problems ``list`` refuses.

Each property runs the CLI in-process (``run``) on a fresh temporary folder.
"""

from __future__ import annotations

import collections
import copy
import datetime as dt
import random
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from conftest import run
from hand_written import HandWriter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from registry_strategies import (
    HEADER,
    ON,
    TERMINAL_UNSAFE,
    apply_diff,
    examples,
    key_paths,
    normalised,
    parsed,
    registries,
)

from flanders_clusters.registry.vocabulary import CLUSTER_TYPES, PARTNER_KINDS, ROLES

BOM = b"\xef\xbb\xbf"
REGISTRIES = registries()
# Few ids and a narrow span of years: members name partners, periods overlap, rules fire.
DENSE = registries(
    ids=st.sampled_from(("a", "b", "c", "d")),
    dates=st.dates(dt.date(2016, 1, 1), dt.date(2024, 12, 31)),
    min_records=1,
)
PROPERTY = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@contextmanager
def registry_file(raw: bytes) -> Iterator[Path]:
    """``raw`` as ``clusters.toml`` in a fresh folder (hypothesis runs many examples)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clusters.toml"
        path.write_bytes(raw)
        yield path


def hand_written(data: dict, rnd: random.Random, bom: bool, crlf: bool) -> bytes:
    """``data`` as a person might write it: any layout, comments, a BOM, CRLF endings."""
    raw = HandWriter(rnd).document(data).encode("utf-8")
    if crlf:
        raw = raw.replace(b"\n", b"\r\n")
    return BOM + raw if bom else raw


def tool_view(path: Path) -> tuple[str, str]:
    """What the tool reads from a registry: its clusters and partners as exported JSON."""
    clusters = run("--registry", str(path), "export", "--format", "json", "--what", "clusters")
    partners = run("--registry", str(path), "export", "--format", "json", "--what", "partners")
    assert clusters.exit_code == 0, clusters.stderr
    assert partners.exit_code == 0, partners.stderr
    return clusters.stdout, partners.stdout


# -- read → write → read ---------------------------------------------------------------------


@PROPERTY
@given(
    data=REGISTRIES,
    rnd=st.randoms(use_true_random=False),
    bom=st.booleans(),
    crlf=st.booleans(),
)
@pytest.mark.slow
def test_read_write_read_is_the_identity(
    data: dict, rnd: random.Random, bom: bool, crlf: bool
) -> None:
    with registry_file(hand_written(data, rnd, bom, crlf)) as path:
        before = tool_view(path)
        written = run("--registry", str(path), "fmt")
        assert written.exit_code == 0, written.stderr
        after_bytes = path.read_bytes()
        # the write keeps every value, and the tool reads back exactly what it read
        assert normalised(parsed(path)) == normalised(data)
        assert tool_view(path) == before
        # the canonical form: the header first, UTF-8 without BOM, LF endings only
        assert after_bytes.startswith(HEADER.encode() + b"\n")
        assert not after_bytes.startswith(BOM)
        assert b"\r" not in after_bytes
        # a write through an edit, then its inverse, gives the same bytes back
        added = run(
            "--registry", str(path), "add-partner", "zz-hardening-probe",
            "--name", "Probe", "--kind", "other", "--on", ON, "--json",
        )  # fmt: skip
        assert added.exit_code == 0, added.stdout
        assert added.json()["changed"] is True
        removed = run(
            "--registry", str(path), "remove-partner", "zz-hardening-probe",
            "--on", ON, "--json",
        )  # fmt: skip
        assert removed.exit_code == 0, removed.stdout
        assert path.read_bytes() == after_bytes


@PROPERTY
@given(
    data=REGISTRIES,
    rnd=st.randoms(use_true_random=False),
    bom=st.booleans(),
    crlf=st.booleans(),
)
@pytest.mark.slow
def test_fmt_is_idempotent_and_check_predicts_it(
    data: dict, rnd: random.Random, bom: bool, crlf: bool
) -> None:
    raw = hand_written(data, rnd, bom, crlf)
    with registry_file(raw) as path:
        check = run("--registry", str(path), "fmt", "--check")
        assert check.exit_code in (0, 1), check.stderr
        assert path.read_bytes() == raw  # --check writes nothing
        first = run("--registry", str(path), "fmt", "--json")
        assert first.exit_code == 0, first.stdout
        once = path.read_bytes()
        # fmt --check exits 1 exactly when fmt changes the file
        assert (check.exit_code == 1) == (once != raw) == first.json()["changed"]
        second = run("--registry", str(path), "fmt", "--json")
        assert second.exit_code == 0, second.stdout
        assert second.json()["changed"] is False
        assert path.read_bytes() == once
        assert run("--registry", str(path), "fmt", "--check").exit_code == 0


# Found by this suite (fixed in 7dc17d0): removing the last cluster or partner left an
# empty [clusters] / [partners] table, so a registry had two canonical texts.
@pytest.mark.parametrize(
    "edit, inverse",
    [
        (["add-partner", "x", "--name", "X", "--kind", "other"], ["remove-partner", "x"]),
        (
            ["add-cluster", "x", "--name", "X", "--type", "icn", "--domain", "D"],
            ["remove-cluster", "x"],
        ),
    ],
    ids=["partner", "cluster"],
)
def test_an_edit_and_its_inverse_on_an_empty_registry_give_the_same_bytes(
    tmp_path: Path, edit: list[str], inverse: list[str]
) -> None:
    path = tmp_path / "clusters.toml"
    assert run("init", str(path)).exit_code == 0
    before = path.read_bytes()
    assert run("--registry", str(path), *edit, "--on", ON).exit_code == 0
    assert run("--registry", str(path), *inverse, "--on", ON).exit_code == 0
    assert path.read_bytes() == before
    assert run("--registry", str(path), "fmt", "--check").exit_code == 0


# -- edits through the CLI equal edits on a reference model ------------------------------------

CLUSTER_IDS = ("c1", "c2", "c3")
PARTNER_IDS = ("p1", "p2", "p3", "p4")
# Few values, so that edits often repeat (idempotent) or disagree (conflict).
NAMES = ("Alpha", "Ünïcode 🚀 中文", "[bold]x[/bold]", "-dash =formula")
DOMAINS = ("Drones", "Logistics")
SINCE = (dt.date(2019, 1, 1), dt.date(2020, 6, 1))


def membership(draw: Any, partner: str) -> dict:
    member: dict[str, Any] = {"partner": partner}
    role = draw(st.sampled_from((None, *ROLES)))
    if role:
        member["role"] = role
    since = draw(st.sampled_from((None, *SINCE)))
    if since:
        member["since"] = since
    return member


@st.composite
def start_states(draw: Any) -> dict:
    """A registry without funding: the composition rules stay quiet, so no accepted edit
    is refused for a rule, and every refusal is one the model predicts."""
    partners = {
        pid: {"name": draw(st.sampled_from(NAMES)), "kind": draw(st.sampled_from(PARTNER_KINDS))}
        for pid in draw(st.lists(st.sampled_from(PARTNER_IDS), unique=True, min_size=1, max_size=4))
    }
    clusters = {}
    for cid in draw(st.lists(st.sampled_from(CLUSTER_IDS), unique=True, min_size=1, max_size=3)):
        cluster = {
            "name": draw(st.sampled_from(NAMES)),
            "type": draw(st.sampled_from(CLUSTER_TYPES)),
            "domain": draw(st.sampled_from(DOMAINS)),
        }
        listed = draw(st.lists(st.sampled_from(sorted(partners)), unique=True))
        members = [membership(draw, pid) for pid in listed]
        if members:
            cluster["members"] = members
        clusters[cid] = cluster
    data: dict[str, Any] = {"schema_version": 1}
    if clusters:
        data["clusters"] = clusters
    if partners:
        data["partners"] = partners
    return data


CIDS = st.sampled_from(CLUSTER_IDS)
PIDS = st.sampled_from(PARTNER_IDS)
EDITS = st.one_of(
    st.tuples(
        st.just("add-cluster"),
        CIDS,
        st.sampled_from(NAMES),
        st.sampled_from(CLUSTER_TYPES),
        st.sampled_from(DOMAINS),
    ),
    st.tuples(st.just("remove-cluster"), CIDS),
    st.tuples(st.just("add-partner"), PIDS, st.sampled_from(NAMES), st.sampled_from(PARTNER_KINDS)),
    st.tuples(st.just("remove-partner"), PIDS),
    st.tuples(
        st.just("add-member"),
        CIDS,
        PIDS,
        st.none() | st.tuples(st.sampled_from(NAMES), st.sampled_from(PARTNER_KINDS)),
        st.sampled_from((None, *ROLES)),
        st.sampled_from((None, *SINCE)),
    ),
    st.tuples(st.just("add-member"), CIDS, PIDS, st.none(), st.none(), st.none()),
    st.tuples(st.just("remove-member"), CIDS, PIDS),
    st.tuples(st.just("update-member"), CIDS, PIDS, st.sampled_from(ROLES)),
)


class Refused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _cluster(model: dict, cid: str) -> dict:
    found = model.get("clusters", {}).get(cid)
    if found is None:
        raise Refused("unknown-cluster")
    return found


def _differs(existing: dict, given: dict, defaults: dict) -> bool:
    present = defaults | existing
    return any(present.get(key) != value for key, value in given.items())


def apply_to_model(model: dict, edit: tuple) -> bool:
    """The edit commands on plain dicts: change ``model`` in place and say whether it changed;
    raise ``Refused(code)`` for what the tool must refuse (exit 4, nothing written)."""
    kind, *args = edit
    clusters = model.setdefault("clusters", {})
    partners = model.setdefault("partners", {})
    if kind == "add-cluster":
        cid, name, type_, domain = args
        given = {"name": name, "type": type_, "domain": domain}
        if cid in clusters:
            if _differs(clusters[cid], given, {"members_complete": True}):
                raise Refused("conflict")
            return False
        clusters[cid] = given
        return True
    if kind == "remove-cluster":
        _cluster(model, args[0])
        del clusters[args[0]]
        return True
    if kind == "add-partner":
        pid, name, partner_kind = args
        given = {"name": name, "kind": partner_kind}
        if pid in partners:
            if _differs(partners[pid], given, {"country": "BE"}):
                raise Refused("conflict")
            return False
        partners[pid] = given
        return True
    if kind == "remove-partner":
        pid = args[0]
        if pid not in partners:
            raise Refused("unknown-partner")
        if any(m["partner"] == pid for c in clusters.values() for m in c.get("members", [])):
            raise Refused("conflict")
        del partners[pid]
        return True
    if kind == "add-member":
        cid, pid, new_partner, role, since = args
        cluster = _cluster(model, cid)
        created = False
        if pid not in partners:
            if new_partner is None:
                raise Refused("unknown-partner")
            created = True
        elif new_partner is not None and _differs(
            partners[pid], {"name": new_partner[0], "kind": new_partner[1]}, {"country": "BE"}
        ):
            raise Refused("conflict")
        given = {k: v for k, v in (("role", role), ("since", since)) if v is not None}
        existing = next((m for m in cluster.get("members", []) if m["partner"] == pid), None)
        if existing is not None:
            if _differs(existing, given, {"role": "member"}):
                raise Refused("conflict")
            return False
        if created:
            partners[pid] = {"name": new_partner[0], "kind": new_partner[1]}
        cluster.setdefault("members", []).append({"partner": pid, **given})
        return True
    if kind in ("remove-member", "update-member"):
        cid, pid = args[:2]
        cluster = _cluster(model, cid)
        existing = next((m for m in cluster.get("members", []) if m["partner"] == pid), None)
        if existing is None:
            if pid not in partners or kind == "update-member":
                raise Refused("unknown-partner")
            return False
        if kind == "update-member":
            changed = existing.get("role") != args[2] or "role" not in existing
            existing["role"] = args[2]
            return changed
        cluster["members"] = [m for m in cluster["members"] if m["partner"] != pid]
        if not cluster["members"]:
            del cluster["members"]
        return True
    raise AssertionError(kind)


def cli_args(edit: tuple) -> list[str]:
    """The command line of an edit (``--opt=value``, so a value may start with '-')."""
    kind, *args = edit
    if kind == "add-cluster":
        cid, name, type_, domain = args
        return [kind, cid, f"--name={name}", f"--type={type_}", f"--domain={domain}"]
    if kind == "add-partner":
        pid, name, partner_kind = args
        return [kind, pid, f"--name={name}", f"--kind={partner_kind}"]
    if kind == "add-member":
        cid, pid, new_partner, role, since = args
        out = [kind, cid, pid]
        if new_partner is not None:
            out += [f"--name={new_partner[0]}", f"--kind={new_partner[1]}"]
        if role is not None:
            out.append(f"--role={role}")
        if since is not None:
            out.append(f"--since={since.isoformat()}")
        return out
    if kind == "update-member":
        return [kind, args[0], args[1], f"--role={args[2]}"]
    return [kind, *args]


@settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@pytest.mark.slow
@given(start=start_states(), edits=st.lists(EDITS, min_size=1, max_size=12))
def test_cli_edits_equal_the_same_edits_on_the_model(start: dict, edits: list[tuple]) -> None:
    with registry_file(tomli_w.dumps(start).encode("utf-8")) as path:
        assert run("--registry", str(path), "fmt").exit_code == 0
        model = copy.deepcopy(start)
        for step, edit in enumerate(edits):
            before = path.read_bytes()
            expected: str | bool
            try:
                expected = apply_to_model(model, edit)
            except Refused as refusal:
                expected = refusal.code
            result = run("--registry", str(path), *cli_args(edit), "--on", ON, "--json")
            event(f"{edit[0]}: {expected}")
            where = (step, edit, result.stdout, result.stderr)
            assert "Traceback" not in result.stderr, where
            if isinstance(expected, str):
                assert result.exit_code == 4, where
                assert result.json()["error"]["code"] == expected, where
                assert path.read_bytes() == before, where  # a refusal writes nothing
            else:
                assert result.exit_code == 0, where
                assert result.json()["changed"] is expected, where
                if not expected:
                    assert path.read_bytes() == before, where  # unchanged: not rewritten
            assert normalised(parsed(path)) == normalised(model), where
            # the file stays canonical and of the schema after every step
            assert run("--registry", str(path), "fmt", "--check").exit_code == 0, where
            checked = run("--registry", str(path), "validate", "--json", "--on", ON)
            assert checked.exit_code == 0, (where, checked.stdout)
            assert checked.json()["valid"] is True
            assert not [f for f in checked.json()["findings"] if f["code"] == "FC001"]


@pytest.mark.slow
@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start_states(), edit=EDITS)
def test_a_dry_run_prints_exactly_what_the_edit_writes(start: dict, edit: tuple) -> None:
    with registry_file(tomli_w.dumps(start).encode("utf-8")) as path:
        assert run("--registry", str(path), "fmt").exit_code == 0
        before = path.read_text(encoding="utf-8")
        dry = run("--registry", str(path), *cli_args(edit), "--dry-run", "--on", ON, "--json")
        text = run("--registry", str(path), *cli_args(edit), "--dry-run", "--on", ON)
        assert path.read_text(encoding="utf-8") == before  # a dry run writes nothing
        assert text.exit_code == dry.exit_code
        assert not TERMINAL_UNSAFE.search(text.stdout)
        real = run("--registry", str(path), *cli_args(edit), "--on", ON, "--json")
        assert dry.exit_code == real.exit_code, (dry.stdout, real.stdout)
        if real.exit_code:
            assert dry.json()["error"]["code"] == real.json()["error"]["code"]
            return
        assert dry.json()["changed"] == real.json()["changed"]
        assert apply_diff(before, dry.json()["diff"]) == path.read_text(encoding="utf-8")


# Found by this suite (fixed: files.unified_diff splits lines at "\n" only). A name no
# longer takes these (one line, no control character); notes take the Unicode separators.
@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_a_dry_run_diff_of_notes_with_a_unicode_line_separator_applies(
    tmp_path: Path, separator: str
) -> None:
    path = tmp_path / "clusters.toml"
    path.write_text(tomli_w.dumps(SMALL_START), encoding="utf-8")
    assert run("--registry", str(path), "fmt").exit_code == 0
    before = path.read_text(encoding="utf-8")
    edit = ["update-cluster", "c1", f"--notes=first{separator}second"]
    dry = run("--registry", str(path), *edit, "--dry-run", "--on", ON, "--json")
    assert dry.exit_code == 0, dry.stdout
    assert run("--registry", str(path), *edit, "--on", ON).exit_code == 0
    assert apply_diff(before, dry.json()["diff"]) == path.read_text(encoding="utf-8")


SMALL_START = {
    "schema_version": 1,
    "clusters": {"c1": {"name": "One", "type": "icn", "domain": "Drones"}},
    "partners": {"p1": {"name": "Alpha", "kind": "company"}},
}


# -- validate --json never crashes; its counts are its findings -----------------------------

WRONG_VALUES = (
    "text",
    7,
    -1,
    0.5,
    float("nan"),
    True,
    dt.date(2020, 2, 29),
    dt.datetime(2020, 1, 1, 12, 0),
    [1, "a"],
    {"k": 1},
)


def put(data: dict, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


@st.composite
def maybe_broken(draw: Any) -> dict:
    """A generated registry with up to three schema mistakes (or none)."""
    data = draw(st.sampled_from((DENSE, DENSE, REGISTRIES)).flatmap(lambda kind: kind))
    if draw(st.booleans()):  # tidy periods: more clusters are active, so more rules fire
        for cluster in (data.get("clusters") or {}).values():
            cluster.pop("ended", None)
            for period in cluster.get("funding", ()):
                period["start"], period["end"] = sorted((period["start"], period["end"]))
    for _ in range(draw(st.sampled_from((0, 0, 0, 1, 2, 3)))):
        mistake = draw(st.sampled_from(("wrong-value", "unknown-key", "bad-id", "drop")))
        if mistake == "wrong-value":
            spots = [p for p, _ in key_paths(data) if p]
            wrong = copy.deepcopy(draw(st.sampled_from(WRONG_VALUES)))  # it may be changed
            put(data, draw(st.sampled_from(spots)), wrong)
        elif mistake == "unknown-key":
            tables = [v for _, v in key_paths(data) if isinstance(v, dict)]
            draw(st.sampled_from(tables))["bogus_key"] = 1
        elif mistake == "bad-id":
            clusters = data.get("clusters")
            if isinstance(clusters, dict) and clusters:
                clusters["Not_A_Slug"] = clusters.pop(draw(st.sampled_from(sorted(clusters))))
        else:
            partners = data.get("partners")
            if isinstance(partners, dict):
                for record in partners.values():
                    if isinstance(record, dict):
                        record.pop("name", None)
    return data


SEVERITIES = ("error", "warning", "info")
FINDING_KEYS = {"code", "rule", "severity", "message", "cluster", "partner", "path", "line"}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 or noun == 'info' else 's'}"


@settings(PROPERTY, max_examples=examples(60))
@given(
    data=maybe_broken(),
    on=st.dates(dt.date(2014, 1, 1), dt.date(2026, 12, 31)),
    strict=st.booleans(),
)
@pytest.mark.slow
def test_validate_json_never_crashes_and_counts_equal_findings(
    data: dict, on: dt.date, strict: bool
) -> None:
    extra = ["--strict"] if strict else []
    with registry_file(tomli_w.dumps(data).encode("utf-8")) as path:
        result = run("--registry", str(path), "validate", "--json", "--on", on.isoformat(), *extra)
        assert "Traceback" not in result.stderr
        assert result.exit_code in (0, 1), (result.stdout, result.stderr)
        assert not TERMINAL_UNSAFE.search(result.stdout)
        report = result.json()
        assert set(report) >= {"registry", "valid", "counts", "findings"}
        findings = report["findings"]
        tally = collections.Counter(f["severity"] for f in findings)
        assert report["counts"] == {s: tally[s] for s in SEVERITIES}
        for finding in findings:
            assert set(finding) >= FINDING_KEYS
            assert re.fullmatch(r"FC\d{3}", finding["code"])
            assert finding["severity"] in SEVERITIES
            assert finding["line"] is None or finding["line"] >= 1
        counts = report["counts"]
        valid = counts["error"] == 0 and not (strict and counts["warning"])
        assert report["valid"] is valid
        assert result.exit_code == (0 if valid else 1)
        # FC001 findings are exactly the schema problems that every other command refuses
        schema = [f for f in findings if f["code"] == "FC001"]
        event(f"FC001: {bool(schema)}, valid: {valid}, findings: {min(len(findings), 5)}")
        event(f"severities: {sorted(s for s in SEVERITIES if tally[s])}")
        listed = run("--registry", str(path), "list", "--on", on.isoformat())
        if schema:
            assert {f["code"] for f in findings} == {"FC001"}  # other rules did not run
            assert listed.exit_code == 3, listed.stderr
            assert f"{len(schema)} schema problem" in listed.stderr
            assert len(listed.stderr.splitlines()) == 1 + len(schema)
        else:
            assert listed.exit_code == 0, listed.stderr
        # the other formats say the same: one annotation per finding, the same summary
        github = run(
            "--registry", str(path), "validate", "--format", "github", "--on", on.isoformat()
        )
        assert github.exit_code == result.exit_code
        lines = github.stdout.splitlines()
        assert len(lines) == len(findings)
        assert all(re.match(r"::(error|warning|notice) file=", line) for line in lines)
        text = run("--registry", str(path), "validate", "--on", on.isoformat(), *extra)
        assert text.exit_code == result.exit_code
        summary = ", ".join(plural(counts[s], s) for s in SEVERITIES)
        assert text.stdout.rstrip().splitlines()[-1].strip() == summary
        assert not TERMINAL_UNSAFE.search(text.stdout + text.stderr)


def test_validate_json_counts_on_a_known_registry(tmp_path: Path) -> None:
    """The property's oracle on a fixed case: errors of three rules, a warning, an info."""
    data = {
        "schema_version": 1,
        "clusters": {
            "a": {
                "name": "A",
                "type": "icn",
                "domain": "D",
                "funding": [{"start": dt.date(2019, 1, 1), "end": dt.date(2018, 1, 1)}],
                "members": [{"partner": "ghost"}, {"partner": "ghost"}],
            },
            "b": {  # active on ON, ending within 180 days, without an action plan
                "name": "B",
                "type": "icn",
                "domain": "D",
                "funding": [{"start": dt.date(2020, 1, 1), "end": dt.date(2020, 9, 30)}],
                "members": [{"partner": "acme"}],
            },
        },
        "partners": {"acme": {"name": "Acme", "kind": "company"}},
    }
    path = tmp_path / "clusters.toml"
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    result = run("--registry", str(path), "validate", "--json", "--on", ON)
    assert result.exit_code == 1
    report = result.json()
    found = sorted((f["severity"], f["code"]) for f in report["findings"])
    assert found == [
        ("error", "FC002"),
        ("error", "FC002"),
        ("error", "FC003"),
        ("error", "FC005"),
        ("info", "FC111"),
        ("warning", "FC108"),
    ]
    assert report["counts"] == {"error": 4, "warning": 1, "info": 1}
    assert report["valid"] is False
    text = run("--registry", str(path), "validate", "--on", ON)
    assert text.stdout.rstrip().splitlines()[-1].strip() == "4 errors, 1 warning, 1 info"
