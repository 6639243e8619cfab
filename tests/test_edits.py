"""The edit commands: add, update and remove clusters, partners, members and
funding periods — their written files, JSON, refusals, dry runs, locking and file safety.

Every test runs the CLI (``run``) on a registry in a temporary folder and checks what a
user sees: the exit code, stdout/stderr and the bytes of the file afterwards.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import SMALL, digest, run, said, toml_of, write_registry
from filelock import FileLock

from flanders_clusters.registry import store

ON = "2025-01-01"  # alpha (spearhead) is active, beta (ICN) has ended
LATER = "2030-01-01"  # both have ended


def cli(registry: Path, *args: str):
    return run("--registry", str(registry), *args)


def replaced(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (the test's own sanity check)."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def kbo(first_eight: int) -> str:
    """A valid enterprise number with the given first eight digits, as stored."""
    digits = f"{first_eight:08d}{97 - first_eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def assert_canonical(registry: Path) -> None:
    done = cli(registry, "fmt", "--check")
    assert done.exit_code == 0, done.stderr


def assert_error(done, exit_code: int, code: str) -> dict:
    """A ``--json`` failure: the error object (docs/json.md) on stdout and the exit code."""
    assert done.exit_code == exit_code, (done.stdout, done.stderr)
    body = done.json()
    assert list(body) == ["error"]
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


# -- clusters ----------------------------------------------------------------------------

GAMMA = """\
[clusters.gamma]
name = "Gamma Net"
type = "icn"
domain = "Food"
website = "https://gamma.example"
recognised = 2024-05-01
sources = [
    "https://a.example",
    "https://b.example",
]
action_plan = "Plan"

"""
GAMMA_ARGS = (
    "add-cluster",
    "gamma",
    "--name",
    "Gamma Net",
    "--type",
    "icn",
    "--domain",
    "Food",
    "--website",
    "https://gamma.example",
    "--recognised",
    "2024-05-01",
    "--source",
    "https://a.example",
    "--source",
    "https://b.example",
    "--action-plan",
    "Plan",
)


def test_add_cluster_writes_it_sorted_among_the_clusters(registry: Path) -> None:
    done = cli(registry, *GAMMA_ARGS, "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json() == {"cluster": "gamma", "changed": True}
    expected = replaced(SMALL, "[partners.acme]", GAMMA + "[partners.acme]")
    assert registry.read_text("utf-8") == expected
    assert_canonical(registry)


def test_add_cluster_sorts_a_new_first_id_before_the_others(registry: Path) -> None:
    done = cli(registry, "add-cluster", "aaa", "--name", "A", "--type", "icn", "--domain", "D")
    assert done.exit_code == 0, done.stderr
    assert "added cluster aaa" in done.stderr
    block = '[clusters.aaa]\nname = "A"\ntype = "icn"\ndomain = "D"\n\n'
    assert registry.read_text("utf-8") == replaced(
        SMALL, "[clusters.alpha]", block + "[clusters.alpha]"
    )


def test_add_cluster_again_with_the_same_values_changes_nothing(registry: Path) -> None:
    assert cli(registry, *GAMMA_ARGS).exit_code == 0
    before = digest(registry)
    done = cli(registry, *GAMMA_ARGS, "--json")
    assert done.exit_code == 0
    assert done.json() == {"cluster": "gamma", "changed": False}
    # members_complete = true is what an absent field means: still the same cluster
    same = cli(registry, *GAMMA_ARGS, "--members-complete", "--json")
    assert same.exit_code == 0, same.stdout
    assert same.json()["changed"] is False
    assert digest(registry) == before


def test_add_cluster_that_exists_with_other_values_is_a_conflict(registry: Path) -> None:
    before = digest(registry)
    done = cli(
        registry, "add-cluster", "alpha", "--name", "Other", "--type", "spearhead",
        "--domain", "Chemistry", "--json",
    )  # fmt: skip
    error = assert_error(done, 4, "conflict")
    assert "update-cluster alpha" in said(error)
    assert '"Alpha Cluster"' in said(error)
    assert digest(registry) == before


def test_add_cluster_with_a_source_it_lacks_is_a_conflict(registry: Path) -> None:
    before = digest(registry)
    done = cli(
        registry, "add-cluster", "alpha", "--name", "Alpha Cluster", "--type", "spearhead",
        "--domain", "Chemistry", "--source", "https://other.example", "--json",
    )  # fmt: skip
    error = assert_error(done, 4, "conflict")
    assert "sources" in said(error)
    assert "update-cluster alpha" in said(error)
    assert digest(registry) == before


def test_add_cluster_with_an_id_that_is_not_a_slug_is_refused(registry: Path) -> None:
    before = digest(registry)
    done = cli(registry, "add-cluster", "Bad_ID", "--name", "x", "--type", "icn", "--domain", "y")
    assert done.exit_code == 2  # a malformed value is a usage error
    assert "'Bad_ID' is not an id" in done.stderr
    assert "e.g. 'bad-id'" in done.stderr
    assert digest(registry) == before


def test_add_cluster_without_a_required_field_is_a_usage_error(registry: Path) -> None:
    before = digest(registry)
    done = cli(registry, "add-cluster", "gamma", "--name", "G", "--type", "icn")
    assert done.exit_code == 2
    assert "--domain" in done.stderr
    assert digest(registry) == before


def test_update_cluster_sets_adds_sources_and_unsets(registry: Path) -> None:
    done = cli(
        registry, "update-cluster", "alpha", "--name", "Alpha", "--reported-members", "40",
        "--no-members-complete", "--source", "https://alpha.example",
        "--source", "https://more.example", "--notes", "Dates from the press release.",
        "--unset", "recognised", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"cluster": "alpha", "changed": True}
    expected = replaced(
        SMALL,
        """\
name = "Alpha Cluster"
type = "spearhead"
domain = "Chemistry"
recognised = 2018-01-01
sources = [
    "https://alpha.example",
]
""",
        """\
