"""The eligibility rules through `clusters validate --json` and `clusters rules`.

Every test starts from ``BASE``, a small registry that breaks no rule, and plants a
violation (``plant``), then reads what a user reads: the JSON findings and the exit code.
Output formats, exit codes and lines are in ``test_validate_output.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SMALL, cli, findings_of, replaced, run, write_registry

ON = "2022-06-01"

# alpha: a spearhead funded 2018-2027, triple helix, 3 companies among 5 members.
# beta: an ICN funded exactly 3 years with a total of EUR 300,000, with an action plan.
BASE = """\
schema_version = 1

[clusters.alpha]
name = "Alpha Cluster"
type = "spearhead"
domain = "Chemistry"
recognised = 2018-01-01
funding = [
    { start = 2018-01-01, end = 2027-12-31, annual_support_eur = 400000, support_rate = 0.5 },
]
members = [
    { partner = "acme", role = "founder", since = 2017-06-01 },
    { partner = "bolt", since = 2018-02-01 },
    { partner = "cogs", role = "board" },
    { partner = "gov", role = "clusterpact", since = 2018-06-01 },
    { partner = "uni", since = 2018-02-01 },
]

[clusters.beta]
name = "Beta Network"
type = "icn"
domain = "Drones"
recognised = 2021-01-01
action_plan = "https://beta.example/plan"
funding = [
    { start = 2021-01-01, end = 2023-12-31, total_support_eur = 300000 },
]
members = [
    { partner = "acme", since = 2021-01-01 },
    { partner = "bolt" },
]

[partners.acme]
name = "Acme NV"
kind = "company"
enterprise_number = "0123.456.749"
postal_code = "2000"

[partners.bolt]
name = "Bolt BV"
kind = "company"
postal_code = "9000"
country = "BE"

[partners.cogs]
name = "Cogs NV"
kind = "company"

[partners.gov]
name = "Flemish Government"
kind = "government"

