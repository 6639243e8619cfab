"""Events and who took part: the records, the commands, the rules, the calendar, stats."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, SMALL, digest, run, said, write_registry
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from registry_strategies import run_bytes

from flanders_clusters.formats.ics import ics_bytes
from flanders_clusters.views import event_rows

ON = "2022-11-01"

EVENTS = """
[events.innovfest-2022]
title = "InnovFest Vlaanderen"
kind = "networking"
start = 2022-10-24
place = "Technopolis, Mechelen"
audience = "clusters"
clusters = ["alpha", "beta"]
organiser = "gov"
url = "https://innovfest.example/2022"
reported_participants = 300
sources = ["https://news.example/innovfest"]
notes = "First edition."
participants = [
    { partner = "acme", role = "exhibitor" },
    { partner = "uni" },
]

[events.learning-2021]
title = "Learning network"
kind = "learning"
start = 2021-03-01
end = 2021-03-02
clusters = ["alpha"]
participants = [
    { partner = "acme" },
]
"""


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return write_registry(tmp_path, SMALL + EVENTS)


def cli(path: Path, *args: str):
    return run("--registry", str(path), *args)


def parsed(path: Path) -> dict:
    return tomllib.loads(path.read_text("utf-8"))


# -- reading ---------------------------------------------------------------------------


def test_events_json_is_the_documented_shape(registry: Path) -> None:
    done = cli(registry, "events", "--json", "--on", ON)
    assert done.exit_code == 0, done.stderr
    assert done.json() == [
        {
            "id": "learning-2021",
            "title": "Learning network",
            "kind": "learning",
            "start": "2021-03-01",
            "end": "2021-03-02",
            "place": None,
            "audience": "network",
            "clusters": ["alpha"],
            "participants": 1,
            "reported_participants": None,
        },
        {
            "id": "innovfest-2022",
            "title": "InnovFest Vlaanderen",
            "kind": "networking",
            "start": "2022-10-24",
            "end": "2022-10-24",
            "place": "Technopolis, Mechelen",
            "audience": "clusters",
            "clusters": ["alpha", "beta"],
            "participants": 2,
            "reported_participants": 300,
        },
    ]


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (("--kind", "learning"), ["learning-2021"]),
        (("--cluster", "beta"), ["innovfest-2022"]),
        (("--from", "2021-03-02"), ["learning-2021", "innovfest-2022"]),
        (("--from", "2021-03-03"), ["innovfest-2022"]),
        (("--to", "2021-03-01"), ["learning-2021"]),
        (("--to", "2021-02-28"), []),
        (("--upcoming", "--on", "2022-10-24"), ["innovfest-2022"]),
        (("--upcoming", "--on", "2022-10-25"), []),
        (("--upcoming", "--on", "2021-03-02"), ["learning-2021", "innovfest-2022"]),
    ],
)
def test_events_filters(registry: Path, args: tuple[str, ...], ids: list[str]) -> None:
    done = cli(registry, "events", *args, "--json")
    assert done.exit_code == 0, done.stderr
    assert [row["id"] for row in done.json()] == ids


def test_events_of_an_unknown_cluster_is_refused_with_a_suggestion(registry: Path) -> None:
    done = cli(registry, "events", "--cluster", "alpah", "--json")
    assert done.exit_code == 4
    assert done.json()["error"]["code"] == "unknown-cluster"
    assert "did you mean 'alpha'" in done.json()["error"]["message"]


def test_events_from_after_to_is_a_usage_error(registry: Path) -> None:
    done = cli(registry, "events", "--from", "2023-01-01", "--to", "2022-01-01")
    assert done.exit_code == 2
    assert "--from 2023-01-01 is after --to 2022-01-01" in done.stderr


def test_events_table(registry: Path) -> None:
    done = cli(registry, "events", "--on", ON)
    assert done.exit_code == 0
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["id", "start", "end", "kind", "title", "place", "participants"]
    assert lines[2].split()[:4] == ["learning-2021", "2021-03-01", "2021-03-02", "learning"]
    assert lines[3].startswith("innovfest-2022")
    assert lines[3].rstrip().endswith("2")


def test_a_registry_without_events_lists_none(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    assert cli(path, "events", "--json").json() == []
    ics = cli(path, "events", "--format", "ics", "--on", ON)
    assert ics.exit_code == 0
    assert "BEGIN:VEVENT" not in ics.stdout


def test_event_show_json(registry: Path) -> None:
    done = cli(registry, "event", "show", "innovfest-2022", "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json() == {
        "id": "innovfest-2022",
        "title": "InnovFest Vlaanderen",
        "kind": "networking",
        "start": "2022-10-24",
        "end": "2022-10-24",
        "place": "Technopolis, Mechelen",
        "audience": "clusters",
        "clusters": ["alpha", "beta"],
        "organiser": "gov",
        "url": "https://innovfest.example/2022",
        "reported_participants": 300,
        "sources": ["https://news.example/innovfest"],
        "notes": "First edition.",
        "participants": [
            {"partner": "acme", "name": "Acme NV", "kind": "company", "role": "exhibitor"},
            {
                "partner": "uni",
                "name": "Example University",
                "kind": "knowledge",
                "role": "attendee",
            },
        ],
    }


def test_event_show_table_and_unknown_event(registry: Path) -> None:
    table = cli(registry, "event", "show", "innovfest-2022")
    assert table.exit_code == 0
    assert "participants (2)" in table.stdout
    assert "exhibitor" in table.stdout
    unknown = cli(registry, "event", "show", "innovfest-2023", "--json")
    assert unknown.exit_code == 4
    error = unknown.json()["error"]
    assert error["code"] == "unknown-event"
    assert "did you mean 'innovfest-2022'" in error["message"]


def test_show_and_partner_show_list_the_events(registry: Path) -> None:
    alpha = cli(registry, "show", "alpha", "--json").json()
    assert [e["event"] for e in alpha["events"]] == ["learning-2021", "innovfest-2022"]
    assert "events (2)" in cli(registry, "show", "alpha").stdout
    gov = cli(registry, "partner", "show", "gov", "--json").json()["events"]
    assert gov == [
        {
            "event": "innovfest-2022",
            "title": "InnovFest Vlaanderen",
            "kind": "networking",
            "start": "2022-10-24",
            "end": "2022-10-24",
            "role": "organiser",
        }
    ]
    acme = cli(registry, "partner", "show", "acme", "--json").json()["events"]
    assert [(e["event"], e["role"]) for e in acme] == [
        ("learning-2021", "attendee"),
        ("innovfest-2022", "exhibitor"),
    ]


# -- the calendar ------------------------------------------------------------------------


def calendar_of(text: str) -> Calendar:
    return Calendar.from_ical(text)


def test_ics_is_rfc5545_with_stable_uids_and_exclusive_all_day_ends(registry: Path) -> None:
    done = cli(registry, "events", "--format", "ics", "--on", ON)
    assert done.exit_code == 0, done.stderr
    calendar = calendar_of(done.stdout)
    assert str(calendar["X-WR-CALNAME"]) == "FI&E network events"
    found = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert sorted(found) == ["innovfest-2022@clusters", "learning-2021@clusters"]
    fest = found["innovfest-2022@clusters"]
    assert fest["DTSTART"].dt == dt.date(2022, 10, 24)
    assert fest["DTEND"].dt == dt.date(2022, 10, 25)  # exclusive: the day after
    assert fest.decoded("DTSTART") == dt.date(2022, 10, 24)
    first_event = done.stdout.replace("\r\n", "\n").split("BEGIN:VEVENT")[1]
    assert "VALUE=DATE" in first_event.split("DTSTART")[1].split("\n")[0]
    assert str(fest["SUMMARY"]) == "InnovFest Vlaanderen"
    assert str(fest["LOCATION"]) == "Technopolis, Mechelen"
    assert str(fest["URL"]) == "https://innovfest.example/2022"
    assert fest["CATEGORIES"].cats == ["networking"]
    assert str(fest["DESCRIPTION"]) == "First edition."
    assert fest["DTSTAMP"].dt == dt.datetime(2022, 11, 1, tzinfo=dt.UTC)
    learning = found["learning-2021@clusters"]
    assert (learning["DTSTART"].dt, learning["DTEND"].dt) == (
        dt.date(2021, 3, 1),
        dt.date(2021, 3, 3),
    )
    assert "LOCATION" not in learning and "URL" not in learning


def test_ics_is_the_same_bytes_for_the_same_on(registry: Path) -> None:
    first = cli(registry, "events", "--format", "ics", "--on", ON).stdout
    second = cli(registry, "events", "--format", "ics", "--on", ON).stdout
    other_day = cli(registry, "events", "--format", "ics", "--on", "2022-11-02").stdout
    assert first == second
    assert first != other_day  # only DTSTAMP differs
    assert first.replace("20221101T", "20221102T") == other_day


def test_ics_filters_like_the_table(registry: Path) -> None:
    done = cli(registry, "events", "--format", "ics", "--kind", "learning", "--on", ON)
    uids = [str(e["UID"]) for e in calendar_of(done.stdout).walk("VEVENT")]
    assert uids == ["learning-2021@clusters"]


def test_ics_of_hostile_text_keeps_one_event_per_record_and_the_text_intact(
    tmp_path: Path,
) -> None:
    title = "Cluster day; networking, drinks BEGIN:VEVENT"
    notes = "Line one\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil@x\nSUMMARY:injected\n\\n, ; : done"
    place = "Hall A; B, C\\D"
    hostile = f"""
