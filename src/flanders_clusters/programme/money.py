"""Money, defined once and computed exactly (fractions, not floats).

``annual_support_eur`` is a rate per 12 months. A ``total_support_eur`` becomes that rate
through the period's length in months: a whole calendar month counts 1, a part of a
month its days over that month's days, so twelve calendar months are one year in any
year (EUR 150,000 for 2020 and for 2021 are the same rate; EUR 75,000 for January–June
is EUR 150,000 a year). Support in a calendar year is the rate times that year's funded
months, counted the same way.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from ..registry.records import Funding
from .periods import days_in_month as _days_in_month


def months(start: dt.date, end: dt.date) -> Fraction:
    """The length of ``start``–``end`` (inclusive) in months, exactly."""
    if end < start:
        return Fraction(0)
    if (start.year, start.month) == (end.year, end.month):
        return Fraction(end.day - start.day + 1, _days_in_month(start.year, start.month))
    first_days = _days_in_month(start.year, start.month)
    first = Fraction(first_days - start.day + 1, first_days)
    last = Fraction(end.day, _days_in_month(end.year, end.month))
    whole = (end.year * 12 + end.month) - (start.year * 12 + start.month) - 1
    return first + whole + last


def yearly_rate(period: Funding) -> Fraction | None:
    """Support per 12 months: the annual rate, or a total's rate over its months."""
    annual = period.get("annual_support_eur")
    if annual is not None:
        return Fraction(annual)
    total = period.get("total_support_eur")
    if total is None:
        return None
    length = months(period["start"], period["end"])
    return Fraction(total) * 12 / length if length else None


def support_in_year(period: Funding, year: int) -> Fraction | None:
    """Support of ``period`` in calendar ``year``: its rate times the year's funded months."""
    first = max(period["start"], dt.date(year, 1, 1))
    last = min(period["end"], dt.date(year, 12, 31))
    if last < first:
        return Fraction(0)
    rate = yearly_rate(period)
    if rate is None:
        return None
    return rate * months(first, last) / 12


def euros(amount: Fraction | float | int) -> int | float:
    """A sum of money for JSON: rounded to cents, an int when whole."""
    value = round(Fraction(amount), 2)
    return int(value) if value.denominator == 1 else float(value)


def amount_text(amount: Fraction | float | int, *, thousands: str = ",", decimal: str = ".") -> str:
    """``150,000``, with cents only when there are some (``150,000.33``); other
    separators for another language (``150.000,33``)."""
    if isinstance(amount, int):
        text = f"{amount:,}"
    else:
        value = round(Fraction(amount), 2)
        text = f"{int(value):,}" if value.denominator == 1 else f"{float(value):,.2f}"
    if (thousands, decimal) != (",", "."):
        separators: dict[str, str | int | None] = {",": thousands, ".": decimal}
        text = text.translate(str.maketrans(separators))
    return text


def euro_text(amount: Fraction | float | int, *, thousands: str = ",", decimal: str = ".") -> str:
    """``EUR 150,000``, with cents only when there are some (``EUR 150,000.33``); the
    site's Dutch pages write ``EUR 150.000,33``."""
    return f"EUR {amount_text(amount, thousands=thousands, decimal=decimal)}"
