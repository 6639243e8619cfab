"""`clusters diff`: changes record by record, findings that appear or disappear, git
revisions, the textconv form, Markdown for pull requests."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run, write_registry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ON = "2025-06-01"

BASE = """\
schema_version = 1

[policy]
ending_soon_days = 180

[clusters.alpha]
name = "Alpha"
type = "spearhead"
domain = "Chemistry"
recognised = 2018-01-01
sources = ["https://alpha.example"]
labels = [
    { scheme = "esca", level = "bronze", awarded = 2019-06-01, expires = 2021-05-31 },
    { scheme = "esca", level = "bronze", awarded = 2022-01-10 },
]
funding = [
    { start = 2018-01-01, end = 2022-12-31 },
    { start = 2023-01-01, end = 2027-12-31, annual_support_eur = 400000 },
]
members = [
    { partner = "acme", role = "founder" },
    { partner = "gov", role = "clusterpact" },
    { partner = "uni", since = 2018-02-01 },
]

[clusters.beta]
name = "Beta"
type = "icn"
domain = "Drones"
action_plan = "https://beta.example/plan"
funding = [{ start = 2024-01-01, end = 2026-12-31 }]
members = [{ partner = "acme" }]

[partners.acme]
name = "Acme NV"
kind = "company"
enterprise_number = "0123.456.749"
postal_code = "2000"

[partners.dormant]
name = "Dormant vzw"
kind = "other"

[partners.gov]
name = "Flemish Government"
kind = "government"

[partners.uni]
name = "Example University"
kind = "knowledge"

[events.fest]
title = "Fest"
kind = "networking"
start = 2024-10-24
clusters = ["alpha"]
organiser = "gov"
participants = [
    { partner = "acme" },
    { partner = "uni", role = "speaker" },
]