[events.hostile]
title = {json_text(title)}
kind = "other"
start = 2022-05-01
place = {json_text(place)}
notes = {json_text(notes)}
"""
    path = write_registry(tmp_path, SMALL + hostile)
    assert cli(path, "validate", "--on", ON).exit_code in (0, 1)
    done = cli(path, "events", "--format", "ics", "--on", ON)
    assert done.exit_code == 0, done.stderr
    found = list(calendar_of(done.stdout).walk("VEVENT"))
    assert len(found) == 1
    event = found[0]
    assert str(event["UID"]) == "hostile@clusters"
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == notes
    assert str(event["LOCATION"]) == place
    lines = done.stdout.splitlines()  # content lines: a folded line continues with a space
    assert lines.count("BEGIN:VEVENT") == 1
    assert lines.count("END:VEVENT") == 1
    assert [line for line in lines if line.startswith("UID:")] == ["UID:hostile@clusters"]


# -- a strict reading of RFC 5545 -----------------------------------------------------------

_CONTENT_LINE = re.compile(r"[A-Z0-9-]+(;[A-Z0-9-]+=[^;:]*)*:.*")
_COMPONENTS = ("VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE")


def strictly_read(raw: bytes) -> Calendar:
    """The calendar of ``raw``, read as RFC 5545 says, or AssertionError: CRLF-ended
    content lines without a bare CR or LF, folded lines starting with a space, each line
    ``NAME[;PARAM=…]:VALUE``, one VCALENDAR with VERSION 2.0, a PRODID and at least one
    component (its sections 3.4 and 3.6), BEGIN and END paired; then icalendar parses it back."""
    assert raw.endswith(b"\r\n")
    physical = raw[:-2].split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in physical), "a bare CR or LF"
    lines: list[str] = []
    for line in physical:
        text = line.decode("utf-8")
        if text.startswith((" ", "\t")):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    assert all(_CONTENT_LINE.fullmatch(line) for line in lines), lines
    assert (lines[0], lines[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR")
    open_ = []
    for line in lines:
        if line.startswith("BEGIN:"):
            open_.append(line[6:])
        elif line.startswith("END:"):
            assert open_.pop() == line[4:]
    assert open_ == []
    top = [line for line in lines if line.startswith(("VERSION:", "PRODID:"))]
    assert top[0] == "VERSION:2.0" and top[1].startswith("PRODID:")
    assert any(line in {f"BEGIN:{c}" for c in _COMPONENTS} for line in lines), "no component"
    return Calendar.from_ical(raw)


@pytest.mark.parametrize("args", [["--from", "2030-01-01"], ["--kind", "workshop"]])
def test_an_empty_calendar_is_still_a_valid_calendar(registry: Path, args) -> None:
    """Found by a new user's trial: `events --from 2030-01-01 --format ics` wrote a
    calendar without a component, which RFC 5545 forbids and strict validators reject."""
    code, raw = run_bytes("--registry", str(registry), "events", "--format", "ics", *args)
    assert code == 0
    calendar = strictly_read(raw)
    assert list(calendar.walk("VEVENT")) == []
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Brussels"
    again = run_bytes("--registry", str(registry), "events", "--format", "ics", *args)[1]
    assert again == raw  # fixed values: no generation time, no machine time-zone data


def test_a_registry_without_events_gives_a_valid_calendar(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    code, raw = run_bytes("--registry", str(path), "events", "--format", "ics", "--on", ON)
    assert code == 0
    assert strictly_read(raw).walk("VTIMEZONE")


def test_the_calendar_zone_is_brussels_time() -> None:
    from zoneinfo import ZoneInfo

    (zone,) = Calendar.from_ical(ics_bytes({}, dt.date(2026, 1, 1))).walk("VTIMEZONE")
    described, brussels = zone.to_tz(), ZoneInfo("Europe/Brussels")
    for year in range(1996, 2041):
        for month, day, hour in ((1, 15, 12), (3, 31, 3), (7, 1, 12), (10, 31, 3), (12, 31, 23)):
            when = dt.datetime(year, month, day, hour)
            assert when.replace(tzinfo=described).utcoffset() == (
                when.replace(tzinfo=brussels).utcoffset()
            ), when


@pytest.mark.parametrize("breaks", ["\r", "\r\n", "\n"])
def test_a_lone_carriage_return_never_reaches_the_calendar_raw(tmp_path: Path, breaks) -> None:
    """Found by the adversarial review: an icalendar older than 7.3 wrote a lone CR raw,
    which a lenient reader takes for a line end (an injected property)."""
    notes = f"Line one{breaks}INJECTED:evil{breaks}BEGIN:VEVENT"
    hostile = f"""
