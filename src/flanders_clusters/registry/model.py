"""The pydantic model of the registry file, derived from the records of ``records.py``.

Two artefacts are generated from it and kept in sync by tests:

- ``data/clusters.schema.json`` (``clusters schema``), for editors;
- ``_core_schema.py``, the compiled validator's schema, so that a command can check a
  registry without paying for pydantic's schema generation at every start
  (see ``check.py``).

Building the model costs tens of milliseconds, so this module is imported only by
``clusters schema``, by the check when the stored schema is refused, and by the
developer's generator of ``_core_schema.py`` (``tools/generate_core_schema.py``).
"""

from __future__ import annotations

import typing
from functools import cache
from types import GenericAlias
from typing import Annotated, Any, NotRequired

import annotated_types
from pydantic import AllowInfNan, ConfigDict, Field, StringConstraints, TypeAdapter
from typing_extensions import TypedDict

from . import records
from .fields import Value, fields, is_record, split_annotation
from .vocabulary import BELGIAN_POSTAL_CODE_PATTERN, SCHEMA_VERSION


def _constraints(base: Any, value: Value | None) -> list[Any]:
    if value is None:
        return []
    if base is str:
        if value.pattern is None and value.min_length is None:
            return []
        return [StringConstraints(pattern=value.pattern, min_length=value.min_length)]
    bounds: list[Any] = []
    if value.ge is not None:
        bounds.append(annotated_types.Ge(value.ge))
    if value.le is not None:
        bounds.append(annotated_types.Le(value.le))
    if value.finite:
        bounds.append(AllowInfNan(False))
    return bounds


def _convert(annotation: Any) -> Any:
    """A record annotation as pydantic reads it: our metadata made pydantic's."""
    base, value, meta = split_annotation(annotation)
    help_text = meta.help if meta is not None else None
    origin = typing.get_origin(base)
    if is_record(base):
        converted: Any = model(base)
    elif origin is list:
        converted = GenericAlias(list, (_convert(typing.get_args(base)[0]),))
    elif origin is dict:
        key, item = typing.get_args(base)
        converted = GenericAlias(dict, (_convert(key), _convert(item)))
    else:
        converted = base
    extras = _constraints(base, value)
    if help_text:
        extras.append(Field(description=help_text))
    return Annotated[converted, *extras] if extras else converted


@cache
def model(record: type) -> type:
    """The pydantic TypedDict of a record: strict, unknown keys forbidden."""
    hints = typing.get_type_hints(record, include_extras=True)
    body = {}
    for field in fields(record):
        converted = _convert(hints[field.key])
        body[field.key] = converted if field.required else NotRequired[converted]
    typed = TypedDict(record.__name__, body)  # type: ignore[misc]
    typed.__doc__ = record.__doc__
    typed.__pydantic_config__ = ConfigDict(  # type: ignore[attr-defined]
        extra="forbid", strict=True, title=record.__name__
    )
    return typed


def adapter() -> TypeAdapter:
    """The pydantic adapter of the whole registry (slow to build: call it rarely)."""
    return TypeAdapter(model(records.Registry))


def schema_json() -> dict:
    """The JSON Schema of the registry file (``clusters schema``)."""
    schema = adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    # The model spells "the integer 1" as 1 <= int <= 1 (Literal[1] would match true);
    # editors understand const better.
    version = schema["properties"]["schema_version"]
    for bound in ("minimum", "maximum"):
        version.pop(bound, None)
    version["const"] = SCHEMA_VERSION
    for table in records.TABLES:
        # pydantic writes the id pattern as patternProperties; without this an id that is
        # not a slug would not be flagged by an editor at all.
        schema["properties"][table]["additionalProperties"] = False
    # A rule between two fields (check.py says it as FC001): a partner seated in Belgium,
    # country BE or absent, has a postal code from 1000 to 9999.
    schema["$defs"]["Partner"]["if"] = {
        "properties": {"country": {"const": "BE"}},
        "required": ["postal_code"],
    }
    schema["$defs"]["Partner"]["then"] = {
        "properties": {"postal_code": {"pattern": BELGIAN_POSTAL_CODE_PATTERN}}
    }
    return schema