[events.meetup]
title = "Meetup"
kind = "learning"
start = 2023-03-01
participants = [{ partner = "uni" }]
"""


def edited(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def diff_json(folder: Path, old: str, new: str, on: str = ON) -> dict:
    first = write_registry(folder, old, "old.toml")
    second = write_registry(folder, new, "new.toml")
    result = run("diff", str(first), str(second), "--format", "json", "--on", on)
    assert result.exit_code == 0, result.stderr
    found = result.json()
    assert (found["old"], found["new"], found["on"]) == (str(first), str(second), on)
    return found


def line_of(text: str, needle: str, after: str = "") -> int:
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def both(old, new):
    return {"old": old, "new": new}


def added(**fields):
    return {key: both(None, value) for key, value in fields.items()}


def removed(**fields):
    return {key: both(value, None) for key, value in fields.items()}


# -- planted changes of every record kind ------------------------------------------------


def test_clusters_added_removed_and_changed_with_their_records(tmp_path: Path) -> None:
    beta = BASE[BASE.index("[clusters.beta]") : BASE.index("[partners.acme]")]
    gamma = textwrap.dedent(
        """\
        [clusters.gamma]
        name = "Gamma"
        type = "icn"
        domain = "Food"
        action_plan = "A plan"
        funding = [{ start = 2025-01-01, end = 2027-12-31 }]
        members = [{ partner = "acme", since = 2025-01-01 }]

        """
    )
    new = edited(
        BASE,
        ('name = "Alpha"', 'name = "Alpha Chemistry"'),
        (
            'sources = ["https://alpha.example"]',
            'sources = ["https://alpha.example", "https://alpha.example/2"]',
        ),
        (beta, gamma),
    )
    found = diff_json(tmp_path, BASE, new)
    assert found["changes"] == [
        {
            "record": "cluster",
            "id": "alpha",
            "op": "changed",
            "fields": {
                "name": both("Alpha", "Alpha Chemistry"),
                "sources": both(
                    ["https://alpha.example"],
                    ["https://alpha.example", "https://alpha.example/2"],
                ),
            },
        },
        {
            "record": "cluster",
            "id": "beta",
            "op": "removed",
            "fields": removed(
                name="Beta", type="icn", domain="Drones", action_plan="https://beta.example/plan"
            ),
        },
        {
            "record": "funding",
            "id": "beta/2024-01-01",
            "op": "removed",
            "fields": removed(start="2024-01-01", end="2026-12-31"),
        },
        {
            "record": "membership",
            "id": "beta/acme",
            "op": "removed",
            "fields": removed(partner="acme"),
        },
        {
            "record": "cluster",
            "id": "gamma",
            "op": "added",
            "fields": added(name="Gamma", type="icn", domain="Food", action_plan="A plan"),
        },
        {
            "record": "funding",
            "id": "gamma/2025-01-01",
            "op": "added",
            "fields": added(start="2025-01-01", end="2027-12-31"),
        },
        {
            "record": "membership",
            "id": "gamma/acme",
            "op": "added",
            "fields": added(partner="acme", since="2025-01-01"),
        },
    ]
    # Both networks are active and took part in no event (FC112): gamma's finding comes,
    # beta's goes with it.
    assert {
        side: [(f["code"], f["cluster"]) for f in found["findings"][side]]
        for side in ("added", "removed")
    } == {"added": [("FC112", "gamma")], "removed": [("FC112", "beta")]}


def test_funding_and_labels_added_removed_changed_and_a_moved_start_paired(
    tmp_path: Path,
) -> None:
    new = edited(
        BASE,
        ("{ start = 2018-01-01, end = 2022-12-31 }", "{ start = 2018-03-01, end = 2022-12-31 }"),
        (
            "{ start = 2023-01-01, end = 2027-12-31, annual_support_eur = 400000 }",
            "{ start = 2023-01-01, end = 2026-12-31 }",
        ),
        (
            "funding = [{ start = 2024-01-01, end = 2026-12-31 }]",
            "funding = [{ start = 2024-01-01, end = 2026-12-31 }, "
            "{ start = 2027-01-01, end = 2027-06-30 }]",
        ),
        (
            '    { scheme = "esca", level = "bronze", awarded = 2019-06-01, '
            "expires = 2021-05-31 },\n",
            "",
        ),
        (
            '{ scheme = "esca", level = "bronze", awarded = 2022-01-10 },',
            '{ scheme = "esca", level = "silver", awarded = 2022-01-10 },\n'
            '    { scheme = "esca", level = "gold", awarded = 2024-05-01, reference = "G-1" },',
        ),
    )
    found = diff_json(tmp_path, BASE, new)
    assert found["changes"] == [
        {
            "record": "funding",
            "id": "alpha/2018-03-01",
            "op": "changed",
            "fields": {"start": both("2018-01-01", "2018-03-01")},
        },
        {
            "record": "funding",
            "id": "alpha/2023-01-01",
            "op": "changed",
            "fields": {
                "end": both("2027-12-31", "2026-12-31"),
                "annual_support_eur": both(400000, None),
            },
        },
        {
            "record": "label",
            "id": "alpha/esca/2019-06-01",
            "op": "removed",
            "fields": removed(
                scheme="esca", level="bronze", awarded="2019-06-01", expires="2021-05-31"
            ),
        },
        {
            "record": "label",
            "id": "alpha/esca/2022-01-10",
            "op": "changed",
            "fields": {"level": both("bronze", "silver")},
        },
        {
            "record": "label",
            "id": "alpha/esca/2024-05-01",
            "op": "added",
            "fields": added(scheme="esca", level="gold", awarded="2024-05-01", reference="G-1"),
        },
        {
            "record": "funding",
            "id": "beta/2027-01-01",
            "op": "added",
            "fields": added(start="2027-01-01", end="2027-06-30"),
        },
    ]
    # The ICN is now funded for more than three years: FC101 appears, named where it is.
    fc101 = [f for f in found["findings"]["added"] if f["code"] == "FC101"]
    assert fc101 == [
        {
            "code": "FC101",
            "rule": "icn-support-period",
            "severity": "error",
            "profile": "decree",
            "message": "funded from 2024-01-01 to 2027-06-30: more than 3 years "
            "(last allowed end 2026-12-31)",
            "cluster": "beta",
            "partner": None,
            "event": None,
            "path": "clusters.beta.funding",
            "line": line_of(new, "funding = [", after="[clusters.beta]"),
            "fix": "End the last period earlier, or correct the type if it is a spearhead cluster.",
        }
    ]


def test_memberships_and_partners_with_a_rename_by_enterprise_number(tmp_path: Path) -> None:
    new = edited(
        BASE,
        ('{ partner = "acme", role = "founder" },', '{ partner = "acme-nv", role = "board" },'),
        (
            '    { partner = "uni", since = 2018-02-01 },\n',
            '    { partner = "newco", since = 2025-01-01 },\n',
        ),
        ('members = [{ partner = "acme" }]', 'members = [{ partner = "acme-nv" }]'),
        ("[partners.acme]", "[partners.acme-nv]"),
        ('[partners.dormant]\nname = "Dormant vzw"\nkind = "other"\n\n', ""),
        ('name = "Flemish Government"', 'name = "Flemish Government (VLAIO)"'),
        (
            "[partners.uni]",
            '[partners.newco]\nname = "NewCo BV"\nkind = "company"\npostal_code = "9000"\n\n'
            "[partners.uni]",
        ),
        (
            '{ partner = "acme" },\n    { partner = "uni", role = "speaker" },',
            '{ partner = "acme-nv" },\n    { partner = "uni", role = "speaker" },',
        ),
    )
    found = diff_json(tmp_path, BASE, new)
    assert found["changes"] == [
        {
            # follows the rename; only its role is a change
            "record": "membership",
            "id": "alpha/acme-nv",
            "op": "changed",
            "fields": {"role": both("founder", "board")},
        },
        {
            "record": "membership",
            "id": "alpha/newco",
            "op": "added",
            "fields": added(partner="newco", since="2025-01-01"),
        },
        {
            "record": "membership",
            "id": "alpha/uni",
            "op": "removed",
            "fields": removed(partner="uni", since="2018-02-01"),
        },
        {
            "record": "partner",
            "id": "acme-nv",
            "op": "renamed",
            "fields": {"id": both("acme", "acme-nv")},
        },
        {
            "record": "partner",
            "id": "dormant",
            "op": "removed",
            "fields": removed(name="Dormant vzw", kind="other"),
        },
        {
            "record": "partner",
            "id": "gov",
            "op": "changed",
            "fields": {"name": both("Flemish Government", "Flemish Government (VLAIO)")},
        },
        {
            "record": "partner",
            "id": "newco",
            "op": "added",
            "fields": added(name="NewCo BV", kind="company", postal_code="9000"),
        },
    ]


def test_events_participants_and_policy(tmp_path: Path) -> None:
    meetup = BASE[BASE.index("[events.meetup]") :]
    launch = '[events.launch]\ntitle = "Launch"\nkind = "conference"\nstart = 2025-03-01\n'
    new = edited(
        BASE,
        ("ending_soon_days = 180", 'ending_soon_days = 90\nignore = ["FC109"]'),
        ('clusters = ["alpha"]', 'place = "Mechelen"\nclusters = ["alpha", "beta"]'),
        (
            '{ partner = "acme" },\n    { partner = "uni", role = "speaker" },',
            '{ partner = "gov" },\n    { partner = "uni", role = "organiser" },',
        ),
        (meetup, launch),
    )
    found = diff_json(tmp_path, BASE, new)
    assert found["changes"] == [
        {
            "record": "policy",
            "id": "policy",
            "op": "changed",
            "fields": {"ending_soon_days": both(180, 90), "ignore": both(None, ["FC109"])},
        },
        {
            "record": "event",
            "id": "fest",
            "op": "changed",
            "fields": {
                "place": both(None, "Mechelen"),
                "clusters": both(["alpha"], ["alpha", "beta"]),
            },
        },
        {
            "record": "participant",
            "id": "fest/acme",
            "op": "removed",
            "fields": removed(partner="acme"),
        },
        {
            "record": "participant",
            "id": "fest/gov",
            "op": "added",
            "fields": added(partner="gov"),
        },
        {
            "record": "participant",
            "id": "fest/uni",
            "op": "changed",
            "fields": {"role": both("speaker", "organiser")},
        },
        {
            "record": "event",
            "id": "launch",
            "op": "added",
            "fields": added(title="Launch", kind="conference", start="2025-03-01"),
        },
        {
            "record": "event",
            "id": "meetup",
            "op": "removed",
            "fields": removed(title="Meetup", kind="learning", start="2023-03-01"),
        },
        {
            "record": "participant",
            "id": "meetup/uni",
            "op": "removed",
            "fields": removed(partner="uni"),
        },
    ]


def test_references_that_do_not_follow_a_rename_are_changes(tmp_path: Path) -> None:
    """A partner renamed while beta still names the old id: after the rename, beta's
    membership points elsewhere, so it is listed (and FC002 appears)."""
    new = edited(
        BASE,
        ('{ partner = "acme", role = "founder" },', '{ partner = "acme-nv", role = "founder" },'),
        ("[partners.acme]", "[partners.acme-nv]"),
        (
            '{ partner = "acme" },\n    { partner = "uni"',
            '{ partner = "acme-nv" },\n    { partner = "uni"',
        ),
    )
    found = diff_json(tmp_path, BASE, new)
    assert found["changes"] == [
        {"record": "membership", "id": "beta/acme", "op": "added", "fields": added(partner="acme")},
        {
            "record": "membership",
            "id": "beta/acme-nv",
            "op": "removed",
            "fields": removed(partner="acme-nv"),
        },
        {
            "record": "partner",
            "id": "acme-nv",
            "op": "renamed",
            "fields": {"id": both("acme", "acme-nv")},
        },
    ]
    # beta's member is now no partner at all: unknown (FC002), and no company (FC106).
    assert [(f["code"], f["cluster"], f["partner"]) for f in found["findings"]["added"]] == [
        ("FC002", "beta", "acme"),
        ("FC106", "beta", None),
    ]


def test_a_partner_listed_twice_is_told_apart_by_content(tmp_path: Path) -> None:
    old = edited(
        BASE,
        (
            'members = [{ partner = "acme" }]',
            'members = [{ partner = "acme", role = "member" }, '
            '{ partner = "acme", role = "founder" }]',
        ),
    )
    found = diff_json(tmp_path, old, BASE)
    assert found["changes"] == [
        {
            "record": "membership",
            "id": "beta/acme",
            "op": "changed",
            "fields": {"role": both("founder", None)},
        },
        {
            "record": "membership",
            "id": "beta/acme#2",
            "op": "removed",
            "fields": removed(partner="acme", role="member"),
        },
    ]
    assert [f["code"] for f in found["findings"]["removed"]] == ["FC003"]


def test_no_difference(tmp_path: Path) -> None:
    found = diff_json(tmp_path, BASE, BASE)
    assert found["changes"] == []
    assert found["findings"] == {"added": [], "removed": []}
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    assert run("diff", str(old), str(new), "--exit-code").exit_code == 0
    table = run("diff", str(old), str(new), "--on", ON)
    assert table.exit_code == 0
    assert "records: no changes; findings: 0 added, 0 removed" in table.stdout


def test_exit_code_says_there_is_a_difference(tmp_path: Path) -> None:
    old = write_registry(tmp_path, BASE, "old.toml")
    new = write_registry(tmp_path, edited(BASE, ('name = "Beta"', 'name = "Beta 2"')), "new.toml")
    assert run("diff", str(old), str(new)).exit_code == 0
    result = run("diff", str(old), str(new), "--exit-code", "--json")
    assert result.exit_code == 1
    assert result.json()["changes"][0]["fields"] == {"name": both("Beta", "Beta 2")}


# -- findings -------------------------------------------------------------------------------


def test_findings_appear_when_an_edit_breaks_a_rule_and_go_when_it_is_fixed(
    tmp_path: Path,
) -> None:
    registry = write_registry(tmp_path, BASE)
    steps = [tmp_path / f"step{n}.toml" for n in range(3)]
    shutil.copy(registry, steps[0])
    for step, code in ((steps[1], "1000"), (steps[2], "2000")):
        edit = run(
            "--registry", str(registry), "update-partner", "acme", "--postal-code", code, "--on", ON
        )
        assert edit.exit_code == 0, edit.stderr
        shutil.copy(registry, step)
    broken = steps[1].read_text(encoding="utf-8")
    fc109 = [
        {
            "code": "FC109",
            "rule": "flemish-seat",
            "severity": "warning",
            "profile": "decree",
            "message": "'acme' has postal code 1000 (Brussels), not in Flanders",
            "cluster": cluster,
            "partner": "acme",
            "event": None,
            "path": "partners.acme.postal_code",
            "line": line_of(broken, 'postal_code = "1000"'),
            "fix": "Check the postal code and country; "
            "ignore FC109 if foreign members are intended.",
        }
        for cluster in ("alpha", "beta")
    ]
    first = run("diff", str(steps[0]), str(steps[1]), "--json", "--on", ON).json()
    assert first["changes"] == [
        {
            "record": "partner",
            "id": "acme",
            "op": "changed",
            "fields": {"postal_code": both("2000", "1000")},
        }
    ]
    assert first["findings"] == {"added": fc109, "removed": []}
    second = run("diff", str(steps[1]), str(steps[2]), "--json", "--on", ON).json()
    assert second["findings"]["added"] == []
    # Removed findings are located in the old side.
    assert second["findings"]["removed"] == fc109


def test_an_error_rule_broken_and_fixed_by_hand(tmp_path: Path) -> None:
    no_knowledge = edited(BASE, ('    { partner = "uni", since = 2018-02-01 },\n', ""))
    broke = diff_json(tmp_path, BASE, no_knowledge)
    assert [
        (f["code"], f["severity"], f["cluster"], f["message"]) for f in broke["findings"]["added"]
    ] == [("FC105", "error", "alpha", f"no knowledge member on {ON}")]
    assert broke["findings"]["removed"] == []
    fixed = diff_json(tmp_path, no_knowledge, BASE)
    assert [f["code"] for f in fixed["findings"]["removed"]] == ["FC105"]
    assert fixed["findings"]["added"] == []


def test_findings_are_judged_on_the_date_given(tmp_path: Path) -> None:
    """Beta's funding now ends 2026-09-30: within 180 days of 2026-05-01, not of
    2025-06-01. Both sides are judged on the same date."""
    new = edited(BASE, ("end = 2026-12-31 }]", "end = 2026-09-30 }]"))
    early = diff_json(tmp_path, BASE, new)
    late = diff_json(tmp_path, BASE, new, on="2026-05-01")
    assert early["changes"] == late["changes"]
    assert early["findings"] == {"added": [], "removed": []}
    assert [(f["code"], f["cluster"], f["message"]) for f in late["findings"]["added"]] == [
        ("FC111", "beta", "funding ends on 2026-09-30, in 152 days")
    ]
    assert late["findings"]["removed"] == []


def test_only_what_a_change_reaches_is_judged_but_all_it_reaches_is(tmp_path: Path) -> None:
    """Activity (FC112) is judged only in a registry that records events: the first event
    reaches beta, which it does not name; a later event reaches only the clusters it names
    on either side."""
    no_events = BASE[: BASE.index("[events.fest]")]
    first = diff_json(tmp_path, no_events, BASE)
    assert [(f["code"], f["cluster"]) for f in first["findings"]["added"]] == [("FC112", "beta")]
    renamed = edited(BASE, ('clusters = ["alpha"]', 'clusters = ["beta"]'))
    moved = diff_json(tmp_path, BASE, renamed)
    assert [(f["code"], f["cluster"]) for f in moved["findings"]["added"]] == [("FC112", "alpha")]
    assert [(f["code"], f["cluster"]) for f in moved["findings"]["removed"]] == [("FC112", "beta")]
    # FC107 counts every spearhead, whatever changed.
    many = edited(
        BASE, ("ending_soon_days = 180", "ending_soon_days = 180\nmax_active_spearheads = 1")
    )
    third = BASE.replace(
        "[clusters.beta]",
        '[clusters.delta]\nname = "D"\ntype = "spearhead"\n'
        'domain = "E"\nfunding = [{ start = 2020-01-01, end = 2029-12-31 }]\n\n'
        "[clusters.beta]",
    )
    both_sides = diff_json(
        tmp_path,
        many,
        edited(
            third, ("ending_soon_days = 180", "ending_soon_days = 180\nmax_active_spearheads = 1")
        ),
    )
    assert ("FC107", None) in [(f["code"], f["cluster"]) for f in both_sides["findings"]["added"]]


def test_schema_problems_do_not_stop_a_diff(tmp_path: Path) -> None:
    new = edited(BASE, ('name = "Beta"', 'nmae = "Beta"'))
    first = write_registry(tmp_path, BASE, "old.toml")
    second = write_registry(tmp_path, new, "new.toml")
    result = run("diff", str(first), str(second), "--json", "--on", ON)
    assert result.exit_code == 0, result.stderr
    found = result.json()
    assert found["changes"] == [
        {
            "record": "cluster",
            "id": "beta",
            "op": "changed",
            "fields": {"name": both("Beta", None), "nmae": both(None, "Beta")},
        }
    ]
    assert {(f["code"], f["path"]) for f in found["findings"]["added"]} == {
        ("FC001", "clusters.beta.name"),
        ("FC001", "clusters.beta.nmae"),
    }
    assert found["findings"]["removed"] == []
    assert (
        "only schema findings (FC001) are compared: the new side has schema problems"
        in result.stderr
    )
    assert found["warnings"] == [
        "only schema findings (FC001) are compared: the new side has schema problems, so the "
        "other rules cannot judge it"
    ]


# -- reading the sides ------------------------------------------------------------------


def test_an_unreadable_side_exits_3_naming_it(tmp_path: Path) -> None:
    good = write_registry(tmp_path, BASE, "good.toml")
    bad = write_registry(tmp_path, "schema_version = 1\n[clusters\n", "bad.toml")
    missing = tmp_path / "missing.toml"
    result = run("diff", str(bad), str(good), "--json")
    assert result.exit_code == 3
    error = result.json()["error"]
    assert error["code"] == "toml-syntax"
    assert error["message"].startswith(f"old side: {bad}:2:")
    result = run("diff", str(good), str(missing))
    assert result.exit_code == 3
    assert result.stderr.startswith(f"error: new side: {missing}: registry not found")
    assert "Traceback" not in result.stderr


def test_usage_errors(tmp_path: Path) -> None:
    one = write_registry(tmp_path, BASE)
    for args in (
        ("diff",),
        ("diff", str(one)),
        ("diff", "--rev", "HEAD", str(one), str(one)),
        ("diff", "--textconv", str(one), "--rev", "HEAD"),
        ("diff", "--textconv", str(one), "--format", "markdown"),
        ("diff", str(one), str(one), "--format", "yaml"),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith(("error: ", "Usage: ")), result.stderr
    for args in (
        ("diff", "--textconv", str(one), "--json"),
        ("diff", str(one), str(one), "--json", "--format", "markdown"),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.stderr)
        assert result.json()["error"]["code"] == "usage"


# -- git revisions --------------------------------------------------------------------------


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose data/clusters.toml has three commits on main and one on a
    branch ``feature`` made from the second."""
    folder = tmp_path / "repo"
    (folder / "data").mkdir(parents=True)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "config", "user.name", "Test")
    git(folder, "config", "user.email", "test@example.org")
    git(folder, "config", "commit.gpgsign", "false")
    registry = folder / "data" / "clusters.toml"

    def commit(text: str, message: str) -> None:
        registry.write_text(text, encoding="utf-8")
        git(folder, "add", "-A")
        git(folder, "commit", "-q", "-m", message)

    commit(BASE, "one")
    commit(edited(BASE, ('name = "Beta"', 'name = "Beta Two"')), "two")
    git(folder, "checkout", "-q", "-b", "feature")
    commit(
        edited(
            BASE, ('name = "Beta"', 'name = "Beta Two"'), ('domain = "Drones"', 'domain = "UAV"')
        ),
        "feature",
    )
    git(folder, "checkout", "-q", "main")
    commit(edited(BASE, ('name = "Beta"', 'name = "Beta Three"')), "three")
    return folder


