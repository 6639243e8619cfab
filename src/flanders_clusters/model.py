"""The registry's types: pydantic TypedDicts, the single definition of the file format.

No I/O here. The store reads TOML into plain dicts; these types say what those dicts may
hold. Two artefacts are generated from them and kept in sync by tests:

- ``data/clusters.schema.json`` (``clusters schema``), for editors;
- ``_core_schema.py``, the compiled validator's schema, so that a command can check a
  registry without paying for pydantic's schema generation at every start
  (see ``validation.py``).

Building the pydantic adapter costs tens of milliseconds, so this module is imported
only by ``clusters schema`` and by the generator, never on the path of an ordinary command.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, NotRequired

from pydantic import ConfigDict, Field, StringConstraints, TypeAdapter, with_config
from typing_extensions import TypedDict

from .vocabulary import (
    CLUSTER_TYPES,
    END_BASES,
    NETWORK_ROLES,
    PARTNER_KINDS,
    PARTNER_SIZES,
    ROLES,
    SCHEMA_VERSION,
    SLUG_PATTERN,
)

_STRICT = ConfigDict(extra="forbid", strict=True)

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
# One line, no spaces at either end: " Acme" and "Acme" must not be two names.
TEXT_PATTERN = r"^\S(?:[^\r\n]*\S)?$"
Text = Annotated[str, StringConstraints(pattern=TEXT_PATTERN)]
Prose = Annotated[str, StringConstraints(min_length=1)]  # free text, several lines allowed
# A trillion euro bounds an amount far above any cluster's, and keeps sums finite.
Euro = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Rate = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Days = Annotated[int, Field(ge=0)]
Years = Annotated[int, Field(ge=1)]


@with_config(ConfigDict(extra="forbid", strict=True, title="ByType"))
class ByType(TypedDict):
    """A value per cluster type."""

    spearhead: NotRequired[Annotated[int, Field(ge=0)]]
    icn: NotRequired[Annotated[int, Field(ge=0)]]


@with_config(ConfigDict(extra="forbid", strict=True, title="Policy"))
class Policy(TypedDict):
    """Thresholds of the rules; every key has a default."""

    support_rate: NotRequired[
        Annotated[Rate, Field(description="Highest share of running costs paid (0.5).")]
    ]
    max_years: NotRequired[
        Annotated[ByType, Field(description="Longest funded time per type in years.")]
    ]
    annual_cap_eur: NotRequired[
        Annotated[ByType, Field(description="Yearly support cap per type in EUR.")]
    ]
    max_active_spearheads: NotRequired[
        Annotated[Days, Field(description="Spearhead clusters active at once before FC107.")]
    ]
    ending_soon_days: NotRequired[
        Annotated[Days, Field(description="Days before a funding end that FC111 reports.")]
    ]
    ignore: NotRequired[
        Annotated[
            list[Annotated[str, StringConstraints(pattern=r"^FC\d{3}$")]],
            Field(description="Rule codes switched off, e.g. FC109."),
        ]
    ]


@with_config(ConfigDict(extra="forbid", strict=True, title="Funding"))
class Funding(TypedDict):
    """A funding period, inclusive of both dates."""

    start: dt.date
    end: dt.date
    end_basis: NotRequired[
        Annotated[
            Literal[END_BASES],
            Field(description="published (default), policy-max or estimate."),
        ]
    ]
    annual_support_eur: NotRequired[
        Annotated[Euro, Field(description="Support per 12 months in EUR.")]
    ]
    total_support_eur: NotRequired[
        Annotated[Euro, Field(description="Support for the whole period in EUR.")]
    ]
    support_rate: NotRequired[
        Annotated[Rate, Field(description="Share of running costs paid; default: policy.")]
    ]
    reference: NotRequired[Annotated[Text, Field(description="Decision or agreement id.")]]


@with_config(ConfigDict(extra="forbid", strict=True, title="Member"))
class Member(TypedDict):
    """A membership of a partner in a cluster."""

    partner: Annotated[Slug, Field(description="Id of a partner in [partners].")]
    role: NotRequired[Literal[ROLES]]
    since: NotRequired[dt.date]
    until: NotRequired[dt.date]


@with_config(ConfigDict(extra="forbid", strict=True, title="Cluster"))
class Cluster(TypedDict):
    """A spearhead cluster or an innovative company network (ICN)."""

    name: Text
    type: Literal[CLUSTER_TYPES]
    domain: Text
    website: NotRequired[Text]
    recognised: NotRequired[dt.date]
    reported_members: NotRequired[
        Annotated[Days, Field(description="A public member count, when sources give one.")]
    ]
    members_complete: NotRequired[
        Annotated[bool, Field(description="false when the member list is partial.")]
    ]
    sources: NotRequired[list[Text]]
    notes: NotRequired[str]
    action_plan: NotRequired[
        Annotated[Prose, Field(description="An ICN's action plan: text or a URL.")]
    ]
    ended: NotRequired[dt.date]
    successor: NotRequired[
        Annotated[Text, Field(description="What the cluster became after it ended.")]
    ]
    funding: NotRequired[list[Funding]]
    members: NotRequired[list[Member]]


@with_config(ConfigDict(extra="forbid", strict=True, title="Partner"))
class Partner(TypedDict):
    """An organisation: a cluster member or a partner of the FI&E network."""

    name: Text
    kind: Literal[PARTNER_KINDS]
    size: NotRequired[Literal[PARTNER_SIZES]]
    enterprise_number: NotRequired[
        Annotated[Text, Field(description="Belgian KBO/BCE number, written 0123.456.789.")]
    ]
    postal_code: NotRequired[Text]
    country: NotRequired[
        Annotated[
            str,
            StringConstraints(pattern=r"^[A-Z]{2}$"),
            Field(description="ISO 3166 alpha-2 code; default BE."),
        ]
    ]
    network_role: NotRequired[Literal[NETWORK_ROLES]]
    website: NotRequired[Text]


@with_config(ConfigDict(extra="forbid", strict=True, title="Registry"))
class Registry(TypedDict):
    """The registry of the Flemish innovation cluster programme."""

    # An int (strict: not true, not 1.0) equal to 1: Literal[1] would also match true.
    schema_version: Annotated[int, Field(ge=SCHEMA_VERSION, le=SCHEMA_VERSION)]
    policy: NotRequired[Policy]
    clusters: NotRequired[dict[Slug, Cluster]]
    partners: NotRequired[dict[Slug, Partner]]


def adapter() -> TypeAdapter[Registry]:
    """The pydantic adapter of the whole registry (slow to build: call it rarely)."""
    return TypeAdapter(Registry)


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
    for table in ("clusters", "partners"):
        # pydantic writes the id pattern as patternProperties; without this an id that is
        # not a slug would not be flagged by an editor at all.
        schema["properties"][table]["additionalProperties"] = False
    return schema


def core_schema_data() -> dict:
    """The adapter's core schema as plain data, the content of ``_core_schema.py``.

    Classes, callables and metadata (used only for JSON Schema and error titles) are
    dropped, and references renamed after their type, so the data is deterministic.
    """
    refs: dict[str, str] = {}

    def rename(ref: str) -> str:
        return refs.setdefault(ref, ref.split(":")[0].rsplit(".", 1)[-1])

    def strip(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key in ("metadata", "cls", "cls_name", "title") or callable(value):
                    continue
                if key in ("ref", "schema_ref"):
                    value = rename(value)
                out[key] = strip(value)
            return out
        if isinstance(node, list | tuple):
            return [strip(item) for item in node]
        return node

    return strip(adapter().core_schema)


def core_schema_source() -> str:
    """The text of ``_core_schema.py`` (``ruff format`` may reflow it)."""
    import pprint

    body = pprint.pformat(core_schema_data(), width=96, sort_dicts=False)
    return (
        '"""Generated by ``python -m flanders_clusters.model``: do not edit.\n\n'
        "The core schema pydantic builds from ``model.Registry``, stored as data.\n"
        '"""\n\n'
        f"SCHEMA = {body}\n"
    )


if __name__ == "__main__":  # pragma: no cover - a developer's generator
    from pathlib import Path

    target = Path(__file__).with_name("_core_schema.py")
    target.write_text(core_schema_source(), encoding="utf-8")
    print(f"wrote {target}")
