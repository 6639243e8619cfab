"""``clusters timeline``: JSON, the terminal chart, SVG and Mermaid."""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import xml.etree.ElementTree as ElementTree
from fractions import Fraction
from pathlib import Path

import pytest
import tomli_w
from conftest import (
    REPO,
    SHIPPED_DATA,
    SMALL,
    cli,
    icn,
    replaced,
    run,
    run_subprocess,
    toml_of,
    write_registry,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

ON = "2026-11-27"
SNAPSHOTS = Path(__file__).parent / "snapshots"
DOCS = REPO / "docs"
GAMMA = """
[clusters.gamma]
name = "Gamma [bold]Network[/bold] with a long name"
type = "icn"
domain = "Space"
funding = [
    { start = 2020-03-01, end = 2022-02-28, total_support_eur = 200000 },
    { start = 2026-01-01, end = 2028-06-30, end_basis = "estimate" },
]
"""
TASK = re.compile(r"^    \S.* :(?:[a-z]+, )*[a-z0-9-]+, \d{4}-\d\d-\d\d, \d{4}-\d\d-\d\d$")


def timeline(path: Path, *args: str, columns: int = 80):
    return run("--registry", str(path), "timeline", *args, env={"COLUMNS": str(columns)})


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


# -- JSON, exact, on generated registries ------------------------------------------------


def month_share(first: dt.date, last: dt.date) -> Fraction:
    """The months from ``first`` to ``last`` (inclusive), summed day by day."""
    total = Fraction(0)
    day = first
    while day <= last:
        following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        total += Fraction(1, (following - dt.date(day.year, day.month, 1)).days)
        day += dt.timedelta(days=1)
    return total


def cents(amount: Fraction) -> int | float:
    value = round(amount, 2)
    return int(value) if value.denominator == 1 else float(value)


def expected_timeline(clusters: dict, on: dt.date, type_: str | None) -> dict:
    """The timeline JSON's answer, computed day by day with no product code."""

    def covered(cluster: dict, day: dt.date) -> bool:
        return any(p["start"] <= day <= p["end"] for p in cluster["funding"])

    rows = []
    chosen = {
        cid: c
        for cid, c in clusters.items()
        if c["funding"] and (type_ is None or c["type"] == type_)
    }
    for cid in sorted(
        chosen, key=lambda cid: (min(p["start"] for p in chosen[cid]["funding"]), cid)
    ):
        cluster = chosen[cid]
        first = min(p["start"] for p in cluster["funding"])
        last = max(p["end"] for p in cluster["funding"])
        if covered(cluster, on):
            status, day = "active", on
            while covered(cluster, day + dt.timedelta(days=1)):
                day += dt.timedelta(days=1)
            left = (day - on).days
        else:
            status, left = ("ended" if on > last else "planned"), None
        rows.append(
            {
                "cluster": cid,
                "name": cluster["name"],
                "type": cluster["type"],
                "start": first.isoformat(),
                "end": last.isoformat(),
                "status": status,
                "days_left": left,
                "periods": [
                    {
                        "start": p["start"].isoformat(),
                        "end": p["end"].isoformat(),
                        "end_basis": p.get("end_basis", "published"),
                    }
                    for p in sorted(cluster["funding"], key=lambda p: p["start"])
                ],
            }
        )
    years = []
    if chosen:
        low = min(p["start"].year for c in chosen.values() for p in c["funding"])
        high = max(p["end"].year for c in chosen.values() for p in c["funding"])
        for year in range(low, high + 1):
            jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
            counts = {"spearhead": 0, "icn": 0}
            money, unknown = None, 0
            for cluster in chosen.values():
                inside = [p for p in cluster["funding"] if p["start"] <= dec31 and p["end"] >= jan1]
                if not inside:
                    continue
                counts[cluster["type"]] += 1
                if any(
                    "annual_support_eur" not in p and "total_support_eur" not in p for p in inside
                ):
                    unknown += 1
                for p in inside:
                    # Months, day by day: each day is 1/(days of its month) of a month.
                    in_year = month_share(max(p["start"], jan1), min(p["end"], dec31))
                    if "annual_support_eur" in p:
                        rate = Fraction(p["annual_support_eur"])
                    elif "total_support_eur" in p:
                        rate = (
                            Fraction(p["total_support_eur"])
                            * 12
                            / month_share(p["start"], p["end"])
                        )
                    else:
                        continue
                    money = (money or 0) + rate * in_year / 12
            years.append(
                {
                    "year": year,
                    "active_spearhead": counts["spearhead"],
                    "active_icn": counts["icn"],
                    "support_eur": None if money is None else cents(money),
                    "support_unknown": unknown,
                }
            )
    return {"on": on.isoformat(), "rows": rows, "years": years}


@st.composite
def periods(draw):
    """Non-overlapping periods (some touching) between 2015 and 2035, with amounts."""
    found = []
    day = dt.date(2015, 1, 1) + dt.timedelta(days=draw(st.integers(0, 1500)))
    for _ in range(draw(st.integers(0, 3))):
        length = draw(st.integers(1, 1500))
        end = day + dt.timedelta(days=length - 1)
        if end.year > 2035:
            break
        period = {"start": day, "end": end}
        basis = draw(st.sampled_from([None, "published", "policy-max", "estimate"]))
        if basis:
            period["end_basis"] = basis
        money = draw(st.sampled_from(["none", "annual", "total"]))
        if money == "annual":
            period["annual_support_eur"] = draw(st.integers(0, 500_000))
        elif money == "total":
            period["total_support_eur"] = draw(st.integers(0, 1_500_000))
        found.append(period)
        day = end + dt.timedelta(days=draw(st.sampled_from([1, 1, 2, 30, 400])))
    return found


@st.composite
def registries(draw):
    ids = draw(
        st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), max_size=6, unique=True)
    )
    return {
        cid: {
            "name": f"Cluster {cid.upper()}",
            "type": draw(st.sampled_from(["spearhead", "icn"])),
            "domain": "Test",
            "funding": draw(periods()),
        }
        for cid in ids
    }