def names_and_domains(found: dict) -> list:
    return [(c["id"], c["fields"]) for c in found["changes"]]


def test_rev_against_the_working_file(repo: Path) -> None:
    registry = repo / "data" / "clusters.toml"
    registry.write_text(edited(BASE, ('name = "Beta"', 'name = "Beta Four"')), encoding="utf-8")
    result = run("diff", "--rev", "HEAD~1", str(registry), "--json", "--on", ON)
    assert result.exit_code == 0, result.stderr
    found = result.json()
    assert (found["old"], found["new"]) == (f"HEAD~1:{registry}", str(registry))
    assert names_and_domains(found) == [("beta", {"name": both("Beta Two", "Beta Four")})]


def test_rev_path_defaults_to_the_registry_clusters_uses(repo: Path) -> None:
    registry = repo / "data" / "clusters.toml"
    by_option = run("--registry", str(registry), "diff", "--rev", "HEAD~1", "--json", "--on", ON)
    by_env = run(
        "diff", "--rev", "HEAD~1", "--json", "--on", ON, env={"CLUSTERS_REGISTRY": str(registry)}
    )
    for result in (by_option, by_env):
        assert result.exit_code == 0, result.stderr
        assert names_and_domains(result.json()) == [
            ("beta", {"name": both("Beta Two", "Beta Three")})
        ]