name = "Alpha"
type = "spearhead"
domain = "Chemistry"
reported_members = 40
members_complete = false
sources = [
    "https://alpha.example",
    "https://more.example",
]
notes = "Dates from the press release."
""",
    )
    assert registry.read_text("utf-8") == expected
    assert_canonical(registry)


def test_update_cluster_source_adds_to_a_cluster_without_sources(registry: Path) -> None:
    done = cli(registry, "update-cluster", "beta", "--source", "https://beta.example")
    assert done.exit_code == 0, done.stderr
    assert tomllib.loads(registry.read_text("utf-8"))["clusters"]["beta"]["sources"] == [
        "https://beta.example"
    ]


def test_update_cluster_with_the_values_it_has_changes_nothing(registry: Path) -> None:
    before = digest(registry)
    done = cli(
        registry, "update-cluster", "alpha", "--name", "Alpha Cluster",
        "--source", "https://alpha.example", "--unset", "website", "--json",
    )  # fmt: skip
    assert done.exit_code == 0
    assert done.json() == {"cluster": "alpha", "changed": False}
    assert digest(registry) == before


@pytest.mark.parametrize("field", ["name", "type", "domain", "funding", "colour"])
def test_update_cluster_cannot_unset_a_required_or_unknown_field(
    registry: Path, field: str
) -> None:
    before = digest(registry)
    done = cli(registry, "update-cluster", "alpha", "--unset", field)
    assert done.exit_code == 2
    assert f"'{field}' is not a field this command can remove" in done.stderr
    assert digest(registry) == before


def test_update_cluster_with_a_bad_value_is_a_usage_error(registry: Path) -> None:
    before = digest(registry)
    assert cli(registry, "update-cluster", "alpha", "--type", "mega").exit_code == 2
    assert cli(registry, "update-cluster", "alpha", "--recognised", "2024-13-01").exit_code == 2
    assert cli(registry, "update-cluster", "alpha", "--reported-members", "-3").exit_code == 2
    assert cli(registry, "update-cluster", "alpha", "--name", "  ").exit_code == 2
    assert digest(registry) == before


def test_remove_cluster_removes_it_with_its_funding_and_members(registry: Path) -> None:
    done = cli(registry, "remove-cluster", "beta", "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"cluster": "beta", "changed": True}
    beta = SMALL[SMALL.index("[clusters.beta]") : SMALL.index("[partners.acme]")]
    assert registry.read_text("utf-8") == replaced(SMALL, beta, "")
    assert_canonical(registry)


def test_remove_cluster_of_an_unknown_id_suggests_the_near_one(registry: Path) -> None:
    before = digest(registry)
    error = assert_error(cli(registry, "remove-cluster", "alpah", "--json"), 4, "unknown-cluster")
    assert "did you mean 'alpha'" in said(error)
    done = cli(registry, "remove-cluster", "alpah")
    assert done.exit_code == 4
    assert "did you mean 'alpha'" in done.stderr
    assert done.stdout == ""
    assert digest(registry) == before


# -- partners ----------------------------------------------------------------------------

NEWCO_BLOCK = """\
[partners.newco]
name = "New Co"
kind = "company"
size = "sme"
enterprise_number = "0123.456.749"
postal_code = "9000"
country = "NL"
network_role = "service-provider"
website = "https://newco.example"