def registry_text(clusters: dict) -> str:
    body = {"schema_version": 1, "clusters": {}}
    for cid, cluster in clusters.items():
        record = {k: v for k, v in cluster.items() if k != "funding"}
        if cluster["funding"]:
            record["funding"] = cluster["funding"]
        body["clusters"][cid] = record
    return tomli_w.dumps(body)


@settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    clusters=registries(),
    on=st.dates(dt.date(2014, 6, 1), dt.date(2036, 6, 1)),
    type_=st.sampled_from([None, "spearhead", "icn"]),
)
@pytest.mark.slow
def test_timeline_json_is_exact_on_generated_registries(clusters, on, type_):
    with tempfile.TemporaryDirectory() as folder:
        path = write_registry(Path(folder), registry_text(clusters))
        args = ["--on", on.isoformat(), "--json"] + (["--type", type_] if type_ else [])
        result = timeline(path, *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.json() == expected_timeline(clusters, on, type_)


def test_timeline_json_of_the_small_registry(tmp_path):
    path = write_registry(tmp_path, SMALL + GAMMA)
    result = timeline(path, "--on", "2021-06-30", "--json")
    assert result.exit_code == 0
    data = result.json()
    assert data["on"] == "2021-06-30"
    assert [(r["cluster"], r["status"], r["days_left"]) for r in data["rows"]] == [
        ("alpha", "active", 2375),
        ("beta", "active", 184),
        ("gamma", "active", 243),
    ]
    assert data["rows"][0] == {
        "cluster": "alpha",
        "name": "Alpha Cluster",
        "type": "spearhead",
        "start": "2018-01-01",
        "end": "2027-12-31",
        "status": "active",
        "days_left": 2375,
        "periods": [{"start": "2018-01-01", "end": "2027-12-31", "end_basis": "policy-max"}],
    }
    years = {y["year"]: y for y in data["years"]}
    assert list(years) == list(range(2018, 2029))
    # 2020: Beta's 100,000 a year, and Gamma's 200,000 over 24 calendar months (March 2020
    # to February 2022: 100,000 a year), 10 of those months in 2020.
    assert years[2020] == {
        "year": 2020,
        "active_spearhead": 1,
        "active_icn": 2,
        "support_eur": round(100_000 + 100_000 * 10 / 12, 2),
        "support_unknown": 1,
    }
    assert years[2018]["support_eur"] is None
    assert years[2028] == {
        "year": 2028,
        "active_spearhead": 0,
        "active_icn": 1,
        "support_eur": None,
        "support_unknown": 1,
    }


def test_statuses_planned_in_a_gap_and_ended_by_date(tmp_path):
    ended = SMALL.replace('domain = "Drones"\n', 'domain = "Drones"\nended = 2020-06-30\n')
    path = write_registry(tmp_path, ended + GAMMA)
    rows = {r["cluster"]: r for r in timeline(path, "--on", "2024-01-01", "--json").json()["rows"]}
    assert (rows["gamma"]["status"], rows["gamma"]["days_left"]) == ("planned", None)
    rows = {r["cluster"]: r for r in timeline(path, "--on", "2021-01-01", "--json").json()["rows"]}
    assert (rows["beta"]["status"], rows["beta"]["days_left"]) == ("ended", None)


def test_from_and_to_choose_the_years_and_the_rows(tmp_path):
    path = write_registry(tmp_path, SMALL + GAMMA)
    data = timeline(path, "--on", ON, "--from", "2023", "--to", "2025", "--json").json()
    assert [y["year"] for y in data["years"]] == [2023, 2024, 2025]
    assert [r["cluster"] for r in data["rows"]] == ["alpha"]
    data = timeline(path, "--on", ON, "--from", "2027", "--json").json()
    assert [y["year"] for y in data["years"]] == [2027, 2028]
    data = timeline(path, "--on", ON, "--to", "2019", "--json").json()
    assert [y["year"] for y in data["years"]] == [2018, 2019]
    assert [r["cluster"] for r in data["rows"]] == ["alpha", "beta"]
    data = timeline(path, "--on", ON, "--type", "icn", "--json").json()
    assert [r["cluster"] for r in data["rows"]] == ["beta", "gamma"]
    assert {y["active_spearhead"] for y in data["years"]} == {0}


def test_from_after_to_is_a_usage_error(tmp_path):
    path = write_registry(tmp_path)
    result = timeline(path, "--from", "2030", "--to", "2020")
    assert result.exit_code == 2
    assert "--from 2030 is after --to 2020" in result.stderr
    result = timeline(path, "--from", "2030", "--to", "2020", "--json")
    assert result.exit_code == 2
    assert result.json()["error"]["code"] == "usage"


def test_json_and_another_format_disagree(tmp_path):
    path = write_registry(tmp_path)
    result = timeline(path, "--json", "--format", "mermaid")
    assert result.exit_code == 2
    assert result.json()["error"]["code"] == "usage"
    assert timeline(path, "--format", "json", "--on", ON).json()["on"] == ON
    assert timeline(path, "--format", "gif").exit_code == 2


def test_a_registry_without_funding(tmp_path):
    path = write_registry(tmp_path, "schema_version = 1\n")
    assert timeline(path, "--on", ON, "--json").json() == {"on": ON, "rows": [], "years": []}
    result = timeline(path, "--on", ON)
    assert result.exit_code == 0
    assert result.stdout == (
        "Funding timeline on 2026-11-27\nNo cluster has a funding period in these years.\n"
    )
    assert timeline(path, "--on", ON, "--format", "mermaid").stdout.startswith("gantt\n")


def test_a_missing_registry_exits_3(tmp_path):
    result = timeline(tmp_path / "nope.toml", "--json")
    assert result.exit_code == 3
    assert result.json()["error"]["code"] == "registry-not-found"


# -- the chart ---------------------------------------------------------------------------


def test_chart_snapshot_of_a_small_registry(tmp_path):
    path = write_registry(tmp_path, SMALL + GAMMA)
    result = timeline(path, "--on", "2025-08-01")
    assert result.exit_code == 0
    assert result.stdout == (SNAPSHOTS / "timeline_small.txt").read_text(encoding="utf-8")


def test_chart_marks_ending_soon_and_days_left(tmp_path):
    path = write_registry(tmp_path)
    lines = timeline(path, "--on", "2027-08-01").stdout.splitlines()
    alpha = next(line for line in lines if line.startswith("Alpha Cluster"))
    assert alpha.endswith(" 152d !")
    assert "! ends within 180 days" in "\n".join(lines)
    policy = SMALL.replace(
        "schema_version = 1\n", "schema_version = 1\n\n[policy]\nending_soon_days = 30\n"
    )
    path = write_registry(tmp_path, policy, name="policy.toml")
    alpha = next(
        line
        for line in timeline(path, "--on", "2027-08-01").stdout.splitlines()
        if line.startswith("Alpha Cluster")
    )
    assert alpha.endswith(" 152d")


def test_chart_of_the_shipped_registry_fits_80_columns_and_matches_the_docs():
    result = timeline(SHIPPED_DATA, "--on", ON)
    assert result.exit_code == 0
    assert widest(result.stdout) <= 80
    assert result.stdout == (DOCS / "timeline.txt").read_text(encoding="utf-8"), (
        "docs/timeline.txt is stale: regenerate it with "
        "`COLUMNS=80 clusters --registry data/clusters.toml timeline --on 2026-11-27 "
        "--svg docs/timeline.svg > docs/timeline.txt`"
    )
    assert ElementTree.parse(DOCS / "timeline.svg").getroot().tag.endswith("svg")


def test_chart_fits_80_columns_with_long_wide_and_hostile_names(tmp_path):
    text = SMALL.replace('name = "Alpha Cluster"', 'name = "' + "Ω漢字" * 30 + '"').replace(
        'name = "Beta Network"', 'name = "Beta \\u200b[31m red [bold]x[/bold] \\u2060 end"'
    )
    path = write_registry(tmp_path, text + GAMMA)
    for args in ([], ["--from", "1990", "--to", "2060"], ["--from", "2020", "--to", "2020"]):
        result = timeline(path, "--on", ON, *args)
        assert result.exit_code == 0
        assert widest(result.stdout) <= 80, result.stdout
    out = timeline(path, "--on", ON).stdout
    assert "\u200b" not in out and "\u2060" not in out
    assert "Beta \\u200b[31m red…" in out


def test_wider_terminals_use_the_width(tmp_path):
    path = write_registry(tmp_path, SMALL + GAMMA)
    result = timeline(path, "--on", "2025-08-01", columns=200)
    assert 150 < widest(result.stdout) <= 200
    assert "Gamma [bold]Network[/bold] with a long name " in result.stdout


def test_bars_past_the_axis_and_types_read_without_colour(tmp_path):
    path = write_registry(tmp_path, SMALL + GAMMA)
    out = timeline(path, "--on", "2025-08-01", "--from", "2020", "--to", "2026").stdout
    alpha = next(line for line in out.splitlines() if line.startswith("Alpha"))
    gamma = next(line for line in out.splitlines() if line.startswith("Gamma"))
    assert "◂█" in alpha and alpha.rstrip(" 0123456789d").endswith("▸")
    assert "━" in gamma and "█" not in gamma
    assert "◂▸ runs past the axis" in out
    assert "\x1b[" not in out


# -- SVG and Mermaid ---------------------------------------------------------------------


def test_svg_is_the_same_chart_and_parses_as_xml(tmp_path):
    path = write_registry(tmp_path, SMALL.replace("Beta Network", "Beta <&> Network"))
    svg = tmp_path / "out" / "timeline.svg"
    svg.parent.mkdir()
    result = timeline(path, "--on", "2025-08-01", "--svg", str(svg))
    assert result.exit_code == 0
    assert f"wrote {svg}" in result.stderr
    assert result.stdout.startswith("Funding timeline on 2025-08-01\n")
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    text = "".join(root.itertext()).replace("\xa0", " ")
    assert "Funding timeline on 2025-08-01" in text
    assert "Beta <&> Network" in text
    assert "Active clusters per year" not in text  # the per-year table is not the picture


def test_svg_with_json_writes_both(tmp_path):
    path = write_registry(tmp_path)
    svg = tmp_path / "t.svg"
    result = timeline(path, "--on", ON, "--json", "--svg", str(svg))
    assert result.exit_code == 0
    assert result.json()["on"] == ON
    ElementTree.parse(svg)


def test_svg_to_an_unwritable_place_is_refused(tmp_path):
    path = write_registry(tmp_path)
    result = timeline(path, "--on", ON, "--svg", str(tmp_path / "missing" / "t.svg"))
    assert result.exit_code == 4
    assert "t.svg: cannot write: No such file or directory" in result.stderr


def test_mermaid_has_one_task_per_funding_period(tmp_path):
    path = write_registry(
        tmp_path, SMALL + GAMMA.replace("Gamma [bold]Network[/bold]", "Gamma: #1; x")
    )
    result = timeline(path, "--on", "2021-06-30", "--format", "mermaid")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "gantt"
    tasks = [line for line in lines if TASK.match(line)]
    assert len(tasks) == 4
    assert tasks == [
        "    “Alpha Cluster” (end = policy maximum) :active, alpha-1, 2018-01-01, 2027-12-31",
        "    “Beta Network” :active, beta-1, 2019-01-01, 2021-12-31",
        "    “Gamma 1 x with a long name” :active, gamma-1, 2020-03-01, 2022-02-28",
        "    “Gamma 1 x with a long name” (end estimated) :gamma-2, 2026-01-01, 2028-06-30",
    ]
    assert "    section Spearhead clusters" in lines
    assert "    title Funding timeline on 2021-06-30" in lines


@given(clusters=registries())
@settings(
    max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
def test_mermaid_task_count_matches_periods_on_generated_registries(clusters):
    with tempfile.TemporaryDirectory() as folder:
        path = write_registry(Path(folder), registry_text(clusters))
        result = timeline(path, "--on", ON, "--format", "mermaid")
    lines = result.stdout.splitlines()
    assert lines[0] == "gantt"
    tasks = [line for line in lines if TASK.match(line)]
    assert len(tasks) == sum(len(c["funding"]) for c in clusters.values())


def test_mermaid_marks_ended_and_ending_periods(tmp_path):
    path = write_registry(tmp_path)
    lines = timeline(path, "--on", "2027-08-01", "--format", "mermaid").stdout.splitlines()
    assert (
        "    “Alpha Cluster” (end = policy maximum) :active, crit, alpha-1, 2018-01-01, 2027-12-31"
        in lines
    )
    assert "    “Beta Network” :done, beta-1, 2019-01-01, 2021-12-31" in lines


# -- as a user runs it -------------------------------------------------------------------


def test_json_does_not_import_rich(tmp_path):
    path = write_registry(tmp_path)
    result = run_subprocess(
        "--registry",
        str(path),
        "timeline",
        "--on",
        ON,
        "--json",
        env={"PYTHONPROFILEIMPORTTIME": "1"},
    )
    assert result.returncode == 0
    assert '"on": "2026-11-27"' in result.stdout
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert not [name for name in imported if name.split(".")[0] == "rich"]


def test_chart_through_a_pipe(tmp_path):
    path = write_registry(tmp_path)
    result = run_subprocess(
        "--registry", str(path), "timeline", "--on", "2025-08-01", env={"COLUMNS": "80"}
    )
    assert result.returncode == 0
    assert result.stdout.startswith("Funding timeline on 2025-08-01\n")
    assert widest(result.stdout) <= 80
    assert "\x1b[" not in result.stdout


# -- the yearly summary ---------------------------------------------------------------------


@st.composite
def funded_clusters(draw) -> list[dict]:
    """Clusters of either type with a few periods each: an annual rate, a total, or none."""
    out = []
    for _ in range(draw(st.integers(0, 6))):
        found = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)))
            end = start + dt.timedelta(days=draw(st.integers(0, 4 * 365)))
            period: dict = {"start": start, "end": end}
            amount = draw(st.sampled_from(["annual", "total", None]))
            if amount is not None:
                period[f"{amount}_support_eur"] = draw(st.integers(0, 10**7))
            found.append(period)
        out.append({"type": draw(st.sampled_from(["spearhead", "icn"])), "funding": found})
    return out