def test_rev_two_revisions_and_a_merge_base(repo: Path) -> None:
    registry = str(repo / "data" / "clusters.toml")
    two = run("diff", "--rev", "HEAD~2..feature", registry, "--json", "--on", ON).json()
    assert names_and_domains(two) == [
        ("beta", {"name": both("Beta", "Beta Two"), "domain": both("Drones", "UAV")})
    ]
    assert (two["old"], two["new"]) == (f"HEAD~2:{registry}", f"feature:{registry}")
    # main...feature: from where feature left main ("two") to feature: main's own later
    # commit ("three") is not part of the change.
    three = run("diff", "--rev", "main...feature", registry, "--json", "--on", ON).json()
    assert names_and_domains(three) == [("beta", {"domain": both("Drones", "UAV")})]
    base = git(repo, "merge-base", "main", "feature").strip()
    assert three["old"] == f"{base[:12]}:{registry}"
    # The other way round: main's own change since the fork.
    back = run("diff", "--rev", "feature...main", registry, "--json", "--on", ON).json()
    assert names_and_domains(back) == [("beta", {"name": both("Beta Two", "Beta Three")})]


def test_an_empty_revision_and_no_git(repo: Path) -> None:
    registry = str(repo / "data" / "clusters.toml")
    result = run("diff", "--rev", " ", registry)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: an empty revision")
    result = run("diff", "--rev", "HEAD", registry, "--json", env={"PATH": str(repo)})
    assert result.exit_code == 2
    assert result.json()["error"]["message"] == "git is not installed (or not on PATH)"


def test_unknown_revision_or_path_exits_2_with_gits_message(repo: Path) -> None:
    registry = str(repo / "data" / "clusters.toml")
    result = run("diff", "--rev", "no-such-branch", registry, "--json")
    assert result.exit_code == 2
    error = result.json()["error"]
    assert error["code"] == "git"
    assert error["message"] == (
        "revision 'no-such-branch': git rev-parse: fatal: Needed a single revision"
    )
    # A revision is never read as an option.
    result = run("diff", "--rev=--output=/tmp/x", registry, "--json")
    assert result.exit_code == 2 and result.json()["error"]["code"] == "git"
    other = str(repo / "data" / "other.toml")
    result = run("diff", "--rev", "HEAD~1", other)
    assert result.exit_code == 2
    assert "fatal: path 'data/other.toml' does not exist in" in result.stderr
    outside = repo.parent / "outside.toml"
    outside.write_text(BASE, encoding="utf-8")
    result = run("diff", "--rev", "HEAD", str(outside))
    assert result.exit_code == 2
    assert "fatal: not a git repository" in result.stderr


def test_outside_a_repository_the_error_names_the_registry_tried(repo: Path) -> None:
    outside = repo.parent / "outside.toml"
    outside.write_text(BASE, encoding="utf-8")
    result = run("diff", "--rev", "HEAD", str(outside))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {outside}: not in a git repository, so it has no revision 'HEAD': "
        "git rev-parse: fatal: not a git repository"
    )
    assert result.stderr.endswith(
        "; fix: name a registry kept in git (clusters diff --rev REV PATH), or compare two "
        "files (clusters diff OLD NEW)\n"
    )