[partners.uni]
name = "Example University"
kind = "knowledge"
postal_code = "3000"
"""

ALL_CODES = [
    *(f"FC0{n:02d}" for n in range(1, 11)),
    *(f"FC1{n:02d}" for n in range(1, 17)),
    *(f"FC20{n}" for n in range(1, 5)),
]
# The rules of the decree profile; the eccp profile's FC2xx are planted in test_profiles.py.
DECREE_CODES = [code for code in ALL_CODES if not code.startswith("FC2")]

# Pieces of BASE that the plants below change.
ALPHA_DOMAIN = 'domain = "Chemistry"\n'
BETA_DOMAIN = 'domain = "Drones"\n'
ALPHA_FUNDING = (
    "    { start = 2018-01-01, end = 2027-12-31, annual_support_eur = 400000, "
    "support_rate = 0.5 },\n"
)
BETA_FUNDING = "    { start = 2021-01-01, end = 2023-12-31, total_support_eur = 300000 },\n"
ACME_IN_ALPHA = '{ partner = "acme", role = "founder", since = 2017-06-01 }'
ACME_IN_BETA = '{ partner = "acme", since = 2021-01-01 }'
BOLT_IN_ALPHA = '{ partner = "bolt", since = 2018-02-01 }'
BOLT_IN_BETA = '    { partner = "bolt" },\n'
GOV_IN_ALPHA = '    { partner = "gov", role = "clusterpact", since = 2018-06-01 },\n'
UNI_IN_ALPHA = '    { partner = "uni", since = 2018-02-01 },\n'
BETA_MEMBERS = "members = [\n    " + ACME_IN_BETA + ",\n" + BOLT_IN_BETA + "]\n"
ACTION_PLAN = 'action_plan = "https://beta.example/plan"\n'
COGS = 'name = "Cogs NV"\nkind = "company"\n'
GOV_KIND = 'kind = "government"'

NO_UNI = (UNI_IN_ALPHA, "")  # alpha without a knowledge member
NO_ACTION_PLAN = (ACTION_PLAN, "")


def plant(*changes: tuple[str, str], text: str = BASE) -> str:
    """BASE with each ``(old, new)`` replaced; each ``old`` must occur exactly once."""
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} must occur once"
        text = text.replace(old, new)
    return text


def after(anchor: str, added: str) -> tuple[str, str]:
    """A change that writes ``added`` right after ``anchor``."""
    return anchor, anchor + added


def period(start: str, end: str, extra: str = "") -> str:
    return f"    {{ start = {start}, end = {end}{extra} }},\n"


def member(partner: str, extra: str = "") -> str:
    return f'    {{ partner = "{partner}"{extra} }},\n'


def with_policy(policy: str, text: str = BASE) -> str:
    return plant(after("schema_version = 1\n", f"\n[policy]\n{policy}\n"), text=text)


def validate(folder: Path, text: str, *args: str, on: str = ON):
    path = write_registry(folder, text)
    return run("--registry", str(path), "validate", "--on", on, "--json", *args)


def found(result, code: str) -> list[dict]:
    return [f for f in result.json()["findings"] if f["code"] == code]


def codes(result) -> set[str]:
    return {f["code"] for f in result.json()["findings"]}


# -- the base registry is compliant --------------------------------------------------------


@pytest.mark.parametrize("on", ["2016-06-01", "2018-07-01", ON, "2023-06-30", "2026-01-01"])
def test_base_registry_has_no_findings(tmp_path, on):
    result = validate(tmp_path, BASE, "--strict", on=on)
    assert result.exit_code == 0, result.stdout
    assert result.json()["findings"] == []
    assert result.json()["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert result.json()["valid"] is True


@pytest.mark.parametrize("code", DECREE_CODES)
def test_each_rule_is_quiet_on_the_base_registry(tmp_path, code):
    result = validate(tmp_path, BASE, "--rule", code, "--strict")
    assert result.exit_code == 0
    assert result.json()["findings"] == []


# -- one planted violation per rule --------------------------------------------------------

PLANTED = [
    pytest.param(
        [after(ALPHA_DOMAIN, 'colour = "blue"\n')],
        "FC001", "alpha", None, "error", id="FC001-unknown-cluster-key",
    ),
    pytest.param(
        [('kind = "knowledge"', 'kind = "university"')],
        "FC001", None, "uni", "error", id="FC001-bad-partner-kind",
    ),
    pytest.param(
        [after(UNI_IN_ALPHA, member("ghost"))],
        "FC002", "alpha", "ghost", "error", id="FC002",
    ),
    pytest.param(
        [after(BOLT_IN_BETA, member("bolt", ', role = "board"'))],
        "FC003", "beta", "bolt", "error", id="FC003",
    ),
    pytest.param(
        [('"0123.456.749"', '"0123.456.789"')],
        "FC004", None, "acme", "error", id="FC004-check-digits",
    ),
    pytest.param(
        [('"0123.456.749"', '"BE0123456749"')],
        "FC004", None, "acme", "error", id="FC004-not-stored-form",
    ),
    pytest.param(
        [('"0123.456.749"', '"12345"')],
        "FC004", None, "acme", "error", id="FC004-not-a-number",
    ),
    pytest.param(
        [after(ALPHA_FUNDING, period("2019-06-01", "2019-05-31"))],
        "FC005", "alpha", None, "error", id="FC005-ends-before-start",
    ),
    pytest.param(
        [after(ALPHA_FUNDING, period("2027-01-01", "2027-12-31"))],
        "FC005", "alpha", None, "error", id="FC005-overlap",
    ),
    pytest.param(
        [("end = 2023-12-31", "end = 2024-01-01")],
        "FC101", "beta", None, "error", id="FC101",
    ),
    pytest.param(
        [("end = 2027-12-31", "end = 2028-01-01")],
        "FC102", "alpha", None, "error", id="FC102",
    ),
    pytest.param(
        [("annual_support_eur = 400000", "annual_support_eur = 600000")],
        "FC103", "alpha", None, "error", id="FC103-annual",
    ),
    pytest.param(
        [("total_support_eur = 300000", "total_support_eur = 500000")],
        "FC103", "beta", None, "error", id="FC103-total",
    ),
    pytest.param(
        [("support_rate = 0.5", "support_rate = 0.6")],
        "FC104", "alpha", None, "error", id="FC104",
    ),
    pytest.param(
        [NO_UNI],
        "FC105", "alpha", None, "error", id="FC105",
    ),
    pytest.param(
        [(BOLT_IN_BETA, member("uni") + member("gov"))],
        "FC106", "beta", None, "warning", id="FC106",
    ),
    pytest.param(
        [NO_ACTION_PLAN],
        "FC108", "beta", None, "warning", id="FC108",
    ),
    pytest.param(
        [after(COGS, 'country = "NL"\n')],
        "FC109", "alpha", "cogs", "warning", id="FC109-country",
    ),
    pytest.param(
        [after(COGS, 'postal_code = "4000"\n')],
        "FC109", "alpha", "cogs", "warning", id="FC109-wallonia",
    ),
    pytest.param(
        [(BOLT_IN_ALPHA, '{ partner = "bolt", since = 2017-12-31 }')],
        "FC110", "alpha", "bolt", "warning", id="FC110-before-recognition",
    ),
    pytest.param(
        [(ACME_IN_BETA, '{ partner = "acme", since = 2024-01-01 }')],
        "FC110", "beta", "acme", "warning", id="FC110-after-funding",
    ),
    pytest.param(
        [after('postal_code = "2000"\n', 'kbo_status = "not-found"\nkbo_checked = 2026-11-07\n')],
        "FC113", None, "acme", "warning", id="FC113",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "code", "cluster", "partner", "severity"), PLANTED)
def test_planted_violation_is_found(tmp_path, changes, code, cluster, partner, severity):
    result = validate(tmp_path, plant(*changes))
    assert codes(result) == {code}, result.stdout
    assert [(f["cluster"], f["partner"], f["severity"]) for f in found(result, code)] == [
        (cluster, partner, severity)
    ]
    assert result.json()["valid"] is (severity != "error")
    assert result.exit_code == (1 if severity == "error" else 0)


@pytest.mark.parametrize(("changes", "code", "cluster", "partner", "severity"), PLANTED)
def test_planted_violation_is_found_by_its_rule_alone(
    tmp_path, changes, code, cluster, partner, severity
):
    result = validate(tmp_path, plant(*changes), "--rule", code)
    assert [(f["code"], f["cluster"], f["partner"]) for f in result.json()["findings"]] == [
        (code, cluster, partner)
    ]


def test_planted_violation_messages(tmp_path):
    def message(code: str, *changes: tuple[str, str]) -> str:
        [hit] = found(validate(tmp_path, plant(*changes)), code)
        return hit["message"]

    assert message("FC002", after(UNI_IN_ALPHA, member("ghost"))) == (
        "member 'ghost' is not in [partners]"
    )
    assert message("FC004", ('"0123.456.749"', '"0123.456.789"')) == (
        "'0123.456.789' has wrong check digits"
    )
    assert message("FC004", ('"0123.456.749"', '"BE0123456749"')) == (
        "'BE0123456749' is not written in the stored form 0123.456.749"
    )
    assert message("FC005", after(ALPHA_FUNDING, period("2019-06-01", "2019-05-31"))) == (
        "period ends (2019-05-31) before it starts (2019-06-01)"
    )
    assert message("FC005", after(ALPHA_FUNDING, period("2027-01-01", "2027-12-31"))) == (
        "period from 2027-01-01 overlaps an earlier one ending 2027-12-31"
    )
    assert message("FC104", ("support_rate = 0.5", "support_rate = 0.6")) == (
        "support rate 0.6 is above 0.5"
    )
    assert message("FC108", NO_ACTION_PLAN) == "active network without an action_plan"
    assert message("FC109", after(COGS, 'country = "NL"\n')) == (
        "'cogs' is seated in NL, not in Flanders"
    )
    assert message("FC113", after('postal_code = "2000"\n', 'kbo_status = "not-found"\n')) == (
        "enterprise number 0123.456.749 is not among the active enterprises of the KBO/BCE extract"
    )


def test_a_company_in_two_clusters_seated_in_brussels_is_found_in_both(tmp_path):
    result = validate(tmp_path, plant(('postal_code = "9000"', 'postal_code = "1000"')))
    hits = found(result, "FC109")
    assert [(f["cluster"], f["partner"], f["severity"]) for f in hits] == [
        ("alpha", "bolt", "warning"),
        ("beta", "bolt", "warning"),
    ]
    assert hits[0]["message"] == "'bolt' has postal code 1000 (Brussels), not in Flanders"
    assert result.exit_code == 0


def test_a_partner_listed_twice_is_one_duplicate_and_one_seat_finding(tmp_path):
    text = plant(
        ('postal_code = "9000"', 'postal_code = "1000"'),
        after(BOLT_IN_BETA, member("bolt")),
    )
    result = validate(tmp_path, text)
    assert [(f["code"], f["cluster"]) for f in result.json()["findings"]] == [
        ("FC109", "alpha"),
        ("FC003", "beta"),
        ("FC109", "beta"),
    ]


GAMMA = """\
[clusters.gamma]
name = "Gamma"
type = "spearhead"
domain = "Logistics"
funding = [{ start = 2020-01-01, end = 2029-12-31 }]
members = [
    { partner = "acme" }, { partner = "bolt" }, { partner = "cogs" },
    { partner = "gov", role = "clusterpact" }, { partner = "uni" },
]