def year_by_year(clusters: list[dict], year: int) -> dict:
    """The definition, one year and one cluster at a time."""
    from flanders_clusters.programme import money, periods

    active = {"spearhead": 0, "icn": 0}
    support, unknown = None, 0
    for cluster in clusters:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        overlapping = [
            p for p in periods.periods(cluster) if p["start"] <= last and p["end"] >= first
        ]
        if not overlapping:
            continue
        active[cluster["type"]] += 1
        amounts = [money.support_in_year(p, year) for p in overlapping]
        unknown += any(amount is None for amount in amounts)
        known = [amount for amount in amounts if amount is not None]
        if known:
            support = (support or Fraction(0)) + sum(known, Fraction(0))
    return {
        "year": year,
        "active_spearhead": active["spearhead"],
        "active_icn": active["icn"],
        "support_eur": None if support is None else money.euros(support),
        "support_unknown": unknown,
    }


@given(funded_clusters(), st.integers(2014, 2032), st.integers(0, 5))
def test_the_yearly_summary_in_one_pass_is_the_year_by_year_definition(clusters, low, span):
    from flanders_clusters.views.timeline import year_summaries

    expected = [year_by_year(clusters, year) for year in range(low, low + span + 1)]
    assert year_summaries(clusters, low, low + span) == expected