# Once, every `diff --rev` in a hook failed: git gives a hook GIT_DIR (".git" in the main
# worktree with some versions and commands, the absolute git folder in a linked one), and
# `git -C data` then read the wrong repository, or the right one from the wrong top.


def test_rev_in_a_linked_worktree_with_a_hooks_variables(repo: Path) -> None:
    linked = repo.parent / "linked"
    git(repo, "worktree", "add", "-q", str(linked), "feature")
    registry = linked / "data" / "clusters.toml"
    registry.write_text(
        edited(
            BASE, ('name = "Beta"', 'name = "Beta Five"'), ('domain = "Drones"', 'domain = "UAV"')
        ),
        encoding="utf-8",
    )
    gitdir = git(linked, "rev-parse", "--absolute-git-dir").strip()
    hook = {"GIT_DIR": gitdir, "GIT_INDEX_FILE": f"{gitdir}/index.lock", "GIT_PREFIX": ""}
    result = run("diff", "--rev", "HEAD", str(registry), "--json", "--on", ON, env=hook)
    assert result.exit_code == 0, result.stderr
    assert names_and_domains(result.json()) == [("beta", {"name": both("Beta Two", "Beta Five")})]


def test_rev_with_git_dir_relative_to_the_top_of_the_repository(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    result = run(
        "diff", "--rev", "HEAD~1", "data/clusters.toml", "--json", "--on", ON,
        env={"GIT_DIR": ".git"},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert names_and_domains(result.json()) == [("beta", {"name": both("Beta Two", "Beta Three")})]


@pytest.mark.slow  # git runs a hook, which runs clusters
def test_rev_in_a_pre_commit_hook_of_a_linked_worktree(repo: Path) -> None:
    linked = repo.parent / "linked"
    git(repo, "worktree", "add", "-q", str(linked), "feature")
    out = repo.parent / "hook.json"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        f'exec "{sys.executable}" -m flanders_clusters diff --rev HEAD data/clusters.toml '
        f'--json --on {ON} > "{out}"\n',
        encoding="utf-8",
    )
    hook.chmod(0o755)
    registry = linked / "data" / "clusters.toml"
    registry.write_text(
        edited(
            BASE, ('name = "Beta"', 'name = "Beta Six"'), ('domain = "Drones"', 'domain = "UAV"')
        ),
        encoding="utf-8",
    )
    git(linked, "commit", "-q", "-am", "six")  # check=True: the hook exited 0
    found = json.loads(out.read_text(encoding="utf-8"))
    assert names_and_domains(found) == [("beta", {"name": both("Beta Two", "Beta Six")})]


def test_a_revision_that_is_not_toml_exits_3_naming_the_side(repo: Path) -> None:
    registry = repo / "data" / "clusters.toml"
    registry.write_text("schema_version = [\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    registry.write_text(BASE, encoding="utf-8")
    result = run("diff", "--rev", "HEAD", str(registry), "--json")
    assert result.exit_code == 3
    error = result.json()["error"]
    assert error["code"] == "toml-syntax"
    assert error["message"].startswith(f"old side: HEAD:{registry}:")


# -- textconv ---------------------------------------------------------------------------


def test_textconv_one_fact_a_line(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, BASE)
    result = run("diff", "--textconv", str(registry))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "registry registry schema_version = 1",
        "policy policy ending_soon_days = 180",
        'cluster alpha name = "Alpha"',
    ]
    assert "funding alpha/2023-01-01 annual_support_eur = 400000" in lines
    assert 'membership alpha/gov role = "clusterpact"' in lines
    assert 'label alpha/esca/2022-01-10 level = "bronze"' in lines
    assert 'participant fest/uni role = "speaker"' in lines
    assert 'event fest clusters = ["alpha"]' in lines
    assert 'cluster alpha sources = ["https://alpha.example"]' in lines
    assert len(lines) == len(set(lines))


def test_textconv_unchanged_by_fmt_and_by_reordering(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, BASE)
    before = run("diff", "--textconv", str(registry)).stdout
    reordered = BASE.replace('{ partner = "acme", role = "founder" },\n', "")
    reordered = reordered.replace(
        '{ partner = "uni", since = 2018-02-01 },',
        '{ since = 2018-02-01, partner = "uni" },\n    { role = "founder", partner = "acme" },',
    )
    partners = reordered[reordered.index("[partners.acme]") : reordered.index("[events.fest]")]
    reordered = reordered.replace(partners, "") + "\n" + partners
    assert reordered != BASE
    other = write_registry(tmp_path, reordered, "other.toml")
    assert run("diff", "--textconv", str(other)).stdout == before
    assert run("--registry", str(registry), "fmt").exit_code == 0
    assert registry.read_text(encoding="utf-8") != BASE
    assert run("diff", "--textconv", str(registry)).stdout == before


def test_textconv_never_fails_on_readable_toml(tmp_path: Path) -> None:
    odd = write_registry(
        tmp_path,
        'schema_version = "one"\nclusters = 3\n[partners.x]\nname = 1\nwhen = 07:30:00\n'
        'members = [1, 2]\n["weird key"]\n"a b" = { c = 1979-05-27T07:32:00Z }\n',
    )
    result = run("diff", "--textconv", str(odd))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        'registry registry schema_version = "one"',
        "registry registry clusters = 3",
        'registry registry "weird key" = {"a b": {"c": "1979-05-27T07:32:00+00:00"}}',
        "partner x name = 1",
        "partner x members = [1, 2]",
        'partner x when = "07:30:00"',
    ]


def test_textconv_of_a_file_that_is_not_toml_shows_it_as_it_is(tmp_path: Path) -> None:
    broken = write_registry(tmp_path, "schema_version = 1\n[clusters\n")
    result = run("diff", "--textconv", str(broken))
    assert result.exit_code == 0
    first, *rest = result.stdout.splitlines()
    assert first.startswith("# not TOML: line 2, column 10: TOML syntax error: ")
    assert rest == ["schema_version = 1", "[clusters"]
    assert "warning:" in result.stderr
    missing = run("diff", "--textconv", str(tmp_path / "missing.toml"))
    assert missing.exit_code == 3


def test_textconv_of_a_file_that_is_not_utf8_shows_it_naming_no_file(tmp_path: Path) -> None:
    # Once, such a revision made the textconv fail, and git stopped `git log -p` there.
    latin = tmp_path / "tmpXyZ_clusters.toml"
    latin.write_bytes(b"# Caf\xe9 cluster\nschema_version = 1\n")
    result = run("diff", "--textconv", str(latin))
    assert result.exit_code == 0
    assert result.stdout == (
        "# not TOML: line 1: not UTF-8 (byte 0xe9 at offset 5)\n"
        "# Caf\ufffd cluster\nschema_version = 1\n"
    )
    assert f"warning: {latin}:1: not UTF-8" in result.stderr


