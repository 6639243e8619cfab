"""What `clusters validate` prints and returns: JSON shape, text, GitHub annotations, exit
codes, the line of each finding, and the shipped registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, SMALL, run, run_subprocess, write_registry
from test_rules import (
    BASE,
    BETA_DOMAIN,
    BOLT_IN_BETA,
    NO_ACTION_PLAN,
    ON,
    after,
    member,
    plant,
    with_policy,
)

FINDING_KEYS = {"code", "rule", "severity", "message", "cluster", "partner", "path", "line"}

# alpha: two errors (FC102, FC104); beta: a warning (FC108) and an info (FC106, partial list).
MIXED = plant(
    ("end = 2027-12-31", "end = 2028-01-01"),
    ("support_rate = 0.5", "support_rate = 0.6"),
    NO_ACTION_PLAN,
    after(BOLT_IN_BETA, member("uni") + member("gov")),
    after(BETA_DOMAIN, "members_complete = false\n"),
)


def validate(path: Path, *args: str, on: str = ON):
    return run("--registry", str(path), "validate", "--on", on, *args)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based number of the line holding ``needle`` (its n-th occurrence)."""
    numbers = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(numbers) >= occurrence, needle
    return numbers[occurrence - 1]


# -- JSON ---------------------------------------------------------------------------------


def test_json_shape(tmp_path):
    path = write_registry(tmp_path, MIXED)
    result = validate(path, "--json")
    data = result.json()
    assert set(data) == {"registry", "valid", "counts", "findings"}
    assert data["registry"] == str(path)
    assert data["valid"] is False
    assert data["counts"] == {"error": 2, "warning": 1, "info": 1}
    for finding in data["findings"]:
        assert set(finding) >= FINDING_KEYS
        assert isinstance(finding["line"], int)
    keys = ("code", "rule", "severity", "cluster", "partner", "path")
    summary = [tuple(f[k] for k in keys) for f in data["findings"]]
    assert summary == [
        ("FC102", "spearhead-support-period", "error", "alpha", None, "clusters.alpha.funding"),
        ("FC104", "support-rate", "error", "alpha", None, "clusters.alpha.funding[0].support_rate"),
        ("FC108", "action-plan", "warning", "beta", None, "clusters.beta"),
        ("FC106", "company-driven", "info", "beta", None, "clusters.beta.members"),
    ]
    assert result.exit_code == 1


def test_json_names_the_partner_and_its_path(tmp_path):
    text = plant(after('    { partner = "uni", since = 2018-02-01 },\n', member("ghost")))
    [finding] = validate(write_registry(tmp_path, text), "--json").json()["findings"]
    assert finding["code"] == "FC002"
    assert (finding["cluster"], finding["partner"]) == ("alpha", "ghost")
    assert finding["path"] == "clusters.alpha.members[5].partner"


def test_format_json_is_json(tmp_path):
    path = write_registry(tmp_path, MIXED)
    assert validate(path, "--format", "json").json() == validate(path, "--json").json()


@pytest.mark.parametrize("other", ["text", "github"])
def test_json_and_another_format_disagree(tmp_path, other):
    result = validate(write_registry(tmp_path, BASE), "--json", "--format", other)
    assert result.exit_code == 2
    assert "error" in result.json()


def test_unknown_format_is_a_usage_error(tmp_path):
    result = validate(write_registry(tmp_path, BASE), "--format", "xml")
    assert result.exit_code == 2
    assert "xml" in result.stderr


# -- exit codes ------------------------------------------------------------------------------

WARNING_ONLY = plant(NO_ACTION_PLAN)
INFO_ONLY = plant(
    after(BOLT_IN_BETA, member("uni") + member("gov")),
    after(BETA_DOMAIN, "members_complete = false\n"),
)


@pytest.mark.parametrize(
    ("text", "strict", "code"),
    [
        pytest.param(BASE, False, 0, id="clean"),
        pytest.param(BASE, True, 0, id="clean-strict"),
        pytest.param(INFO_ONLY, True, 0, id="info-strict"),
        pytest.param(WARNING_ONLY, False, 0, id="warning"),
        pytest.param(WARNING_ONLY, True, 1, id="warning-strict"),
        pytest.param(MIXED, False, 1, id="errors"),
    ],
)
def test_exit_code_and_valid(tmp_path, text, strict, code):
    args = ("--json", "--strict") if strict else ("--json",)
    result = validate(write_registry(tmp_path, text), *args)
    assert result.exit_code == code
    assert result.json()["valid"] is (code == 0)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        pytest.param(b"schema_version = 1\n[clusters\n", "toml-syntax", id="not-toml"),
        pytest.param(b'schema_version = 1\nname = "\xff"\n', "toml-syntax", id="not-utf8"),
        pytest.param(None, "registry-not-found", id="missing"),
    ],
)
def test_unreadable_registry_exits_3(tmp_path, raw, error):
    path = tmp_path / "clusters.toml"
    if raw is not None:
        path.write_bytes(raw)
    result = validate(path, "--json")
    assert result.exit_code == 3
    assert result.json()["error"]["code"] == error
    text = validate(path)
    assert text.exit_code == 3
    assert str(path) in text.stderr


