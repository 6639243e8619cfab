"""Rule profiles and quality labels: the ECCP's criteria (FC201-FC204), ESCA
labels (FC010, FC114-FC116), `rules CODE`, `validate --profile`, the label commands and
the labels in `show`.

Each rule is planted and quiet through `validate --json`, as a user reads it; the label
commands are checked on the file they write.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, digest, run, write_registry
from hypothesis import given
from hypothesis import strategies as st

from flanders_clusters.programme import label_validity
from flanders_clusters.programme.policy import policy

ON = "2026-11-27"
ECCP_CODES = ["FC201", "FC202", "FC203", "FC204"]
LABEL_CODES = ["FC114", "FC115", "FC116"]

PARTNERS = """
[partners.c1]
name = "One NV"
kind = "company"

[partners.c2]
name = "Two NV"
kind = "company"

[partners.c3]
name = "Three NV"
kind = "company"

[partners.gov]
name = "Flemish Government"
kind = "government"

[partners.uni]
name = "Example University"
kind = "knowledge"
"""

# An ICN that ended (no longer recognised): 3 members of one kind, no English website,
# no management staff.
GONE = """
[clusters.gone]
name = "Gone Network"
type = "icn"
domain = "Drones"
action_plan = "https://gone.example/plan"
ended = 2021-06-30
funding = [
    { start = 2019-01-01, end = 2021-12-31 },
]
members = [
    { partner = "c1" },
    { partner = "c2" },
    { partner = "c3" },
]
"""

# An active spearhead with the same gaps.
LEAD = """
[clusters.lead]
name = "Lead Cluster"
type = "spearhead"
domain = "Chemistry"
funding = [
    { start = 2020-01-01, end = 2029-12-31, end_basis = "policy-max" },
]
members = [
    { partner = "c1" },
    { partner = "c2" },
    { partner = "c3" },
]
"""

# An active spearhead, triple helix, that the decree finds nothing in: labels go here.
LABELLED = """
[clusters.lab]
name = "Labelled Cluster"
type = "spearhead"
domain = "Logistics"
funding = [
    { start = 2020-01-01, end = 2029-12-31, end_basis = "policy-max" },
]
members = [
    { partner = "c1" },
    { partner = "c2" },
    { partner = "gov", role = "clusterpact" },
    { partner = "uni" },
]
"""


def registry_text(*clusters: str, policy_text: str = "", partners: str = PARTNERS) -> str:
    policy_table = f"\n[policy]\n{policy_text}\n" if policy_text else ""
    return "schema_version = 1\n" + policy_table + "".join(clusters) + partners


def validate(folder: Path, text: str, *args: str, on: str = ON):
    path = write_registry(folder, text)
    return run("--registry", str(path), "validate", "--json", "--on", on, *args)


def findings(folder: Path, text: str, *args: str, on: str = ON) -> list[dict]:
    result = validate(folder, text, *args, on=on)
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return result.json()["findings"]


def by_code(found: list[dict], cluster: str) -> dict[str, dict]:
    return {f["code"]: f for f in found if f["cluster"] == cluster}


# -- ECCP profile: FC201-FC204 ------------------------------------------------------------


def test_an_ended_icn_gets_the_four_eccp_warnings(tmp_path):
    result = validate(tmp_path, registry_text(GONE), "--profile", "eccp")
    assert result.exit_code == 0  # warnings only
    report = result.json()
    assert report["counts"] == {"error": 0, "warning": 4, "info": 0}
    found = by_code(report["findings"], "gone")
    assert sorted(found) == ECCP_CODES
    for finding in found.values():
        assert finding["severity"] == "warning"
        assert finding["profile"] == "eccp"
        assert "waived" not in finding["message"]
    assert found["FC201"]["rule"] == "eccp-members"
    assert found["FC201"]["message"] == (
        "3 current members listed, fewer than the 15 committed members the ECCP asks for"
    )
    assert found["FC202"]["message"] == (
        "current members of one kind (company), fewer than the 2 kinds the ECCP asks for"
    )
    assert found["FC202"]["path"] == "clusters.gone.members"
    assert "no english_website" in found["FC203"]["message"]
    assert "--english-website URL" in found["FC203"]["fix"]
    assert found["FC204"]["message"].startswith("no management_fte")
    assert "--management-fte" in found["FC204"]["fix"]


def test_the_default_profile_runs_no_eccp_rule(tmp_path):
    result = validate(tmp_path, registry_text(GONE))
    assert result.exit_code == 0
    assert result.json()["findings"] == []


def test_an_active_spearhead_gets_the_four_as_info_saying_they_are_waived(tmp_path):
    found = by_code(findings(tmp_path, registry_text(LEAD), "--profile", "eccp"), "lead")
    assert sorted(found) == ECCP_CODES
    for finding in found.values():
        assert finding["severity"] == "info"
        assert f"waived: active in the Flemish programme on {ON}" in finding["message"]
        assert "regional programme" in finding["message"]
        assert finding["fix"].startswith("Nothing while it is active in the Flemish programme")


def test_the_waiver_ends_with_the_funding(tmp_path):
    found = by_code(
        findings(tmp_path, registry_text(LEAD), "--profile", "eccp", on="2030-01-01"), "lead"
    )
    assert {code: f["severity"] for code, f in found.items()} == dict.fromkeys(
        ECCP_CODES, "warning"
    )


def meets_eccp(
    members: int = 15, kinds: tuple[str, ...] = ("company", "knowledge"), extra: str = ""
) -> str:
    """An ended ICN (no waiver) that meets every ECCP criterion, and its partners."""
    listed = ",\n".join(f'    {{ partner = "p{n:02d}" }}' for n in range(members))
    partners = "".join(
        f'\n[partners.p{n:02d}]\nname = "Partner {n}"\nkind = "{kinds[n % len(kinds)]}"\n'
        for n in range(max(members, 15))
    )
    cluster = f"""
