"""Text from the command line to a value, or a usage error (exit 2).

A malformed value is a usage error here, before the registry is read; a well-formed value
that breaks a rule (an enterprise number with wrong check digits, an unknown id) is the
edit's refusal (exit 4). Each parser is a plain function; ``Parsed`` makes one a Click
parameter type, so an option or argument converts its text with it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

import click

from ..registry.vocabulary import MAX_ID_LENGTH, NACE_PATTERN, SLUG_PATTERN, URL_PATTERN

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(SLUG_PATTERN)
_SLUG_CHARACTERS = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # a slug but for its length
_URL = re.compile(URL_PATTERN)


def parse_date(value: str) -> dt.date:
    """``YYYY-MM-DD`` only (not ``20261127`` nor ``2026-W48-5``, which Python would take)."""
    try:
        if not _DATE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def utf8(value: str) -> str:
    """A value as the shell gave it, if it is text: bytes that are not UTF-8 (``$'bad\\xff'``)
    reach Python as lone surrogates, which no file can hold; a usage error."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate that stands for no byte
            raw = value.encode("utf-8", "backslashreplace")
        raise click.BadParameter(
            f"{repr(raw)[1:]} is not valid UTF-8; write it in UTF-8 (check the encoding of "
            "the terminal or the script that passed it)"
        ) from None
    return value


def parse_text(value: str) -> str:
    """A one-line text, trimmed (stored values have no spaces at either end), without
    control or bidirectional characters."""
    from ..registry import vocabulary

    utf8(value)
    problem = vocabulary.text_problem(value)
    if problem is not None:
        raise click.BadParameter(problem)
    return value.strip()


def parse_prose(value: str) -> str:
    """Free text (notes, an action plan): kept as written, several lines and tabs
    allowed, other control characters not."""
    from ..registry import vocabulary

    problem = vocabulary.prose_problem(utf8(value))
    if problem is not None:
        raise click.BadParameter(problem)
    return value


def parse_url(value: str) -> str:
    text = parse_text(value)
    if not _URL.fullmatch(text):
        raise click.BadParameter(f"{value!r} is not an http or https URL; write https://…")
    return text


def parse_id(value: str) -> str:
    utf8(value)
    if len(value) > MAX_ID_LENGTH and _SLUG_CHARACTERS.fullmatch(value):
        raise click.BadParameter(
            f"{value[:20]!r}… has {len(value)} characters; an id has at most {MAX_ID_LENGTH}"
        )
    if not _SLUG.fullmatch(value):
        suggestion = "-".join(
            "".join(c if c.isascii() and c.isalnum() else " " for c in value.lower()).split()
        )
        hint = f", e.g. {suggestion!r}" if suggestion else ""
        raise click.BadParameter(
            f"{value!r} is not an id: use lowercase letters, digits and '-'{hint}"
        )
    return value


def parse_enterprise_number(value: str) -> str:
    from ..external import enterprise_numbers

    normal = enterprise_numbers.normalise_enterprise_number(value)
    if normal is None:
        raise click.BadParameter(
            f"{value!r} is not an enterprise number; write 0123.456.789, 0123456789 or BE0123456789"
        )
    return normal


def parse_country(value: str) -> str:
    from ..programme import enterprises

    code = enterprises.normalise_country(value)
    if code is None:
        raise click.BadParameter(f"{value!r} is not an ISO 3166-1 alpha-2 country code such as BE")
    return code


def parse_nace(value: str) -> str:
    if not re.match(NACE_PATTERN, value):
        raise click.BadParameter(f"{value!r} is not a NACE code: 5 or 7 digits, no dots")
    return value


def parse_number(value: str, *, high: float = 1e12) -> float | int:
    """A finite number from 0 to ``high`` (``inf`` and ``nan`` are usage errors); a whole
    number is stored as an integer (``--annual-support-eur 500000``)."""
    try:
        number = float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise click.BadParameter(f"{value!r} is not a finite number")
    if number < 0 or number > high:
        raise click.BadParameter(f"{value!r} is not between 0 and {high:g}")
    return int(number) if number.is_integer() else number


def one_of(values: tuple[str, ...]) -> Callable[[str], str]:
    """A parser that accepts only ``values``."""

    def check(value: str) -> str:
        if value not in values:
            raise click.BadParameter(f"{value!r} is not one of: {', '.join(values)}")
        return value

    return check


class Parsed(click.ParamType):
    """A parameter type that converts its text with a parser above (each value of a
    repeatable option on its own)."""

    def __init__(self, parse: Callable[[str], Any], name: str = "text") -> None:
        self.parse = parse
        self.name = name

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):  # a default, already a value
            return value
        try:
            return self.parse(value)
        except click.BadParameter as error:
            self.fail(error.message, param, ctx)


class WholeNumber(click.IntRange):
    """An integer within bounds, named as such in its error ("not a valid integer")."""

    name = "integer"


class Seconds(click.FloatRange):
    """A number of seconds within bounds, named as such in its error."""

    name = "number"


DATE = Parsed(parse_date, "date")
ID = Parsed(parse_id, "id")