SCHEMA_BROKEN = """\
[clusters.alpha]
name = "Alpha"
type = "spearhead"
domain = "Chemistry"
recognised = "2018-01-01"
colour = "blue"
funding = [
    { start = 2018-01-01, end = 2027-12-31, end_basis = "guess" },
]
members = [
    { partner = "acme", role = "chair" },
]

[partners.acme]
name = "Acme NV"
kind = "company"
country = "Belgium"
"""

SCHEMA_PROBLEMS = [
    # (path, the text on its line, cluster, partner)
    ("schema_version", None, None, None),
    ("clusters.alpha.recognised", "recognised = ", "alpha", None),
    ("clusters.alpha.colour", "colour = ", "alpha", None),
    ("clusters.alpha.funding[0].end_basis", "end_basis = ", "alpha", None),
    ("clusters.alpha.members[0].role", 'role = "chair"', "alpha", None),
    ("partners.acme.country", "country = ", None, "acme"),
]


def test_schema_problems_are_all_fc001_findings_with_lines(tmp_path):
    path = write_registry(tmp_path, SCHEMA_BROKEN)
    result = validate(path, "--json")
    assert result.exit_code == 1
    data = result.json()
    assert data["valid"] is False
    assert {f["code"] for f in data["findings"]} == {"FC001"}
    assert {f["severity"] for f in data["findings"]} == {"error"}
    by_path = {f["path"]: f for f in data["findings"]}
    assert set(by_path) == {p for p, *_ in SCHEMA_PROBLEMS}
    for where, needle, cluster, partner in SCHEMA_PROBLEMS:
        finding = by_path[where]
        assert finding["line"] == (line_of(SCHEMA_BROKEN, needle) if needle else 1), where
        assert (finding["cluster"], finding["partner"]) == (cluster, partner), where
    assert "rules other than FC001 were not run" in result.stderr


def test_schema_problems_in_text_and_github_output(tmp_path):
    path = write_registry(tmp_path, SCHEMA_BROKEN)
    text = validate(path)
    assert text.exit_code == 1
    assert f"{path}:{line_of(SCHEMA_BROKEN, 'colour = ')}" in text.stdout
    assert "unknown key 'colour'" in text.stdout
    assert text.stdout.strip().splitlines()[-1].startswith("6 errors, 0 warnings, 0 info")

    github = validate(path, "--format", "github")
    assert github.exit_code == 1
    lines = github.stdout.splitlines()
    assert len(lines) == 6
    assert all(re.match(r"::error file=.*,line=\d+,", line) for line in lines)


def test_schema_problem_in_text_names_its_key(tmp_path):
    # "-5 is below 0" alone does not say which value: the key follows the file and line.
    text = plant(after(BETA_DOMAIN, "reported_members = -5\n"))
    path = write_registry(tmp_path, text)
    lines = validate(path).stdout.splitlines()
    [at] = [n for n, line in enumerate(lines) if line.strip() == "-5 is below 0"]
    where = f"{path}:{line_of(text, 'reported_members = -5')}"
    assert lines[at - 1].split() == [
        "error",
        "FC001",
        "schema",
        where,
        "clusters.beta.reported_members",
    ]
    github = validate(path, "--format", "github").stdout
    assert f",line={where.rpartition(':')[2]},title=FC001 schema::" in github
    assert (
        "::clusters.beta.reported_members: -5 is below 0 (fix: use a value of 0 or more)" in github
    )


def test_schema_problems_stop_the_other_rules(tmp_path):
    # A duplicate member (FC003) would be found in a well-formed file; here only FC001.
    text = plant(after(BOLT_IN_BETA, member("bolt")), ('type = "icn"', 'type = "ICN"'))
    result = validate(write_registry(tmp_path, text), "--json", "--rule", "FC003")
    assert [(f["code"], f["path"]) for f in result.json()["findings"]] == [
        ("FC001", "clusters.beta.type")
    ]
    assert result.exit_code == 1


# -- text output -------------------------------------------------------------------------------


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith(" ")]


