"""A registry that cannot be read: every problem named with its file, line and key path.

Exit 3 for a missing file, broken TOML, bytes that are not UTF-8 and schema problems;
``--json`` turns each into ``{"error": {"code": …}}`` on stdout. Never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SMALL, cli, digest, findings_of, replaced, run, run_subprocess, write_registry

THREE_PROBLEMS = """\
#:schema ./clusters.schema.json

schema_version = 1

[clusters.x]
name = "X"
type = "icn"
domain = "Drones"
webiste = "https://x.example"
members = [
    { partner = "p", since = "2019-02-30" },
]

[partners.p]
name = "P"
"""


def test_three_problems_reported_with_lines_and_paths(tmp_path: Path) -> None:
    path = write_registry(tmp_path, THREE_PROBLEMS)
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"error: {path}: 3 schema problems",
        f"  {path}:9: clusters.x.webiste: unknown key 'webiste'; fix: did you mean 'website'?",
        f"  {path}:11: clusters.x.members[0].since: expected a date, got the string "
        "'2019-02-30', which is not a calendar date; fix: write a real date as YYYY-MM-DD, "
        "without quotes",
        f"  {path}:14: partners.p.kind: missing required key 'kind'; fix: add kind = …",
    ]


def test_three_problems_as_json(tmp_path: Path) -> None:
    path = write_registry(tmp_path, THREE_PROBLEMS)
    result = run("--registry", str(path), "list", "--json")
    assert result.exit_code == 3
    assert result.stderr == ""
    error = result.json()["error"]
    assert error["code"] == "schema"
    assert error["message"] == f"{path}: 3 schema problems"
    assert [line.split(": ")[0] for line in error["details"]] == [
        f"{path}:9",
        f"{path}:11",
        f"{path}:14",
    ]
    assert "clusters.x.members[0].since" in error["details"][1]


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "x"],
        ["partners"],
        ["partner", "show", "p"],
        ["fmt"],
        ["fmt", "--check"],
    ],
)
def test_every_command_refuses_a_registry_with_schema_problems(
    tmp_path: Path, args: list[str]
) -> None:
    path = write_registry(tmp_path, THREE_PROBLEMS)
    before = digest(path)
    result = run("--registry", str(path), *args)
    assert result.exit_code == 3
    assert "3 schema problems" in result.stderr
    assert "clusters.x.members[0].since" in result.stderr
    assert digest(path) == before
    as_json = run("--registry", str(path), *args, "--json")
    assert as_json.exit_code == 3
    assert as_json.json()["error"]["code"] == "schema"


@pytest.mark.slow
def test_schema_problems_in_a_subprocess(tmp_path: Path) -> None:
    path = write_registry(tmp_path, THREE_PROBLEMS)
    done = run_subprocess("--registry", str(path), "list")
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert f"{path}:11: clusters.x.members[0].since" in done.stderr
    done_json = run_subprocess("--registry", str(path), "list", "--json")
    assert done_json.returncode == 3
    assert json.loads(done_json.stdout)["error"]["code"] == "schema"


def test_a_real_date_in_quotes_says_remove_the_quotes(tmp_path: Path) -> None:
    path = write_registry(
        tmp_path, SMALL.replace("recognised = 2018-01-01", 'recognised = "2018-01-01"')
    )
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert (
        f"{path}:9: clusters.alpha.recognised: expected a date, got the string '2018-01-01'; "
        "fix: remove the quotes: recognised = 2018-01-01"
    ) in result.stderr


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        (
            'name = "Alpha Cluster"',
            "name = 5",
            "clusters.alpha.name: expected a string, got an integer",
        ),
        ('name = "Alpha Cluster"', 'name = ""', "clusters.alpha.name: must not be empty"),
        (
            'type = "icn"',
            'type = "network"',
            "clusters.beta.type: 'network' is not allowed; fix: use one of 'spearhead' or 'icn'",
        ),
        (
            "recognised = 2018-01-01",
            "recognised = 2018-01-01T08:00:00",
            "write the date alone: 2018-01-01",
        ),
        (
            "recognised = 2018-01-01",
            "recognised = 08:00:00",
            "clusters.alpha.recognised: expected a date, got a time",
        ),
        (
            "recognised = 2018-01-01",
            "reported_members = -3",
            "clusters.alpha.reported_members: -3 is below 0",
        ),
        (
            "recognised = 2018-01-01",
            'members_complete = "no"',
            "clusters.alpha.members_complete: expected true or false, got a string",
        ),
        (
            'sources = [\n    "https://alpha.example",\n]',
            'sources = "https://alpha.example"',
            "clusters.alpha.sources: expected an array, got a string",
        ),
        (
            'postal_code = "2000"',
            "postal_code = 2000",
            "partners.acme.postal_code: expected a string, got an integer",
        ),
        (
            'kind = "knowledge"',
            'kind = "university"',
            "partners.uni.kind: 'university' is not allowed",
        ),
        ('size = "large"', 'size = "big"', "partners.acme.size: 'big' is not allowed"),
        (
            'network_role = "knowledge-centre"',
            'network_role = "university"',
            "partners.uni.network_role",
        ),
        (
            'postal_code = "2000"',
            'country = "Belgium"',
            "partners.acme.country: 'Belgium' is not an ISO 3166-1 alpha-2 country code; "
            "fix: use the country's two-letter code in capitals, e.g. BE, NL, DE",
        ),
        (
            '{ partner = "acme" },',
            '{ partner = "Acme NV" },',
            "clusters.beta.members[0].partner: 'Acme NV' is not a valid id",
        ),
        (
            '{ partner = "acme" },',
            '{ partner = "acme", role = "chair" },',
            "clusters.beta.members[0].role: 'chair' is not allowed",
        ),
        (
            "annual_support_eur = 100000",
            "annual_support_eur = -1",
            "clusters.beta.funding[0].annual_support_eur: -1 is below 0",
        ),
        (
            "annual_support_eur = 100000",
            'annual_support_eur = "100000"',
            "clusters.beta.funding[0].annual_support_eur: expected a number, got a string",
        ),
        (
            "annual_support_eur = 100000",
            "support_rate = 1.5",
            "clusters.beta.funding[0].support_rate: 1.5 is above 1; fix: use a value of 1 or less",
        ),
        (
            "annual_support_eur = 100000",
            "annual_support_eur = inf",
            "clusters.beta.funding[0].annual_support_eur: inf is not a finite number",
        ),
        (
            "annual_support_eur = 100000",
            "total_support_eur = nan",
            "clusters.beta.funding[0].total_support_eur: nan is not a finite number",
        ),
        (
            'end_basis = "policy-max"',
            'end_basis = "maximum"',
            "clusters.alpha.funding[0].end_basis: 'maximum' is not allowed",
        ),
        ("[partners.gov]", "[partners.Gov]", "partners.Gov: id 'Gov' is not a slug"),
        (
            "schema_version = 1",
            "schema_version = 2",
            "schema_version: schema_version 2 is not one this clusters reads; "
            "fix: set schema_version = 1, or upgrade clusters",
        ),
        ("schema_version = 1", 'schema_version = "1"', "schema_version"),
        (
            "schema_version = 1",
            "schema_version = true",
            "schema_version: schema_version true is not one this clusters reads",
        ),
        ("schema_version = 1", "schema_version = 1.0", "schema_version 1.0 is not one"),
        (
            'name = "Alpha Cluster"',
            'name = "Alpha Cluster "',
            "clusters.alpha.name: 'Alpha Cluster ' has spaces at either end; "
            "fix: remove the leading and trailing spaces",
        ),
        (
            'domain = "Chemistry"',
            'domain = "Chem\\nistry"',
            "clusters.alpha.domain: 'Chem\\nistry' spans lines; fix: write it on one line",
        ),
        (
            "annual_support_eur = 100000",
            "annual_support_eur = 1e13",
            "clusters.beta.funding[0].annual_support_eur: 10000000000000.0 is above 1e+12",
        ),
        (
            "schema_version = 1",
            "schema_version = 1\nclusterz = {}",
            "clusterz: unknown key 'clusterz'; fix: did you mean 'clusters'?",
        ),
        (
            "schema_version = 1",
            'schema_version = 1\n\n[policy]\nignore = ["109"]',
            "policy.ignore[0]: '109' is not a rule code",
        ),
        (
            "schema_version = 1",
            "schema_version = 1\n\n[policy]\nmax_years = { icn = 3, ibn = 3 }",
            "policy.max_years.ibn: unknown key 'ibn'; fix: did you mean 'icn'?",
        ),
        # Refused characters, URLs, countries, postal codes and id lengths (found by the
        # adversarial review and a new user's trial: all were taken with no finding).
        (
            'name = "Alpha Cluster"',
            'name = "Alpha\\u001b[2JCluster"',
            ":6: clusters.alpha.name: 'Alpha\\x1b[2JCluster' holds the control character "
            "U+001B (character 6); this text is one line, without control or bidirectional "
            "characters; fix: remove it",
        ),
        (
            'domain = "Chemistry"',
            'domain = "Chem\\u202eistry"',
            ":8: clusters.alpha.domain: 'Chem\\u202eistry' holds the bidirectional control "
            "U+202E (character 5)",
        ),
        (
            'name = "Acme NV"',
            'name = "Acme\\tNV"',
            ":35: partners.acme.name: 'Acme\\tNV' holds the tab U+0009 (character 5)",
        ),
        (
            'name = "Beta Network"',
            'name = "Beta Network"\nnotes = "ok\\r\\nlines\\ttab\\u0007bell"',
            ":24: clusters.beta.notes: 'ok\\r\\nlines\\ttab\\x07bell' holds the control "
            "character U+0007 (character 14); notes keep line breaks and tabs, but no other "
            "control or bidirectional character",
        ),
        (
            '"https://alpha.example",',
            '"https://alpha.example", "javascript:alert(1)",',
            ":11: clusters.alpha.sources[1]: 'javascript:alert(1)' is not an http or https "
            "URL; fix: write the address in full: https://…",
        ),
        (
            '"https://alpha.example",',
            '"https://alpha.example/\\u202egpj.exe",',
            ":11: clusters.alpha.sources[0]: 'https://alpha.example/\\u202egpj.exe' holds the "
            "bidirectional control U+202E (character 23)",
        ),
        (
            'domain = "Drones"',
            'domain = "Drones"\nwebsite = "data:text/html,<script>alert(1)</script>"',
            "clusters.beta.website: 'data:text/html,<script>alert(1)</script>' is not an http "
            "or https URL",
        ),
        (
            'postal_code = "2000"',
            'postal_code = "2000"\ncountry = "XX"',
            ":40: partners.acme.country: 'XX' is not an ISO 3166-1 alpha-2 country code",
        ),
        (
            'postal_code = "2000"',
            'postal_code = "99999"',
            ":39: partners.acme.postal_code: '99999' is not a Belgian postal code (1000 to "
            "9999), and the partner's country is BE (the default); fix: write the seat's "
            "four-digit postal code, or set country to the seat's country",
        ),
        (
            "[partners.uni]",
            "[partners." + "u" * 65 + "]",
            f":45: partners.{'u' * 65}: id 'uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu' … "
            "'uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu' has 65 characters, more than 64 (an id names a "
            "file of the site); fix: shorten it to at most 64 characters",
        ),
        (
            '{ partner = "acme" },',
            '{ partner = "' + "a" * 65 + '" },',
            ":31: clusters.beta.members[0].partner: id 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' … "
            "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' has 65 characters, more than 64",
        ),
    ],
)
def test_schema_problem_messages(tmp_path: Path, replace: str, by: str, expected: str) -> None:
    assert replace in SMALL
    path = write_registry(tmp_path, SMALL.replace(replace, by, 1))
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3, result.stdout
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    as_json = run("--registry", str(path), "list", "--json")
    assert as_json.json()["error"]["code"] == "schema"


def test_a_list_where_a_table_belongs(tmp_path: Path) -> None:
    path = write_registry(tmp_path, "schema_version = 1\npartners = []\n")
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert f"{path}:2: partners: expected a table, got an array; fix: write a table here" in (
        result.stderr
    )


def test_unknown_key_far_from_any_name_lists_the_allowed_ones(tmp_path: Path) -> None:
    path = write_registry(
        tmp_path, SMALL.replace('kind = "government"', 'kind = "government"\nzzz = 1')
    )
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert (
        "partners.gov.zzz: unknown key 'zzz'; fix: remove it, or use one of: name, kind, size, "
        "enterprise_number, postal_code, country, network_role, website"
    ) in result.stderr


def test_empty_file(tmp_path: Path) -> None:
    path = write_registry(tmp_path, "")
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert "missing required key 'schema_version'" in result.stderr


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL.encode("utf-8"))
    result = run("--registry", str(path), "list", "--json", "--on", "2020-06-01")
    assert result.exit_code == 0
    assert [row["id"] for row in result.json()] == ["alpha", "beta"]


# -- broken TOML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ("schema_version = 1\n[clusters.a\nname = 1\n", "2:12", "Expected ']'"),
        ('schema_version = 1\nname = "unterminated\n', "2:21", "TOML syntax error"),
        ("schema_version = 1\nschema_version = 1\n", "2:19", "Cannot overwrite a value"),
        ("schema_version = 1\n\n\n[clusters.a]\nname = Alpha\n", "5:8", "Invalid value"),
        ("schema_version = 1\nx = [1, 2\n", "3:1", "Unclosed array at the end of the file"),
        ("schema_version = 1\nx = [1, 2", "2:10", "Unclosed array at the end of the file"),
    ],
)
def test_broken_toml_reports_line_and_column(
    tmp_path: Path, text: str, where: str, reason: str
) -> None:
    path = write_registry(tmp_path, text)
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}:{where}: ")
    assert reason in result.stderr
    assert "fix:" in result.stderr
    assert "(at line" not in result.stderr
    as_json = run("--registry", str(path), "list", "--json")
    assert as_json.exit_code == 3
    error = as_json.json()["error"]
    assert error["code"] == "toml-syntax"
    assert error["message"].startswith(f"{path}:{where}: ")


def test_broken_toml_in_a_subprocess(tmp_path: Path) -> None:
    path = write_registry(tmp_path, "schema_version = 1\n[clusters.a\n")
    done = run_subprocess("--registry", str(path), "show", "a")
    assert done.returncode == 3
    assert f"{path}:2:12" in done.stderr
    assert "Traceback" not in done.stderr


def test_fmt_refuses_broken_toml_and_writes_nothing(tmp_path: Path) -> None:
    path = write_registry(tmp_path, "schema_version = 1\n[clusters.a\n")
    before = digest(path)
    result = run("--registry", str(path), "fmt")
    assert result.exit_code == 3
    assert digest(path) == before


# -- not UTF-8 -------------------------------------------------------------------------------


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(b'schema_version = 1\n\n[partners.x]\nname = "Caf\xe9"\nkind = "other"\n')
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert f"{path}:4: not UTF-8" in result.stderr
    assert "0xe9" in result.stderr
    assert "save the file as UTF-8" in result.stderr
    as_json = run("--registry", str(path), "list", "--json")
    assert as_json.exit_code == 3
    assert as_json.json()["error"]["code"] == "toml-syntax"
    done = run_subprocess("--registry", str(path), "list")
    assert done.returncode == 3
    assert "Traceback" not in done.stderr


def test_utf16_file(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(SMALL.encode("utf-16"))
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert "not UTF-8" in result.stderr


# -- never a traceback -----------------------------------------------------------------------

HOSTILE_FILES = {
    "binary": b"\x00\x01\x02\xff\xfe",
    "nul-in-string": b'schema_version = 1\nx = "\x00"\n',
    "deeply-nested-arrays": b"schema_version = 1\nx = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "deeply-nested-tables": b"schema_version = 1\nx = " + b"{a=" * 3000 + b"1" + b"}" * 3000,
    "huge-integer": b"schema_version = 1\n[clusters.a]\nname='A'\ntype='icn'\ndomain='D'\n"
    b"reported_members = 99999999999999999999999999\n",
    "control-in-key": b'schema_version = 1\n"\\u001b[31m" = 1\n',
    "only-comments": b"# nothing here\n",
    "tables-only": b"[clusters]\n[partners]\n",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_no_traceback_for_hostile_files(tmp_path: Path, name: str) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(HOSTILE_FILES[name])
    for args in (["list"], ["show", "a", "--on", "2020-01-01"], ["fmt", "--check"]):
        done = run_subprocess("--registry", str(path), *args)
        assert "Traceback" not in done.stderr, (name, args, done.stderr)
        assert done.returncode in (0, 1, 3, 4), (name, args, done.stderr)
        assert "\x1b" not in done.stderr
        if done.returncode > 1:
            assert done.stderr.startswith("error: ")
            assert str(path) in done.stderr


def test_deep_nesting_is_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(HOSTILE_FILES["deeply-nested-arrays"])
    result = run("--registry", str(path), "list", "--json")
    assert result.exit_code == 3
    assert result.json()["error"]["code"] == "toml-syntax"
    assert "nested too deeply" in result.json()["error"]["message"]


def test_control_characters_in_a_bad_key_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_bytes(HOSTILE_FILES["control-in-key"])
    result = run("--registry", str(path), "list")
    assert result.exit_code == 3
    assert "\x1b" not in result.stderr
    assert "\\x1b[31m" in result.stderr
    as_json = run("--registry", str(path), "list", "--json")
    assert "\x1b" not in as_json.stdout


# -- fields allowed on one kind or type only ----------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "edit"),
    [
        ('kind = "government"\n', 'kind = "government"\nsize = "sme"\n', "partners.gov.size",
         ["update-partner", "gov", "--size", "sme"]),
        ('domain = "Chemistry"\n', 'domain = "Chemistry"\naction_plan = "plan"\n',
         "clusters.alpha.action_plan", ["update-cluster", "alpha", "--action-plan", "plan"]),
    ],
    ids=["size-on-a-government", "action-plan-on-a-spearhead"],
)  # fmt: skip
def test_fields_for_one_kind_or_type_only_are_fc001(tmp_path, registry, old, new, path, edit):
    wrong = write_registry(tmp_path, replaced(SMALL, old, new), name="wrong.toml")
    result = cli(wrong, "validate", "--json")
    assert result.exit_code == 1
    assert [f["path"] for f in findings_of(result, "FC001")] == [path]
    before = digest(registry)
    refused = cli(registry, *edit)
    assert refused.exit_code == 4
    assert "FC001" in refused.stderr
    assert digest(registry) == before


# -- policy values ------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "key"), [("max_years", "icn"), ("max_years", "spearhead")])
def test_zero_years_in_the_policy_is_a_schema_problem(tmp_path: Path, table: str, key: str) -> None:
    path = write_registry(tmp_path, SMALL + f"\n[policy]\n{table} = {{ {key} = 0 }}\n")
    done = cli(path, "validate", "--json")
    assert done.exit_code == 1
    found = done.json()["findings"]
    assert [(f["code"], f["path"]) for f in found] == [("FC001", f"policy.{table}.{key}")]
    assert "below 1" in found[0]["message"]
