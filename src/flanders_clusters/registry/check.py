"""Check parsed TOML against the registry's records and explain every problem.

The validator is pydantic-core's, built from ``_core_schema.SCHEMA``: the schema that
pydantic generates from the records (``model.py``), stored as data so that building it
costs well under a millisecond instead of pydantic's tens. Should a newer pydantic-core
refuse the stored schema, the validator is built from the model instead (slower, same
result); a test keeps the stored schema equal to the model's.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from . import records
from .fields import by_key, defaults, fields, order, record_at
from .vocabulary import (
    BELGIAN_POSTAL_CODE_PATTERN,
    INT64_MAX,
    MAX_ID_LENGTH,
    SCHEMA_VERSION,
    character_name,
    refused,
)

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails, SchemaValidator

Path = tuple[str | int, ...]


@cache
def _chosen() -> tuple[Mapping[str, Any], SchemaValidator]:
    """The core schema to build validators from, and the registry's validator built from
    it (once): the stored schema, else the model's."""
    from pydantic_core import SchemaValidator

    from ._core_schema import SCHEMA

    try:
        return SCHEMA, SchemaValidator(SCHEMA)
    except Exception:  # a pydantic-core that reads its schema differently
        from .model import adapter

        core = adapter().core_schema
        return core, SchemaValidator(core)


def _core() -> Mapping[str, Any]:
    return _chosen()[0]


def _validator() -> SchemaValidator:
    return _chosen()[1]


@cache
def _table_validator(table: str) -> SchemaValidator:
    """A validator of one top-level table (``clusters``, ``partners``, ``events``) alone."""
    from pydantic_core import SchemaValidator

    core = _core()
    top, definitions = (
        (core["schema"], core["definitions"]) if core["type"] == "definitions" else (core, [])
    )
    field = top["fields"][table]["schema"]
    if not definitions:
        return SchemaValidator(field)
    return SchemaValidator({"type": "definitions", "schema": field, "definitions": definitions})


def check_records(data: Any, chosen: Mapping[str, Iterable[str]]) -> list[Problem]:
    """Schema problems of some records only (those an edit touched), as ``check`` says them.

    ``chosen`` maps a table (``clusters``, ``partners``, ``events``) to the ids to check.
    """
    from pydantic_core import ValidationError

    problems = []
    for table, ids in chosen.items():
        records_ = data.get(table) or {}
        picked = {key: records_[key] for key in ids if key in records_}
        if not picked:
            continue
        try:
            _table_validator(table).validate_python(picked)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                error["loc"] = (table, *error["loc"])
                problems.append(_problem(error))
        else:
            problems.extend(_across({table: picked}))
    return problems


def check(data: Any) -> list[Problem]:
    """Every schema problem of ``data`` (lines not yet known), in document order."""
    from pydantic_core import ValidationError

    try:
        _validator().validate_python(data)
    except ValidationError as exc:
        return [_problem(error) for error in exc.errors(include_url=False)]
    return list(_across(data))


def _across(data: dict[str, Any]) -> Iterable[Problem]:
    """What one field's schema cannot say: the rules between fields of a record."""
    yield from _only(data)
    yield from _belgian_postal_codes(data)


_BELGIAN_POSTAL_CODE = re.compile(BELGIAN_POSTAL_CODE_PATTERN)


def _belgian_postal_codes(data: dict[str, Any]) -> Iterable[Problem]:
    """A partner seated in Belgium (``country`` BE, the default) has a postal code from
    1000 to 9999; a foreign postal code is free-form."""
    default = defaults(records.Partner)["country"]
    for key, partner in (data.get("partners") or {}).items():
        code = partner.get("postal_code")
        if code is None or partner.get("country", default) != "BE":
            continue
        if not _BELGIAN_POSTAL_CODE.fullmatch(code):
            yield Problem(
                ("partners", key, "postal_code"),
                f"{_short(code)} is not a Belgian postal code (1000 to 9999), and the "
                "partner's country is BE" + ("" if "country" in partner else " (the default)"),
                "write the seat's four-digit postal code, or set country to the seat's country",
            )