def test_text_groups_findings_by_cluster_with_file_line_and_summary(tmp_path):
    path = write_registry(tmp_path, MIXED)
    result = validate(path)
    assert result.exit_code == 1
    assert headings(result.stdout) == ["alpha", "beta", "2 errors, 1 warning, 1 info"]
    lines = result.stdout.splitlines()
    for finding in validate(path, "--json").json()["findings"]:
        head = f"{finding['code']} {finding['rule']}  {path}:{finding['line']}"
        [at] = [n for n, line in enumerate(lines) if head in line]
        assert lines[at].endswith(f"{head}  {finding['path']}")  # the key, after the line
        assert lines[at].split()[0] == finding["severity"]
        assert lines[at + 1].strip() == finding["message"]
        group = lines.index(finding["cluster"])
        assert group < at
        assert all(line.startswith(" ") for line in lines[group + 1 : at])


def test_text_of_a_clean_registry_is_the_summary(tmp_path):
    result = validate(write_registry(tmp_path, BASE))
    assert result.exit_code == 0
    assert result.stdout.strip() == "0 errors, 0 warnings, 0 info"


def test_text_groups_partner_and_registry_findings(tmp_path):
    bad_number = ('"0123.456.749"', '"0123.456.789"')  # FC004, a partner's
    text = with_policy("max_active_spearheads = 0", plant(bad_number, NO_ACTION_PLAN))  # FC107
    result = validate(write_registry(tmp_path, text))
    assert headings(result.stdout) == [
        "beta",
        "partners",
        "registry",
        "1 error, 2 warnings, 0 info",
    ]
    assert "FC004 enterprise-number" in result.stdout
    assert "FC107 spearhead-count" in result.stdout


def test_text_keeps_each_group_together(tmp_path):
    # Partner problems on both sides of a [policy] problem: one partners group.
    text = (
        'schema_version = 1\n\n[partners.p]\nname = "P"\nkind = "firm"\n\n'
        '[policy]\nsupport_rate = 2.0\n\n[partners.q]\nname = "Q"\nkind = "company"\n'
        'colour = "red"\n'
    )
    result = validate(write_registry(tmp_path, text))
    assert result.exit_code == 1
    assert headings(result.stdout) == ["partners", "registry", "3 errors, 0 warnings, 0 info"]


def test_text_shows_data_literally(tmp_path):
    result = validate(write_registry(tmp_path, plant(('"0123.456.749"', '"[bold]12[/]"'))))
    assert "'[bold]12[/]' is not an enterprise number" in result.stdout


# -- GitHub annotations ------------------------------------------------------------------------

ANNOTATION = re.compile(
    r"^::(error|warning|notice) file=([^,]*),line=(\d+)(?:,title=[^:]*)?::(.+)$"
)


def test_github_prints_one_annotation_per_finding(tmp_path):
    # On 2023-10-01 beta's funding ends in 91 days: an info besides the error and warning.
    text = plant(("support_rate = 0.5", "support_rate = 0.6"), NO_ACTION_PLAN)
    path = write_registry(tmp_path, text)
    result = validate(path, "--format", "github", on="2023-10-01")
    assert result.exit_code == 1
    findings = validate(path, "--json", on="2023-10-01").json()["findings"]
    assert [f["code"] for f in findings] == ["FC104", "FC108", "FC111"]
    lines = result.stdout.splitlines()
    assert len(lines) == len(findings)
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for line, finding in zip(lines, findings, strict=True):
        match = ANNOTATION.match(line)
        assert match, line
        assert match[1] == level[finding["severity"]]
        assert match[2] == str(path)
        assert int(match[3]) == finding["line"]
        # the key, then the message
        assert match[4].startswith(f"{finding['path']}: " + finding["message"].replace("%", "%25"))
    # FC104's fix says "50 %": a % is written %25 in a workflow command.
    assert "50 %25" in lines[0]
    assert "50 % " not in lines[0]


def test_github_escapes_percent_in_data(tmp_path):
    # (A line break cannot reach a message: one-line fields refuse them, FC001 quotes.)
    text = plant(('"0123.456.749"', '"12%34"'), ('postal_code = "9000"', 'postal_code = "1000"'))
    path = write_registry(tmp_path, text)
    findings = validate(path, "--json").json()["findings"]
    result = validate(path, "--format", "github")
    lines = result.stdout.splitlines()
    assert len(lines) == len(findings) == 3
    assert all(ANNOTATION.match(line) for line in lines)
    assert [line.split(" ")[0] for line in lines] == ["::warning", "::warning", "::error"]
    assert "(Brussels), not in Flanders" in lines[0]
    assert "'12%2534' is not an enterprise number" in lines[2]


def test_github_on_a_clean_registry_prints_nothing(tmp_path):
    result = validate(write_registry(tmp_path, BASE), "--format", "github")
    assert result.exit_code == 0
    assert result.stdout == ""


