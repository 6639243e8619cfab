"""Generated files stay in sync with what generates them.

- ``registry/_core_schema.py`` (the validator's schema) with the records' model;
- ``data/clusters.schema.json`` and its package copy with ``clusters schema``;
- ``src/flanders_clusters/data/clusters.toml`` with ``data/clusters.toml``;
- the records' canonical field order and enumerations with the JSON Schema.
"""

from __future__ import annotations

import json
import tomllib

import pytest
from conftest import REPO, SHIPPED_DATA, SMALL, run

from flanders_clusters.registry import _core_schema, check, records, vocabulary
from flanders_clusters.registry.fields import defaults, order

PACKAGE_DATA = REPO / "src" / "flanders_clusters" / "data"
REGENERATE_CORE = (
    "src/flanders_clusters/registry/_core_schema.py is out of date; fix: "
    "python tools/generate_core_schema.py && "
    "ruff format src/flanders_clusters/registry/_core_schema.py"
)
REGENERATE_JSON = (
    "the schema file is out of date; fix: clusters schema > data/clusters.schema.json "
    "&& cp data/clusters.schema.json src/flanders_clusters/data/"
)


def tool(name: str):
    """A developer's tool of ``tools/`` (not part of the package), loaded by its path."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_core_schema_matches_the_model() -> None:
    generator = tool("generate_core_schema")
    assert generator.core_schema_data() == _core_schema.SCHEMA, REGENERATE_CORE


def test_schema_command_matches_the_repository_file() -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert result.stderr == ""
    text = (REPO / "data" / "clusters.schema.json").read_text(encoding="utf-8")
    assert result.stdout == text, REGENERATE_JSON


def test_schema_command_matches_the_package_file() -> None:
    result = run("schema")
    text = (PACKAGE_DATA / "clusters.schema.json").read_text(encoding="utf-8")
    assert result.stdout == text, REGENERATE_JSON


def test_shipped_registry_copies_are_identical() -> None:
    assert (PACKAGE_DATA / "clusters.toml").read_bytes() == SHIPPED_DATA.read_bytes(), (
        "fix: cp data/clusters.toml src/flanders_clusters/data/"
    )


def test_shipped_registry_names_the_schema_file_beside_it() -> None:
    first = SHIPPED_DATA.read_text(encoding="utf-8").splitlines()[0]
    assert first == vocabulary.SCHEMA_HEADER
    assert (SHIPPED_DATA.parent / "clusters.schema.json").is_file()


@pytest.fixture(scope="module")
def schema() -> dict:
    result = run("schema")
    assert result.exit_code == 0
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("definition", "fields"),
    [
        ("Cluster", order(records.Cluster)),
        ("Funding", order(records.Funding)),
        ("Member", order(records.Member)),
        ("Label", order(records.Label)),
        ("Partner", order(records.Partner)),
        ("Event", order(records.Event)),
        ("Participant", order(records.Participant)),
        ("Policy", order(records.Policy)),
        ("YearsByType", order(records.YearsByType)),
        ("EurosByType", order(records.EurosByType)),
        ("MonthsByLevel", order(records.MonthsByLevel)),
    ],
)
def test_canonical_field_order_covers_every_field(schema, definition, fields) -> None:
    """fmt writes fields in declared order: it must know each field the schema allows."""
    assert tuple(schema["$defs"][definition]["properties"]) == fields


def test_registry_fields(schema) -> None:
    assert tuple(schema["properties"]) == order(records.Registry)
    assert schema["properties"]["schema_version"]["const"] == vocabulary.SCHEMA_VERSION


@pytest.mark.parametrize(
    ("definition", "field", "values"),
    [
        ("Cluster", "type", vocabulary.CLUSTER_TYPES),
        ("Funding", "end_basis", vocabulary.END_BASES),
        ("Member", "role", vocabulary.ROLES),
        ("Partner", "kind", vocabulary.PARTNER_KINDS),
        ("Partner", "size", vocabulary.PARTNER_SIZES),
        ("Partner", "network_role", vocabulary.NETWORK_ROLES),
    ],
)
def test_enumerations_match_the_vocabulary(schema, definition, field, values) -> None:
    assert tuple(schema["$defs"][definition]["properties"][field]["enum"]) == values


def test_ids_are_slugs_in_the_schema(schema) -> None:
    for section in ("clusters", "partners", "events"):
        assert list(schema["properties"][section]["patternProperties"]) == [vocabulary.SLUG_PATTERN]
    assert schema["$defs"]["Member"]["properties"]["partner"]["pattern"] == vocabulary.SLUG_PATTERN


def test_the_schema_gives_editors_the_text_url_country_and_postal_code_rules(schema) -> None:
    partner = schema["$defs"]["Partner"]
    assert partner["properties"]["name"]["pattern"] == vocabulary.TEXT_PATTERN
    assert partner["properties"]["website"]["pattern"] == vocabulary.URL_PATTERN
    assert partner["properties"]["country"]["pattern"] == vocabulary.COUNTRY_PATTERN
    assert schema["$defs"]["Cluster"]["properties"]["notes"]["pattern"] == (
        vocabulary.PROSE_PATTERN
    )
    sources = schema["$defs"]["Cluster"]["properties"]["sources"]["items"]
    assert sources["pattern"] == vocabulary.URL_PATTERN
    # absent or BE: seated in Belgium, so a Belgian postal code
    assert partner["if"] == {
        "properties": {"country": {"const": "BE"}},
        "required": ["postal_code"],
    }
    assert partner["then"] == {
        "properties": {"postal_code": {"pattern": vocabulary.BELGIAN_POSTAL_CODE_PATTERN}}
    }


def test_policy_defaults_cover_every_policy_field(schema) -> None:
    assert set(defaults(records.Policy)) == set(schema["$defs"]["Policy"]["properties"])


# -- the stored schema refused ------------------------------------------------------------


def test_the_check_falls_back_to_the_model_when_the_stored_schema_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pydantic-core that cannot read the stored schema: the model builds the validator."""
    import pydantic_core

    from flanders_clusters.registry import (
        _core_schema,
        model,  # noqa: F401 (pydantic loaded before the patch)
    )

    real = pydantic_core.SchemaValidator

    def picky(schema, *args, **kwargs):
        if schema is _core_schema.SCHEMA:
            raise pydantic_core.SchemaError("unknown schema type")
        return real(schema, *args, **kwargs)

    monkeypatch.setattr(pydantic_core, "SchemaValidator", picky)
    for cached in (check._chosen, check._table_validator):
        cached.cache_clear()
    try:
        data = tomllib.loads(SMALL)
        assert check.check(data) == []
        data["clusters"]["alpha"]["colour"] = "red"
        assert [p.dotted for p in check.check(data)] == ["clusters.alpha.colour"]
        assert check._core() is not _core_schema.SCHEMA
    finally:
        for cached in (check._chosen, check._table_validator):
            cached.cache_clear()