[events.cr]
title = "Carriage"
kind = "other"
start = 2022-05-01
notes = {json_text(notes)}
"""
    path = write_registry(tmp_path, SMALL + hostile)
    code, raw = run_bytes("--registry", str(path), "events", "--format", "ics", "--on", ON)
    assert code == 0
    (event,) = strictly_read(raw).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == notes.replace("\r\n", "\n").replace("\r", "\n")
    assert b"\r\nINJECTED" not in raw


def test_the_calendar_text_never_holds_a_lone_carriage_return() -> None:
    """Whatever icalendar does with one: one-line text cannot hold a CR, notes can."""
    record = {
        "title": "A\rB",
        "kind": "other",
        "start": dt.date(2022, 5, 1),
        "place": "C\r\nD",
        "notes": "E\rF\r\nG\nH",
    }
    raw = ics_bytes({}, dt.date(2022, 11, 1), {"x": record})
    (event,) = strictly_read(raw).walk("VEVENT")
    assert (str(event["SUMMARY"]), str(event["LOCATION"])) == ("A\nB", "C\nD")
    assert str(event["DESCRIPTION"]) == "E\nF\nG\nH"


def test_icalendar_is_at_least_the_version_that_escapes_a_lone_carriage_return() -> None:
    """icalendar 7.2 and older write a lone CR raw in a TEXT value; 7.3.0 escapes it.
    The calendar makes line breaks LF itself too, so an older one would still be safe,
    but the package asks pip for one that is."""
    from importlib.metadata import requires

    (wanted,) = [r for r in requires("flanders-clusters") or () if r.startswith("icalendar")]
    floor = re.fullmatch(r"icalendar>=(\d+)\.(\d+)(?:\.\d+)?", wanted.replace(" ", ""))
    assert floor and (int(floor[1]), int(floor[2])) >= (7, 3), wanted
    assert re.search(r'"icalendar>=7\.3', (REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_a_url_that_is_not_http_is_refused_and_never_becomes_an_ics_url(tmp_path: Path) -> None:
    path = write_registry(tmp_path, SMALL + EVENTS.replace("https://innovfest", "javascript:x"))
    done = cli(path, "validate", "--json", "--on", ON)
    (finding,) = done.json()["findings"]
    assert (finding["code"], finding["path"]) == ("FC001", "events.innovfest-2022.url")
    assert "is not an http or https URL" in finding["message"]
    record = tomllib.loads(SMALL + EVENTS)["events"]["innovfest-2022"]
    record["url"] = "javascript:alert(1)"
    text = ics_bytes({}, dt.date(2022, 11, 1), {"x": record}).decode()
    assert "URL" not in text.replace("X-WR-CALNAME", "")


def json_text(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def test_ics_and_json_disagreeing_formats_is_a_usage_error(registry: Path) -> None:
    done = cli(registry, "events", "--format", "ics", "--json")
    assert done.exit_code == 2
    assert done.json()["error"]["code"] == "usage"


# -- editing events ----------------------------------------------------------------------


ADD = (
    "add-event", "forum-2023", "--title", "Cluster forum", "--kind", "conference",
    "--start", "2023-05-10", "--end", "2023-05-11", "--place", "Gent",
    "--cluster", "beta", "--cluster", "alpha", "--organiser", "gov",
    "--source", "https://forum.example", "--on", ON,
)  # fmt: skip


def test_add_event_writes_the_canonical_record(registry: Path) -> None:
    done = cli(registry, *ADD, "--json")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert done.json() == {"event": "forum-2023", "changed": True}
    assert parsed(registry)["events"]["forum-2023"] == {
        "title": "Cluster forum",
        "kind": "conference",
        "start": dt.date(2023, 5, 10),
        "end": dt.date(2023, 5, 11),
        "place": "Gent",
        "clusters": ["alpha", "beta"],
        "organiser": "gov",
        "sources": ["https://forum.example"],
    }
    text = registry.read_text("utf-8")
    assert text.index("[events.forum-2023]") < text.index("[events.innovfest-2022]")
    assert cli(registry, "fmt", "--check").exit_code == 0


def test_add_event_again_changes_nothing_and_other_values_conflict(registry: Path) -> None:
    assert cli(registry, *ADD).exit_code == 0
    before = digest(registry)
    again = cli(registry, *ADD, "--json")
    assert again.exit_code == 0
    assert again.json()["changed"] is False
    other = cli(registry, *ADD[:-2], "--title", "Other", "--json")
    assert other.exit_code == 4
    error = other.json()["error"]
    assert error["code"] == "conflict"
    assert "update-event forum-2023" in said(error)
    assert digest(registry) == before


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        (("--cluster", "gamma"), 4, "FC006"),
        (("--organiser", "nobody"), 4, "FC006"),
        (("--end", "2023-05-01"), 4, "FC007"),
    ],
)
def test_add_event_that_breaks_a_rule_is_refused(
    registry: Path, extra: tuple[str, ...], code: int, words: str
) -> None:
    before = digest(registry)
    args = [a for a in ADD if a not in ("--end", "2023-05-11")] + list(extra)
    done = cli(registry, *args, "--json")
    assert done.exit_code == code, done.stdout
    assert done.json()["error"]["code"] == "rule-violation"
    assert words in done.json()["error"]["message"]
    assert digest(registry) == before


@pytest.mark.parametrize(
    "extra",
    [
        ("--kind", "party"),
        ("--start", "10/05/2023"),
        ("--url", "ftp://x.example"),
        ("--cluster", "Not An Id"),
        ("--reported-participants", "-1"),
    ],
)
def test_add_event_with_a_malformed_value_is_a_usage_error(
    registry: Path, extra: tuple[str, ...]
) -> None:
    before = digest(registry)
    done = cli(registry, *ADD, *extra)
    assert done.exit_code == 2, done.stderr
    assert digest(registry) == before


def test_add_event_dry_run_prints_the_diff_and_writes_nothing(registry: Path) -> None:
    before = digest(registry)
    done = cli(registry, *ADD, "--dry-run")
    assert done.exit_code == 0
    assert "+[events.forum-2023]" in done.stdout
    assert "dry run, nothing written" in done.stderr
    assert digest(registry) == before


def test_update_event_adds_drops_and_unsets(registry: Path) -> None:
    done = cli(
        registry, "update-event", "innovfest-2022", "--drop-cluster", "beta",
        "--unset", "url", "--place", "Mechelen", "--json", "--on", ON,
    )  # fmt: skip
    assert done.exit_code == 0, done.stdout
    assert done.json() == {"event": "innovfest-2022", "changed": True}
    event = parsed(registry)["events"]["innovfest-2022"]
    assert event["clusters"] == ["alpha"]
    assert event["place"] == "Mechelen"
    assert "url" not in event
    replaced = cli(
        registry, "update-event", "innovfest-2022", "--unset", "clusters",
        "--cluster", "beta", "--on", ON,
    )  # fmt: skip
    assert replaced.exit_code == 0
    assert parsed(registry)["events"]["innovfest-2022"]["clusters"] == ["beta"]
    same = cli(registry, "update-event", "innovfest-2022", "--place", "Mechelen", "--json")
    assert same.json()["changed"] is False


def test_update_event_cannot_unset_a_required_field(registry: Path) -> None:
    done = cli(registry, "update-event", "innovfest-2022", "--unset", "title")
    assert done.exit_code == 2


def test_remove_event(registry: Path) -> None:
    done = cli(registry, "remove-event", "learning-2021", "--json")
    assert done.exit_code == 0
    assert "learning-2021" not in parsed(registry)["events"]
    assert cli(registry, "remove-event", "learning-2021").exit_code == 4


def test_removing_the_last_event_drops_the_table(tmp_path: Path) -> None:
    path = write_registry(tmp_path, SMALL + EVENTS.split("[events.learning-2021]")[0])
    assert cli(path, "remove-event", "innovfest-2022").exit_code == 0
    assert "events" not in parsed(path)
    assert path.read_text("utf-8") == SMALL


def test_removing_a_cluster_or_partner_an_event_names_is_refused(registry: Path) -> None:
    before = digest(registry)
    cluster = cli(registry, "remove-cluster", "beta", "--json")
    assert cluster.exit_code == 4
    assert cluster.json()["error"]["code"] == "conflict"
    assert "innovfest-2022" in cluster.json()["error"]["message"]
    assert "--drop-cluster beta" in cluster.json()["error"]["fix"]
    assert digest(registry) == before
    solo = ("add-participant", "learning-2021", "solo", "--name", "Solo", "--kind", "other")
    assert cli(registry, *solo).exit_code == 0
    before = digest(registry)
    partner = cli(registry, "remove-partner", "solo", "--json")
    assert partner.exit_code == 4
    assert "learning-2021" in partner.json()["error"]["message"]
    assert "remove-participant" in partner.json()["error"]["fix"]
    assert digest(registry) == before
    assert cli(registry, "remove-participant", "learning-2021", "solo").exit_code == 0
    assert cli(registry, "remove-partner", "solo").exit_code == 0


# -- participants --------------------------------------------------------------------------


def test_add_participant_existing_and_new_partner(registry: Path) -> None:
    existing = cli(
        registry, "add-participant", "learning-2021", "gov", "--role", "speaker", "--json"
    )
    assert existing.exit_code == 0, existing.stdout
    assert existing.json() == {
        "event": "learning-2021",
        "partner": "gov",
        "changed": True,
        "created_partner": False,
    }
    new = cli(
        registry, "add-participant", "learning-2021", "newco", "--name", "New Co",
        "--kind", "company", "--json",
    )  # fmt: skip
    assert new.json()["created_partner"] is True
    data = parsed(registry)
    assert data["partners"]["newco"] == {"name": "New Co", "kind": "company"}
    assert data["events"]["learning-2021"]["participants"] == [
        {"partner": "acme"},
        {"partner": "gov", "role": "speaker"},
        {"partner": "newco"},
    ]
    again = cli(registry, "add-participant", "learning-2021", "newco", "--json")
    assert again.json()["changed"] is False
    conflict = cli(registry, "add-participant", "learning-2021", "gov", "--role", "attendee")
    assert conflict.exit_code == 4
    assert "update-participant learning-2021 gov" in conflict.stderr


def test_add_participant_of_an_unknown_partner_needs_name_and_kind(registry: Path) -> None:
    before = digest(registry)
    done = cli(registry, "add-participant", "learning-2021", "acm", "--json")
    assert done.exit_code == 4
    error = done.json()["error"]
    assert error["code"] == "unknown-partner"
    assert "did you mean 'acme'" in error["message"]
    assert "--name and --kind" in error["fix"]
    assert digest(registry) == before


def test_update_and_remove_participant(registry: Path) -> None:
    done = cli(registry, "update-participant", "innovfest-2022", "uni", "--role", "speaker")
    assert done.exit_code == 0, done.stderr
    people = parsed(registry)["events"]["innovfest-2022"]["participants"]
    assert {"partner": "uni", "role": "speaker"} in people
    missing = cli(registry, "update-participant", "innovfest-2022", "gov", "--role", "speaker")
    assert missing.exit_code == 4
    assert "add-participant innovfest-2022 gov" in missing.stderr
    removed = cli(registry, "remove-participant", "innovfest-2022", "uni", "--json")
    assert removed.json()["changed"] is True
    absent = cli(registry, "remove-participant", "innovfest-2022", "uni", "--json")
    assert absent.json()["changed"] is False
    assert absent.exit_code == 0


def test_import_participants_from_a_csv(registry: Path) -> None:
    csv_file = registry.parent / "people.csv"
    csv_file.write_text(
        "\ufeffpartner;name;kind;role\r\nacme;;;speaker\r\nnewco;New Co;company;\r\n"
        "gov;;;organiser\r\n",
        encoding="utf-8",
    )
    done = cli(registry, "import-participants", "learning-2021", str(csv_file), "--json")
    assert done.exit_code == 4  # acme is there as an attendee: a conflict, nothing imported
    assert "update-participant learning-2021 acme" in said(done.json()["error"])
    csv_file.write_text(
        "partner,name,kind,role\nnewco,New Co,company,\ngov,,,organiser\n", encoding="utf-8"
    )
    done = cli(registry, "import-participants", "learning-2021", str(csv_file), "--json")
    assert done.exit_code == 0, done.stdout
    assert done.json() == {
        "event": "learning-2021",
        "changed": True,
        "rows": 2,
        "added": 2,
        "unchanged": 0,
        "created_partners": 1,
        "skipped": 0,
    }
    people = parsed(registry)["events"]["learning-2021"]["participants"]
    assert people == [
        {"partner": "acme"},
        {"partner": "gov", "role": "organiser"},
        {"partner": "newco"},
    ]


def test_import_participants_names_a_partner_given_twice_with_different_roles(
    registry: Path,
) -> None:
    csv_file = registry.parent / "people.csv"
    csv_file.write_text("partner,role\nuni,speaker\ngov,\nuni,organiser\n", encoding="utf-8")
    before = digest(registry)
    done = cli(registry, "import-participants", "learning-2021", str(csv_file))
    assert done.exit_code == 4
    assert done.stderr == (
        f"error: {csv_file}:4: rows 2 and 4 both name uni, with different roles; nothing "
        "imported; fix: correct the rows named, then import the file again\n"
    )
    assert digest(registry) == before


def test_import_participants_reports_every_row_in_one_pass(registry: Path) -> None:
    csv_file = registry.parent / "people.csv"
    csv_file.write_text("partner,name,kind,role\nnewco,,company,\nuni,,,chair\n", encoding="utf-8")
    done = cli(registry, "import-participants", "learning-2021", str(csv_file), "--json")
    assert done.exit_code == 4
    assert done.json()["error"]["details"] == [
        f"{csv_file}:2: partner 'newco' is not in the registry, so the row must give its "
        "name, but the name cell is empty",
        f"{csv_file}:3: role 'chair' is not one of: organiser, speaker, exhibitor, attendee",
    ]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("partner,role\nacme,member\n", "role 'member' is not one of"),
        ("partner,since\nacme,2022-01-01\n", "unknown column 'since'"),
        ("partner,name\nnewco,New\n", "the kind cell is empty"),
    ],
)
def test_import_participants_refuses_a_bad_file(registry: Path, content: str, words: str) -> None:
    before = digest(registry)
    csv_file = registry.parent / "bad.csv"
    csv_file.write_text(content, encoding="utf-8")
    done = cli(registry, "import-participants", "learning-2021", str(csv_file))
    assert done.exit_code == 4
    assert words in done.stderr
    assert digest(registry) == before


# -- rules -----------------------------------------------------------------------------


EVENT_RULES = ("--rule", "FC006", "--rule", "FC007", "--rule", "FC009", "--rule", "FC112")


def findings(path: Path, *args: str) -> list[tuple]:
    done = cli(path, "validate", "--json", "--on", ON, *(args or EVENT_RULES))
    return [
        (f["code"], f["event"], f["partner"], f["path"], f["line"]) for f in done.json()["findings"]
    ]


def test_a_registry_with_valid_events_has_no_event_findings(registry: Path) -> None:
    done = cli(registry, "validate", "--json", "--on", ON, *EVENT_RULES)
    assert done.exit_code == 0, done.stdout
    assert [f["code"] for f in done.json()["findings"]] == []


def test_fc006_names_each_unknown_reference_with_its_line(tmp_path: Path) -> None:
    text = SMALL + EVENTS.replace('clusters = ["alpha", "beta"]', 'clusters = ["alpha", "gamma"]')
    text = text.replace('organiser = "gov"', 'organiser = "nobody"')
    text = text.replace('{ partner = "uni" }', '{ partner = "ghost" }')
    path = write_registry(tmp_path, text)
    lines = path.read_text("utf-8").splitlines()
    found = findings(path, "--rule", "FC006")
    assert [(code, event, partner, where) for code, event, partner, where, _ in found] == [
        ("FC006", "innovfest-2022", None, "events.innovfest-2022.clusters[1]"),
        ("FC006", "innovfest-2022", "nobody", "events.innovfest-2022.organiser"),
        ("FC006", "innovfest-2022", "ghost", "events.innovfest-2022.participants[1].partner"),
    ]
    assert "gamma" in lines[found[0][4] - 1]
    assert "nobody" in lines[found[1][4] - 1]
    assert "ghost" in lines[found[2][4] - 1]
    assert cli(path, "validate", "--on", ON).exit_code == 1


def test_fc007_an_event_that_ends_before_it_starts(tmp_path: Path) -> None:
    path = write_registry(tmp_path, SMALL + EVENTS.replace("end = 2021-03-02", "end = 2021-02-28"))
    assert [f[:2] for f in findings(path)] == [("FC007", "learning-2021")]


def test_fc009_a_partner_twice_in_one_event(tmp_path: Path) -> None:
    twice = '    { partner = "acme" },\n    { partner = "acme", role = "speaker" },\n'
    path = write_registry(tmp_path, SMALL + EVENTS.replace('    { partner = "acme" },\n', twice))
    assert [f[:3] for f in findings(path)] == [("FC009", "learning-2021", "acme")]


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("2022-11-01", []),  # alpha took part in InnovFest 2022; beta has ended
        ("2023-10-24", []),  # 365 days after InnovFest: still in the window
        ("2023-10-25", ["alpha"]),  # one day later: no event in the window
        ("2017-06-01", []),  # alpha active, but within 365 days before the learning event? no:
    ],
)
def test_fc112_an_active_cluster_without_a_recent_event(
    registry: Path, on: str, expected: list[str]
) -> None:
    done = cli(registry, "validate", "--json", "--on", on, "--rule", "FC112")
    found = [f["cluster"] for f in done.json()["findings"]]
    if on == "2017-06-01":  # alpha is not active yet: not judged
        assert found == []
        return
    assert found == expected
    if expected:
        finding = done.json()["findings"][0]
        assert finding["severity"] == "info"
        assert "from 2022-10-25 to 2023-10-25 (365 days)" in finding["message"]


def test_fc112_follows_the_policy_window(tmp_path: Path) -> None:
    path = write_registry(tmp_path, SMALL + EVENTS + "\n[policy]\nactivity_window_days = 30\n")
    done = cli(path, "validate", "--json", "--on", "2022-11-24", "--rule", "FC112")
    assert [f["cluster"] for f in done.json()["findings"]] == ["alpha"]
    assert "30 days" in cli(path, "rules").stdout


def test_fc112_is_quiet_in_a_registry_that_records_no_events(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    done = cli(path, "validate", "--json", "--on", ON, *EVENT_RULES)
    assert [f["code"] for f in done.json()["findings"]] == []
    everything = cli(path, "validate", "--json", "--on", ON).json()["findings"]
    assert "FC112" not in {f["code"] for f in everything}


def test_an_unknown_key_in_an_event_is_fc001_with_its_line(tmp_path: Path) -> None:
    path = write_registry(tmp_path, SMALL + EVENTS.replace("place = ", "plase = "))
    done = cli(path, "validate", "--json", "--on", ON)
    assert done.exit_code == 1
    (finding,) = done.json()["findings"]
    assert finding["code"] == "FC001"
    assert finding["event"] == "innovfest-2022"
    assert finding["path"] == "events.innovfest-2022.plase"
    assert path.read_text("utf-8").splitlines()[finding["line"] - 1].startswith("plase = ")
    assert "did you mean 'place'" in finding["fix"]


# -- canonical form --------------------------------------------------------------------------


def test_fmt_sorts_events_their_clusters_and_participants(tmp_path: Path) -> None:
    messy = """
