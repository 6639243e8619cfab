"""How a record field is declared, and what is derived from the declarations.

Each field of the registry is declared once, in ``records.py``, as an annotated key of a
TypedDict::

    website: NotRequired[Annotated[Text, F("Website URL.")]]

The type says what the file may hold (``Text`` is one line of text, ``Euro`` an amount);
``F`` says the rest: the description (JSON Schema and ``--help``), the value an absent
key means, the command-line option, whether it is a column of the members CSV, and on
which records it is allowed. From these come the pydantic model and the JSON Schema
(``model.py``), the canonical order (``canonical.py``), the edit options (``cli/edit.py``),
the CSV columns and the defaults that the views fill in.

Pure and cheap: no pydantic here (the model is built from these only when needed).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from .vocabulary import (
    COUNTRY_PATTERN,
    INT64_MAX,
    NACE_PATTERN,
    PROSE_PATTERN,
    RULE_CODE_PATTERN,
    SLUG_PATTERN,
    TEXT_PATTERN,
    URL_PATTERN,
)


@dataclass(frozen=True)
class Value:
    """What a value must be beyond its Python type; ``kind`` names it for the options."""

    kind: str
    pattern: str | None = None
    ge: float | None = None
    le: float | None = None
    min_length: int | None = None
    finite: bool = False


@dataclass(frozen=True)
class F:
    """A field's description and its place outside the file.

    - ``default``: the value an absent key means (None: absence means "not known");
    - ``option``: the edit option's name without ``--`` (``""``: the key in kebab case;
      None: the field has no option, as lists of records edited by their own commands);
    - ``csv``: a column of the members CSV (import and export);
    - ``only``: ``(field, value)``: allowed only on records whose ``field`` is ``value``;
    - ``refers``: the table whose ids the field holds (``partners``, ``clusters``): what
      ``rename-partner`` and the other renames rewrite.
    """

    help: str
    default: Any = None
    option: str | None = ""
    csv: bool = False
    only: tuple[str, str] | None = None
    refers: str | None = None


# The value types of the registry (each a Python type and a Value).
Slug = Annotated[str, Value("id", pattern=SLUG_PATTERN)]
Text = Annotated[str, Value("text", pattern=TEXT_PATTERN)]
Url = Annotated[str, Value("url", pattern=URL_PATTERN)]
Prose = Annotated[str, Value("prose", pattern=PROSE_PATTERN, min_length=1)]
Notes = Annotated[str, Value("prose", pattern=PROSE_PATTERN)]
EnterpriseNumber = Annotated[str, Value("enterprise-number", pattern=TEXT_PATTERN)]
Country = Annotated[str, Value("country", pattern=COUNTRY_PATTERN)]
Nace = Annotated[str, Value("nace", pattern=NACE_PATTERN)]
RuleCode = Annotated[str, Value("rule", pattern=RULE_CODE_PATTERN)]
# A trillion euro bounds an amount far above any cluster's, and keeps sums finite.
Euro = Annotated[float, Value("euro", ge=0, le=1e12, finite=True)]
Rate = Annotated[float, Value("rate", ge=0, le=1, finite=True)]
Fte = Annotated[float, Value("number", ge=0, le=1e6, finite=True)]
Count = Annotated[int, Value("count", ge=0, le=INT64_MAX)]
Positive = Annotated[int, Value("count", ge=1, le=INT64_MAX)]
Date = dt.date


@dataclass(frozen=True)
class Field:
    """One field of a record, as derived from its declaration."""

    key: str
    required: bool
    base: Any  # the Python type: str, int, float, bool, dt.date, list, dict or a record
    value: Value | None
    meta: F
    choices: tuple[str, ...] | None = None
    item: Any = None  # a list's item type (str or a record), a table's record

    @property
    def option(self) -> str | None:
        """The edit option, ``--source`` for ``sources``; None when there is none."""
        if self.meta.option is None:
            return None
        return "--" + (self.meta.option or self.key.replace("_", "-"))

    @property
    def kind(self) -> str:
        """What the option parses: a Value's kind, ``choice``, ``date``, ``bool``, …"""
        if self.choices:
            return "choice"
        if self.value is not None:
            return self.value.kind
        return {dt.date: "date", bool: "bool", int: "count", float: "number"}.get(self.base, "text")

    @property
    def is_list(self) -> bool:
        return self.base is list


def split_annotation(annotation: Any) -> tuple[Any, Value | None, F | None]:
    """``Annotated[T, Value, F]`` → (T, Value, F), unwrapping NotRequired/Required."""
    value = meta = None
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.NotRequired, typing.Required):
            annotation = typing.get_args(annotation)[0]
        elif origin is Annotated:
            base, *extras = typing.get_args(annotation)
            for extra in extras:
                if isinstance(extra, Value):
                    value = value or extra
                elif isinstance(extra, F):
                    meta = meta or extra
            annotation = base
        else:
            return annotation, value, meta


def is_record(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, dict) and hasattr(kind, "__total__")


@cache
def fields(record: type) -> tuple[Field, ...]:
    """The fields of a record type, in their declared (canonical) order."""
    hints = typing.get_type_hints(record, include_extras=True)
    out = []
    for key, annotation in hints.items():
        base, value, meta = split_annotation(annotation)
        choices = item = None
        origin = typing.get_origin(base)
        if origin is Literal:
            choices, base = typing.get_args(base), str
        elif origin is list:
            item, value_of_item, _ = split_annotation(typing.get_args(base)[0])
            value = value or value_of_item
            base = list
        elif origin is dict:
            item = split_annotation(typing.get_args(base)[1])[0]
            base = dict
        elif isinstance(base, types.UnionType):  # pragma: no cover - not used by records
            raise TypeError(f"{record.__name__}.{key}: unions are not supported")
        out.append(
            Field(
                key=key,
                # A record is a TypedDict class, which mypy cannot name as a type.
                required=key in record.__required_keys__,  # type: ignore[attr-defined]
                base=base,
                value=value,
                meta=meta or F(""),
                choices=choices,
                item=item,
            )
        )
    return tuple(out)


def order(record: type) -> tuple[str, ...]:
    """The canonical order of a record's keys (cheap: no annotation is evaluated)."""
    return tuple(record.__annotations__)


@cache
def by_key(record: type) -> dict[str, Field]:
    """A record's fields by key."""
    return {f.key: f for f in fields(record)}


def field(record: type, key: str) -> Field:
    return by_key(record)[key]


@cache
def defaults(record: type) -> dict[str, Any]:
    """The values absent keys mean, for the fields that have one."""
    return {f.key: f.meta.default for f in fields(record) if f.meta.default is not None}


@cache
def optional(record: type) -> tuple[str, ...]:
    """The keys an edit may remove (``--unset``)."""
    return tuple(f.key for f in fields(record) if not f.required and f.option is not None)


def record_at(root: type, path: tuple[str | int, ...]) -> type | None:
    """The record type of the table at ``path`` (ids and indexes skipped), or None."""
    current: Any = root
    expect_item = False
    for part in path:
        if expect_item:
            expect_item = False
            continue
        if not is_record(current):
            return None
        found = by_key(current).get(part) if isinstance(part, str) else None
        if found is None:
            return None
        if found.base in (list, dict):
            current, expect_item = found.item, True
        else:
            current = found.base
    return current if is_record(current) and not expect_item else None