@pytest.mark.slow  # git runs the textconv once per revision, each a process
def test_git_log_shows_a_revision_that_is_not_utf8_the_same_every_time(repo: Path) -> None:
    (repo / ".gitattributes").write_text("data/clusters.toml diff=clusters\n", encoding="utf-8")
    git(
        repo,
        "config",
        "diff.clusters.textconv",
        f'"{sys.executable}" -m flanders_clusters diff --textconv',
    )
    registry = repo / "data" / "clusters.toml"
    good = registry.read_bytes()
    registry.write_bytes(b"# Caf\xe9 in Latin-1\n" + good)
    git(repo, "commit", "-q", "-am", "latin-1")
    registry.write_bytes(good.replace(b'name = "Beta Three"', b'name = "Beta Four"'))
    git(repo, "commit", "-q", "-am", "four")
    logs = [
        subprocess.run(
            ["git", "-C", str(repo), "log", "-p", "-3", "--", "data/clusters.toml"],
            capture_output=True,
        )
        for _ in range(2)
    ]
    assert [log.returncode for log in logs] == [0, 0], logs[0].stderr
    assert logs[0].stdout == logs[1].stdout  # no temporary file's name in it
    shown = logs[0].stdout.decode("utf-8")
    assert "+# not TOML: line 1: not UTF-8 (byte 0xe9 at offset 5)" in shown
    assert "-# not TOML: line 1: not UTF-8 (byte 0xe9 at offset 5)" in shown
    assert '+cluster beta name = "Beta Four"' in shown
    assert '-cluster beta name = "Beta Two"' in shown  # the oldest of the three, as facts


@pytest.mark.slow
def test_git_uses_textconv_through_the_config(repo: Path) -> None:
    """The set-up of docs/review.md, end to end: `git diff` shows facts, not TOML lines."""
    import sys

    (repo / ".gitattributes").write_text("data/clusters.toml diff=clusters\n", encoding="utf-8")
    command = f'"{sys.executable}" -m flanders_clusters diff --textconv'
    git(repo, "config", "diff.clusters.textconv", command)
    shown = git(repo, "diff", "HEAD~1", "HEAD", "--", "data/clusters.toml")
    changed = [
        line for line in shown.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ['-cluster beta name = "Beta Two"', '+cluster beta name = "Beta Three"']


# -- output for people ------------------------------------------------------------------


def test_table_output_with_findings(tmp_path: Path) -> None:
    old = write_registry(tmp_path, BASE, "old.toml")
    new = write_registry(
        tmp_path, edited(BASE, ('postal_code = "2000"', 'postal_code = "1000"')), "new.toml"
    )
    result = run("diff", str(old), str(new), "--on", ON)
    lines = [line.split(None, 5) for line in result.stdout.splitlines()]
    assert "Findings added" in result.stdout and "Findings removed" not in result.stdout
    line = str(line_of(new.read_text(encoding="utf-8"), 'postal_code = "1000"'))
    expected = "'acme' has postal code 1000 (Brussels), not in Flanders"
    assert ["warning", "FC109", "flemish-seat", "alpha/acme", line, expected] in lines
    assert ["warning", "FC109", "flemish-seat", "beta/acme", line, expected] in lines


def test_table_output(tmp_path: Path) -> None:
    old = write_registry(tmp_path, BASE, "old.toml")
    new = write_registry(
        tmp_path,
        edited(
            BASE,
            ('name = "Beta"', 'name = "Beta Two"'),
            # Another id and another kind: not a rename (its content changed too).
            ('[partners.dormant]\nname = "Dormant vzw"\nkind = "other"',
             '[partners.dormant2]\nname = "Dormant vzw"\nkind = "knowledge"'),
        ),
        "new.toml",
    )  # fmt: skip
    result = run("diff", str(old), str(new), "--on", ON)
    assert result.exit_code == 0
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["old", str(old), "→", "new", str(new), "(findings", "on", f"{ON})"]
    assert ["cluster", "beta", "changed", "name", '"Beta"', '"Beta', 'Two"'] in rows
    assert ["partner", "dormant2", "added", "name", '"Dormant', 'vzw"'] in rows
    summary = "records: 1 added, 1 removed, 1 changed; findings: 0 added, 0 removed"
    assert rows[-1] == summary.split(" ")


HOSTILE = "Acme | `rm -rf` <script>alert(1)</script> **bold** [x](http://e.org) & co"
NOTES = "line one\nline two | with pipe\r\nthree <b>"


def _cells(html_row) -> list[str]:
    return [cell.get_text() for cell in html_row]


def test_markdown_shows_hostile_values_literally_one_cell_each(tmp_path: Path) -> None:
    from html.parser import HTMLParser

    from markdown_it import MarkdownIt

    new = edited(
        BASE,
        ('name = "Beta"', f"name = {json.dumps(HOSTILE)}"),
        ('domain = "Drones"', f'domain = "Drones"\nnotes = {json.dumps(NOTES)}'),
    )
    old = write_registry(tmp_path, BASE, "old.toml")
    second = write_registry(tmp_path, new, "new.toml")
    result = run("diff", str(old), str(second), "--format", "markdown", "--on", ON)
    assert result.exit_code == 0
    html = MarkdownIt("commonmark").enable("table").render(result.stdout)

    class Table(HTMLParser):
        """The text of each cell of the rendered tables, and every tag met."""

        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.tags: set[str] = set()
            self.cell: list[str] | None = None

        def handle_starttag(self, tag, attrs):
            self.tags.add(tag)
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parsed = Table()
    parsed.feed(html)
    assert parsed.tags <= {"h3", "p", "table", "thead", "tbody", "tr", "th", "td"}
    header, *rows = parsed.rows
    assert header == ["record", "id", "change", "field", "old", "new"]
    assert rows == [
        ["cluster", "beta", "changed", "name", '"Beta"', json.dumps(HOSTILE)],
        ["", "", "", "notes", "", json.dumps(NOTES)],
    ]
    assert all(len(row) == 6 for row in rows)


def test_markdown_lists_findings(tmp_path: Path) -> None:
    no_knowledge = edited(BASE, ('    { partner = "uni", since = 2018-02-01 },\n', ""))
    old = write_registry(tmp_path, BASE, "old.toml")
    new = write_registry(tmp_path, no_knowledge, "new.toml")
    text = run("diff", str(old), str(new), "--format", "markdown", "--on", ON).stdout
    assert "#### Findings added (1)" in text
    line = line_of(no_knowledge, "members = [", after="[clusters.alpha]")
    assert (
        f"| error | FC105 | triple-helix | alpha | {line} | no knowledge member on {ON} |" in text
    )
    assert "Findings removed" not in text


# -- the pure comparison -----------------------------------------------------------------


def test_a_funding_start_is_paired_only_when_one_period_overlaps_one() -> None:
    from flanders_clusters.views.comparison import changes

    def registry(*periods):
        funding = [{"start": dt.date(*a), "end": dt.date(*b)} for a, b in periods]
        return {
            "schema_version": 1,
            "clusters": {"c": {"name": "C", "type": "icn", "domain": "D", "funding": funding}},
        }

    old = registry(((2020, 1, 1), (2020, 12, 31)))
    split = registry(((2020, 2, 1), (2020, 6, 30)), ((2020, 7, 1), (2020, 12, 31)))
    ops = [(c["id"], c["op"]) for c in changes(old, split)]
    assert ops == [
        ("c/2020-01-01", "removed"),
        ("c/2020-02-01", "added"),
        ("c/2020-07-01", "added"),
    ]
    moved = registry(((2020, 3, 1), (2020, 12, 31)))
    assert [(c["id"], c["op"], c["fields"]) for c in changes(old, moved)] == [
        ("c/2020-03-01", "changed", {"start": both(dt.date(2020, 1, 1), dt.date(2020, 3, 1))})
    ]
    apart = registry(((2022, 1, 1), (2022, 12, 31)))
    assert [c["op"] for c in changes(old, apart)] == ["removed", "added"]


def test_an_organiser_follows_a_rename_or_is_a_change() -> None:
    from flanders_clusters.views.comparison import changes

    def registry(partner: str, organiser: str, start="2020-01-01"):
        return {
            "schema_version": 1,
            "partners": {
                partner: {"name": "P", "kind": "other", "enterprise_number": "0403.170.701"}
            },
            "events": {
                "e": {"title": "E", "kind": "other", "start": start, "organiser": organiser}
            },
        }

    renamed = {"record": "partner", "id": "q", "op": "renamed", "fields": {"id": both("p", "q")}}
    assert changes(registry("p", "p"), registry("q", "q")) == [renamed]
    assert changes(registry("p", "p"), registry("q", "p")) == [
        renamed,
        {"record": "event", "id": "e", "op": "changed", "fields": {"organiser": both("q", "p")}},
    ]
    # A start that is not a date pairs with nothing (the file has schema problems).
    odd = {
        "schema_version": 1,
        "clusters": {"c": {"funding": [{"start": "2020", "end": "2021"}]}},
    }
    other = {
        "schema_version": 1,
        "clusters": {"c": {"funding": [{"start": "2019", "end": "2021"}]}},
    }
    assert [(c["id"], c["op"]) for c in changes(odd, other)] == [
        ("c/2019", "added"),
        ("c/2020", "removed"),
    ]


def test_values_compare_as_values() -> None:
    from flanders_clusters.views.comparison import changes

    def registry(value):
        return {"schema_version": 1, "partners": {"p": {"name": "P", "kind": "other", "x": value}}}

    assert changes(registry(500000), registry(500000.0)) == []
    assert changes(registry(float("nan")), registry(float("nan"))) == []
    assert changes(registry({"a": [1]}), registry({"a": [1.0]})) == []
    assert [c["fields"] for c in changes(registry(1), registry("1"))] == [{"x": both(1, "1")}]
    day = dt.date(2020, 1, 1)
    assert [c["fields"] for c in changes(registry(day), registry("2020-01-01"))] == [
        {"x": both(day, "2020-01-01")}
    ]


# -- properties of the pure comparison -----------------------------------------------------
#
# Pairs of registries, either drawn apart from small pools of ids (so that records match,
# differ, come and go, and partners are renamed when their enterprise numbers meet), or
# one drawn and then edited (renames followed everywhere or only in part, moved funding
# starts, fields set and records dropped). Applying the JSON changes to OLD with the
# applier below — written from the documented meaning, not from the product's code —
# must give NEW.

PARTNER_IDS = ("p1", "p2", "p3", "p4", "p5")
NEW_IDS = ("q1", "q2", "q3")
CLUSTER_IDS = ("c1", "c2", "c3")
EVENT_IDS = ("e1", "e2")
NUMBERS = ("0123.456.749", "0200.065.765", "BE0200065765", "0403.170.701")
DAYS = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))
TEXT = st.text(max_size=6)