# The SVG is an output file like `export --output`: only nothing or a regular file is
# replaced; a symbolic link is not followed, a FIFO does not block the command.
def test_svg_over_a_link_or_a_fifo_is_refused(tmp_path):
    import os

    import files_support

    path = write_registry(tmp_path)
    kept = tmp_path / "kept.svg"
    kept.write_text("<svg/>", encoding="utf-8")
    link = tmp_path / "link.svg"
    link.symlink_to(kept.name)
    result = timeline(path, "--on", ON, "--svg", str(link))
    assert result.exit_code == 4
    assert f"{link}: is a symbolic link, not a regular file" in result.stderr
    assert link.is_symlink() and kept.read_text(encoding="utf-8") == "<svg/>"
    if hasattr(os, "mkfifo"):
        fifo = files_support.fifo(tmp_path / "pipe.svg")
        with files_support.rescued(fifo):
            result = timeline(path, "--on", ON, "--svg", str(fifo))
        assert result.exit_code == 4
        assert f"{fifo}: is a FIFO (named pipe), not a regular file" in result.stderr


# -- Mermaid: keywords in names, inclusive end dates --------------------------------------


# A name starting with each statement of Mermaid's gantt grammar, and what the task says.
KEYWORD_NAMES = {
    "title Holders": "title Holders",
    "Section Eight": "Section Eight",
    "Click Flanders": "Click Flanders",
    "dateFormat YYYY": "dateFormat YYYY",
    "axisFormat %Y": "axisFormat ％Y",
    "tickInterval 1month": "tickInterval 1month",
    "excludes weekends": "excludes weekends",
    "includes 2024-01-01": "includes 2024-01-01",
    "todayMarker off": "todayMarker off",
    "inclusiveEndDates": "inclusiveEndDates",
    "topAxis": "topAxis",
    "weekday monday": "weekday monday",
    "weekend friday": "weekend friday",
    "accTitle: Holders": "accTitle Holders",
    "accDescr { Holders }": "accDescr { Holders }",
    "gantt": "gantt",
    "2024-01-01 Holders": "2024-01-01 Holders",
    "%% Holders": "％％ Holders",
    "%%{init: {}}%%": "％％{init {}}％％",
}


