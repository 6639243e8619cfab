"""What text and values the registry takes: one-line text without control or
bidirectional characters, http(s) URLs, ids of at most 64 characters, ISO country codes,
Belgian postal codes — the same rule in the file (FC001, ``test_load_errors``), on the
command line (exit 2) and in a CSV import (exit 4, the row named).

Found by an adversarial review (controls and ``javascript:`` websites were taken and
passed on raw) and a new user's trial (a 300-character id broke ``site``; ``--country
XX`` and ``--postal-code 99999`` were taken).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import (
    SMALL,
    cli,
    digest,
    findings_of,
    replaced,
    run,
    run_subprocess,
    toml_of,
    write_registry,
)
from hypothesis import given
from hypothesis import strategies as st

from flanders_clusters.programme import enterprises
from flanders_clusters.registry import check, vocabulary
from flanders_clusters.registry.vocabulary import (
    COUNTRY_CODES,
    COUNTRY_PATTERN,
    TEXT_PATTERN,
    URL_PATTERN,
    character_name,
    country_table,
    refused,
)

LONG_ID = "a" * 65


def edit(path: Path, *args: str):
    return run("--registry", str(path), *args, "--on", "2026-11-27")


# -- one-line text and notes on the command line ----------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["add-partner", "p", "--kind", "company", "--name", "Acme\x1b[2J"], "U+001B"),
        (["add-partner", "p", "--kind", "company", "--name", "Acme\u202eVN"], "U+202E"),
        (["add-partner", "p", "--kind", "company", "--name", "Ac\tme"], "tab U+0009"),
        (["add-partner", "p", "--kind", "company", "--name", "Acme\x00"], "U+0000"),
        (["add-partner", "p", "--kind", "company", "--name", "Acme\x7f"], "U+007F"),
        (["add-partner", "p", "--kind", "company", "--name", "Ac\x85me"], "U+0085"),
        (["add-partner", "p", "--kind", "company", "--name", "Ac\u2028me"], "U+2028"),
        (["add-partner", "p", "--kind", "company", "--name", "Acme\u200f"], "U+200F"),
        (["update-cluster", "alpha", "--domain", "Chem\u2066istry"], "U+2066"),
        (["update-cluster", "alpha", "--successor", "\x07Bell"], "U+0007"),
        (["update-cluster", "alpha", "--notes", "fine\r\nbut\x1b[31m"], "U+001B"),
        (["update-cluster", "beta", "--action-plan", "plan\u202e"], "U+202E"),
    ],
)
def test_control_and_bidi_characters_are_a_usage_error(
    tmp_path: Path, args: list[str], said: str
) -> None:
    path = write_registry(tmp_path)
    before = digest(path)
    result = edit(path, *args)
    assert result.exit_code == 2, result.stderr
    assert said in result.stderr
    assert digest(path) == before


def test_notes_keep_tabs_and_every_line_break(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    notes = "tab\there\r\nwindows\rold mac\nunix\u2028separator"
    assert edit(path, "update-cluster", "alpha", "--notes", notes).exit_code == 0
    shown = run("--registry", str(path), "show", "alpha", "--json", "--on", "2026-11-27")
    assert shown.json()["notes"] == notes


def test_invisible_characters_that_are_not_controls_are_taken(tmp_path: Path) -> None:
    """Zero-width joiners spell emoji and some scripts; they are shown escaped."""
    path = write_registry(tmp_path)
    name = "Family 👨\u200d👩\u200d👧 word\u2060joiner"
    result = edit(path, "add-partner", "p", "--kind", "company", "--name", name)
    assert result.exit_code == 0, result.stderr
    listed = run("--registry", str(path), "partners")
    assert "\\u200d" in listed.stdout and "\u200d" not in listed.stdout


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["update-cluster", "alpha", "--website", "javascript:alert(1)"],
        ["update-cluster", "alpha", "--source", "data:text/html,<script>alert(1)</script>"],
        ["update-cluster", "alpha", "--source", "vbscript:msgbox(1)"],
        ["update-cluster", "alpha", "--english-website", "JavaScript:alert(1)"],
        ["update-cluster", "alpha", "--eccp-profile", "ftp://x.example/"],
        ["add-partner", "p", "--kind", "company", "--name", "P", "--website", "javascript:x"],
        ["update-cluster", "alpha", "--website", "https://x.example/\u202e"],
    ],
)
def test_a_url_field_takes_http_and_https_only(tmp_path: Path, args: list[str]) -> None:
    path = write_registry(tmp_path)
    before = digest(path)
    result = edit(path, *args)
    assert result.exit_code == 2, result.stderr
    assert "is not an http or https URL" in result.stderr or "U+202E" in result.stderr
    assert digest(path) == before


def test_an_http_url_is_taken(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    url = "https://alpha.example/about?x=1#y"
    assert edit(path, "update-cluster", "alpha", "--website", url).exit_code == 0
    assert edit(path, "update-cluster", "alpha", "--source", "http://old.example").exit_code == 0
    shown = run("--registry", str(path), "show", "alpha", "--json", "--on", "2026-11-27").json()
    assert shown["website"] == url
    assert shown["sources"] == ["https://alpha.example", "http://old.example"]


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "csv"],
        ["export", "--format", "markdown"],
        ["export", "--format", "json", "--what", "partners"],
        ["events", "--format", "ics"],
    ],
)
def test_no_export_passes_on_a_javascript_url(tmp_path: Path, args: list[str]) -> None:
    """A registry that holds one is refused whole (exit 3), so nothing downstream, a
    spreadsheet, a Markdown page or a calendar, gets it as a link."""
    text = SMALL.replace('postal_code = "2000"', 'postal_code = "2000"\nwebsite = "javascript:x"')
    path = write_registry(tmp_path, text)
    result = run("--registry", str(path), *args)
    assert result.exit_code == 3  # the schema error, on stdout as JSON for a JSON export
    assert "partners.acme.website: 'javascript:x' is not an http or https URL" in (
        result.stderr + result.stdout
    )
    assert "BEGIN:VCALENDAR" not in result.stdout and "| id |" not in result.stdout


# -- ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["add-partner", LONG_ID, "--name", "X", "--kind", "company"],
        ["add-cluster", LONG_ID, "--name", "X", "--type", "icn", "--domain", "D"],
        ["add-member", "alpha", LONG_ID, "--name", "X", "--kind", "company"],
        ["add-event", LONG_ID, "--title", "T", "--kind", "other", "--start", "2026-01-01"],
        ["show", LONG_ID],
        ["partner", "show", LONG_ID],
        ["events", "--cluster", LONG_ID],
        ["add-event", "e", "--title", "T", "--kind", "other", "--start", "2026-01-01",
         "--organiser", LONG_ID],
        ["add-event", "e", "--title", "T", "--kind", "other", "--start", "2026-01-01",
         "--cluster", LONG_ID],
        ["update-event", "e", "--drop-cluster", LONG_ID],
        ["remove-member", "alpha", LONG_ID],
    ],
)  # fmt: skip
def test_an_id_longer_than_64_characters_is_a_usage_error(tmp_path: Path, args: list[str]) -> None:
    path = write_registry(tmp_path)
    before = digest(path)
    result = run("--registry", str(path), *args)
    assert result.exit_code == 2, result.stderr
    assert "has 65 characters; an id has at most 64" in result.stderr
    assert digest(path) == before


def test_an_id_of_64_characters_is_taken(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    result = run("--registry", str(path), "add-partner", "b" * 64, "--name", "X", "--kind", "other")
    assert result.exit_code == 0, result.stderr
    assert run("--registry", str(path), "validate").exit_code == 0


# -- countries and postal codes -------------------------------------------------------------


@pytest.mark.parametrize("code", ["XX", "UK", "EU", "B", "BEL", "1A"])
def test_a_country_not_in_the_table_is_a_usage_error(tmp_path: Path, code: str) -> None:
    path = write_registry(tmp_path)
    result = edit(path, "add-partner", "p", "--name", "P", "--kind", "company", "--country", code)
    assert result.exit_code == 2, result.stderr
    assert "is not an ISO 3166-1 alpha-2 country code" in result.stderr


def test_a_country_is_taken_in_any_case_and_stored_in_capitals(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    result = edit(path, "add-partner", "p", "--name", "P", "--kind", "company", "--country", "nl")
    assert result.exit_code == 0, result.stderr
    assert 'country = "NL"' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("code", ["99999", "0999", "999", "B-2000", "２０００"])
def test_a_belgian_postal_code_outside_1000_9999_is_refused(tmp_path: Path, code: str) -> None:
    path = write_registry(tmp_path)
    before = digest(path)
    result = edit(
        path, "add-partner", "p", "--name", "P", "--kind", "company", "--postal-code", code
    )
    assert result.exit_code == 4, result.stderr  # well formed text that breaks a rule
    assert "is not a Belgian postal code (1000 to 9999)" in result.stderr
    assert digest(path) == before


def test_a_foreign_postal_code_is_free_form(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    result = edit(
        path, "add-partner", "p", "--name", "P", "--kind", "company",
        "--country", "GB", "--postal-code", "SW1A 1AA",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_a_brussels_or_walloon_postal_code_is_fc109_not_fc001(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    assert edit(path, "update-partner", "acme", "--postal-code", "4000").exit_code == 0
    found = run("--registry", str(path), "validate", "--json", "--on", "2020-06-01").json()
    codes = {finding["code"] for finding in found["findings"]}
    assert "FC109" in codes and "FC001" not in codes


# -- CSV import ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        ("newco,New\x1b[2JCo,company,,", "holds the control character U+001B"),
        ("newco,New\u202eCo,company,,", "holds the bidirectional control U+202E"),
        ("newco,New Co,company,javascript:alert(1),", "is not an http or https URL"),
        ("newco,New Co,company,,XX", "is not an ISO 3166-1 alpha-2 country code"),
        (LONG_ID + ",New Co,company,,", "has 65 characters; an id has at most 64"),
    ],
)
def test_a_csv_import_refuses_what_the_schema_refuses(
    tmp_path: Path, cells: str, said: str
) -> None:
    path = write_registry(tmp_path)
    before = digest(path)
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(f"partner,name,kind,website,country\n{cells}\n", encoding="utf-8")
    result = run("--registry", str(path), "import-members", "alpha", str(csv_file))
    assert result.exit_code == 4, result.stderr
    assert f"{csv_file}:2: " in result.stderr and said in result.stderr
    assert digest(path) == before


# -- the rule in one place: the command line, the import and the file agree ----------------


def _schema_takes(field: str, value: str) -> bool:
    data = {"schema_version": 1, "partners": {"p": {"name": "P", "kind": "company"}}}
    data["partners"]["p"][field] = value
    if field == "postal_code":
        data["partners"]["p"]["country"] = "NL"
    return check.check(data) == []


ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


@given(text=ANY_TEXT)
def test_one_line_text_is_what_the_schema_takes(text: str) -> None:
    trimmed = vocabulary.one_line(text)
    assert (trimmed is not None) == _schema_takes("legal_name", text.strip())
    if trimmed is not None:
        assert re.fullmatch(TEXT_PATTERN, trimmed)
        assert refused(trimmed) is None


@given(text=ANY_TEXT)
def test_notes_are_what_the_schema_takes(text: str) -> None:
    data = {"schema_version": 1, "clusters": {"c": {"name": "C", "type": "icn", "domain": "D"}}}
    data["clusters"]["c"]["notes"] = text
    takes = check.check(data) == []
    assert takes == (refused(text, prose=True) is None)
    if text.strip():
        assert (vocabulary.prose_problem(text) is None) == takes


@given(text=ANY_TEXT.map(lambda text: "https://x.example/" + text))
def test_a_url_is_what_the_schema_takes(text: str) -> None:
    url_ok = vocabulary.one_line(text) == text and re.fullmatch(URL_PATTERN, text) is not None
    assert url_ok == _schema_takes("website", text)


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x1b", "the control character U+001B"),
        ("\t", "the tab U+0009"),
        ("\r", "the line break U+000D"),
        ("\u2029", "the line separator U+2029"),
        ("\u202e", "the bidirectional control U+202E"),
        ("\u061c", "the bidirectional control U+061C"),
        ("\x9b", "the control character U+009B"),
    ],
)
def test_a_refused_character_is_named(char: str, name: str) -> None:
    assert refused(f"a{char}b") == char
    assert character_name(char) == name


def test_the_country_codes_are_those_of_the_country_table() -> None:
    assert set(COUNTRY_CODES) == set(country_table())
    assert len(COUNTRY_CODES) == len(set(COUNTRY_CODES)) == 249
    assert all(re.fullmatch(COUNTRY_PATTERN, code) for code in COUNTRY_CODES)
    assert not re.fullmatch(COUNTRY_PATTERN, "XX")
    assert enterprises.normalise_country(" be ") == "BE"
    assert enterprises.normalise_country("XX") is None


# -- through the installed command (a new user's trial) --------------------------------------


@pytest.mark.slow
def test_the_installed_command_refuses_a_long_id_and_a_country_not_in_the_table(
    tmp_path: Path,
) -> None:
    path = write_registry(tmp_path)
    long_id = run_subprocess(
        "--registry", str(path), "add-partner", "p" * 300, "--name", "X", "--kind", "company"
    )
    assert long_id.returncode == 2, long_id.stderr
    assert "has 300 characters; an id has at most 64" in long_id.stderr
    country = run_subprocess(
        "--registry", str(path), "add-partner", "p", "--name", "X", "--kind", "company",
        "--country", "XX",
    )  # fmt: skip
    assert country.returncode == 2, country.stderr
    postal = run_subprocess(
        "--registry", str(path), "add-partner", "p", "--name", "X", "--kind", "company",
        "--postal-code", "99999",
    )  # fmt: skip
    assert postal.returncode == 4, postal.stderr
    assert "'99999' is not a Belgian postal code" in postal.stderr


# -- numbers: 64-bit integers, finite amounts ---------------------------------------------


def test_an_option_beyond_64_bits_is_a_usage_error(registry):
    before = digest(registry)
    for value in ("99999999999999999999999", str(2**63)):
        result = cli(registry, "update-cluster", "alpha", "--reported-members", value)
        assert result.exit_code == 2, (value, result.stderr)
        assert "--reported-members" in result.stderr
        assert digest(registry) == before
    at_limit = cli(registry, "update-cluster", "alpha", "--reported-members", str(2**63 - 1))
    assert at_limit.exit_code == 0, at_limit.stderr
    assert toml_of(registry)["clusters"]["alpha"]["reported_members"] == 2**63 - 1


def test_a_value_beyond_64_bits_in_the_file_is_fc001(tmp_path):
    huge = "reported_members = 99999999999999999999999"
    text = replaced(SMALL, 'domain = "Chemistry"\n', f'domain = "Chemistry"\n{huge}\n')
    path = write_registry(tmp_path, text)
    line = path.read_text("utf-8").splitlines().index(huge) + 1
    result = cli(path, "validate", "--json")
    assert result.exit_code == 1
    [found] = findings_of(result, "FC001")
    assert found["path"] == "clusters.alpha.reported_members"
    assert found["line"] == line
    assert "64 bits" in found["message"]
    listed = cli(path, "list")
    assert listed.exit_code == 3
    assert f"{path}:{line}" in listed.stderr


@pytest.mark.parametrize("amount", ["inf", "nan", "-inf", "Infinity"])
def test_non_finite_amounts_are_usage_errors(registry, amount):
    before = digest(registry)
    result = cli(registry, "add-funding", "beta", "--start", "2023-01-01", "--end",
                 "2023-12-31", "--annual-support-eur", amount)  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "--annual-support-eur" in result.stderr
    assert digest(registry) == before


# -- malformed ids and values on the command line -----------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("add-cluster", "Bad Id", "--name", "X", "--type", "icn", "--domain", "D"), 2),
        (("show", "UPPER"), 2),
        (("add-partner", "ok", "--name", "X", "--kind", "company", "--enterprise-number", "12"), 2),
    ],
)
def test_malformed_ids_and_values_are_usage_errors(registry: Path, args, code) -> None:
    before = registry.read_bytes()
    done = cli(registry, *args, "--json")
    assert done.exit_code == code
    assert done.json()["error"]["code"] == "usage"
    assert registry.read_bytes() == before