"""


def test_add_partner_writes_every_field_in_canonical_order(registry: Path) -> None:
    done = cli(
        registry, "add-partner", "newco", "--website", "https://newco.example",
        "--country", "nl", "--network-role", "service-provider", "--postal-code", "9000",
        "--enterprise-number", "BE0123456749", "--size", "sme", "--kind", "company",
        "--name", "New Co", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"partner": "newco", "changed": True}
    expected = replaced(SMALL, "[partners.uni]", NEWCO_BLOCK + "[partners.uni]")
    assert registry.read_text("utf-8") == expected
    assert_canonical(registry)


@pytest.mark.parametrize(
    "given",
    ["BE0123456749", "0123456749", "0123.456.749", "BE0123.456.749", "123456749", "123.456.749"],
)
def test_enterprise_number_forms_are_stored_as_0123_456_789(registry: Path, given: str) -> None:
    done = cli(
        registry, "add-partner", "newco", "--name", "N", "--kind", "company",
        "--enterprise-number", given,
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    partner = tomllib.loads(registry.read_text("utf-8"))["partners"]["newco"]
    assert partner["enterprise_number"] == "0123.456.749"


@pytest.mark.parametrize(
    "command",
    [
        ("add-partner", "newco", "--name", "N", "--kind", "company"),
        ("add-member", "alpha", "newco", "--name", "N", "--kind", "company"),
        ("update-partner", "gov"),
    ],
)
@pytest.mark.parametrize("number", ["0123.456.748", "BE0123456748", "0987654321"])
def test_wrong_check_digits_are_refused_with_exit_4(
    registry: Path, command: tuple[str, ...], number: str
) -> None:
    before = digest(registry)
    done = cli(registry, *command, "--enterprise-number", number, "--on", ON, "--json")
    error = assert_error(done, 4, "rule-violation")
    assert "FC004" in said(error)
    assert "check digits" in said(error)
    assert digest(registry) == before


@pytest.mark.parametrize("number", ["12345", "0123-456-749", "01234567490", "BE", "abc"])
def test_a_malformed_enterprise_number_is_a_usage_error(registry: Path, number: str) -> None:
    before = digest(registry)
    done = cli(
        registry, "add-member", "alpha", "newco", "--name", "N", "--kind", "company",
        "--enterprise-number", number,
    )  # fmt: skip
    assert done.exit_code == 2
    assert "is not an enterprise number" in done.stderr
    assert digest(registry) == before


@pytest.mark.parametrize("country", ["Belgium", "B", "1E", "ÉU"])
def test_a_country_that_is_not_two_letters_is_a_usage_error(registry: Path, country: str) -> None:
    before = digest(registry)
    done = cli(registry, "update-partner", "acme", "--country", country)
    assert done.exit_code == 2
    assert "ISO 3166" in done.stderr
    assert digest(registry) == before


def test_add_partner_again_is_idempotent_and_other_values_conflict(registry: Path) -> None:
    before = digest(registry)
    same = cli(
        registry, "add-partner", "acme", "--name", "Acme NV", "--kind", "company",
        "--enterprise-number", "BE0123456749", "--country", "BE", "--json",
    )  # fmt: skip
    assert same.exit_code == 0, same.stdout
    assert same.json() == {"partner": "acme", "changed": False}
    other = cli(registry, "add-partner", "acme", "--name", "Acme SA", "--kind", "company", "--json")
    error = assert_error(other, 4, "conflict")
    assert "update-partner acme" in said(error)
    assert digest(registry) == before


def test_update_partner_sets_and_unsets_fields(registry: Path) -> None:
    done = cli(
        registry, "update-partner", "acme", "--postal-code", "9000", "--unset", "size",
        "--website", "https://acme.example", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"partner": "acme", "changed": True}
    expected = replaced(
        SMALL,
        'size = "large"\nenterprise_number = "0123.456.749"\npostal_code = "2000"\n',
        'enterprise_number = "0123.456.749"\npostal_code = "9000"\n'
        'website = "https://acme.example"\n',
    )
    assert registry.read_text("utf-8") == expected


def test_update_partner_cannot_unset_name_or_kind(registry: Path) -> None:
    before = digest(registry)
    assert cli(registry, "update-partner", "acme", "--unset", "kind").exit_code == 2
    assert cli(registry, "update-partner", "acme", "--unset", "name").exit_code == 2
    assert digest(registry) == before


def test_update_partner_of_an_unknown_id_suggests_the_near_one(registry: Path) -> None:
    before = digest(registry)
    done = cli(registry, "update-partner", "acm", "--postal-code", "9000", "--json")
    error = assert_error(done, 4, "unknown-partner")
    assert "did you mean 'acme'" in said(error)
    assert digest(registry) == before


def test_remove_partner_is_refused_while_memberships_remain(registry: Path) -> None:
    before = digest(registry)
    done = cli(registry, "remove-partner", "acme", "--json")
    error = assert_error(done, 4, "conflict")
    assert "alpha, beta" in said(error)
    assert "remove-member" in said(error)
    assert digest(registry) == before


def test_remove_partner_after_its_memberships_are_gone(registry: Path) -> None:
    # on a day alpha has ended: its triple helix (FC105) no longer needs the company
    assert cli(registry, "remove-member", "alpha", "acme", "--on", LATER).exit_code == 0
    assert cli(registry, "remove-member", "beta", "acme").exit_code == 0
    done = cli(registry, "remove-partner", "acme", "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"partner": "acme", "changed": True}
    data = tomllib.loads(registry.read_text("utf-8"))
    assert "acme" not in data["partners"]
    assert "members" not in data["clusters"]["beta"]  # an emptied list is dropped
    assert "acme" not in registry.read_text("utf-8")


# -- memberships -------------------------------------------------------------------------


def test_add_member_creates_the_partner_and_the_membership(registry: Path) -> None:
    number = kbo(98765432)
    done = cli(
        registry, "add-member", "beta", "newco", "--name", "New Co", "--kind", "company",
        "--size", "sme", "--enterprise-number", "BE" + number.replace(".", ""),
        "--postal-code", "9000", "--role", "board", "--since", "2019-03-01", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {
        "cluster": "beta",
        "partner": "newco",
        "changed": True,
        "created_partner": True,
    }
    expected = replaced(
        SMALL,
        '    { partner = "acme" },\n]\n\n[partners.acme]',
        '    { partner = "acme" },\n'
        '    { partner = "newco", role = "board", since = 2019-03-01 },\n]\n\n[partners.acme]',
    )
    expected = replaced(
        expected,
        "[partners.uni]",
        f'[partners.newco]\nname = "New Co"\nkind = "company"\nsize = "sme"\n'
        f'enterprise_number = "{number}"\npostal_code = "9000"\n\n[partners.uni]',
    )
    assert registry.read_text("utf-8") == expected
    assert_canonical(registry)


def test_add_member_of_an_existing_partner(registry: Path) -> None:
    done = cli(registry, "add-member", "beta", "uni", "--since", "2019-06-01", "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json() == {
        "cluster": "beta",
        "partner": "uni",
        "changed": True,
        "created_partner": False,
    }
    assert "added uni to beta" not in done.stderr  # --json: the message is not printed
    expected = replaced(
        SMALL,
        '    { partner = "acme" },\n]\n\n[partners.acme]',
        '    { partner = "acme" },\n    { partner = "uni", since = 2019-06-01 },\n]\n\n'
        "[partners.acme]",
    )
    assert registry.read_text("utf-8") == expected


def test_add_member_sorts_members_by_partner_id(registry: Path) -> None:
    done = cli(registry, "add-member", "alpha", "bank", "--name", "Bank", "--kind", "other")
    assert done.exit_code == 0, done.stderr
    assert "added bank to alpha" in done.stderr
    members = tomllib.loads(registry.read_text("utf-8"))["clusters"]["alpha"]["members"]
    assert [m["partner"] for m in members] == ["acme", "bank", "gov", "uni"]


@pytest.mark.parametrize(
    "extra",
    [
        (),
        ("--role", "founder"),
        ("--name", "Acme NV", "--kind", "company"),
        ("--enterprise-number", "BE0123456749", "--country", "be", "--size", "large"),
    ],
)
def test_add_member_repeated_changes_nothing(registry: Path, extra: tuple[str, ...]) -> None:
    before = digest(registry)
    done = cli(registry, "add-member", "alpha", "acme", *extra, "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json() == {
        "cluster": "alpha",
        "partner": "acme",
        "changed": False,
        "created_partner": False,
    }
    assert digest(registry) == before


def test_add_member_repeated_says_so_on_stderr(registry: Path) -> None:
    done = cli(registry, "add-member", "beta", "acme", "--role", "member")
    assert done.exit_code == 0
    assert "unchanged: acme is already a member of beta" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("extra", "points_to"),
    [
        (("--role", "board"), "update-member alpha acme"),
        (("--since", "2018-01-01"), "update-member alpha acme"),
        (("--name", "Acme SA"), "update-partner acme"),
        (("--postal-code", "9000"), "update-partner acme"),
    ],
)
def test_add_member_conflicting_with_what_is_there_is_refused(
    registry: Path, extra: tuple[str, ...], points_to: str
) -> None:
    before = digest(registry)
    error = assert_error(
        cli(registry, "add-member", "alpha", "acme", *extra, "--json"), 4, "conflict"
    )
    assert points_to in said(error)
    done = cli(registry, "add-member", "alpha", "acme", *extra)
    assert done.exit_code == 4
    assert points_to in done.stderr
    assert digest(registry) == before


@pytest.mark.parametrize("extra", [(), ("--name", "Newco"), ("--kind", "company")])
def test_add_member_of_a_new_partner_needs_name_and_kind(
    registry: Path, extra: tuple[str, ...]
) -> None:
    before = digest(registry)
    error = assert_error(
        cli(registry, "add-member", "alpha", "acm", *extra, "--json"), 4, "unknown-partner"
    )
    assert "did you mean 'acme'" in said(error)
    assert "--name and --kind" in said(error)
    assert digest(registry) == before


def test_add_member_to_an_unknown_cluster_suggests_the_near_one(registry: Path) -> None:
    before = digest(registry)
    done = cli(registry, "add-member", "alpah", "acme")
    assert done.exit_code == 4
    assert "no cluster 'alpah' (did you mean 'alpha'?)" in done.stderr
    assert "Traceback" not in done.stderr
    error = assert_error(cli(registry, "add-member", "bta", "acme", "--json"), 4, "unknown-cluster")
    assert "did you mean 'beta'" in said(error)
    assert digest(registry) == before


def test_add_member_as_coordinator(registry: Path) -> None:
    done = cli(registry, "add-member", "beta", "uni", "--role", "coordinator", "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json()["changed"] is True
    expected = replaced(
        SMALL,
        '    { partner = "acme" },\n]\n\n[partners.acme]',
        '    { partner = "acme" },\n    { partner = "uni", role = "coordinator" },\n]\n\n'
        "[partners.acme]",
    )
    assert registry.read_text("utf-8") == expected
    assert_canonical(registry)
    shown = cli(registry, "show", "beta", "--json").json()
    assert {m["partner"]: m["role"] for m in shown["members"]} == {
        "acme": "member",
        "uni": "coordinator",
    }


@pytest.mark.parametrize("command", ["add-member", "update-member"])
def test_a_role_outside_the_vocabulary_is_a_usage_error(registry: Path, command: str) -> None:
    before = digest(registry)
    done = cli(registry, command, "alpha", "uni", "--role", "chair")
    assert done.exit_code == 2
    assert "'chair' is not one of: member, founder, board, clusterpact, coordinator" in done.stderr
    assert "Traceback" not in done.stderr
    assert digest(registry) == before


def test_add_member_takes_the_registry_option_after_the_subcommand(registry: Path) -> None:
    done = run("add-member", "beta", "uni", "--registry", str(registry), "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json()["changed"] is True


def test_update_member_sets_and_unsets(registry: Path) -> None:
    done = cli(
        registry, "update-member", "alpha", "uni", "--role", "board", "--until", "2030-12-31",
        "--unset", "since", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"cluster": "alpha", "partner": "uni", "changed": True}
    expected = replaced(
        SMALL,
        '{ partner = "uni", role = "member", since = 2018-02-01 }',
        '{ partner = "uni", role = "board", until = 2030-12-31 }',
    )
    assert registry.read_text("utf-8") == expected


def test_update_member_with_the_same_values_changes_nothing(registry: Path) -> None:
    before = digest(registry)
    done = cli(registry, "update-member", "alpha", "uni", "--role", "member", "--json")
    assert done.exit_code == 0
    assert done.json() == {"cluster": "alpha", "partner": "uni", "changed": False}
    assert digest(registry) == before


def test_update_member_of_a_partner_that_is_not_a_member_is_refused(registry: Path) -> None:
    before = digest(registry)
    error = assert_error(
        cli(registry, "update-member", "beta", "uni", "--role", "board", "--json"),
        4,
        "unknown-partner",
    )
    assert "add-member beta uni" in said(error)
    assert cli(registry, "update-member", "beta", "unx", "--role", "board").exit_code == 4
    assert digest(registry) == before


def test_remove_member_removes_one_membership(registry: Path) -> None:
    done = cli(registry, "remove-member", "alpha", "uni", "--json", "--on", LATER)
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"cluster": "alpha", "partner": "uni", "changed": True}
    expected = replaced(
        SMALL, '    { partner = "uni", role = "member", since = 2018-02-01 },\n', ""
    )
    assert registry.read_text("utf-8") == expected
    again = cli(registry, "remove-member", "alpha", "uni", "--json", "--on", LATER)
    assert again.exit_code == 0
    assert again.json() == {"cluster": "alpha", "partner": "uni", "changed": False}
    assert registry.read_text("utf-8") == expected


def test_remove_the_last_member_drops_the_members_list(registry: Path) -> None:
    done = cli(registry, "remove-member", "beta", "acme")
    assert done.exit_code == 0, done.stderr
    expected = replaced(
        SMALL, 'members = [\n    { partner = "acme" },\n]\n\n[partners', "\n[partners"
    )
    assert registry.read_text("utf-8") == expected
    assert_canonical(registry)


def test_remove_member_of_an_unknown_partner_is_refused(registry: Path) -> None:
    before = digest(registry)
    error = assert_error(
        cli(registry, "remove-member", "alpha", "unii", "--json"), 4, "unknown-partner"
    )
    assert "did you mean 'uni'" in said(error)
    assert digest(registry) == before


def test_a_membership_whose_removal_breaks_a_rule_on_the_given_day(registry: Path) -> None:
    """FC105: an active spearhead needs a government member; alpha ends 2027-12-31."""
    before = digest(registry)
    error = assert_error(
        cli(registry, "remove-member", "alpha", "gov", "--on", ON, "--json"), 4, "rule-violation"
    )
    assert "FC105" in said(error)
    assert "government" in said(error)
    assert digest(registry) == before
    done = cli(registry, "remove-member", "alpha", "gov", "--on", LATER, "--json")
    assert done.exit_code == 0, done.stdout
    assert "gov" not in [
        m["partner"]
        for m in tomllib.loads(registry.read_text("utf-8"))["clusters"]["alpha"]["members"]
    ]


def test_an_edit_that_adds_a_warning_is_written_and_says_so(registry: Path) -> None:
    done = cli(
        registry, "add-member", "alpha", "wal", "--name", "Wal SA", "--kind", "company",
        "--postal-code", "1300", "--on", ON,
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert "warning: the edit adds FC109" in done.stderr
    assert "wal" in tomllib.loads(registry.read_text("utf-8"))["partners"]


# -- funding -----------------------------------------------------------------------------


def test_add_funding_writes_the_period(registry: Path) -> None:
    gamma = ("add-cluster", "gamma", "--name", "G", "--type", "icn", "--domain", "D")
    assert cli(registry, *gamma).exit_code == 0
    done = cli(
        registry, "add-funding", "gamma", "--start", "2024-01-01", "--end", "2026-12-31",
        "--end-basis", "policy-max", "--annual-support-eur", "150000", "--support-rate", "0.5",
        "--reference", "VLAIO-2024-1", "--json", "--on", ON,
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"cluster": "gamma", "start": "2024-01-01", "changed": True}
    block = (  # too long for one inline table: tomli-w's layout is [[…]]
        '[clusters.gamma]\nname = "G"\ntype = "icn"\ndomain = "D"\n\n'
        "[[clusters.gamma.funding]]\nstart = 2024-01-01\nend = 2026-12-31\n"
        'end_basis = "policy-max"\nannual_support_eur = 150000\nsupport_rate = 0.5\n'
        'reference = "VLAIO-2024-1"\n\n'
    )
    assert registry.read_text("utf-8") == replaced(
        SMALL, "[partners.acme]", block + "[partners.acme]"
    )
    assert_canonical(registry)


def test_the_funding_messages_do_not_read_as_a_range(registry: Path) -> None:
    # Once "added funding from 2019-01-01 to power-to-gas": a period from a day to a name.
    gamma = ("add-cluster", "gamma", "--name", "G", "--type", "icn", "--domain", "D")
    assert cli(registry, *gamma, "--action-plan", "P").exit_code == 0
    period = ("gamma", "--start", "2024-01-01", "--end", "2026-12-31", "--on", ON)
    added = cli(registry, "add-funding", *period)
    assert added.stderr == "added to gamma the funding period starting 2024-01-01\n"
    again = cli(registry, "add-funding", *period)
    assert again.stderr == "unchanged: gamma has the funding period starting 2024-01-01\n"
    start = ("gamma", "--start", "2024-01-01")
    removed = cli(registry, "remove-funding", *start)
    assert removed.stderr == "removed from gamma the funding period starting 2024-01-01\n"
    gone = cli(registry, "remove-funding", *start)
    assert gone.stderr == "unchanged: gamma has no funding period starting 2024-01-01\n"


def test_add_funding_sorts_periods_by_start(registry: Path) -> None:
    gamma = ("add-cluster", "gamma", "--name", "G", "--type", "spearhead", "--domain", "D")
    assert cli(registry, *gamma).exit_code == 0
    for start, end in [("2025-01-01", "2025-12-31"), ("2020-01-01", "2024-12-31")]:
        done = cli(registry, "add-funding", "gamma", "--start", start, "--end", end)
        assert done.exit_code == 0, done.stderr
    text = registry.read_text("utf-8")
    assert text.index("start = 2020-01-01") < text.index("start = 2025-01-01")
    funding = tomllib.loads(text)["clusters"]["gamma"]["funding"]
    assert [str(p["start"]) for p in funding] == ["2020-01-01", "2025-01-01"]


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("2028-01-01", "2028-12-31", "FC102"),  # alpha funded more than 10 years
        ("2020-01-01", "2020-12-31", "FC005"),  # overlaps alpha's period
        ("2017-06-01", "2017-01-01", "FC005"),  # ends before it starts
    ],
)
def test_add_funding_that_breaks_a_rule_is_refused(
    registry: Path, start: str, end: str, code: str
) -> None:
    before = digest(registry)
    done = cli(
        registry, "add-funding", "alpha", "--start", start, "--end", end, "--on", ON, "--json"
    )
    error = assert_error(done, 4, "rule-violation")
    assert code in said(error)
    assert "nothing was written" in said(error)
    assert error["fix"]
    text = cli(registry, "add-funding", "alpha", "--start", start, "--end", end, "--on", ON)
    assert text.exit_code == 4
    assert code in text.stderr
    assert "fix:" in text.stderr
    assert digest(registry) == before


def test_add_funding_above_the_cap_or_too_long_for_an_icn_is_refused(registry: Path) -> None:
    before = digest(registry)
    cap = cli(
        registry, "add-funding", "beta", "--start", "2019-01-01", "--end", "2021-12-31",
        "--annual-support-eur", "150000",
    )  # fmt: skip
    assert cap.exit_code == 4  # the period exists with another amount: a conflict
    assert "remove-funding beta --start 2019-01-01" in cap.stderr
    long = cli(
        registry, "add-funding", "beta", "--start", "2022-01-01", "--end", "2022-12-31", "--json"
    )
    assert "FC101" in assert_error(long, 4, "rule-violation")["message"]
    assert digest(registry) == before
    assert cli(registry, "remove-funding", "beta", "--start", "2019-01-01").exit_code == 0
    over = cli(
        registry, "add-funding", "beta", "--start", "2019-01-01", "--end", "2021-12-31",
        "--annual-support-eur", "150001", "--json",
    )  # fmt: skip
    assert "FC103" in assert_error(over, 4, "rule-violation")["message"]


def test_add_funding_again_is_idempotent(registry: Path) -> None:
    before = digest(registry)
    done = cli(
        registry, "add-funding", "alpha", "--start", "2018-01-01", "--end", "2027-12-31",
        "--end-basis", "policy-max", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"cluster": "alpha", "start": "2018-01-01", "changed": False}
    same = cli(
        registry, "add-funding", "beta", "--start", "2019-01-01", "--end", "2021-12-31",
        "--annual-support-eur", "100000", "--end-basis", "published", "--json",
    )  # fmt: skip
    assert same.exit_code == 0, same.stdout
    assert same.json()["changed"] is False
    assert digest(registry) == before


def test_remove_funding_removes_the_period_that_starts_on_the_date(registry: Path) -> None:
    done = cli(registry, "remove-funding", "beta", "--start", "2019-01-01", "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"cluster": "beta", "start": "2019-01-01", "changed": True}
    expected = replaced(
        SMALL,
        "funding = [\n"
        "    { start = 2019-01-01, end = 2021-12-31, annual_support_eur = 100000 },\n]\n",
        "",
    )
    assert registry.read_text("utf-8") == expected
    again = cli(registry, "remove-funding", "beta", "--start", "2019-01-01", "--json")
    assert again.exit_code == 0
    assert again.json()["changed"] is False
    assert registry.read_text("utf-8") == expected


def test_remove_funding_needs_start(registry: Path) -> None:
    before = digest(registry)
    assert cli(registry, "remove-funding", "beta").exit_code == 2
    assert cli(registry, "remove-funding", "gamma", "--start", "2019-01-01").exit_code == 4
    assert digest(registry) == before


# -- findings that were already there ----------------------------------------------------

BROKEN = replaced(
    SMALL,
    "{ start = 2019-01-01, end = 2021-12-31, annual_support_eur = 100000 }",
    "{ start = 2019-01-01, end = 2022-12-31, annual_support_eur = 100000 }",
)  # beta, an ICN, funded four years: FC101


def test_an_error_already_in_the_file_does_not_block_an_unrelated_edit(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, BROKEN)
    assert cli(registry, "validate", "--on", ON, "--rule", "FC101").exit_code == 1
    done = cli(
        registry, "add-member", "alpha", "bank", "--name", "Bank", "--kind", "other", "--on", ON
    )
    assert done.exit_code == 0, done.stderr
    same_cluster = cli(registry, "add-member", "beta", "uni", "--on", ON)
    assert same_cluster.exit_code == 0, same_cluster.stderr
    data = tomllib.loads(registry.read_text("utf-8"))
    assert [m["partner"] for m in data["clusters"]["beta"]["members"]] == ["acme", "uni"]
    # but a new error of the same rule elsewhere is still refused
    gamma = ("add-cluster", "gamma", "--name", "G", "--type", "icn", "--domain", "D")
    assert cli(registry, *gamma).exit_code == 0
    before = digest(registry)
    new = cli(
        registry, "add-funding", "gamma", "--start", "2020-01-01", "--end", "2024-12-31", "--json"
    )
    error = assert_error(new, 4, "rule-violation")
    assert "gamma" in said(error)
    assert "beta" not in said(error)
    assert digest(registry) == before


# -- dry runs and JSON -------------------------------------------------------------------

CHANGING = [
    ("add-cluster", "gamma", "--name", "G", "--type", "icn", "--domain", "D"),
    ("update-cluster", "alpha", "--source", "https://more.example", "--unset", "recognised"),
    ("remove-cluster", "beta"),
    ("add-partner", "bank", "--name", "Bank", "--kind", "other"),
    ("update-partner", "uni", "--postal-code", "3000"),
    ("add-member", "beta", "newco", "--name", "N", "--kind", "company"),
    ("update-member", "alpha", "uni", "--role", "board"),
    ("remove-member", "beta", "acme"),
    ("remove-funding", "beta", "--start", "2019-01-01"),
]
UNCHANGING = [
    ("add-member", "alpha", "acme"),
    ("remove-member", "beta", "uni"),
    ("update-partner", "gov", "--name", "Flemish Government"),
    ("remove-funding", "alpha", "--start", "2019-01-01"),
]


@pytest.mark.parametrize("command", CHANGING, ids=lambda c: c[0])
def test_dry_run_prints_a_unified_diff_and_writes_nothing(
    registry: Path, command: tuple[str, ...]
) -> None:
    before = digest(registry)
    done = cli(registry, *command, "--dry-run", "--on", ON)
    assert done.exit_code == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"--- {registry}"
    assert lines[1] == f"+++ {registry}"
    assert lines[2].startswith("@@ -")
    assert any(line.startswith(("+", "-")) for line in lines[3:])
    assert "dry run, nothing written" in done.stderr
    assert digest(registry) == before


@pytest.mark.parametrize("command", CHANGING, ids=lambda c: c[0])
def test_dry_run_diff_is_exactly_what_the_edit_then_writes(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    registry = write_registry(tmp_path)
    dry = cli(registry, *command, "--dry-run", "--json", "--on", ON)
    assert dry.exit_code == 0, dry.stdout
    body = dry.json()
    assert body["changed"] is True
    assert body["diff"].startswith(f"--- {registry}\n+++ {registry}\n@@ ")
    assert registry.read_text("utf-8") == SMALL
    wet = cli(registry, *command, "--json", "--on", ON)
    assert wet.exit_code == 0, wet.stdout
    assert "diff" not in wet.json()
    assert {k: v for k, v in body.items() if k != "diff"} == wet.json()
    after = registry.read_text("utf-8")
    # the diff of the old file and the written one, as difflib makes it, is the dry run's
    expected = difflib.unified_diff(
        SMALL.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=str(registry),
        tofile=str(registry),
    )
    assert body["diff"] == "".join(expected)
    assert_canonical(registry)


@pytest.mark.parametrize("command", UNCHANGING, ids=lambda c: c[0])
def test_unchanged_edit_has_changed_false_and_an_empty_diff(
    registry: Path, command: tuple[str, ...]
) -> None:
    before = digest(registry)
    done = cli(registry, *command, "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json()["changed"] is False
    assert "diff" not in done.json()
    dry = cli(registry, *command, "--json", "--dry-run")
    assert dry.exit_code == 0, dry.stdout
    assert dry.json()["changed"] is False
    assert dry.json()["diff"] == ""
    plain = cli(registry, *command, "--dry-run")
    assert plain.exit_code == 0
    assert plain.stdout == ""
    assert "unchanged" in plain.stderr
    assert digest(registry) == before


def test_dry_run_of_add_funding(registry: Path) -> None:
    gamma = ("add-cluster", "gamma", "--name", "G", "--type", "icn", "--domain", "D")
    assert cli(registry, *gamma, "--action-plan", "P").exit_code == 0
    before = digest(registry)
    done = cli(
        registry, "add-funding", "gamma", "--start", "2024-01-01", "--end", "2026-12-31",
        "--dry-run", "--on", ON,
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(f"--- {registry}\n+++ {registry}\n@@ ")
    assert "+    { start = 2024-01-01, end = 2026-12-31 },\n" in done.stdout
    assert digest(registry) == before


def test_a_refused_dry_run_is_refused_too(registry: Path) -> None:
    before = digest(registry)
    done = cli(
        registry, "add-funding", "alpha", "--start", "2028-01-01", "--end", "2028-12-31",
        "--dry-run", "--json",
    )  # fmt: skip
    assert_error(done, 4, "rule-violation")
    assert digest(registry) == before


def test_json_output_has_no_ansi_codes_and_iso_dates(registry: Path) -> None:
    done = cli(registry, "remove-funding", "beta", "--start", "2019-01-01", "--json", "--dry-run")
    assert done.exit_code == 0
    assert "\x1b[" not in done.stdout
    assert done.json()["start"] == "2019-01-01"


# -- the shipped registry is read-only ---------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("add-member", "vil", "acme", "--name", "Acme", "--kind", "company"),
        ("add-cluster", "gamma", "--name", "G", "--type", "icn", "--domain", "D"),
        ("update-cluster", "vil", "--notes", "x"),
        ("remove-cluster", "vil"),
        ("remove-funding", "vil", "--start", "2017-01-01"),
    ],
    ids=lambda c: c[0],
)
def test_edits_of_the_shipped_registry_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./data/clusters.toml here: the shipped one is used
    before = digest(store.SHIPPED)
    done = run(*command)
    assert done.exit_code == 4
    assert "read-only" in done.stderr
    assert "clusters init" in done.stderr
    error = assert_error(run(*command, "--json"), 4, "read-only")
    assert "clusters init" in said(error)
    assert digest(store.SHIPPED) == before
    assert list(tmp_path.iterdir()) == []


def test_an_edit_that_turns_an_info_into_an_error_is_refused(tmp_path: Path) -> None:
    # alpha lists no knowledge member; marked partial, FC105 is only info. Declaring the
    # list complete would make it the error it was hiding.
    text = SMALL.replace('    { partner = "uni", role = "member", since = 2018-02-01 },\n', "")
    text = text.replace(
        'domain = "Chemistry"\n', 'domain = "Chemistry"\nmembers_complete = false\n'
    )
    registry = write_registry(tmp_path, text)
    assert cli(registry, "fmt").exit_code == 0
    before = digest(registry)
    info = cli(registry, "validate", "--on", "2020-01-01", "--json").json()["findings"]
    assert [(f["code"], f["severity"]) for f in info] == [("FC105", "info"), ("FC106", "info")]
    done = cli(
        registry,
        "update-cluster",
        "alpha",
        "--unset",
        "members_complete",
        "--on",
        "2020-01-01",
        "--json",
    )
    error = assert_error(done, 4, "rule-violation")
    assert "FC105 triple-helix: alpha" in said(error)
    assert digest(registry) == before


def test_a_partner_change_is_judged_in_every_cluster_it_belongs_to(registry: Path) -> None:
    # acme is alpha's only company: making it "other" breaks alpha's triple helix (FC105).
    before = digest(registry)
    done = cli(
        registry, "update-partner", "acme", "--kind", "other", "--unset", "size",
        "--on", "2020-01-01", "--json",
    )  # fmt: skip
    error = assert_error(done, 4, "rule-violation")
    assert "FC105 triple-helix: alpha" in said(error)
    assert digest(registry) == before


def test_a_new_partner_with_a_bad_id_is_refused_by_the_schema(registry: Path) -> None:
    before = digest(registry)
    done = cli(
        registry, "add-member", "beta", "Bad_Id", "--name", "B", "--kind", "company", "--json"
    )
    error = assert_error(done, 2, "usage")  # a malformed id is a usage error
    assert "'Bad_Id' is not an id" in said(error)
    assert digest(registry) == before


def test_text_options_are_trimmed_and_must_be_one_line(registry: Path) -> None:
    done = cli(
        registry,
        "add-partner",
        "newco",
        "--name",
        "  New Co  ",
        "--kind",
        "company",
        "--website",
        " https://new.example ",
    )
    assert done.exit_code == 0, done.stderr
    assert tomllib.loads(registry.read_text("utf-8"))["partners"]["newco"] == {
        "name": "New Co",
        "kind": "company",
        "website": "https://new.example",
    }
    before = digest(registry)
    broken = cli(registry, "update-partner", "newco", "--name", "Two\nLines")
    assert broken.exit_code == 2
    assert "must be one line" in broken.stderr
    assert digest(registry) == before


def test_the_shipped_registry_named_by_path_is_still_read_only(tmp_path: Path) -> None:
    before = digest(store.SHIPPED)
    for how in (["--registry", str(store.SHIPPED)], []):
        env = {} if how else {"CLUSTERS_REGISTRY": str(store.SHIPPED)}
        done = run(
            *how, "add-member", "vil", "acme", "--name", "A", "--kind", "company", "--json", env=env
        )
        assert_error(done, 4, "read-only")
    assert digest(store.SHIPPED) == before


def test_an_initialised_copy_of_the_shipped_registry_is_editable(tmp_path: Path) -> None:
    registry = tmp_path / "reg.toml"
    assert run("init", str(registry), "--from-shipped").exit_code == 0
    done = cli(
        registry, "add-member", "vil", "acme", "--name", "Acme", "--kind", "company",
        "--enterprise-number", "BE0123456749", "--json",
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {
        "cluster": "vil",
        "partner": "acme",
        "changed": True,
        "created_partner": True,
    }
    assert_canonical(registry)
    listed = cli(registry, "show", "vil", "--json")
    assert "acme" in [m["partner"] for m in listed.json()["members"]]


# -- the written file --------------------------------------------------------------------


def test_a_series_of_edits_leaves_a_canonical_valid_file(registry: Path) -> None:
    for command in CHANGING[:2] + CHANGING[3:]:
        done = cli(registry, *command, "--on", ON)
        assert done.exit_code == 0, (command, done.stderr)
        assert_canonical(registry)
    # the file started without errors and every edit was judged: it still has none
    checked = cli(registry, "validate", "--on", ON, "--json")
    assert checked.exit_code == 0, checked.stdout
    assert checked.json()["counts"]["error"] == 0


def test_a_non_canonical_file_is_written_in_canonical_form(tmp_path: Path) -> None:
    shuffled = SMALL[SMALL.index("[partners.acme]") :] + "\n" + SMALL[: SMALL.index("[partners")]
    shuffled = shuffled.replace("#:schema ./clusters.schema.json\n\nschema_version = 1\n", "")
    registry = write_registry(tmp_path, "schema_version = 1\n" + shuffled)
    assert cli(registry, "fmt", "--check").exit_code == 1
    done = cli(registry, "add-member", "beta", "uni")
    assert done.exit_code == 0, done.stderr
    assert_canonical(registry)
    assert registry.read_text("utf-8").startswith("#:schema ./clusters.schema.json\n\n")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o640, 0o664, 0o600])
def test_an_edit_keeps_the_file_mode(registry: Path, mode: int) -> None:
    registry.chmod(mode)
    assert cli(registry, "add-member", "beta", "uni").exit_code == 0
    assert registry.stat().st_mode & 0o7777 == mode


def test_a_symlinked_registry_stays_a_link_and_its_target_is_written(tmp_path: Path) -> None:
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    target = write_registry(real_folder)
    link = tmp_path / "link.toml"
    try:
        link.symlink_to(target)
    except OSError:
        pytest.skip("symbolic links are not allowed here")
    done = cli(link, "add-member", "beta", "uni", "--json")
    assert done.exit_code == 0, done.stdout
    assert link.is_symlink()
    assert link.resolve() == target.resolve()
    assert "uni" in [
        m["partner"]
        for m in tomllib.loads(target.read_text("utf-8"))["clusters"]["beta"]["members"]
    ]
    assert (real_folder / "clusters.toml.lock").exists() or sys.platform == "win32"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.toml", "real"]


COMMENTED = replaced(SMALL, "[clusters.beta]\n", "# beta is small\n[clusters.beta]  # an ICN\n")


@pytest.mark.parametrize("as_json", [False, True])
def test_dropping_comments_is_said_once_on_stderr(tmp_path: Path, as_json: bool) -> None:
    registry = write_registry(tmp_path, COMMENTED)
    flags = ("--json",) if as_json else ()
    done = cli(registry, "add-member", "beta", "uni", *flags)
    assert done.exit_code == 0, done.stderr
    assert done.stderr.count("held comments") == 1
    assert "notes" in done.stderr
    if as_json:
        assert done.json()["changed"] is True
        assert "held comments" not in done.stdout
    assert "#" not in registry.read_text("utf-8").replace("#:schema", "")
    second = cli(registry, "add-member", "alpha", "bank", "--name", "B", "--kind", "other", *flags)
    assert second.exit_code == 0
    assert "held comments" not in second.stderr


def test_the_schema_header_alone_is_not_a_comment(registry: Path) -> None:
    done = cli(registry, "add-member", "beta", "uni")
    assert done.exit_code == 0
    assert "held comments" not in done.stderr


def test_an_unchanged_edit_of_a_commented_file_keeps_the_comments(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, COMMENTED)
    before = digest(registry)
    done = cli(registry, "add-member", "beta", "acme")
    assert done.exit_code == 0
    assert "held comments" not in done.stderr
    assert digest(registry) == before


def test_a_registry_that_cannot_be_read_is_exit_3(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    done = cli(missing, "add-member", "beta", "uni", "--json")
    assert_error(done, 3, "registry-not-found")
    assert not missing.exists()
    bad = write_registry(tmp_path, "schema_version = 1\n[clusters.x\n", "bad.toml")
    before = digest(bad)
    assert_error(cli(bad, "add-member", "x", "uni", "--json"), 3, "toml-syntax")
    assert digest(bad) == before
    typo = write_registry(tmp_path, SMALL.replace("domain = ", "domian = ", 1), "typo.toml")
    before = digest(typo)
    error = assert_error(cli(typo, "add-member", "beta", "uni", "--json"), 3, "schema")
    assert "typo.toml" in said(error)
    assert digest(typo) == before


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_write_that_fails_leaves_the_registry_and_no_temporary_file(
    registry: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    before = digest(registry)
    monkeypatch.setattr(store.os, failing, full)
    done = cli(registry, "add-member", "beta", "uni", "--json")
    monkeypatch.undo()
    assert done.exit_code == 4
    error = done.json()["error"]
    assert "No space left on device" in said(error)
    assert "unchanged" in said(error)
    assert digest(registry) == before
    assert sorted(p.name for p in registry.parent.iterdir()) == [
        "clusters.toml",
        "clusters.toml.lock",
    ]


# -- locking -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_held_lock_times_out_with_exit_5_naming_the_lock_file(registry: Path) -> None:
    before = digest(registry)
    lock_path = f"{registry}.lock"
    with FileLock(lock_path):
        done = run(
            "--lock-timeout", "0.5", "--registry", str(registry), "add-member", "beta", "uni"
        )
        assert done.exit_code == 5
        assert lock_path in done.stderr
        assert "--lock-timeout" in done.stderr
        as_json = cli(registry, "add-member", "beta", "uni", "--json", "--lock-timeout", "0.5")
        error = assert_error(as_json, 5, "locked")
        assert lock_path in said(error)
        # reads and dry runs do not wait for writers
        assert cli(registry, "add-member", "beta", "uni", "--dry-run").exit_code == 0
        assert cli(registry, "show", "beta", "--json").exit_code == 0
    assert digest(registry) == before
    after = cli(registry, "add-member", "beta", "uni", "--lock-timeout", "0.5")
    assert after.exit_code == 0, after.stderr


def test_a_stale_lock_file_does_not_block(registry: Path) -> None:
    Path(f"{registry}.lock").write_text("12345\n", encoding="utf-8")
    done = cli(registry, "add-member", "beta", "uni", "--lock-timeout", "0.5", "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json()["changed"] is True


def test_temporary_files_of_killed_writers_are_removed_by_the_next_writer(
    registry: Path,
) -> None:
    leftovers = [
        registry.parent / f".{registry.name}.{tag}.tmp" for tag in ("abcd1234", "x_y_z_09")
    ]
    for path in leftovers:
        path.write_text("half a registry", encoding="utf-8")
    unrelated = registry.parent / ".other.toml.abcd1234.tmp"
    unrelated.write_text("not ours", encoding="utf-8")
    done = cli(registry, "add-member", "beta", "uni", "--json")
    assert done.exit_code == 0, done.stdout
    assert not any(path.exists() for path in leftovers)
    assert unrelated.exists()


def test_a_lock_not_waited_for_says_it_is_held(registry: Path) -> None:
    # Once "locked by another writer for more than 0 s".
    lock_path = f"{registry}.lock"
    with FileLock(lock_path):
        done = cli(registry, "add-member", "beta", "uni", "--lock-timeout", "0")
        longer = cli(registry, "add-member", "beta", "uni", "--lock-timeout", "0.2")
    assert done.exit_code == 5
    assert done.stderr == (
        f"error: {registry}: the lock is held by another writer (lock file {lock_path}); "
        "fix: retry when it is done, or wait for it with --lock-timeout SECONDS\n"
    )
    assert longer.stderr == (
        f"error: {registry}: locked by another writer for more than 0.2 s (lock file "
        f"{lock_path}); fix: retry, or raise --lock-timeout\n"
    )


def test_the_lock_of_a_symlinked_registry_is_its_targets(tmp_path: Path) -> None:
    real_folder = tmp_path / "real"
    real_folder.mkdir()
    target = write_registry(real_folder)
    link = tmp_path / "link.toml"
    try:
        link.symlink_to(target)
    except OSError:
        pytest.skip("symbolic links are not allowed here")
    with FileLock(f"{target}.lock"):
        done = cli(link, "add-member", "beta", "uni", "--lock-timeout", "0.3", "--json")
    assert_error(done, 5, "locked")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX folder permissions")
def test_a_read_only_folder_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    registry = write_registry(folder)
    folder.chmod(0o555)
    try:
        before = digest(registry)
        error = assert_error(cli(registry, "add-member", "beta", "uni", "--json"), 4, "read-only")
        assert "not writable" in said(error)
        assert digest(registry) == before
    finally:
        folder.chmod(0o755)


# Once, `--name $'bad\xff'` (a value that is not UTF-8, as a shell passes it) reached the
# schema check: a pydantic message, exit 4 and a pointer to README.md, which the wheel lacks.
@pytest.mark.slow  # processes: only a real argv carries bytes
@pytest.mark.skipif(sys.platform == "win32", reason="Windows passes arguments as UTF-16 text")
@pytest.mark.parametrize(
    ("arguments", "option"),
    [
        ((b"add-partner", b"newco", b"--name", b"bad\xff", b"--kind", b"company"), "'--name'"),
        ((b"add-partner", b"new\xffco", b"--name", b"N", b"--kind", b"company"), "'PARTNER'"),
        ((b"update-cluster", b"alpha", b"--notes", b"caf\xe9"), "'--notes'"),
        ((b"update-cluster", b"alpha", b"--source", b"https://x.example/\xff"), "'--source'"),
    ],
    ids=["name", "id", "notes", "url"],
)
def test_a_value_that_is_not_utf8_is_a_usage_error(
    registry: Path, arguments: tuple[bytes, ...], option: str
) -> None:
    import subprocess

    before = digest(registry)
    done = subprocess.run(
        [sys.executable, "-m", "flanders_clusters", "--registry", str(registry), *arguments],
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 2, done.stderr
    raw = next(a for a in arguments if not a.decode("utf-8", "replace").isascii())
    shown = repr(raw)[1:]
    assert (
        f"Invalid value for {option}: {shown} is not valid UTF-8; write it in UTF-8 (check "
        "the encoding of the terminal or the script that passed it)"
    ) in done.stderr.decode("utf-8")
    assert b"README" not in done.stderr and b"Traceback" not in done.stderr
    assert digest(registry) == before


# -- --unset F with --F VALUE -------------------------------------------------------------


def test_unset_sources_with_a_source_leaves_exactly_that_source(registry):
    result = cli(registry, "update-cluster", "alpha", "--unset", "sources",
                 "--source", "https://new.example", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stdout
    assert result.json() == {"cluster": "alpha", "changed": True}
    assert toml_of(registry)["clusters"]["alpha"]["sources"] == ["https://new.example"]
    again = cli(registry, "update-cluster", "alpha", "--unset", "sources",
                "--source", "https://new.example", "--json")  # fmt: skip
    assert again.json() == {"cluster": "alpha", "changed": False}


def test_unset_website_with_a_website_sets_it(registry):
    result = cli(registry, "update-partner", "uni", "--unset", "website",
                 "--website", "https://uni.example")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert toml_of(registry)["partners"]["uni"]["website"] == "https://uni.example"


def test_help_says_unset_comes_first(registry):
    for command in ("update-cluster", "update-partner", "update-member"):
        text = " ".join(cli(registry, command, "--help").stdout.split())
        assert "Remove a field before the others are set, so --unset F --F VALUE replaces it" in (
            text
        ), command


# -- --unset takes the option's spelling --------------------------------------------------


@pytest.mark.parametrize("spelling", ["reported-members", "reported_members", "--reported-members"])
def test_unset_takes_the_option_spelling(registry: Path, spelling: str) -> None:
    assert cli(registry, "update-cluster", "alpha", "--reported-members", "9").exit_code == 0
    done = cli(registry, "update-cluster", "alpha", "--unset", spelling, "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["changed"] is True
    assert "reported_members" not in registry.read_text("utf-8")


def test_unset_sources_by_the_option_name(registry: Path) -> None:
    done = cli(registry, "update-cluster", "alpha", "--unset", "source", "--json")
    assert done.exit_code == 0, done.stderr
    assert "sources" not in tomllib.loads(registry.read_text("utf-8"))["clusters"]["alpha"]


# -- FC008: a membership that ends before it begins ---------------------------------------


def test_fc008_add_member_refuses_until_before_since(registry):
    before = digest(registry)
    result = cli(registry, "add-member", "beta", "uni", "--since", "2020-05-01",
                 "--until", "2019-01-01")  # fmt: skip
    assert result.exit_code == 4
    assert "FC008 membership-period" in result.stderr
    assert "ends (2019-01-01) before it starts (2020-05-01)" in result.stderr
    assert digest(registry) == before


def test_fc008_update_member_refuses_until_before_since(registry):
    before = digest(registry)
    result = cli(registry, "update-member", "alpha", "uni", "--until", "2018-01-31", "--json")
    assert result.exit_code == 4
    assert result.json()["error"]["code"] == "rule-violation"
    assert "FC008" in result.json()["error"]["message"]
    assert digest(registry) == before


# -- conflicts say values as the user writes them -----------------------------------------


PYTHON_REPRS = re.compile(r"datetime\.date\(|\bNone\b|\bTrue\b|\bFalse\b")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["add-funding", "alpha", "--start", "2018-01-01", "--end", "2027-12-30"],
            "(end is 2027-12-31, not 2027-12-30)",
        ),
        (
            ["add-cluster", "alpha", "--name", "Alpha Cluster", "--type", "spearhead",
             "--domain", "Chemistry", "--ended", "2020-01-01"],
            "(ended is absent, not 2020-01-01)",
        ),
        (
            ["add-cluster", "alpha", "--name", "Alpha Cluster", "--type", "spearhead",
             "--domain", "Chemistry", "--members-complete"],
            "(members_complete is false, not true)",
        ),
    ],
)  # fmt: skip
def test_conflicts_show_values_as_the_user_writes_them(tmp_path, args, said):
    text = replaced(
        SMALL, 'domain = "Chemistry"\n', 'domain = "Chemistry"\nmembers_complete = false\n'
    )
    path = write_registry(tmp_path, text)
    result = cli(path, *args)
    assert result.exit_code == 4
    assert said in result.stderr
    assert not PYTHON_REPRS.search(result.stderr), result.stderr
    as_json = cli(path, *args, "--json")
    error = as_json.json()["error"]
    assert error["code"] == "conflict"
    assert said in error["message"]
    assert not PYTHON_REPRS.search(as_json.stdout), as_json.stdout