[clusters.good]
name = "Good Network"
type = "icn"
domain = "Drones"
ended = 2021-12-31
management_fte = 0.5
english_website = "https://good.example/en"
{extra}funding = [
    {{ start = 2019-01-01, end = 2021-12-31 }},
]
members = [
{listed},
]
"""
    return registry_text(cluster, partners=partners)


def test_a_cluster_that_meets_the_criteria_is_quiet(tmp_path):
    result = validate(tmp_path, meets_eccp(), "--profile", "eccp", "--strict")
    assert result.exit_code == 0
    assert result.json()["findings"] == []


@pytest.mark.parametrize("code", ECCP_CODES)
def test_each_eccp_rule_is_quiet_on_its_threshold(tmp_path, code):
    assert findings(tmp_path, meets_eccp(), "--rule", code) == []


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (meets_eccp(members=14), "FC201", "14 current members listed"),
        (meets_eccp(kinds=("company",)), "FC202", "current members of one kind (company)"),
        (
            meets_eccp().replace('english_website = "https://good.example/en"\n', ""),
            "FC203",
            "no english_website",
        ),
        (
            meets_eccp().replace("management_fte = 0.5", "management_fte = 0.4"),
            "FC204",
            "management_fte is 0.4: the ECCP asks for at least 0.5 FTE",
        ),
    ],
    ids=ECCP_CODES,
)
def test_each_eccp_rule_fires_just_below_its_threshold(tmp_path, text, code, message):
    found = findings(tmp_path, text, "--profile", "eccp")
    assert [(f["code"], f["severity"]) for f in found] == [(code, "warning")]
    assert message in found[0]["message"]


def test_members_of_the_past_do_not_count(tmp_path):
    text = meets_eccp().replace('{ partner = "p00" }', '{ partner = "p00", until = 2020-12-31 }')
    [finding] = findings(tmp_path, text, "--rule", "FC201", on="2021-06-01")
    assert finding["message"].startswith("14 current members listed")


FEWER = ", fewer than the 15 committed members the ECCP asks for"


@pytest.mark.parametrize(
    ("extra", "severity", "message", "path"),
    [
        # a partial list: the public count stands for it
        ("members_complete = false\nreported_members = 40\n", None, None, None),
        (
            "members_complete = false\nreported_members = 10\n",
            "warning",
            "3 current members listed and 10 reported" + FEWER,
            "clusters.part.reported_members",
        ),
        (
            "reported_members = 10\n",  # 3 of 10 listed: partial too
            "warning",
            "3 current members listed and 10 reported" + FEWER,
            "clusters.part.reported_members",
        ),
        # a partial list without a count is not proof
        (
            "members_complete = false\n",
            "info",
            "3 current members listed"
            + FEWER
            + "; but 3 members are listed (members_complete = false), so this is not proof",
            "clusters.part.members",
        ),
    ],
)
def test_eccp_members_on_a_partial_list(tmp_path, extra, severity, message, path):
    cluster = GONE.replace("clusters.gone", "clusters.part").replace(
        "ended = 2021-06-30\n", f"ended = 2021-06-30\n{extra}"
    )
    found = findings(tmp_path, registry_text(cluster), "--rule", "FC201")
    if severity is None:
        assert found == []
        return
    [finding] = found
    assert (finding["severity"], finding["path"], finding["message"]) == (severity, path, message)


def test_eccp_member_types_on_a_partial_list_is_info(tmp_path):
    cluster = GONE.replace("ended = 2021-06-30\n", "ended = 2021-06-30\nreported_members = 30\n")
    [finding] = findings(tmp_path, registry_text(cluster), "--rule", "FC202")
    assert finding["severity"] == "info"
    assert finding["message"].endswith(
        "but 3 of 30 reported members are listed, so this is not proof"
    )
    # the list is known to be partial: the fix is not "mark it partial" (a new user's trial)
    assert finding["fix"] == (
        "The list is partial: record members of another kind (company, knowledge, "
        "government, other) when a source names them."
    )


def test_a_cluster_without_members_is_not_proof_of_too_few(tmp_path):
    cluster = GONE.split("members = [")[0]
    found = by_code(findings(tmp_path, registry_text(cluster), "--profile", "eccp"), "gone")
    assert found["FC201"]["severity"] == found["FC202"]["severity"] == "info"
    assert "no members are listed, so this is not proof" in found["FC202"]["message"]
    assert found["FC202"]["message"].startswith("no current members")


def test_one_listed_member_is_said_in_the_singular(tmp_path):
    cluster = GONE.replace("ended = 2021-06-30\n", "ended = 2021-06-30\nmembers_complete = false\n")
    cluster = cluster.replace('    { partner = "c2" },\n    { partner = "c3" },\n', "")
    [finding] = findings(tmp_path, registry_text(cluster), "--rule", "FC201")
    assert "1 current member listed" in finding["message"]
    assert "but 1 member is listed (members_complete = false)" in finding["message"]


def test_update_cluster_records_what_the_eccp_asks_for(tmp_path):
    path = write_registry(tmp_path, registry_text(GONE))
    result = run(
        "--registry", str(path), "update-cluster", "gone", "--management-fte", "1.5",
        "--english-website", "https://gone.example/en", "--json",
    )  # fmt: skip
    assert result.exit_code == 0 and result.json()["changed"] is True
    assert "management_fte = 1.5\n" in path.read_text(encoding="utf-8")
    found = findings(tmp_path, path.read_text(encoding="utf-8"), "--profile", "eccp")
    assert sorted(f["code"] for f in found) == ["FC201", "FC202"]


# -- profiles and --rule ------------------------------------------------------------------


def test_rule_by_prefix_runs_only_the_eccp_rules(tmp_path):
    text = registry_text(GONE, LEAD, label_on(LABELLED, "gold", "2022-01-10"))
    result = validate(tmp_path, text, "--rule", "FC2", "--profile", "eccp")
    codes = {f["code"] for f in result.json()["findings"]}
    assert codes == set(ECCP_CODES)
    # the default profile has FC105 (lead) and label findings, which did not run
    everything = findings(tmp_path, text, "--profile", "all")
    assert {"FC105", "FC115", *ECCP_CODES} <= {f["code"] for f in everything}


def test_rule_by_prefix_in_any_case_runs_whatever_the_profile(tmp_path):
    found = findings(tmp_path, registry_text(GONE), "--rule", "fc2")
    assert sorted(f["code"] for f in found) == ECCP_CODES
    assert {f["profile"] for f in found} == {"eccp"}


def test_policy_ignore_switches_an_eccp_rule_off(tmp_path):
    text = registry_text(GONE, policy_text='ignore = ["FC203"]')
    found = findings(tmp_path, text, "--profile", "eccp")
    assert sorted(f["code"] for f in found) == ["FC201", "FC202", "FC204"]


def test_the_shipped_registry_has_no_errors_under_every_profile():
    result = run("--registry", str(SHIPPED_DATA), "validate", "--profile", "all", "--json",
                 "--on", "2026-11-30")  # fmt: skip
    assert result.exit_code == 0
    report = result.json()
    assert report["counts"]["error"] == 0
    assert {f["profile"] for f in report["findings"]} == {"decree", "eccp"}


# -- labels: FC114-FC116 and FC010 --------------------------------------------------------


def label_on(cluster: str, level: str, awarded: str, extra: str = "") -> str:
    """``cluster`` with one more label (written before its funding)."""
    entry = f'    {{ scheme = "esca", level = "{level}", awarded = {awarded}{extra} }},\n'
    if "labels = [\n" in cluster:
        return cluster.replace("labels = [\n", "labels = [\n" + entry)
    return cluster.replace("funding = [", "labels = [\n" + entry + "]\nfunding = [", 1)


def label_findings(folder: Path, cluster: str, on: str = ON, text_policy: str = "") -> list:
    text = registry_text(cluster, policy_text=text_policy)
    args = [arg for code in LABEL_CODES for arg in ("--rule", code)]
    return findings(folder, text, *args, on=on)


PROFILE_URL = 'eccp_profile = "https://clustercollaboration.eu/cluster-organisations/lab"\n'
LISTED = LABELLED.replace('domain = "Logistics"\n', 'domain = "Logistics"\n' + PROFILE_URL)


def test_a_gold_label_awarded_2022_01_10_has_expired(tmp_path):
    [finding] = label_findings(tmp_path, label_on(LISTED, "gold", "2022-01-10"))
    assert (finding["code"], finding["rule"], finding["severity"]) == (
        "FC115",
        "label-expired",
        "warning",
    )
    assert finding["message"] == (
        "the ESCA Gold label awarded 2022-01-10 expired on 2024-01-10 (awarded + 24 months)"
    )
    assert finding["path"] == "clusters.lab.labels[0].awarded"
    assert finding["profile"] == "decree"
    assert finding["line"] is not None


def test_a_bronze_label_awarded_2024_12_15_is_expiring(tmp_path):
    [finding] = label_findings(tmp_path, label_on(LISTED, "bronze", "2024-12-15"))
    assert (finding["code"], finding["rule"], finding["severity"]) == (
        "FC114",
        "label-expiring",
        "info",
    )
    assert finding["message"] == (
        "the ESCA Bronze label awarded 2024-12-15 expires on 2026-12-15 (awarded + 24 months), "
        "in 18 days"
    )


def test_a_label_of_2020_without_an_eccp_profile_needs_one(tmp_path):
    found = label_findings(tmp_path, label_on(LABELLED, "silver", "2020-03-01"))
    fc116 = [f for f in found if f["code"] == "FC116"]
    assert [(f["rule"], f["severity"]) for f in fc116] == [("label-needs-eccp", "warning")]
    assert "awarded 2020-03-01" in fc116[0]["message"]
    assert "no eccp_profile" in fc116[0]["message"]
    assert "--eccp-profile URL" in fc116[0]["fix"]
    assert [
        f["code"] for f in label_findings(tmp_path, label_on(LISTED, "silver", "2020-03-01"))
    ] == ["FC115"]


@pytest.mark.parametrize(("awarded", "fires"), [("2019-11-14", False), ("2019-11-15", True)])
def test_the_eccp_listing_counts_from_2019_11_15(tmp_path, awarded, fires):
    found = label_findings(tmp_path, label_on(LABELLED, "gold", awarded), on="2020-06-01")
    assert [f["code"] for f in found] == (["FC116"] if fires else [])


@pytest.mark.parametrize(
    ("on", "codes"),
    [
        ("2026-01-01", []),  # valid, more than 180 days left
        ("2026-06-17", []),  # 181 days left
        ("2026-06-18", ["FC114"]),  # 180 days left
        ("2026-12-15", ["FC114"]),  # the last valid day
        ("2026-12-16", ["FC115"]),
    ],
)
def test_a_label_is_valid_through_its_expiry_date(tmp_path, on, codes):
    found = label_findings(tmp_path, label_on(LISTED, "bronze", "2024-12-15"), on=on)
    assert [f["code"] for f in found] == codes


def test_only_the_latest_label_of_a_scheme_is_judged(tmp_path):
    cluster = label_on(label_on(LISTED, "gold", "2022-01-10"), "bronze", "2024-12-15")
    found = label_findings(tmp_path, cluster)
    assert [(f["code"], f["path"]) for f in found] == [("FC114", "clusters.lab.labels[0].awarded")]


def test_a_label_awarded_after_the_date_does_not_count_yet(tmp_path):
    cluster = label_on(label_on(LISTED, "gold", "2022-01-10"), "gold", "2027-01-01")
    assert [f["code"] for f in label_findings(tmp_path, cluster)] == ["FC115"]


def test_a_recorded_expiry_overrides_the_policy(tmp_path):
    cluster = label_on(LISTED, "gold", "2022-01-10", ", expires = 2026-12-31")
    [finding] = label_findings(tmp_path, cluster)
    assert finding["code"] == "FC114"
    assert finding["message"].endswith("expires on 2026-12-31, in 34 days")
    assert finding["path"] == "clusters.lab.labels[0].expires"


def test_the_policy_sets_the_months_a_label_is_valid(tmp_path):
    cluster = label_on(LISTED, "gold", "2022-01-10")
    months = "label_validity_months = { gold = 72 }"
    assert label_findings(tmp_path, cluster, text_policy=months) == []
    path = write_registry(tmp_path, registry_text(cluster, policy_text=months))
    row = run("--registry", str(path), "rules", "FC115", "--json").json()
    assert row["threshold"] == "valid bronze 24, silver 24, gold 72 months"


def test_labels_of_a_cluster_that_is_not_active_are_not_judged(tmp_path):
    gone = label_on(GONE, "gold", "2020-03-01")
    assert label_findings(tmp_path, gone) == []


@pytest.mark.parametrize(
    ("extra_label", "message"),
    [
        (("bronze", "2024-12-15", ", expires = 2024-12-01"), "expires before, on 2024-12-01"),
        (("silver", "2022-01-10", ""), "two esca labels are awarded on 2022-01-10"),
    ],
)
def test_label_dates_are_consistent(tmp_path, extra_label, message):
    cluster = label_on(label_on(LISTED, "gold", "2022-01-10"), *extra_label)
    result = validate(tmp_path, registry_text(cluster), "--rule", "FC010")
    assert result.exit_code == 1
    [finding] = result.json()["findings"]
    assert (finding["rule"], finding["severity"]) == ("label-dates", "error")
    assert message in finding["message"]


def test_label_dates_are_quiet_on_consistent_labels(tmp_path):
    cluster = label_on(label_on(LISTED, "gold", "2022-01-10"), "bronze", "2024-12-15")
    assert findings(tmp_path, registry_text(cluster), "--rule", "FC010") == []


# -- the label's expiry and state, pure ---------------------------------------------------

POLICY = policy({})


@pytest.mark.parametrize(
    ("awarded", "expected"),
    [("2024-02-29", "2026-02-28"), ("2024-01-31", "2026-01-31"), ("2024-12-15", "2026-12-15")],
)
def test_expiry_is_awarded_plus_the_months(awarded, expected):
    label = {"scheme": "esca", "level": "bronze", "awarded": dt.date.fromisoformat(awarded)}
    assert label_validity.expiry(label, POLICY) == dt.date.fromisoformat(expected)


@given(
    awarded=st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    on=st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    level=st.sampled_from(["bronze", "silver", "gold"]),
)
def test_state_follows_the_dates(awarded, on, level):
    label = {"scheme": "esca", "level": level, "awarded": awarded}
    state = label_validity.state(label, on, POLICY)
    end = label_validity.expiry(label, POLICY)
    left = label_validity.days_left(label, on, POLICY)
    assert awarded < end
    if on < awarded:
        assert state == "future" and left is None
    elif on > end:
        assert state == "expired" and left is None
    else:
        assert left == (end - on).days
        assert state == ("expiring" if left <= POLICY["ending_soon_days"] else "valid")


# -- clusters rules CODE ------------------------------------------------------------------


def test_rules_code_explains_the_triple_helix_rule(registry):
    result = run("--registry", str(registry), "rules", "FC105")
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("# triple-helix (FC105)\n")
    for part in (
        "Profile: decree",
        "Severity: error",
        "Threshold in effect: none",
        "An active spearhead lacks a company, a knowledge or a government member.",
        "## Why",
        "Spearhead clusters are triple helix",
        "## Sources",
        "- https://www.vlaio.be/",
        "## Fix",
        "Add the missing member",
    ):
        assert part in text


def test_rules_code_json_gives_the_rule_and_its_threshold_in_effect(tmp_path):
    path = write_registry(tmp_path, registry_text(GONE, policy_text="ending_soon_days = 90"))
    row = run("--registry", str(path), "rules", "fc114", "--json").json()
    assert set(row) == {
        "code", "name", "profile", "severity", "summary", "reason", "sources", "fix",
        "threshold", "enabled",
    }  # fmt: skip
    assert (row["code"], row["name"], row["profile"], row["severity"]) == (
        "FC114",
        "label-expiring",
        "decree",
        "info",
    )
    assert row["threshold"] == "90 days before the expiry"
    assert "https://www.cluster-analysis.org/benchmarked-clusters" in row["sources"]
    eccp = run("--registry", str(path), "rules", "eccp-members", "--json").json()
    assert (eccp["code"], eccp["profile"], eccp["threshold"]) == ("FC201", "eccp", "15 members")
    assert any("clustercollaboration.eu/register-your-profile" in url for url in eccp["sources"])


def test_rules_code_says_when_the_policy_switches_it_off(tmp_path):
    path = write_registry(tmp_path, registry_text(GONE, policy_text='ignore = ["FC203"]'))
    result = run("--registry", str(path), "rules", "FC203")
    assert "Enabled: no (policy.ignore names it)" in result.stdout


@pytest.mark.parametrize(
    ("code", "suggestion"),
    [
        ("FC999", ""),
        ("FC2", " (did you mean FC201 eccp-members, FC202 eccp-member-types, "
                "FC203 eccp-english-website, FC204 eccp-management?)"),
        ("tripel-helix", " (did you mean FC105 triple-helix?)"),
    ],
)  # fmt: skip
def test_an_unknown_rule_exits_2_with_a_suggestion(registry, code, suggestion):
    result = run("--registry", str(registry), "rules", code)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"error: no rule {code!r}{suggestion}; fix: see `clusters rules` for the codes"
    )
    as_json = run("--registry", str(registry), "rules", code, "--json")
    assert as_json.exit_code == 2
    assert as_json.json()["error"]["code"] == "unknown-rule"


def test_an_unknown_rule_is_said_before_the_registry_is_read(tmp_path):
    result = run("--registry", str(tmp_path / "missing.toml"), "rules", "FC999")
    assert result.exit_code == 2


def test_rules_shows_each_rules_profile(registry):
    rows = {
        line.split()[0]: line.split()
        for line in run("--registry", str(registry), "rules").stdout.splitlines()
        if line.startswith("FC")
    }
    assert rows["FC105"][1:4] == ["triple-helix", "error", "decree"]
    assert rows["FC201"][1:4] == ["eccp-members", "warning", "eccp"]
    assert rows["FC116"][1:4] == ["label-needs-eccp", "warning", "decree"]


# -- the label commands -------------------------------------------------------------------


@pytest.fixture
def labelled(tmp_path: Path) -> Path:
    return write_registry(tmp_path, registry_text(LABELLED))


def edit(path: Path, *args: str):
    return run("--registry", str(path), *args, "--on", ON)


ADD_GOLD = ("add-label", "lab", "--scheme", "esca", "--level", "gold", "--awarded", "2022-01-10")


def test_add_label_writes_the_label(labelled):
    result = edit(labelled, *ADD_GOLD, "--reference", "ESCA 2022/17", "--json")
    assert result.exit_code == 0
    assert result.json() == {
        "cluster": "lab",
        "scheme": "esca",
        "awarded": "2022-01-10",
        "changed": True,
    }
    assert (
        'labels = [\n    { scheme = "esca", level = "gold", awarded = 2022-01-10, '
        'reference = "ESCA 2022/17" },\n]\nfunding = [' in labelled.read_text(encoding="utf-8")
    )
    # the warnings the edit adds are said: an expired label, and no ECCP profile
    warned = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert [line.split()[4:6] for line in warned] == [
        ["FC115", "label-expired:"],
        ["FC116", "label-needs-eccp:"],
    ]
    # an older label of the scheme is not the one judged: it adds no warning
    older = edit(labelled, "add-label", "lab", "--scheme", "esca", "--level", "bronze",
                 "--awarded", "2020-01-10")  # fmt: skip
    assert older.stderr == "added the esca label awarded 2020-01-10 to lab\n"


def test_add_label_again_changes_nothing(labelled):
    assert edit(labelled, *ADD_GOLD).exit_code == 0
    before = digest(labelled)
    result = edit(labelled, *ADD_GOLD, "--json")
    assert result.exit_code == 0
    assert result.json()["changed"] is False
    assert digest(labelled) == before
    said = edit(labelled, *ADD_GOLD)
    assert "unchanged: lab has this esca label awarded 2022-01-10" in said.stderr


def test_add_label_with_other_values_is_a_conflict(labelled):
    assert edit(labelled, *ADD_GOLD).exit_code == 0
    before = digest(labelled)
    result = edit(labelled, *ADD_GOLD[:-3], "silver", "--awarded", "2022-01-10", "--json")
    assert result.exit_code == 4
    error = result.json()["error"]
    assert error["code"] == "conflict"
    assert 'level is "gold", not "silver"' in error["message"]
    assert "clusters update-label lab --scheme esca --awarded 2022-01-10" in error["fix"]
    assert digest(labelled) == before


def test_labels_are_written_in_order_of_scheme_and_date(labelled):
    edit(labelled, *ADD_GOLD)
    edit(labelled, "add-label", "lab", "--scheme", "esca", "--level", "bronze", "--awarded",
         "2020-01-10")  # fmt: skip
    text = labelled.read_text(encoding="utf-8")
    assert text.index("awarded = 2020-01-10") < text.index("awarded = 2022-01-10")


def labels_in(path: Path) -> list[dict]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["clusters"]["lab"].get("labels", [])


def test_update_label_changes_the_named_label(labelled):
    edit(labelled, *ADD_GOLD)
    result = edit(labelled, "update-label", "lab", "--scheme", "esca", "--awarded", "2022-01-10",
                  "--expires", "2026-01-09", "--reference", "cert 9", "--json")  # fmt: skip
    assert result.exit_code == 0
    assert result.json()["changed"] is True
    gold = {"scheme": "esca", "level": "gold", "awarded": dt.date(2022, 1, 10)}
    assert labels_in(labelled) == [gold | {"expires": dt.date(2026, 1, 9), "reference": "cert 9"}]
    again = edit(labelled, "update-label", "lab", "--scheme", "esca", "--awarded", "2022-01-10",
                 "--reference", "cert 9", "--json")  # fmt: skip
    assert again.json()["changed"] is False
    unset = edit(labelled, "update-label", "lab", "--scheme", "esca", "--awarded", "2022-01-10",
                 "--unset", "expires", "--level", "silver")  # fmt: skip
    assert unset.exit_code == 0
    assert labels_in(labelled) == [gold | {"level": "silver", "reference": "cert 9"}]


def test_update_label_of_an_unknown_label_is_refused(labelled):
    edit(labelled, *ADD_GOLD)
    before = digest(labelled)
    result = edit(labelled, "update-label", "lab", "--scheme", "esca", "--awarded", "2022-01-11",
                  "--level", "silver", "--json")  # fmt: skip
    assert result.exit_code == 4
    error = result.json()["error"]
    assert error["code"] == "unknown-label"
    assert error["message"] == (
        "cluster 'lab' has no esca label awarded on 2022-01-11 (its esca labels: awarded "
        "2022-01-10)"
    )
    assert "clusters add-label lab --scheme esca --awarded 2022-01-11" in error["fix"]
    assert digest(labelled) == before


def test_remove_label_removes_it_once(labelled):
    edit(labelled, *ADD_GOLD)
    remove = ("remove-label", "lab", "--scheme", "esca", "--awarded", "2022-01-10", "--json")
    result = edit(labelled, *remove)
    assert result.exit_code == 0 and result.json()["changed"] is True
    assert "labels" not in labelled.read_text(encoding="utf-8")
    assert labelled.read_text(encoding="utf-8") == registry_text_canonical(labelled.parent)
    again = edit(labelled, *remove)
    assert again.exit_code == 0 and again.json()["changed"] is False


def registry_text_canonical(folder: Path) -> str:
    """The canonical text of the labelled registry without labels (fmt of a fresh copy)."""
    copy = write_registry(folder, registry_text(LABELLED), name="copy.toml")
    assert run("--registry", str(copy), "fmt").exit_code == 0
    return copy.read_text(encoding="utf-8")


def test_dry_run_prints_the_diff_and_writes_nothing(labelled):
    before = digest(labelled)
    result = edit(labelled, *ADD_GOLD, "--dry-run")
    assert result.exit_code == 0
    assert digest(labelled) == before
    assert "+labels = [\n" in result.stdout
    assert '+    { scheme = "esca", level = "gold", awarded = 2022-01-10 },\n' in result.stdout
    assert "dry run, nothing written: added the esca label" in result.stderr
    as_json = edit(labelled, *ADD_GOLD, "--dry-run", "--json").json()
    assert as_json["changed"] is True and as_json["diff"] == result.stdout


def test_a_label_that_expires_before_it_is_awarded_is_refused(labelled):
    before = digest(labelled)
    result = edit(labelled, *ADD_GOLD, "--expires", "2021-01-10", "--json")
    assert result.exit_code == 4
    error = result.json()["error"]
    assert error["code"] == "rule-violation"
    assert "FC010 label-dates" in error["message"]
    assert "nothing was written" in error["message"]
    assert digest(labelled) == before


def test_a_label_of_an_unknown_cluster_is_refused(labelled):
    result = edit(labelled, "add-label", "labs", *ADD_GOLD[2:], "--json")
    assert result.exit_code == 4
    assert result.json()["error"]["code"] == "unknown-cluster"
    assert "did you mean 'lab'" in result.json()["error"]["message"]


def test_label_options_are_checked_before_the_file_is_read(labelled):
    result = edit(labelled, "add-label", "lab", "--scheme", "esca", "--level", "platinum",
                  "--awarded", "2022-01-10")  # fmt: skip
    assert result.exit_code == 2
    assert "'platinum' is not one of: bronze, silver, gold" in result.stderr


# -- show ----------------------------------------------------------------------------------


def test_show_gives_each_label_its_expiry_and_state(tmp_path):
    cluster = label_on(label_on(LISTED, "gold", "2022-01-10"), "bronze", "2024-12-15")
    cluster = label_on(cluster, "silver", "2027-01-01", ', reference = "next"')
    path = write_registry(tmp_path, registry_text(cluster))
    shown = run("--registry", str(path), "show", "lab", "--json", "--on", ON).json()
    assert shown["labels"] == [
        {"scheme": "esca", "level": "gold", "awarded": "2022-01-10", "expires": None,
         "reference": None, "expiry": "2024-01-10", "state": "expired", "days_left": None},
        {"scheme": "esca", "level": "bronze", "awarded": "2024-12-15", "expires": None,
         "reference": None, "expiry": "2026-12-15", "state": "expiring", "days_left": 18},
        {"scheme": "esca", "level": "silver", "awarded": "2027-01-01", "expires": None,
         "reference": "next", "expiry": "2029-01-01", "state": "future", "days_left": None},
    ]  # fmt: skip
    text = run("--registry", str(path), "show", "lab", "--on", ON).stdout
    rows = [line.split() for line in text.splitlines() if line.startswith("esca")]
    assert rows == [
        ["esca", "gold", "2022-01-10", "2024-01-10", "(policy)", "expired"],
        ["esca", "bronze", "2024-12-15", "2026-12-15", "(policy)", "expiring", "18"],
        ["esca", "silver", "2027-01-01", "2029-01-01", "(policy)", "future", "next"],
    ]


def test_show_without_labels_draws_no_label_table(labelled):
    text = run("--registry", str(labelled), "show", "lab", "--on", ON).stdout
    assert "labels" not in text
    assert run("--registry", str(labelled), "show", "lab", "--json").json()["labels"] == []