def _optional(required: dict, **optional):
    return st.fixed_dictionaries(required, optional=optional)


PARTNER = _optional(
    {"name": TEXT, "kind": st.sampled_from(("company", "knowledge", "government", "other"))},
    enterprise_number=st.sampled_from(NUMBERS),
    postal_code=st.sampled_from(("2000", "1000", "9000")),
    country=st.sampled_from(("BE", "NL")),
    nace=st.lists(st.sampled_from(("62010", "70220")), max_size=2),
)
FUNDING = _optional(
    {"start": DAYS, "end": DAYS},
    annual_support_eur=st.integers(0, 600_000) | st.floats(0, 6e5, allow_nan=False),
    end_basis=st.sampled_from(("published", "policy-max")),
)
LABEL = _optional(
    {"scheme": st.just("esca"), "level": st.sampled_from(("bronze", "silver")), "awarded": DAYS},
    expires=DAYS,
)


@st.composite
def registries(draw):
    partners = draw(st.dictionaries(st.sampled_from(PARTNER_IDS), PARTNER, max_size=5))
    ids = sorted(partners)
    member = _optional(
        {"partner": st.sampled_from(ids)} if ids else {},
        role=st.sampled_from(("member", "founder", "board")),
        since=DAYS,
        until=DAYS,
    )
    members = (
        st.lists(member, max_size=4, unique_by=lambda m: m["partner"]) if ids else st.builds(list)
    )
    cluster = _optional(
        {"name": TEXT, "type": st.sampled_from(("spearhead", "icn")), "domain": TEXT},
        recognised=DAYS,
        sources=st.lists(TEXT, max_size=2),
        notes=TEXT,
        funding=st.lists(FUNDING, max_size=3, unique_by=lambda p: p["start"]),
        labels=st.lists(LABEL, max_size=2, unique_by=lambda x: x["awarded"]),
        members=members,
    )
    clusters = draw(st.dictionaries(st.sampled_from(CLUSTER_IDS), cluster, max_size=3))
    participant = _optional(
        {"partner": st.sampled_from(ids)} if ids else {},
        role=st.sampled_from(("speaker", "attendee")),
    )
    event = _optional(
        {"title": TEXT, "kind": st.sampled_from(("learning", "other")), "start": DAYS},
        place=TEXT,
        clusters=st.lists(st.sampled_from(CLUSTER_IDS), unique=True, max_size=2),
        organiser=st.sampled_from(ids) if ids else st.nothing(),
        participants=st.lists(participant, max_size=3, unique_by=lambda p: p["partner"])
        if ids
        else st.builds(list),
    )
    events = draw(st.dictionaries(st.sampled_from(EVENT_IDS), event, max_size=2))
    data = {"schema_version": 1}
    policy = draw(_optional({}, ending_soon_days=st.integers(0, 400), ignore=st.just(["FC109"])))
    for key, value in (("policy", policy), ("clusters", clusters), ("partners", partners)):
        if value or draw(st.booleans()):
            data[key] = value
    if events:
        data["events"] = events
    return data


def _references(data: dict, old: str, new: str, *, every: bool = True) -> None:
    """Point references to partner ``old`` at ``new`` (all, or those of one cluster)."""
    for position, cluster in enumerate((data.get("clusters") or {}).values()):
        if every or position == 0:
            for member in cluster.get("members") or ():
                if member["partner"] == old:
                    member["partner"] = new
    for event in (data.get("events") or {}).values():
        if event.get("organiser") == old:
            event["organiser"] = new
        for participant in event.get("participants") or ():
            if participant["partner"] == old:
                participant["partner"] = new


def _cluster_references(data: dict, old: str, new: str) -> None:
    """Point an event's clusters and a cluster's successor naming ``old`` at ``new``."""
    for event in (data.get("events") or {}).values():
        if old in (event.get("clusters") or ()):
            event["clusters"] = sorted(new if c == old else c for c in event["clusters"])
    for cluster in (data.get("clusters") or {}).values():
        if cluster.get("successor") == old:
            cluster["successor"] = new