# -- the line of a finding -------------------------------------------------------------------

# SMALL (conftest) is in canonical form: funding and members as inline tables.
INLINE = [
    pytest.param(
        ('{ partner = "uni", role = "member"', '{ partner = "ghost", role = "member"'),
        "FC002", 'partner = "ghost"', id="FC002-member",
    ),
    pytest.param(
        ('{ partner = "uni", role = "member", since = 2018-02-01 }',
         '{ partner = "uni", role = "member", since = 2017-02-01 }'),
        "FC110", 'partner = "uni"', id="FC110-member-since",
    ),
    pytest.param(
        ("annual_support_eur = 100000", "annual_support_eur = 200000"),
        "FC103", "annual_support_eur = ", id="FC103-period",
    ),
    pytest.param(
        ('"0123.456.749"', '"0123.456.789"'), "FC004", "enterprise_number = ", id="FC004",
    ),
    pytest.param(
        ('postal_code = "2000"', 'postal_code = "1000"'), "FC109", "postal_code = ", id="FC109",
    ),
    pytest.param(
        ('action_plan = "https://beta.example/plan"\n', ""), "FC108", "[clusters.beta]",
        id="FC108-cluster",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("change", "code", "needle"), INLINE)
def test_line_in_canonical_inline_style(tmp_path, change, code, needle):
    text = plant(change, text=SMALL)
    result = validate(write_registry(tmp_path, text), "--json", on="2020-06-01")
    lines = {f["line"] for f in result.json()["findings"] if f["code"] == code}
    assert lines == {line_of(text, needle)}


ARRAY_OF_TABLES = """\
schema_version = 1

[clusters.alpha]
name = "Alpha Cluster"
type = "spearhead"
domain = "Chemistry"
recognised = 2018-01-01

[[clusters.alpha.funding]]
start = 2018-01-01
end = 2027-12-31

[[clusters.alpha.funding]]
start = 2027-06-01
end = 2027-12-31
annual_support_eur = 900000

[[clusters.alpha.members]]
partner = "acme"
role = "founder"

[[clusters.alpha.members]]
role = "member"
since = 2017-03-01
partner = "uni"

[[clusters.alpha.members]]
partner = "ghost"

[[clusters.alpha.members]]
partner = "acme"
role = "board"

[partners.acme]
name = "Acme NV"
kind = "company"

[partners.uni]
name = "Example University"
kind = "knowledge"
"""


def test_lines_in_array_of_tables_style(tmp_path):
    path = write_registry(tmp_path, ARRAY_OF_TABLES)
    result = validate(path, "--json")
    lines = {(f["code"], f["partner"]): f["line"] for f in result.json()["findings"]}
    text = ARRAY_OF_TABLES
    assert lines[("FC002", "ghost")] == line_of(text, 'partner = "ghost"')
    assert lines[("FC110", "uni")] == line_of(text, "since = 2017-03-01")
    assert lines[("FC003", "acme")] == line_of(text, "[[clusters.alpha.members]]", occurrence=4)
    assert lines[("FC005", None)] == line_of(text, "[[clusters.alpha.funding]]", occurrence=2)
    assert lines[("FC103", None)] == line_of(text, "annual_support_eur = 900000")
    assert lines[("FC105", None)] == line_of(text, "[[clusters.alpha.members]]")


# -- the shipped registry ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "on", ["2016-06-01", "2019-01-01", "2022-06-01", "2024-01-01", "2026-06-01"]
)
def test_shipped_registry_validates(on):
    result = validate(SHIPPED_DATA, "--json", on=on)
    assert result.exit_code == 0, result.stdout
    data = result.json()
    assert data["valid"] is True
    assert data["counts"]["error"] == 0

    text = validate(SHIPPED_DATA, on=on)
    assert text.exit_code == 0
    counts = data["counts"]
    entries = [line for line in text.stdout.splitlines() if re.match(r"  \S", line)]
    shown = [line.split()[0] for line in entries]
    assert shown.count("warning") == counts["warning"]
    assert shown.count("info") == counts["info"]
    summary = text.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"0 errors, {counts['warning']} warning")


def test_shipped_registry_validates_as_installed(tmp_path):
    # No --registry, no ./data: the copy inside the package, run as a user runs it.
    completed = run_subprocess("validate", "--on", "2024-01-01", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip().splitlines()[-1].startswith("0 errors, ")
    assert "Traceback" not in completed.stderr


def test_validate_as_installed_exits_1_on_errors(tmp_path):
    path = write_registry(tmp_path, MIXED)
    completed = run_subprocess(
        "validate", "--on", ON, "--format", "github", "--registry", str(path)
    )
    assert completed.returncode == 1
    assert completed.stdout.count("::error ") == 2