[events.zeta]
kind = "other"
title = "Zeta"
start = 2020-01-01
participants = [{ partner = "uni" }, { partner = "acme", role = "speaker" }]
clusters = ["beta", "alpha"]

[events.alpha-day]
title = "Alpha day"
start = 2020-02-02
kind = "workshop"
"""
    path = write_registry(tmp_path, SMALL + messy)
    assert cli(path, "fmt", "--check").exit_code == 1
    assert cli(path, "fmt").exit_code == 0
    text = path.read_text("utf-8")
    assert text.index("[events.alpha-day]") < text.index("[events.zeta]")
    zeta = text[text.index("[events.zeta]") :]
    assert zeta.index("title") < zeta.index("kind") < zeta.index("start")
    assert zeta.index('"alpha"') < zeta.index('"beta"')
    assert zeta.index('partner = "acme"') < zeta.index('partner = "uni"')
    assert parsed(path)["events"]["zeta"]["participants"][0] == {
        "partner": "acme",
        "role": "speaker",
    }
    assert cli(path, "fmt", "--check").exit_code == 0


# -- stats ---------------------------------------------------------------------------------


def test_stats_counts_participation(registry: Path) -> None:
    done = cli(registry, "stats", "--json", "--on", ON)
    taking_part = done.json()["participation"]
    assert taking_part["events"] == 2
    by_year = {y["year"]: y for y in taking_part["years"]}
    assert by_year[2021]["events"] == 1
    assert by_year[2021]["by_kind"]["learning"] == 1
    assert by_year[2021]["organisations"] == 1
    assert by_year[2022]["organisations"] == 3  # acme, uni and the organiser gov
    assert by_year[2022]["organisations_by_kind"] == {
        "company": 1,
        "knowledge": 1,
        "government": 1,
        "other": 0,
        "unknown": 0,
    }
    assert taking_part["clusters"] == [
        {"cluster": "alpha", "events": 2},
        {"cluster": "beta", "events": 1},
    ]
    table = cli(registry, "stats", "--on", ON).stdout
    assert "Events and organisations per year" in table
    assert "Events per cluster" in table


def test_stats_without_events_shows_no_participation_tables(tmp_path: Path) -> None:
    path = write_registry(tmp_path)
    done = cli(path, "stats", "--on", ON)
    assert "Events per cluster" not in done.stdout
    assert cli(path, "stats", "--json", "--on", ON).json()["participation"]["events"] == 0


PARTNER_IDS = ["p0", "p1", "p2", "p3", "p4"]


@st.composite
def event_tables(draw) -> dict:
    found = {}
    for number in range(draw(st.integers(0, 8))):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=draw(st.integers(0, 1500)))
        people = draw(st.lists(st.sampled_from([*PARTNER_IDS, "ghost"]), max_size=5))
        event = {"title": "E", "kind": "other", "start": start}
        if people:
            event["participants"] = [{"partner": p} for p in people]
        if draw(st.booleans()):
            event["organiser"] = draw(st.sampled_from(PARTNER_IDS))
        found[f"e{number}"] = event
    return found


@settings(max_examples=100, deadline=None)
@given(event_tables())
def test_organisations_per_year_are_counted_once(found: dict) -> None:
    data = {
        "schema_version": 1,
        "partners": {p: {"name": p, "kind": "company"} for p in PARTNER_IDS},
        "events": found,
    }
    result = {y["year"]: y for y in event_rows.participation_counts(data)["years"]}
    # An independent count: a set of (year, partner) pairs.
    pairs = set()
    for event in found.values():
        for entry in event.get("participants", []):
            pairs.add((event["start"].year, entry["partner"]))
        if "organiser" in event:
            pairs.add((event["start"].year, event["organiser"]))
    for year in {year for year, _ in pairs}:
        expected = {partner for y, partner in pairs if y == year}
        assert result[year]["organisations"] == len(expected)
        assert result[year]["organisations_by_kind"]["unknown"] == ("ghost" in expected)
    assert sum(y["events"] for y in result.values()) == len(found)


@pytest.mark.parametrize(("window", "on"), [(365, "0001-01-01"), (2**63 - 1, "2022-11-01")])
def test_fc112_with_a_window_reaching_before_year_one(tmp_path: Path, window: int, on: str) -> None:
    path = write_registry(
        tmp_path, SMALL + EVENTS + f"\n[policy]\nactivity_window_days = {window}\n"
    )
    done = cli(path, "validate", "--json", "--on", on, "--rule", "FC112")
    assert done.exit_code == 0, done.stdout
    assert done.json()["findings"] == []