@st.composite
def edited_copies(draw):
    import copy

    old = draw(registries())
    new = copy.deepcopy(old)
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(("rename", "set", "drop", "move", "role", "level")))
        partners = new.get("partners") or {}
        clusters = new.get("clusters") or {}
        if action == "rename" and partners:
            pid = draw(st.sampled_from(sorted(partners)))
            fresh = [i for i in NEW_IDS if i not in partners]
            if fresh:
                target = draw(st.sampled_from(fresh))
                partners[target] = partners.pop(pid)
                _references(new, pid, target, every=draw(st.booleans()))
        elif action == "set" and clusters:
            cluster = clusters[draw(st.sampled_from(sorted(clusters)))]
            cluster[draw(st.sampled_from(("domain", "notes")))] = draw(TEXT)
        elif action == "drop" and clusters:
            cluster = clusters[draw(st.sampled_from(sorted(clusters)))]
            if cluster.get("members"):
                cluster["members"].pop(draw(st.integers(0, len(cluster["members"]) - 1)))
            else:
                cluster.pop("funding", None)
        elif action == "role" and clusters:
            cluster = clusters[draw(st.sampled_from(sorted(clusters)))]
            for member in (cluster.get("members") or ())[:1]:
                member["role"] = draw(st.sampled_from(("member", "founder", "board")))
            for event in (new.get("events") or {}).values():
                for participant in (event.get("participants") or ())[:1]:
                    participant["role"] = draw(st.sampled_from(("speaker", "organiser")))
        elif action == "level" and clusters:
            cluster = clusters[draw(st.sampled_from(sorted(clusters)))]
            for label in (cluster.get("labels") or ())[:1]:
                label["level"] = draw(st.sampled_from(("bronze", "gold")))
        elif action == "move" and clusters:
            cluster = clusters[draw(st.sampled_from(sorted(clusters)))]
            if cluster.get("funding"):
                period = cluster["funding"][0]
                moved = period["start"] + dt.timedelta(days=draw(st.integers(-40, 40)))
                if moved not in {p["start"] for p in cluster["funding"]}:
                    period["start"] = moved
    return old, new


PAIRS = st.tuples(registries(), registries()) | edited_copies()
_LISTS = {"clusters": ("funding", "labels", "members"), "events": ("participants",)}
_UNORDERED = ("events", "clusters")  # an event's clusters: a set, sorted in the file


def _key(item: dict, kind: str) -> str:
    if kind == "funding":
        return item["start"].isoformat()
    if kind == "labels":
        return f"{item['scheme']}/{item['awarded'].isoformat()}"
    return item["partner"]


_CHILDREN = {
    "funding": ("clusters", "funding"),
    "label": ("clusters", "labels"),
    "membership": ("clusters", "members"),
    "participant": ("events", "participants"),
}
_PARENTS = {"cluster": "clusters", "partner": "partners", "event": "events"}


def _set(target: dict, fields: dict) -> None:
    import copy

    for key, values in fields.items():
        if values["new"] is None:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(values["new"])


def apply(old: dict, found: list[dict]) -> dict:
    """OLD with the changes applied: renames first (references follow them), then the
    records added or changed, then those in lists, then the records removed."""
    import copy

    data = copy.deepcopy(old)
    for change in found:
        if change["op"] == "renamed":
            # A partner (same enterprise number) or any record whose content is the same.
            table = _PARENTS[change["record"]]
            before, after = change["fields"]["id"]["old"], change["fields"]["id"]["new"]
            data[table][after] = data[table].pop(before)
            if table == "partners":
                _references(data, before, after)
            elif table == "clusters":
                _cluster_references(data, before, after)
            _set(data[table][after], {k: v for k, v in change["fields"].items() if k != "id"})
    for change in found:
        name, op = change["record"], change["op"]
        if name in _CHILDREN or op == "renamed":
            continue
        if name == "registry":
            target = data
        elif name == "policy":
            target = data.setdefault("policy", {})
        else:
            target = data.setdefault(_PARENTS[name], {}).setdefault(change["id"], {})
        if op == "removed":
            continue
        _set(target, change["fields"])
    for change in found:
        if change["record"] not in _CHILDREN:
            continue
        table, field = _CHILDREN[change["record"]]
        parent, key = change["id"].split("/", 1)
        items = data[table][parent].setdefault(field, [])
        if change["op"] == "added":
            items.append({k: v["new"] for k, v in change["fields"].items()})
            continue
        if "start" in change["fields"]:
            key = change["fields"]["start"]["old"].isoformat()
        index = next(i for i, item in enumerate(items) if _key(item, field) == key)
        if change["op"] == "removed":
            items.pop(index)
        else:
            _set(items[index], change["fields"])
    for change in found:
        if change["op"] == "removed" and change["record"] not in _CHILDREN:
            if change["record"] == "policy":
                del data["policy"]
            elif change["record"] != "registry":
                del data[_PARENTS[change["record"]]][change["id"]]
    return data


def normal(data: dict) -> dict:
    """A registry with empty tables and lists of records dropped and lists sorted."""

    def text(value) -> str:
        return json.dumps(value, sort_keys=True, default=str)

    out = {}
    for key, value in data.items():
        if key in ("clusters", "partners", "events", "policy") and not value:
            continue
        if key in _LISTS:
            value = {
                rid: {
                    k: sorted(v, key=text) if k in _LISTS[key] or (key, k) == _UNORDERED else v
                    for k, v in record.items()
                    if not (k in _LISTS[key] and not v)
                }
                for rid, record in value.items()
            }
        out[key] = value
    return out


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAIRS)
def test_applying_the_changes_to_old_gives_new(pair) -> None:
    from flanders_clusters.views.comparison import changes

    old, new = pair
    found = changes(old, new)
    assert normal(apply(old, found)) == normal(new)
    assert changes(new, new) == []


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(registries(), st.randoms(use_true_random=False))
def test_textconv_ignores_layout_and_order(data, random) -> None:
    import tomllib

    from flanders_clusters.formats.textconv import textconv
    from flanders_clusters.registry import canonical

    facts = textconv(data)
    assert textconv(tomllib.loads(canonical.dumps(data))) == facts  # what fmt writes

    def shuffled(value):
        if isinstance(value, dict):
            keys = list(value)
            random.shuffle(keys)
            return {key: shuffled(value[key]) for key in keys}
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            items = [shuffled(item) for item in value]
            random.shuffle(items)
            return items
        return value

    assert textconv(shuffled(data)) == facts


TOML_VALUES = st.recursive(
    st.none().map(lambda _: 1)
    | st.booleans()
    | st.integers()
    | st.floats()
    | TEXT
    | DAYS
    | st.datetimes()
    | st.times(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(("schema_version", "policy", "clusters", "partners", "events")) | TEXT,
        TOML_VALUES
        | st.dictionaries(
            TEXT,
            st.dictionaries(
                st.sampled_from(("members", "funding", "labels", "participants", "name")) | TEXT,
                TOML_VALUES,
                max_size=3,
            ),
            max_size=3,
        ),
        max_size=5,
    )
)
def test_textconv_and_changes_never_fail_on_any_toml(data) -> None:
    from flanders_clusters.formats.textconv import textconv
    from flanders_clusters.views.comparison import changes

    facts = textconv(data)
    assert all(line.count(" ") >= 1 for line in facts.splitlines())
    changes(data, {"schema_version": 1})
    changes({"schema_version": 1}, data)