def test_mermaid_every_keyword_name_is_one_task_per_period(tmp_path):
    text = "schema_version = 1\n"
    for number, name in enumerate(KEYWORD_NAMES):
        text += f"""
[clusters.k{number:02d}]
name = {json.dumps(name)}
type = "icn"
domain = "Test"
action_plan = "https://plan.example"
funding = [
    {{ start = 2020-01-01, end = 2020-12-31 }},
    {{ start = 2024-03-05, end = 2024-03-05, end_basis = "estimate" }},
]
"""
    path = write_registry(tmp_path, text)
    result = cli(path, "timeline", "--on", "2022-06-01", "--format", "mermaid")
    assert result.exit_code == 0, result.stderr
    expected = [
        "gantt",
        "    title Funding timeline on 2022-06-01",
        "    dateFormat YYYY-MM-DD",
        "    inclusiveEndDates",
        "    axisFormat %Y",
        "    todayMarker off",
        "    section Innovative company networks (ICN)",
    ]
    for number, shown in enumerate(KEYWORD_NAMES.values()):
        expected += [
            f"    “{shown}” :done, k{number:02d}-1, 2020-01-01, 2020-12-31",
            f"    “{shown}” (end estimated) :k{number:02d}-2, 2024-03-05, 2024-03-05",
        ]
    assert result.stdout.splitlines() == expected


