"""Amounts of support per year: calendar months (leap years too), the yearly rate FC103
caps, and the support per year that the timeline and stats show."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from conftest import cli, digest, findings_of, icn, toml_of, write_registry
from hypothesis import given
from hypothesis import strategies as st

# -- support per year: calendar months, leap years, FC103 ---------------------------------


def test_money_twelve_calendar_months_are_one_year_in_a_leap_year_too():
    from flanders_clusters.programme import money

    for year in (2020, 2021, 2024, 2100):
        assert money.months(dt.date(year, 1, 1), dt.date(year, 12, 31)) == 12
    assert money.months(dt.date(2021, 1, 1), dt.date(2021, 6, 30)) == 6
    assert money.months(dt.date(2021, 2, 15), dt.date(2021, 2, 28)) == Fraction(14, 28)
    assert money.months(dt.date(2021, 3, 2), dt.date(2021, 3, 1)) == 0
    same = [
        money.yearly_rate(
            {"start": dt.date(y, 1, 1), "end": dt.date(y, 12, 31), "total_support_eur": 150_400}
        )
        for y in (2020, 2021)
    ]
    assert same == [150_400, 150_400]
    half = {"start": dt.date(2021, 1, 1), "end": dt.date(2021, 6, 30), "total_support_eur": 75_000}
    assert money.yearly_rate(half) == 150_000


@given(
    first=st.dates(dt.date(1, 1, 1), dt.date(9000, 12, 1)),
    count=st.integers(1, 36),
)
def test_money_consecutive_whole_months_count_one_each(first, count):
    from flanders_clusters.programme import money

    start = first.replace(day=1)
    index = start.year * 12 + start.month - 1 + count
    after = dt.date(index // 12, index % 12 + 1, 1)  # the first day after the months
    assert money.months(start, after - dt.timedelta(days=1)) == count


@given(
    start=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    length=st.integers(1, 4000),
    cut=st.integers(0, 4000),
)
def test_money_months_are_additive_when_a_period_is_split(start, length, cut):
    from flanders_clusters.programme import money

    end = start + dt.timedelta(days=length)
    middle = start + dt.timedelta(days=cut % length)  # the last day of the first part
    whole = money.months(start, end)
    parts = money.months(start, middle) + money.months(middle + dt.timedelta(days=1), end)
    assert parts == whole
    assert whole > 0


@pytest.mark.parametrize("year", [2020, 2021])
def test_fc103_the_same_total_for_a_leap_and_a_common_year(tmp_path, year):
    at_cap = icn(
        "net", f"{{ start = {year}-01-01, end = {year}-12-31, total_support_eur = 150000 }}"
    )
    path = write_registry(tmp_path, "schema_version = 1\n" + at_cap)
    result = cli(path, "validate", "--on", f"{year}-06-01", "--json")
    assert result.exit_code == 0, result.stdout
    assert findings_of(result, "FC103") == []
    over = at_cap.replace("150000", "150001")
    path = write_registry(tmp_path, "schema_version = 1\n" + over, name="over.toml")
    result = cli(path, "validate", "--on", f"{year}-06-01", "--json")
    assert result.exit_code == 1
    assert [f["message"] for f in findings_of(result, "FC103")] == [
        "EUR 150,001 a year is above the icn cap of EUR 150,000"
    ]


def test_fc103_half_a_year_at_half_the_cap_passes_and_a_euro_more_is_refused(tmp_path):
    path = write_registry(
        tmp_path, "schema_version = 1\n" + icn("net", "{ start = 2019-01-01, end = 2019-12-31 }")
    )
    added = cli(path, "add-funding", "net", "--start", "2021-01-01", "--end", "2021-06-30",
                "--total-support-eur", "75000", "--on", "2021-03-01")  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert {"start": dt.date(2021, 1, 1), "end": dt.date(2021, 6, 30),
            "total_support_eur": 75000} in toml_of(path)["clusters"]["net"]["funding"]  # fmt: skip
    before = digest(path)
    refused = cli(path, "add-funding", "net", "--start", "2022-01-01", "--end", "2022-06-30",
                  "--total-support-eur", "75001", "--on", "2021-03-01")  # fmt: skip
    assert refused.exit_code == 4
    assert "FC103" in refused.stderr and "EUR 150,002 a year" in refused.stderr
    assert digest(path) == before
    over = path.read_text("utf-8").replace("total_support_eur = 75000", "total_support_eur = 75001")
    path.write_text(over, "utf-8")
    result = cli(path, "validate", "--on", "2021-03-01")
    assert result.exit_code == 1
    assert "FC103" in result.stdout and "EUR 150,002 a year" in result.stdout


def test_support_per_year_counts_months_in_timeline_and_stats(tmp_path):
    # EUR 300,000 for July 2021 to June 2022: twelve months, so EUR 150,000 in each
    # calendar year (days would give 184/365 of it, EUR 151,232.88, to 2021).
    text = "schema_version = 1\n" + icn(
        "net", "{ start = 2021-07-01, end = 2022-06-30, total_support_eur = 300000 }"
    )
    text += icn("leap", "{ start = 2020-01-01, end = 2020-12-31, total_support_eur = 150400 }")
    path = write_registry(tmp_path, text)
    expected = [
        {"year": 2020, "active_spearhead": 0, "active_icn": 1, "support_eur": 150400,
         "support_unknown": 0},
        {"year": 2021, "active_spearhead": 0, "active_icn": 1, "support_eur": 150000,
         "support_unknown": 0},
        {"year": 2022, "active_spearhead": 0, "active_icn": 1, "support_eur": 150000,
         "support_unknown": 0},
    ]  # fmt: skip
    assert cli(path, "timeline", "--on", "2021-08-01", "--json").json()["years"] == expected
    assert cli(path, "stats", "--on", "2021-08-01", "--json").json()["support"] == expected