def _only(data: dict[str, Any]) -> Iterable[Problem]:
    """Fields allowed only on some records (``size`` on companies, ``action_plan`` on ICNs)."""
    for table, record in records.TABLES.items():
        limited = [f for f in fields(record) if f.meta.only]
        for key, value in (data.get(table) or {}).items():
            for field in limited:
                if field.key not in value:
                    continue
                other, wanted = field.meta.only  # type: ignore[misc]
                if value.get(other) != wanted:
                    yield Problem(
                        (table, key, field.key),
                        f"{field.key} is for records with {other} = {wanted!r} only, and "
                        f"this one has {other} = {_shown(value.get(other))}",
                        f"remove {field.key}, or correct {other}",
                    )


def _shown(value: Any) -> str:
    return "absent" if value is None else repr(value)


def _not_finite(path: Path, value: object) -> Problem:
    return Problem(path, f"{value} is not a finite number", "write a finite number")


def fields_at(path: Path) -> tuple[str, ...]:
    """The keys a table at ``path`` may hold (empty when unknown)."""
    record = record_at(records.Registry, path)
    return order(record) if record is not None else ()


_TYPE_NAMES = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    dt.datetime: "a date-time",
    dt.date: "a date",
    dt.time: "a time",
    list: "an array",
    dict: "a table",
}

_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "an array",
    "dict_type": "a table",
    "model_type": "a table",
}


def describe(value: Any) -> str:
    """A short name of a TOML value's type."""
    for kind, name in _TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _problem(error: ErrorDetails) -> Problem:
    loc: Path = tuple(error["loc"])
    kind: str = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if loc == ("schema_version",) and kind != "missing":
        return Problem(
            loc,
            f"schema_version {str(value).lower() if isinstance(value, bool) else repr(value)} "
            "is not one this clusters reads",
            f"set schema_version = {SCHEMA_VERSION}, or upgrade clusters",
        )
    if loc and loc[-1] == "[key]":
        return _bad_key(loc[:-1])
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "missing":
        return Problem(loc, f"missing required key '{loc[-1]}'", f"add {loc[-1]} = …")
    if kind in ("date_type", "date_parsing", "date_from_datetime_inexact"):
        return _bad_date(loc, value)
    if kind == "literal_error":
        return _bad_choice(loc, value, ctx)
    if kind == "string_pattern_mismatch":
        return _bad_pattern(loc, value)
    if kind == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        return _not_finite(loc, value)
    if kind == "greater_than_equal":
        bound = f"{ctx['ge']:g}"
        return Problem(loc, f"{value!r} is below {bound}", f"use a value of {bound} or more")
    if kind == "less_than_equal" and ctx["le"] == INT64_MAX:
        return Problem(
            loc,
            f"{value} is larger than a TOML integer can be (64 bits: at most {INT64_MAX})",
            "use a smaller number",
        )
    if kind == "less_than_equal":
        bound = f"{ctx['le']:g}"
        return Problem(loc, f"{value!r} is above {bound}", f"use a value of {bound} or less")
    if kind == "string_too_short":
        return Problem(loc, "must not be empty", "write a value or remove the key")
    expected = _EXPECTED.get(kind)
    if kind.endswith("_type") or expected:
        want = expected or kind.removesuffix("_type").replace("_", " ")
        return Problem(loc, f"expected {want}, got {describe(value)}", f"write {want} here")
    return Problem(loc, str(error.get("msg", kind)), "see the registry format: `clusters schema`")


def _too_long_slug(value: str) -> bool:
    """A slug but for its length."""
    return len(value) > MAX_ID_LENGTH and re.fullmatch(r"[a-z0-9][a-z0-9-]*", value) is not None


def _too_long(path: Path, value: str) -> Problem:
    return Problem(
        path,
        f"id {_short(value)} has {len(value)} characters, more than {MAX_ID_LENGTH} "
        "(an id names a file of the site)",
        f"shorten it to at most {MAX_ID_LENGTH} characters",
    )


def _short(value: str, most: int = 60) -> str:
    """``repr`` of a value, cut in the middle when long (a message stays one line)."""
    if len(value) <= most:
        return repr(value)
    half = most // 2
    return repr(value[:half]) + " … " + repr(value[-half:])