def test_mermaid_one_day_period_is_a_one_day_task(tmp_path):
    text = "schema_version = 1\n" + icn("day", "{ start = 2024-05-17, end = 2024-05-17 }")
    path = write_registry(tmp_path, text)
    lines = cli(path, "timeline", "--on", "2024-05-17", "--format", "mermaid").stdout.splitlines()
    assert "    inclusiveEndDates" in lines[:6]
    assert lines[-1] == "    “Network day” :active, crit, day-1, 2024-05-17, 2024-05-17"


# -- the SVG picture ----------------------------------------------------------------------


SVG = "{http://www.w3.org/2000/svg}"


GENERIC_FONTS = {"serif", "sans-serif", "monospace", "system-ui"}


def parse_svg(text: str) -> ElementTree.Element:
    root = ElementTree.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def assert_self_contained(text: str) -> None:
    """Nothing loaded from elsewhere: no web font, no url(), no link; one namespace."""
    assert "@font-face" not in text
    assert "url(" not in text
    assert "href" not in text
    assert "<script" not in text and "<style" not in text and "<image" not in text
    assert text.count("http") == 1 and 'xmlns="http://www.w3.org/2000/svg"' in text
    for node in parse_svg(text).iter():
        family = node.get("font-family")
        if family is not None:
            assert {f.strip() for f in family.split(",")} <= GENERIC_FONTS, family


def rows_of(root: ElementTree.Element) -> list[ElementTree.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "row"]


def legend_text(root: ElementTree.Element) -> str:
    [legend] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"]
    return " ".join(t.text or "" for t in legend.iter(f"{SVG}text"))


def test_svg_of_the_shipped_registry_is_self_contained_and_accessible(tmp_path):
    result = cli(SHIPPED_DATA, "timeline", "--on", "2026-11-27", "--svg", "-")
    assert result.exit_code == 0
    text = result.stdout
    assert_self_contained(text)
    root = parse_svg(text)
    assert root.get("role") == "img"
    labels = root.get("aria-labelledby").split()
    by_id = {node.get("id"): node for node in root.iter() if node.get("id")}
    assert [by_id[label].tag for label in labels] == [f"{SVG}title", f"{SVG}desc"]
    assert by_id[labels[0]].text == "Funding timeline on 2026-11-27"
    description = by_id[labels[1]].text
    timeline = cli(SHIPPED_DATA, "timeline", "--on", "2026-11-27", "--json").json()
    for row in timeline["rows"]:
        assert f"{row['name']}, " in description
    assert (
        "Catalisti, spearhead: 2017-01-01 to 2026-12-31 (end is the policy maximum); "
        "active, 34 days left."
    ) in description
    _, _, width, height = root.get("viewBox").split()
    assert (root.get("width"), root.get("height")) == (width, height)
    assert len(rows_of(root)) == len(timeline["rows"])
    assert "Active clusters per year" not in text  # the per-year table is not the picture
    assert text == (REPO / "docs" / "timeline.svg").read_text("utf-8"), (
        "docs/timeline.svg is stale: regenerate it with `clusters --registry "
        "data/clusters.toml timeline --on 2026-11-27 --svg docs/timeline.svg`"
    )