"""


def test_too_many_active_spearheads(tmp_path):
    two = plant(("[clusters.beta]", GAMMA + "[clusters.beta]"))
    assert codes(validate(tmp_path, two)) == set()

    limited = with_policy("max_active_spearheads = 1", two)
    result = validate(tmp_path, limited)
    [hit] = found(result, "FC107")
    assert (hit["cluster"], hit["partner"], hit["severity"]) == (None, None, "warning")
    assert hit["message"] == "2 spearhead clusters are active on 2022-06-01 (limit 1): alpha, gamma"
    assert result.exit_code == 0

    # On 2019-06-01 gamma is not funded yet: one active spearhead is within the limit.
    assert found(validate(tmp_path, limited, on="2019-06-01"), "FC107") == []


# -- --on decides which clusters are active ------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2016-06-01", []),
        ("2017-12-31", []),
        ("2018-07-01", ["alpha"]),
        (ON, ["alpha"]),
        ("2027-12-31", ["alpha"]),
        ("2028-01-01", []),
    ],
)
def test_on_changes_which_clusters_are_judged(tmp_path, on, expected):
    # A spearhead funded 2018-2027 without a knowledge member.
    result = validate(tmp_path, plant(NO_UNI), on=on)
    assert [f["cluster"] for f in found(result, "FC105")] == expected
    assert result.exit_code == (1 if expected else 0)


def test_an_ended_cluster_is_not_judged(tmp_path):
    text = plant(NO_UNI, after("recognised = 2018-01-01\n", "ended = 2021-12-31\n"))
    assert [f["cluster"] for f in found(validate(tmp_path, text, on="2021-12-31"), "FC105")] == [
        "alpha"
    ]
    assert found(validate(tmp_path, text, on=ON), "FC105") == []


def test_an_icn_without_action_plan_is_judged_only_while_active(tmp_path):
    text = plant(NO_ACTION_PLAN)
    assert [f["cluster"] for f in found(validate(tmp_path, text, on="2021-01-01"), "FC108")] == [
        "beta"
    ]
    assert found(validate(tmp_path, text, on="2020-12-31"), "FC108") == []
    assert found(validate(tmp_path, text, on="2024-01-01"), "FC108") == []


# -- composition rules (FC105, FC106) -------------------------------------------------------


def test_a_clusterpact_membership_counts_as_the_government_side(tmp_path):
    other_kind = (GOV_KIND, 'kind = "other"')
    assert codes(validate(tmp_path, plant(other_kind))) == set()

    plain_member = (GOV_IN_ALPHA, member("gov", ", since = 2018-06-01"))
    result = validate(tmp_path, plant(other_kind, plain_member))
    [hit] = found(result, "FC105")
    assert (hit["cluster"], hit["severity"]) == ("alpha", "error")
    assert hit["message"] == "no government member on 2022-06-01"
    assert result.exit_code == 1


def test_a_coordinator_counts_as_a_member_of_its_kind_for_triple_helix(tmp_path):
    # The university coordinates alpha: it is still alpha's knowledge side.
    coordinates = (UNI_IN_ALPHA, member("uni", ', role = "coordinator", since = 2018-02-01'))
    result = validate(tmp_path, plant(coordinates))
    assert result.exit_code == 0, result.stdout
    assert codes(result) == set()

    # Without it, the knowledge side is missing.
    [hit] = found(validate(tmp_path, plant(NO_UNI)), "FC105")
    assert hit["message"] == "no knowledge member on 2022-06-01"


def test_a_coordinator_counts_among_the_members_for_company_driven(tmp_path):
    # beta, coordinated by the university, with one company: 1 of 2 is no majority.
    coordinated = plant((ACME_IN_BETA, '{ partner = "uni", role = "coordinator" }'))
    [hit] = found(validate(tmp_path, coordinated), "FC106")
    assert hit["message"] == "1 of 2 current members is a company"

    # A company that coordinates counts as a company: 2 of 2.
    led = plant((ACME_IN_BETA, '{ partner = "acme", role = "coordinator" }'))
    assert found(validate(tmp_path, led), "FC106") == []


def test_triple_helix_names_every_missing_side(tmp_path):
    [hit] = found(validate(tmp_path, plant((GOV_IN_ALPHA, ""), NO_UNI)), "FC105")
    assert hit["message"] == "no knowledge or government member on 2022-06-01"


def test_composition_counts_current_members_only(tmp_path):
    leaves = plant((UNI_IN_ALPHA, member("uni", ", until = 2021-12-31")))
    assert found(validate(tmp_path, leaves, on="2021-12-31"), "FC105") == []
    assert [f["cluster"] for f in found(validate(tmp_path, leaves), "FC105")] == ["alpha"]

    # beta with uni, and bolt only from 2023: 0 of 1 companies, then 1 of 2.
    joins = plant(
        (ACME_IN_BETA, '{ partner = "uni" }'),
        (BOLT_IN_BETA, member("bolt", ", since = 2023-01-01")),
    )
    [hit] = found(validate(tmp_path, joins), "FC106")
    assert hit["message"] == "0 of 1 current members are companies"
    [hit] = found(validate(tmp_path, joins, on="2023-01-01"), "FC106")
    assert hit["message"] == "1 of 2 current members is a company"


def test_company_majority_means_more_than_half(tmp_path):
    half = plant(after(BOLT_IN_BETA, member("uni") + member("gov")))
    [hit] = found(validate(tmp_path, half), "FC106")
    assert (hit["cluster"], hit["severity"]) == ("beta", "warning")
    assert hit["message"] == "2 of 4 current members are companies"

    majority = plant(after(BOLT_IN_BETA, member("uni")))
    assert codes(validate(tmp_path, majority)) == set()


PARTIAL = [
    pytest.param(
        "members_complete = false\n",
        "4 members are listed (members_complete = false)",
        id="members-complete-false",
    ),
    pytest.param(
        "reported_members = 40\n",
        "4 of 40 reported members are listed",
        id="fewer-than-reported",
    ),
    pytest.param(
        "reported_members = 40\nmembers_complete = false\n",
        "4 of 40 reported members are listed (members_complete = false)",
        id="both",
    ),
]


@pytest.mark.parametrize(("marker", "says"), PARTIAL)
def test_triple_helix_drops_to_info_on_a_partial_list(tmp_path, marker, says):
    result = validate(tmp_path, plant(NO_UNI, after(ALPHA_DOMAIN, marker)))
    [hit] = found(result, "FC105")
    assert (hit["cluster"], hit["severity"]) == ("alpha", "info")
    assert hit["message"] == f"no knowledge member on 2022-06-01; but {says}, so this is not proof"
    assert result.exit_code == 0
    assert result.json()["counts"] == {"error": 0, "warning": 0, "info": 1}


@pytest.mark.parametrize(
    ("marker", "says"),
    [
        ("members_complete = false\n", "4 members are listed (members_complete = false)"),
        ("reported_members = 9\n", "4 of 9 reported members are listed"),
    ],
)
def test_company_majority_drops_to_info_on_a_partial_list(tmp_path, marker, says):
    text = plant(after(BOLT_IN_BETA, member("uni") + member("gov")), after(BETA_DOMAIN, marker))
    result = validate(tmp_path, text, "--strict")
    [hit] = found(result, "FC106")
    assert (hit["cluster"], hit["severity"]) == ("beta", "info")
    assert hit["message"] == (
        f"2 of 4 current members are companies; but {says}, so this is not proof"
    )
    assert result.exit_code == 0


# Found by a new user's trial: on lists already marked partial (ten times in the shipped
# registry's validate) the fix said "mark a partial list with members_complete = false",
# and "1 of 100 reported members are listed" had its verb wrong.
@pytest.mark.parametrize(("marker", "says"), PARTIAL)
def test_on_a_partial_list_the_fix_is_to_record_what_is_missing(tmp_path, marker, says):
    [helix] = found(validate(tmp_path, plant(NO_UNI, after(ALPHA_DOMAIN, marker))), "FC105")
    assert helix["fix"] == (
        "The list is partial: record the missing kinds (knowledge) when a source names such "
        "a member (`clusters add-member`)."
    )
    text = plant(after(BOLT_IN_BETA, member("uni") + member("gov")), after(BETA_DOMAIN, marker))
    [majority] = found(validate(tmp_path, text), "FC106")
    assert majority["fix"] == (
        "The list is partial: list the missing members when a source names them "
        "(`clusters add-member`, `clusters import-members`)."
    )


def test_on_a_complete_list_the_fix_still_offers_to_mark_it_partial(tmp_path):
    [helix] = found(validate(tmp_path, plant(NO_UNI)), "FC105")
    assert (
        helix["fix"]
        == "Add the missing member, or mark a partial list with members_complete = false."
    )


def test_the_text_output_gives_the_partial_fix_once_per_finding(tmp_path):
    path = write_registry(
        tmp_path, plant(NO_UNI, after(ALPHA_DOMAIN, "members_complete = false\n"))
    )
    shown = run("--registry", str(path), "validate", "--on", ON).stdout
    assert "fix: The list is partial: record the missing kinds (knowledge)" in shown
    assert "members_complete = false." not in shown


@pytest.mark.parametrize(
    ("cluster", "says"),
    [
        ({"members": [{"partner": "a"}], "reported_members": 100},
         "1 of 100 reported members is listed"),
        ({"members": [{"partner": "a"}] * 2, "reported_members": 100},
         "2 of 100 reported members are listed"),
        ({"members": [], "reported_members": 100}, "0 of 100 reported members are listed"),
        ({"members": [{"partner": "a"}], "members_complete": False},
         "1 member is listed (members_complete = false)"),
        ({"members": [{"partner": "a"}] * 3, "members_complete": False},
         "3 members are listed (members_complete = false)"),
        (
            {"members": [{"partner": "a"}], "reported_members": 5, "members_complete": False},
            "1 of 5 reported members is listed (members_complete = false)",
        ),
        ({"members": []}, "no members are listed"),
        ({"members": [{"partner": "a"}], "reported_members": 1}, None),
    ],
)  # fmt: skip
def test_a_partial_list_is_said_with_its_verb_right(cluster, says):
    from flanders_clusters.programme.rules.decree import partial_list

    assert partial_list(cluster) == says


def test_a_list_as_long_as_reported_is_proof(tmp_path):
    text = plant(NO_UNI, after(ALPHA_DOMAIN, "reported_members = 4\n"))
    [hit] = found(validate(tmp_path, text), "FC105")
    assert hit["severity"] == "error"


@pytest.mark.parametrize(
    ("marker", "says"),
    [
        ("", "no members are listed"),
        ("reported_members = 12\n", "0 of 12 reported members are listed"),
    ],
)
def test_no_members_listed_is_not_proof(tmp_path, marker, says):
    result = validate(tmp_path, plant((BETA_MEMBERS, ""), after(BETA_DOMAIN, marker)), "--strict")
    [hit] = found(result, "FC106")
    assert (hit["cluster"], hit["severity"]) == ("beta", "info")
    assert hit["message"] == (
        f"0 of 0 current members are companies; but {says}, so this is not proof"
    )
    assert result.exit_code == 0


# -- FC110 leaves founders alone -------------------------------------------------------------


def test_a_founder_may_join_before_recognition(tmp_path):
    # In BASE acme is alpha's founder since 2017-06-01, before recognition on 2018-01-01.
    assert found(validate(tmp_path, BASE), "FC110") == []

    board = plant((ACME_IN_ALPHA, '{ partner = "acme", role = "board", since = 2017-06-01 }'))
    [hit] = found(validate(tmp_path, board), "FC110")
    assert (hit["cluster"], hit["partner"], hit["severity"]) == ("alpha", "acme", "warning")
    assert hit["message"] == "'acme' joins on 2017-06-01, before recognition on 2018-01-01"


def test_joining_on_recognition_or_the_last_funded_day_is_fine(tmp_path):
    text = plant(
        (BOLT_IN_ALPHA, '{ partner = "bolt", since = 2018-01-01 }'),
        (ACME_IN_BETA, '{ partner = "acme", since = 2023-12-31 }'),
    )
    assert found(validate(tmp_path, text), "FC110") == []

    late = plant((ACME_IN_BETA, '{ partner = "acme", since = 2024-01-01 }'))
    [hit] = found(validate(tmp_path, late), "FC110")
    assert hit["message"] == "'acme' joins on 2024-01-01, after the funding ends on 2023-12-31"


# -- FC109: companies only -------------------------------------------------------------------


@pytest.mark.parametrize("code", ["1500", "3999", "8000", "9999"])
def test_flemish_postal_codes_are_fine(tmp_path, code):
    text = plant(('postal_code = "2000"', f'postal_code = "{code}"'))
    assert found(validate(tmp_path, text), "FC109") == []


@pytest.mark.parametrize(
    ("code", "place"),
    [("1000", "Brussels"), ("1299", "Brussels"), ("1499", "Wallonia"), ("7999", "Wallonia")],
)
def test_postal_codes_outside_flanders_are_found(tmp_path, code, place):
    # acme is a member of alpha and of beta.
    text = plant(('postal_code = "2000"', f'postal_code = "{code}"'))
    hits = found(validate(tmp_path, text), "FC109")
    assert [(f["cluster"], f["partner"]) for f in hits] == [("alpha", "acme"), ("beta", "acme")]
    assert f"postal code {code} ({place})" in hits[0]["message"]


def test_seat_rule_leaves_other_kinds_of_partner_alone(tmp_path):
    text = plant(('postal_code = "3000"', 'postal_code = "4000"\ncountry = "NL"'))  # uni
    assert codes(validate(tmp_path, text)) == set()


# -- time and money boundaries -------------------------------------------------------------

FUNDED_TIME = [
    pytest.param("spearhead", "2017-01-01", "2026-12-31", None, id="spearhead-exactly-10-years"),
    pytest.param("spearhead", "2017-01-01", "2027-01-01", "FC102", id="spearhead-a-day-over"),
    pytest.param("icn", "2021-01-01", "2023-12-31", None, id="icn-exactly-3-years"),
    pytest.param("icn", "2021-01-01", "2024-01-01", "FC101", id="icn-a-day-over"),
    pytest.param("icn", "2020-02-29", "2023-02-28", None, id="icn-from-29-february"),
    pytest.param("icn", "2020-02-29", "2023-03-01", "FC101", id="icn-from-29-february-over"),
]


@pytest.mark.parametrize(("kind", "start", "end", "code"), FUNDED_TIME)
def test_funded_time_boundary(tmp_path, kind, start, end, code):
    text = plant(('type = "icn"', f'type = "{kind}"'), (BETA_FUNDING, period(start, end)))
    if kind != "icn":  # an action plan is for ICNs only
        text = text.replace(ACTION_PLAN, "")
    result = validate(tmp_path, text, "--rule", "FC101", "--rule", "FC102")
    expected = [(code, "beta", "error")] if code else []
    assert [(f["code"], f["cluster"], f["severity"]) for f in result.json()["findings"]] == (
        expected
    )
    assert result.exit_code == (1 if code else 0)


def test_periods_may_touch_but_not_share_a_day(tmp_path):
    touching = period("2018-01-01", "2022-12-31") + period("2023-01-01", "2027-12-31")
    assert codes(validate(tmp_path, plant((ALPHA_FUNDING, touching)))) == set()

    sharing = period("2018-01-01", "2022-12-31") + period("2022-12-31", "2027-12-31")
    [hit] = found(validate(tmp_path, plant((ALPHA_FUNDING, sharing))), "FC005")
    assert (hit["cluster"], hit["severity"]) == ("alpha", "error")
    assert hit["message"] == "period from 2022-12-31 overlaps an earlier one ending 2022-12-31"


def test_funded_time_spans_gaps_between_periods(tmp_path):
    periods = period("2017-01-01", "2020-12-31") + period("2022-01-01", "2027-01-01")
    [hit] = found(validate(tmp_path, plant((ALPHA_FUNDING, periods))), "FC102")
    assert hit["cluster"] == "alpha"
    assert hit["message"] == (
        "funded from 2017-01-01 to 2027-01-01: more than 10 years (last allowed end 2026-12-31)"
    )


YEARLY_SUPPORT = [
    pytest.param("total_support_eur = 450000", None, id="total-exactly-at-cap"),
    pytest.param("total_support_eur = 450001", "EUR 150,000.33", id="total-a-euro-over"),
    pytest.param("annual_support_eur = 150000", None, id="annual-at-cap"),
    pytest.param("annual_support_eur = 150001", "EUR 150,001", id="annual-a-euro-over"),
]


@pytest.mark.parametrize(("amount", "rate"), YEARLY_SUPPORT)
def test_yearly_support_against_the_icn_cap(tmp_path, amount, rate):
    # beta: 2021-01-01..2023-12-31, a 3-year period.
    result = validate(tmp_path, plant(("total_support_eur = 300000", amount)))
    if rate is None:
        assert codes(result) == set()
        assert result.exit_code == 0
    else:
        [hit] = found(result, "FC103")
        assert (hit["cluster"], hit["severity"]) == ("beta", "error")
        assert hit["message"] == f"{rate} a year is above the icn cap of EUR 150,000"
        assert result.exit_code == 1


def test_a_total_over_a_short_period_is_a_high_yearly_rate(tmp_path):
    # EUR 200,000 in one year is above the ICN cap, though it would not be over three.
    one_year = period("2021-01-01", "2021-12-31", ", total_support_eur = 200000")
    [hit] = found(validate(tmp_path, plant((BETA_FUNDING, one_year))), "FC103")
    assert hit["message"] == "EUR 200,000 a year is above the icn cap of EUR 150,000"


FC111_CASES = [
    pytest.param("2027-07-03", [], id="181-days-left"),
    pytest.param("2027-07-04", ["funding ends on 2027-12-31, in 180 days"], id="180-days-left"),
    pytest.param("2027-12-31", ["funding ends on 2027-12-31, in 0 days"], id="last-day"),
    pytest.param("2028-01-01", [], id="ended"),
]


@pytest.mark.parametrize(("on", "messages"), FC111_CASES)
def test_funding_ending_soon(tmp_path, on, messages):
    result = validate(tmp_path, BASE, "--strict", on=on)
    hits = found(result, "FC111")
    assert [(f["cluster"], f["severity"], f["message"]) for f in hits] == [
        ("alpha", "info", message) for message in messages
    ]
    assert result.exit_code == 0


def test_funding_ending_counts_to_the_end_of_the_block(tmp_path):
    touching = period("2018-01-01", "2022-12-31") + period(
        "2023-01-01", "2027-12-31", ', end_basis = "policy-max"'
    )
    text = plant((ALPHA_FUNDING, touching))
    assert found(validate(tmp_path, text, on="2022-10-01"), "FC111") == []
    [hit] = found(validate(tmp_path, text, on="2027-10-01"), "FC111")
    assert hit["message"] == "funding ends on 2027-12-31 (policy-max), in 91 days"

    gap = period("2018-01-01", "2022-12-31") + period("2023-01-02", "2027-12-31")
    [hit] = found(validate(tmp_path, plant((ALPHA_FUNDING, gap)), on="2022-10-01"), "FC111")
    assert (hit["cluster"], hit["message"]) == ("alpha", "funding ends on 2022-12-31, in 91 days")


# -- [policy] sets thresholds and switches rules off ---------------------------------------

LOOSER = [
    pytest.param(
        [("end = 2023-12-31", "end = 2024-12-31")], "max_years = { icn = 4 }", ON, "FC101",
        id="max_years-icn",
    ),
    pytest.param(
        [("end = 2027-12-31", "end = 2028-12-31")], "max_years = { spearhead = 11 }", ON, "FC102",
        id="max_years-spearhead",
    ),
    pytest.param(
        [("annual_support_eur = 400000", "annual_support_eur = 550000")],
        "annual_cap_eur = { spearhead = 600000 }", ON, "FC103", id="annual_cap_eur",
    ),
    pytest.param(
        [("support_rate = 0.5", "support_rate = 0.6")], "support_rate = 0.6", ON, "FC104",
        id="support_rate",
    ),
    pytest.param([], "ending_soon_days = 30", "2027-10-01", "FC111", id="ending_soon_days"),
    pytest.param(
        [after(COGS, 'country = "NL"\n')], 'ignore = ["FC109"]', ON, "FC109", id="ignore",
    ),
    pytest.param([NO_UNI], 'ignore = ["FC105", "FC108"]', ON, "FC105", id="ignore-an-error"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "policy", "on", "code"), LOOSER)
def test_policy_lifts_a_finding(tmp_path, changes, policy, on, code):
    text = plant(*changes)
    assert codes(validate(tmp_path, text, on=on)) == {code}
    result = validate(tmp_path, with_policy(policy, text), "--strict", on=on)
    assert result.json()["findings"] == []
    assert result.exit_code == 0


TIGHTER = [
    pytest.param("max_years = { icn = 2 }", "FC101", "beta", id="max_years-icn"),
    pytest.param("max_years = { spearhead = 9 }", "FC102", "alpha", id="max_years-spearhead"),
    pytest.param("annual_cap_eur = { spearhead = 300000 }", "FC103", "alpha", id="cap-spearhead"),
    pytest.param("annual_cap_eur = { icn = 99999 }", "FC103", "beta", id="cap-icn"),
    pytest.param("support_rate = 0.4", "FC104", "alpha", id="support_rate"),
    pytest.param("max_active_spearheads = 0", "FC107", None, id="max_active_spearheads"),
    pytest.param("ending_soon_days = 600", "FC111", "beta", id="ending_soon_days"),
]


@pytest.mark.parametrize(("policy", "code", "cluster"), TIGHTER)
def test_policy_tightens_a_threshold(tmp_path, policy, code, cluster):
    result = validate(tmp_path, with_policy(policy))
    assert [(f["code"], f["cluster"]) for f in result.json()["findings"]] == [(code, cluster)]


def test_policy_ignore_of_an_unknown_code_is_reported_on_stderr(tmp_path):
    result = validate(tmp_path, with_policy('ignore = ["FC999"]'))
    assert result.exit_code == 0
    assert result.json()["findings"] == []
    assert "policy.ignore names FC999, which is not a rule" in result.stderr


# -- --rule --------------------------------------------------------------------------------


def test_rule_option_runs_a_rule_that_policy_ignores(tmp_path):
    text = with_policy('ignore = ["FC109"]', plant(after(COGS, 'country = "NL"\n')))
    assert codes(validate(tmp_path, text)) == set()
    assert codes(validate(tmp_path, text, "--rule", "FC109")) == {"FC109"}


def test_rule_option_is_case_insensitive(tmp_path):
    text = plant(after(COGS, 'country = "NL"\n'))
    result = validate(tmp_path, text, "--rule", "fc109")
    assert result.exit_code == 0
    assert codes(result) == {"FC109"}


def test_rule_option_runs_only_the_named_rules(tmp_path):
    text = plant(("support_rate = 0.5", "support_rate = 0.6"), NO_ACTION_PLAN)
    assert codes(validate(tmp_path, text)) == {"FC104", "FC108"}

    only = validate(tmp_path, text, "--rule", "FC108")
    assert codes(only) == {"FC108"}
    assert only.json()["counts"] == {"error": 0, "warning": 1, "info": 0}
    assert only.exit_code == 0

    both = validate(tmp_path, text, "--rule", "FC108", "--rule", "FC104")
    assert codes(both) == {"FC104", "FC108"}
    assert both.exit_code == 1


@pytest.mark.parametrize("bad", ["FC999", "FC000"])
def test_unknown_rule_is_a_usage_error(tmp_path, bad):
    path = write_registry(tmp_path, BASE)
    result = run("--registry", str(path), "validate", "--on", ON, "--rule", "FC104", "--rule", bad)
    assert result.exit_code == 2
    assert f"no rule {bad}" in result.stderr
    assert result.stdout == ""


# -- clusters rules ------------------------------------------------------------------------


def rules_rows(folder: Path, text: str) -> dict[str, dict]:
    path = write_registry(folder, text)
    result = run("--registry", str(path), "rules", "--json")
    assert result.exit_code == 0
    return {row["code"]: row for row in result.json()}


def test_rules_lists_the_catalogue_with_default_thresholds(tmp_path):
    path = write_registry(tmp_path, BASE)
    result = run("--registry", str(path), "rules")
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line[:2] == "FC"}
    assert list(rows) == ALL_CODES
    assert "3 years" in rows["FC101"]
    assert "10 years" in rows["FC102"]
    assert "spearhead EUR 500,000, icn EUR 150,000 per year" in rows["FC103"]
    assert " 0.5 " in rows["FC104"]
    assert "7 active" in rows["FC107"]
    assert "180 days" in rows["FC111"]
    assert rows["FC105"].split()[1:3] == ["triple-helix", "error"]
    assert rows["FC106"].split()[1:3] == ["company-driven", "warning"]
    assert rows["FC111"].split()[1:3] == ["funding-ending", "info"]


def test_rules_json_gives_every_rule_its_name_severity_and_reason(tmp_path):
    rows = rules_rows(tmp_path, BASE)
    assert list(rows) == ALL_CODES
    severities = {code: row["severity"] for code, row in rows.items()}
    assert severities == {
        **dict.fromkeys(ALL_CODES[:15], "error"),
        **dict.fromkeys(
            ["FC106", "FC107", "FC108", "FC109", "FC110", "FC113", "FC115", "FC116"], "warning"
        ),
        **dict.fromkeys(["FC111", "FC112", "FC114"], "info"),
        **dict.fromkeys(["FC201", "FC202", "FC203", "FC204"], "warning"),
    }
    for row in rows.values():
        assert row["name"] and row["summary"] and row["reason"] and row["fix"]
        assert row["enabled"] is True
    assert "vlaio.be" in rows["FC101"]["reason"]


def test_rules_shows_the_registry_policy(tmp_path):
    policy = (
        "support_rate = 0.4\nmax_years = { icn = 4 }\nannual_cap_eur = { spearhead = 600000 }\n"
        'max_active_spearheads = 8\nending_soon_days = 90\nignore = ["FC109"]'
    )
    rows = rules_rows(tmp_path, with_policy(policy))
    assert rows["FC101"]["threshold"] == "4 years"
    assert rows["FC102"]["threshold"] == "10 years"
    assert rows["FC103"]["threshold"] == "spearhead EUR 600,000, icn EUR 150,000 per year"
    assert rows["FC104"]["threshold"] == "0.4"
    assert rows["FC107"]["threshold"] == "8 active"
    assert rows["FC111"]["threshold"] == "90 days"
    assert rows["FC109"]["enabled"] is False
    assert rows["FC108"]["enabled"] is True

    text = run("--registry", str(tmp_path / "clusters.toml"), "rules").stdout
    [fc109] = [line for line in text.splitlines() if line.startswith("FC109")]
    assert fc109.split()[1:3] == ["flemish-seat", "off"]


# -- FC008: a membership that ends before it begins ---------------------------------------


def test_fc008_validate_names_the_line(tmp_path):
    bad = '{ partner = "uni", role = "member", since = 2020-05-01, until = 2019-01-01 },'
    text = replaced(SMALL, '{ partner = "uni", role = "member", since = 2018-02-01 },', bad)
    path = write_registry(tmp_path, text)
    line = path.read_text("utf-8").splitlines().index("    " + bad) + 1
    result = cli(path, "validate", "--on", "2020-06-01", "--json")
    assert result.exit_code == 1
    [found] = findings_of(result, "FC008")
    assert (found["rule"], found["severity"], found["cluster"], found["partner"]) == (
        "membership-period",
        "error",
        "alpha",
        "uni",
    )
    assert found["line"] == line
    text_output = cli(path, "validate", "--on", "2020-06-01").stdout
    assert f"{path}:{line}" in text_output and "FC008" in text_output