def _bad_key(path: Path) -> Problem:
    key = str(path[-1])
    if _too_long_slug(key):
        return _too_long(path, key)
    suggestion = "".join(c if c.isalnum() and c.isascii() else "-" for c in key.lower())
    suggestion = "-".join(part for part in suggestion.split("-") if part) or "an-id"
    return Problem(
        path,
        f"id {key!r} is not a slug (lowercase letters, digits and '-')",
        f"rename it, e.g. to {suggestion!r}",
    )


def _unknown_key(path: Path) -> Problem:
    key = str(path[-1])
    allowed = fields_at(path[:-1])
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        fix = f"did you mean {close[0]!r}?"
    elif allowed:
        fix = "remove it, or use one of: " + ", ".join(allowed)
    else:
        fix = "remove it"
    return Problem(path, f"unknown key {key!r}", fix)


def _bad_date(path: Path, value: Any) -> Problem:
    if isinstance(value, dt.datetime):
        return Problem(
            path,
            f"expected a date, got the date-time {value.isoformat()}",
            f"write the date alone: {value.date().isoformat()}",
        )
    if isinstance(value, str):
        try:
            real = dt.date.fromisoformat(value)
        except ValueError:
            return Problem(
                path,
                f"expected a date, got the string {value!r}, which is not a calendar date",
                "write a real date as YYYY-MM-DD, without quotes",
            )
        return Problem(
            path,
            f"expected a date, got the string {value!r}",
            f"remove the quotes: {path[-1]} = {real.isoformat()}",
        )
    return Problem(path, f"expected a date, got {describe(value)}", "write YYYY-MM-DD")


def _bad_choice(path: Path, value: Any, ctx: dict[str, Any]) -> Problem:
    expected = ctx.get("expected", "")
    return Problem(path, f"{value!r} is not allowed", f"use one of {expected}")


def _kind_at(path: Path) -> str | None:
    """The declared value kind (``text``, ``url``, ``id``, …) of the field at ``path``."""
    parent = path[:-2] if isinstance(path[-1], int) else path[:-1]
    key = path[-2] if isinstance(path[-1], int) else path[-1]
    if not isinstance(key, str) or key == "[key]":
        return None
    record = record_at(records.Registry, parent)
    if record is None:
        return None
    found = by_key(record).get(key)
    return found.value.kind if found is not None and found.value is not None else None


def _bad_pattern(path: Path, value: Any) -> Problem:
    kind = _kind_at(path)
    if kind == "country":
        return Problem(
            path,
            f"{_short(value)} is not an ISO 3166-1 alpha-2 country code",
            "use the country's two-letter code in capitals, e.g. BE, NL, DE",
        )
    if kind == "rule":
        return Problem(path, f"{value!r} is not a rule code", "use a code like FC109")
    if kind == "url" and isinstance(value, str):
        char = refused(value)
        if char is not None and re.match(r"^https?://", value):
            return _refused(path, value, char)
        return Problem(
            path,
            f"{_short(value)} is not an http or https URL",
            "write the address in full: https://…",
        )
    if kind == "nace":
        return Problem(
            path, f"{value!r} is not a NACE code", "write the code's 5 or 7 digits, without dots"
        )
    if kind == "prose" and isinstance(value, str):
        char = refused(value, prose=True)
        if char is not None:
            return _refused(path, value, char, prose=True)
    if kind != "id" and isinstance(value, str):
        if not value:
            return Problem(path, "must not be empty", "write a value or remove the key")
        if "\n" in value or "\r" in value:
            return Problem(path, f"{_short(value)} spans lines", "write it on one line")
        char = refused(value)
        if char is not None:
            return _refused(path, value, char)
        return Problem(
            path,
            f"{_short(value)} has spaces at either end",
            "remove the leading and trailing spaces",
        )
    if isinstance(value, str) and _too_long_slug(value):
        return _too_long(path, value)
    return Problem(
        path,
        f"{value!r} is not a valid id (lowercase letters, digits and '-')",
        "use the id of a record in the file",
    )


def _refused(path: Path, value: str, char: str, prose: bool = False) -> Problem:
    rule = (
        "notes keep line breaks and tabs, but no other control or bidirectional character"
        if prose
        else "this text is one line, without control or bidirectional characters"
    )
    return Problem(
        path,
        f"{_short(value)} holds {character_name(char)} (character {value.index(char) + 1}); "
        + rule,
        "remove it (such characters are invisible, and often come with pasted text)",
    )