def test_svg_draws_the_terminal_chart(tmp_path):
    gamma = icn("gamma", '{ start = 2026-01-01, end = 2028-06-30, end_basis = "estimate" }')
    path = write_registry(tmp_path, SMALL + gamma)
    root = parse_svg(cli(path, "timeline", "--on", "2027-08-01", "--svg", "-").stdout)
    alpha, beta, gamma_row = rows_of(root)
    assert alpha.find(f"{SVG}title").text == "Alpha Cluster"
    notes = [row.findall(f"{SVG}text")[-1].text for row in (alpha, beta, gamma_row)]
    assert notes == ["152d !", "ended", "334d"]
    heights = {row.find(f"{SVG}rect").get("height") for row in (alpha, beta, gamma_row)}
    assert len(heights) == 2  # spearheads and ICNs differ in shape, not only in colour
    assert alpha.find(f"{SVG}rect").get("height") != beta.find(f"{SVG}rect").get("height")
    assert [t.text for t in alpha.findall(f"{SVG}text")][1] == "?"
    assert [t.text for t in gamma_row.findall(f"{SVG}text")][1] == "~"
    assert beta.get("opacity") is not None  # an ended row is drawn faded
    axis = [t.text for g in root.iter(f"{SVG}g") if g.get("class") == "axis" for t in g]
    assert "2018" in axis and "2028" in axis
    assert legend_text(root) == (
        "spearhead ICN ? end is the policy maximum ~ end is an estimate on 2027-08-01 "
        "! ends within 180 days"
    )


def test_svg_legend_lists_only_what_is_drawn(tmp_path):
    path = write_registry(tmp_path)
    root = parse_svg(cli(path, "timeline", "--on", "2024-06-01", "--from", "2024", "--to", "2025",
                         "--type", "spearhead", "--svg", "-").stdout)  # fmt: skip
    assert legend_text(root) == "spearhead runs past the axis on 2024-06-01"
    root = parse_svg(cli(path, "timeline", "--on", "2040-01-01", "--svg", "-").stdout)
    assert legend_text(root) == "spearhead ICN ? end is the policy maximum"


def test_svg_in_a_window_draws_the_periods_in_it(tmp_path):
    two = "{ start = 2020-03-01, end = 2022-02-28 },\n    { start = 2023-01-01, end = 2025-09-30 }"
    path = write_registry(tmp_path, SMALL + icn("gamma", two))
    args = ["timeline", "--on", "2024-06-01", "--from", "2023", "--to", "2026", "--svg", "-"]
    root = parse_svg(cli(path, *args).stdout)
    assert [len(row.findall(f"{SVG}rect")) for row in rows_of(root)] == [1, 1]  # alpha, gamma
    empty = cli(path, "timeline", "--on", "2024-06-01", "--from", "1990", "--to", "1991",
                "--svg", "-").stdout  # fmt: skip
    assert_self_contained(empty)
    root = parse_svg(empty)
    said = "No cluster has a funding period in these years."
    assert root.find(f"{SVG}desc").text == said
    assert said in [t.text for t in root.iter(f"{SVG}text")]
    assert rows_of(root) == []


