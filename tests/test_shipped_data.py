"""The shipped registry: its sources, its references, its validity, and facts its sources give.

``data/clusters.toml`` holds the real programme as public sources show it, and nothing
invented (``data/README.md``). These tests hold it to that: every cluster and event cites
a web page; every partner is there because it is a member of a cluster or took part in
an event; the file validates, is canonical and is shipped unchanged; and a few facts are
pinned to what their sources say, so that an edit that loses one fails here.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, run

PACKAGE_DATA = Path(__file__).resolve().parent.parent / "src" / "flanders_clusters" / "data"
SHIPPED = str(SHIPPED_DATA)


@cache
def shipped() -> dict:
    with SHIPPED_DATA.open("rb") as handle:
        return tomllib.load(handle)


def show(cluster: str) -> dict:
    done = run("--registry", SHIPPED, "show", cluster, "--json")
    assert done.exit_code == 0, done.stdout
    return done.json()


def members(cluster: str) -> dict[str, str]:
    """Partner id → role of each membership of ``cluster``, as ``show --json`` lists them."""
    return {member["partner"]: member["role"] for member in show(cluster)["members"]}


def is_web_page(source: str) -> bool:
    return source.startswith(("https://", "http://")) and " " not in source


# -- sources and references --------------------------------------------------------------


@pytest.mark.parametrize("table", ["clusters", "events"])
def test_every_cluster_and_event_cites_a_web_page(table: str) -> None:
    records = shipped()[table]
    assert records, f"no {table} in the shipped registry"
    for record_id, record in records.items():
        sources = record.get("sources", [])
        assert sources, f"{table}.{record_id} has no sources"
        assert all(is_web_page(source) for source in sources), (record_id, sources)
        assert len(sources) == len(set(sources)), f"{table}.{record_id} repeats a source"


def test_every_partner_is_a_member_of_a_cluster_or_took_part_in_an_event() -> None:
    data = shipped()
    members_ = {m["partner"] for c in data["clusters"].values() for m in c.get("members", [])}
    took_part = {p["partner"] for e in data["events"].values() for p in e.get("participants", [])}
    organisers = {e["organiser"] for e in data["events"].values() if "organiser" in e}
    unused = set(data["partners"]) - members_ - took_part - organisers
    assert unused == set(), f"partners with no membership and no event: {sorted(unused)}"


def test_events_name_known_clusters_and_partners_and_are_dated_in_order() -> None:
    data = shipped()
    for event_id, event in data["events"].items():
        assert set(event.get("clusters", [])) <= set(data["clusters"]), event_id
        named = [p["partner"] for p in event.get("participants", [])]
        named += [event["organiser"]] if "organiser" in event else []
        assert set(named) <= set(data["partners"]), event_id
        assert len(named) == len(set(named)), f"{event_id} names an organisation twice"
        assert event.get("end", event["start"]) >= event["start"], event_id


def test_no_member_list_claims_to_be_complete() -> None:
    # No source lists every member of a cluster: a list that claimed to be complete would
    # turn the composition rules' partial-list info into errors the sources cannot back.
    for cluster_id, cluster in shipped()["clusters"].items():
        assert cluster.get("members_complete") is False, cluster_id


def test_every_end_that_is_not_published_says_so_in_the_notes() -> None:
    said = {"policy-max": "policy maximum", "estimate": "estimate"}
    for cluster_id, cluster in shipped()["clusters"].items():
        for period in cluster.get("funding", []):
            basis = period.get("end_basis", "published")
            if basis in said:
                assert said[basis] in cluster["notes"], (cluster_id, basis)


# -- valid, canonical, shipped unchanged ------------------------------------------------


def assert_valid(on: str | None) -> None:
    """``validate`` exits 0 and finds no error on ``on`` (today when None)."""
    done = run("--registry", SHIPPED, "validate", "--json", *(("--on", on) if on else ()))
    assert done.exit_code == 0, (on, done.stdout)
    report = done.json()
    assert report["valid"] is True and report["counts"]["error"] == 0, on


@pytest.mark.parametrize("on", ["2026-11-30", None], ids=["2026-11-30", "today"])
def test_validate_exits_0(on: str | None) -> None:
    assert_valid(on)


@pytest.mark.slow
def test_validate_exits_0_every_half_year_of_the_programme() -> None:
    for year in range(2015, 2034):
        for month in ("01", "07"):
            assert_valid(f"{year}-{month}-01")


def test_shipped_file_is_canonical() -> None:
    result = run("--registry", SHIPPED, "fmt", "--check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "is in canonical form" in result.stderr


def test_package_copy_is_the_repository_file_byte_for_byte() -> None:
    assert (PACKAGE_DATA / "clusters.toml").read_bytes() == SHIPPED_DATA.read_bytes()
    result = run("--registry", str(PACKAGE_DATA / "clusters.toml"), "fmt", "--check", "--json")
    assert result.exit_code == 0
    assert result.json()["canonical"] is True


# -- facts the sources give --------------------------------------------------------------


def test_flanders_health_is_the_network_run_by_three_organisations_that_became_medvia() -> None:
    network = show("flanders-health")
    assert network["type"] == "icn"
    # "een initiatief van een consortium bestaande uit flanders.bio, DSP Valley en Medtech
    # Flanders" (flanders.bio, April 2019)
    assert members("flanders-health") == {
        "dsp-valley": "founder",
        "flanders-bio": "founder",
        "medtech-flanders": "founder",
    }
    assert network["successor"].startswith("MEDVIA")
    # started in 2018 (year only: its first day); the end is the 3-year policy maximum
    assert [(p["start"], p["end"], p["end_basis"]) for p in network["funding"]] == [
        ("2018-01-01", "2020-12-31", "policy-max")
    ]
    assert network["recognised"] is None  # no decision date is published
    assert "inference" in network["notes"]  # the second call is inferred from the start


def test_power_to_gas_lists_the_twelve_companies_of_the_2017_annual_report() -> None:
    twelve = {
        "air-liquide", "aspiravi", "atlas-copco", "colruyt", "deme", "eandis",
        "engie", "fluxys", "hyundai", "mbz", "toyota", "vdl-bus-coach",
    }  # fmt: skip
    listed = show("power-to-gas")
    companies = {m["partner"] for m in listed["members"] if m["kind"] == "company"}
    assert companies == twelve
    # "De Power-to-Gas cluster wordt gecoördineerd door WaterstofNet vzw"; "POM
    # West-Vlaanderen is ook lid van de Vlaamse Power-to-Gas-cluster" (engineeringnet.be)
    assert members("power-to-gas") == (
        {partner: "member" for partner in twelve}
        | {"pom-west-vlaanderen": "member", "waterstofnet": "coordinator"}
    )
    assert "https://engineeringnet.be/nl/nieuws/item/14365" in listed["sources"]
    assert listed["reported_members"] == 25
    assert listed["funding"] == []  # no source dates its funding
    assert "inference" in listed["notes"]  # the first call is inferred


def test_no_page_makes_the_province_of_west_flanders_a_member_of_power_to_gas() -> None:
    gone = run("--registry", SHIPPED, "partner", "show", "province-of-west-flanders", "--json")
    assert gone.json()["error"]["code"] == "unknown-partner"
    pom = run("--registry", SHIPPED, "partner", "show", "pom-west-vlaanderen", "--json").json()
    assert pom["kind"] == "government"
    assert [(c["cluster"], c["role"]) for c in pom["clusters"]] == [("power-to-gas", "member")]


def test_the_organisations_pages_say_coordinate_or_run_a_network_are_its_coordinators() -> None:
    # "gecoördineerd door Agoria en de KU Leuven"; VRI obtained the approval and the subsidy
    assert members("smart-digital-farming") == {"agoria": "coordinator", "ku-leuven": "coordinator"}
    assert members("space-4-0") == {"vri": "coordinator"}
    # board is a seat on a board, never a stand-in for another role
    for cluster_id, cluster in shipped()["clusters"].items():
        assert "role board, which here stands for" not in cluster["notes"], cluster_id


def test_flag_is_the_aerospace_network_recognised_in_april_2017_with_no_funding_period() -> None:
    flag = show("flag")
    assert (flag["type"], flag["domain"], flag["website"]) == (
        "icn",
        "Aerospace",
        "http://www.flag.be",
    )
    # "FLAG is since April 2017 recognised by the Flemish government as an official cluster
    # (Innovatief Bedrijfsnetwerk)": the month only, so its first day
    assert flag["recognised"] == "2017-04-01"
    assert "http://flag.be/about-us/" in flag["sources"]
    # no funding date is published: no period, so its status is unknown
    assert (flag["funding"], flag["status"]) == ([], "unknown")
    # "72 members" on an undated page, 56 on another undated one: both marked undated
    assert flag["reported_members"] == 72
    assert "undated" in flag["notes"] and "56 members" in flag["notes"]
    assert "set up in 1980" in flag["notes"]
    # only VLOC is called a cluster member; 'main industry actors' are not listed
    assert members("flag") == {"vloc": "member"}


def test_ibn_bouwindustrialisatie_has_no_date_no_member_and_no_count() -> None:
    network = show("bouwindustrialisatie")
    assert (network["name"], network["type"]) == ("IBN Bouwindustrialisatie", "icn")
    assert network["sources"] == [
        "https://www.prefabbeurs.nl/nl/nieuws-item/Samenwerkingspartner-aan-het-woord-Bouwindustrialisatie/"
    ]
    # the page is undated: no recognition, no funding period, status unknown
    assert (network["recognised"], network["funding"], network["status"]) == (None, [], "unknown")
    # "twintig clusters van bedrijven" are thematic groups, not members
    assert (network["reported_members"], network["members"]) == (None, [])


def test_flux50_lists_its_founding_group_of_nine() -> None:
    assert members("flux50") == {
        partner: "founder"
        for partner in (
            "agoria", "energyville", "ghent-university", "imec", "living-tomorrow",
            "pixii", "smart-grids-flanders", "vcb", "voka",
        )
    }  # fmt: skip
    assert "iMinds is now part of imec" in show("flux50")["notes"]


def test_vil_lists_its_board_and_the_observer_is_not_a_member() -> None:
    board = {
        "dhl", "katoen-natie", "h-essers", "ecs", "hospital-logistics",  # logistics
        "nike", "basf", "pfizer", "umicore", "samsonite",  # shippers
        "imec", "vito", "vlir",  # strategic partners
    }  # fmt: skip
    listed = members("vil")
    assert {partner for partner, role in listed.items() if role == "board"} == board
    assert listed["flemish-government"] == "clusterpact"
    assert "vlaio" not in listed  # an observer on the board
    assert show("vil")["recognised"] == "2016-10-27"  # the Hermes committee's approval


def test_vil_reports_its_newest_count_622_members_at_the_end_of_2019() -> None:
    vil = show("vil")
    # "wij sluiten 2019 af met 622 leden" (VIL's New Year letter)
    assert vil["reported_members"] == 622
    letter = "https://www.flows.be/nl/people-jobs/nieuwjaarsbrief-liesbeth-gheysels-vil"
    assert letter in vil["sources"]
    assert "520 members" in vil["notes"] and "2016" in vil["notes"]  # the older count kept


def test_euka_funding_ends_in_december_2019_as_an_estimate_and_its_host_is_no_member() -> None:
    euka = show("euka")
    assert [(p["end"], p["end_basis"]) for p in euka["funding"]] == [("2019-12-31", "estimate")]
    listed = members("euka")
    assert listed["willemen-groep"] == "board"  # its CEO chaired the steering group
    # the FIT agreement page calls another person chair: said in the notes, with the page
    assert "'voorzitter van EUKA'" in euka["notes"]
    assert "https://euka.flandersmake.be/euka-slaat-de-handen-in-elkaar-met-fit/" in euka["sources"]
    assert "flanders-make" not in listed
    gone = run("--registry", SHIPPED, "partner", "show", "flanders-make", "--json")
    assert gone.exit_code == 4


def test_flanders_food_lists_no_company_the_sources_do_not_call_a_member() -> None:
    listed = members("flanders-food")
    assert listed == {
        "fevia-vlaanderen": "founder",
        "flemish-government": "clusterpact",
        "vlaio": "clusterpact",
    }
    for company in ("barry-callebaut", "vandemoortele", "soubry"):
        gone = run("--registry", SHIPPED, "partner", "show", company, "--json")
        assert gone.json()["error"]["code"] == "unknown-partner"
    notes = show("flanders-food")["notes"]
    assert "since 1 January 2018" in notes and "end of April" in notes  # the conflict


def test_the_blue_cluster_signed_its_clusterpact_on_15_february_2019() -> None:
    pact = [m for m in show("blue-cluster")["members"] if m["role"] == "clusterpact"]
    assert [(m["partner"], m["since"]) for m in pact] == [("flemish-government", "2019-02-15")]


def test_the_blue_cluster_had_its_go_ahead_on_8_march_2018() -> None:
    blue = show("blue-cluster")
    assert "go-ahead on 8 Mar 2018" in blue["notes"]
    page = "vlaio-geeft-op-8-maart-2018-groen-licht-voor-de-blauwe-cluster"
    assert f"https://www.blauwecluster.be/nieuws/{page}" in blue["sources"]
    assert blue["recognised"] == "2019-01-01"  # the recognition 'per 1 januari 2019' stays


def test_flux50_was_approved_on_15_december_and_announced_on_23_december_2016() -> None:
    flux50 = show("flux50")
    assert flux50["recognised"] == "2016-12-15"  # the decision, not its announcement
    assert "announced on 23 Dec 2016" in flux50["notes"]
    announced = "https://www.incubathor.be/nl/news/groen-licht-voor-vlaamse-energiecluster"
    assert announced in flux50["sources"]


def test_innovfest_2022_and_2024_bring_the_spearheads_together_sim_only_in_2022() -> None:
    events = shipped()["events"]
    spearheads = {cid for cid, c in shipped()["clusters"].items() if c["type"] == "spearhead"}
    first, second = events["innovfest-2022"], events["innovfest-2024"]
    assert (first["start"], first["place"]) == (dt.date(2022, 10, 24), "Technopolis, Mechelen")
    assert set(first["clusters"]) == spearheads
    assert (second["start"], second["place"]) == (dt.date(2024, 2, 20), "Lamot, Mechelen")
    assert set(second["clusters"]) == spearheads - {"sim"}


def test_tci_2019_ran_three_days_with_tours_by_six_programme_clusters() -> None:
    tci = shipped()["events"]["tci-2019"]
    assert (tci["start"], tci["end"]) == (dt.date(2019, 10, 8), dt.date(2019, 10, 10))
    assert set(tci["clusters"]) == {
        "blue-cluster", "catalisti", "flanders-food", "flanders-health", "flux50", "vil",
    }  # fmt: skip
    # "Annie Renders, VLAIO … and Marc Van Gastel, FIT … received the flag" (the hosts)
    hosts = {p["partner"] for p in tci["participants"] if p["role"] == "organiser"}
    assert {"vlaio", "fit"} <= hosts
    assert "http://www.tci-network.org/news/1282" in tci["sources"]


def test_the_venues_the_pages_name_are_recorded_with_those_pages() -> None:
    events = shipped()["events"]
    kick_off = events["blue-cluster-kick-off-2018"]
    # "in het Thermae Palace in Oostende de Blauwe Cluster gelanceerd" (kw.knack.be)
    assert kick_off["place"] == "Thermae Palace, Ostend"
    assert any(source.startswith("http://kw.knack.be/") for source in kick_off["sources"])
    assert kick_off["reported_participants"] == 250
    assert "250" in kick_off["notes"] and "260" in kick_off["notes"]  # the conflict kept
    launch = events["flux50-launch-2017"]
    # "op een lanceringsevenement bij Proximus in Brussel" (voka.be)
    assert launch["place"] == "Proximus, Brussels"
    assert any(source.startswith("https://www.voka.be/") for source in launch["sources"])
    assert "do not name the venue" not in launch["notes"]


def test_innovfest_2024_cites_the_report_after_the_event() -> None:
    report = (
        "https://www.catalisti.be/en/news/"
        "innovfest-20-spearhead-clusters-are-vital-links-flemish-innovation-and-competitiveness"
    )
    assert report in shipped()["events"]["innovfest-2024"]["sources"]


def test_what_only_an_unread_page_gave_is_left_out_and_said_so() -> None:
    new_year = shipped()["events"]["blue-cluster-new-year-2020"]
    assert "place" not in new_year and "reported_participants" not in new_year
    assert "could not be read again" in new_year["notes"]
    assert new_year["start"] == dt.date(2020, 1, 24)  # the news listing gives the date
    assert "https://www.blauwecluster.be/nieuws?page=20" in new_year["sources"]
    # the events page of Catalisti was read: its two events stay as it gives them
    events = shipped()["events"]
    day, info = events["catalisti-day-2022"], events["vlaio-informs-efro-interreg-2022"]
    assert (day["start"], day["place"]) == (dt.date(2022, 6, 8), "Thor Park, Genk")
    assert (info["start"], info["place"], info["organiser"]) == (
        dt.date(2022, 11, 28), "Atelier Vlaams Bouwmeester, Brussels", "vlaio",
    )  # fmt: skip