def test_svg_legend_wraps_long_words():
    from flanders_clusters.formats import timeline_svg
    from flanders_clusters.views import timeline

    found = timeline.build(toml_of(SHIPPED_DATA), dt.date(2026, 11, 27))
    words = {"policy-max": "het einde is het maximum dat het beleid toelaat, " * 2}  # 100
    root = parse_svg(timeline_svg.svg(found, 180, words=words))
    [legend] = [g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"]
    width = float(root.get("width"))
    labels = [t for t in legend.iter(f"{SVG}text") if t.text not in ("?", "!")]
    assert len({t.get("y") for t in labels}) > 1
    assert all(float(t.get("x")) + 7.2 * len(t.text) <= width for t in labels[1:])


def test_svg_escapes_hostile_names(tmp_path):
    hostile = '"</svg><script>alert(1)</script> & \\"x\\" \\u200b[31m \\ufeff"'
    path = write_registry(tmp_path, replaced(SMALL, '"Beta Network"', hostile))
    text = cli(path, "timeline", "--on", "2020-01-01", "--svg", "-").stdout
    assert_self_contained(text)
    root = parse_svg(text)
    assert not [node for node in root.iter() if node.tag.endswith("script")]
    shown = '</svg><script>alert(1)</script> & "x" \\u200b[31m \\ufeff'
    assert rows_of(root)[1].find(f"{SVG}title").text == shown
    assert f"{shown}, ICN: 2019-01-01 to 2021-12-31; active, 730 days left." in (
        root.find(f"{SVG}desc").text
    )
    assert "\u200b" not in text and "\ufeff" not in text


def test_svg_is_the_same_bytes_every_time(tmp_path):
    path = write_registry(tmp_path)
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for target in (first, second):
        assert cli(path, "timeline", "--on", "2026-11-30", "--svg", str(target)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert_self_contained(first.read_text("utf-8"))


def test_svg_takes_other_words_and_dates():
    from flanders_clusters.formats import timeline_svg
    from flanders_clusters.registry import store
    from flanders_clusters.views import timeline

    found = timeline.build(store.read(store.Source(SHIPPED_DATA)).data, dt.date(2026, 11, 27))
    english = timeline_svg.svg(found, 180)
    words = {key: "«" + value + "»" for key, value in timeline_svg.WORDS.items()}
    marked = timeline_svg.svg(found, 180, words=words, date_text=lambda d: f"{d.day}/{d.month}")
    root = parse_svg(marked)
    for node in root.iter():
        text = (node.text or "").strip()
        if node.tag in (f"{SVG}text", f"{SVG}title") and text and node.get("fill") != "#5f5f5f":
            names = [row["name"] for row in found["rows"]]
            shortened = any(name.startswith(text.rstrip("…")) for name in names)
            assert text.startswith("«") or shortened or text in "?~!", text
    assert root.find(f"{SVG}title").text == "«Funding timeline on 27/11»"
    assert "2026-11-27" not in marked and "2026-11-27" in english
    assert timeline_svg.svg(found, 180, words={"icn": "ICN"}) == english


@st.composite
def funded_registries(draw):
    """Registries of funded clusters: any dates, one to three periods each."""
    days = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
    clusters = {}
    for number in range(draw(st.integers(1, 6))):
        funding = []
        for _ in range(draw(st.integers(1, 3))):
            first, last = sorted((draw(days), draw(days)))
            basis = draw(st.sampled_from(["published", "policy-max", "estimate"]))
            funding.append({"start": first, "end": last, "end_basis": basis})
        clusters[f"c{number}"] = {
            "name": draw(st.text(min_size=1, max_size=30)),
            "type": draw(st.sampled_from(["spearhead", "icn"])),
            "domain": "Test",
            "funding": funding,
        }
    return {"schema_version": 1, "clusters": clusters}


@given(
    registry=funded_registries(),
    on=st.dates(dt.date(1985, 1, 1), dt.date(2045, 12, 31)),
    soon=st.integers(0, 400),
)
@settings(max_examples=40, deadline=None, derandomize=True)
def test_svg_has_one_bar_per_period_within_the_axis(registry, on, soon):
    from flanders_clusters.formats import timeline_svg
    from flanders_clusters.views import timeline

    found = timeline.build(registry, on)
    text = timeline_svg.svg(found, soon)
    assert text == timeline_svg.svg(found, soon)
    assert_self_contained(text)
    root = parse_svg(text)
    rows = rows_of(root)
    assert len(rows) == len(found["rows"]) == len(registry["clusters"])
    axis = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "axis")
    lines = axis.iter(f"{SVG}line")
    edges = [float(line.get("x1")) for line in lines]
    for drawn, row in zip(rows, found["rows"], strict=True):
        assert drawn.find(f"{SVG}title").text is not None
        bars = drawn.findall(f"{SVG}rect")
        assert len(bars) == len(row["periods"])
        for bar in bars:
            left, width = float(bar.get("x")), float(bar.get("width"))
            assert min(edges) - 0.1 <= left and left + width <= max(edges) + 1.1
            assert width >= 1


def test_svg_dash_writes_stdout_and_no_file(registry, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(registry, "timeline", "--on", "2026-11-30", "--svg", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert not (tmp_path / "-").exists()


# -- the terminal chart's legend ----------------------------------------------------------


def test_terminal_legend_lists_only_the_marks_drawn_in_the_window(registry):
    window = cli(registry, "timeline", "--on", "2024-06-01", "--from", "2024", "--to", "2025")
    assert window.exit_code == 0
    assert "?" not in window.stdout
    assert "policy maximum" not in window.stdout
    assert "◂▸ runs past the axis" in window.stdout
    whole = cli(registry, "timeline", "--on", "2040-01-01").stdout
    assert "? end is the policy maximum" in whole
    assert "runs past the axis" not in whole
