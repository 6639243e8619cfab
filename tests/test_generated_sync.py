"""Generated files stay in sync with what generates them.

- ``registry/_core_schema.py`` (the validator's schema) with the records' model;
- ``data/clusters.schema.json`` and its package copy with ``clusters schema``;
- ``src/flanders_clusters/data/clusters.toml`` with ``data/clusters.toml``;
- the JSON Schema with what fmt writes (its field order) and what the check takes (its
  enumerations).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tomllib

import pytest
import tomli_w
from conftest import REPO, SHIPPED_DATA, SMALL, run

from flanders_clusters.registry import _core_schema, check, records, vocabulary
from flanders_clusters.registry.fields import defaults

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


def _definition(prop: dict) -> str | None:
    """The definition a property of the schema refers to: its own, its items' (a list of
    records) or its values' (a table of records by id); None for a plain value."""
    for holder in (prop, prop.get("items", {}), *prop.get("patternProperties", {}).values()):
        if "$ref" in holder:
            return holder["$ref"].rsplit("/", 1)[-1]
    return None


def _reversed(value):
    """Parsed TOML with the keys of every table in reverse order."""
    if isinstance(value, dict):
        return {key: _reversed(value[key]) for key in reversed(value)}
    if isinstance(value, list):
        return [_reversed(item) for item in value]
    return value


def _out_of_order(value, name: str, schema: dict, where: str = "") -> list[tuple[str, str]]:
    """(definition, where) for each table of ``value`` whose keys are not in the order its
    definition lists them, or that holds a key the definition does not list."""
    properties = (schema["$defs"][name] if name != "Registry" else schema)["properties"]
    # In the order of the schema, but for TOML's own rule: a table's sub-tables
    # (``[policy.max_years]``) are written after its plain values.
    listed = [key for key in properties if key in value]
    expected = [k for k in listed if not isinstance(value[k], dict)]
    expected += [k for k in listed if isinstance(value[k], dict)]
    found = [] if list(value) == expected else [(name, f"{where or 'registry'}: {list(value)}")]
    for key, item in value.items():
        prop = properties.get(key, {})
        inner = _definition(prop)
        if inner is None:
            continue
        if "patternProperties" in prop:  # records by id
            for rid, record in item.items():
                found += _out_of_order(record, inner, schema, f"{where}.{key}.{rid}")
        elif isinstance(item, list):
            for index, record in enumerate(item):
                found += _out_of_order(record, inner, schema, f"{where}.{key}[{index}]")
        else:
            found += _out_of_order(item, inner, schema, f"{where}.{key}")
    return found


# The records fmt orders: the registry and each definition of the schema file.
DEFINITIONS = [
    "Registry",
    *json.loads((REPO / "data" / "clusters.schema.json").read_text())["$defs"],
]


@pytest.mark.parametrize("definition", DEFINITIONS)
def test_fmt_writes_every_field_in_the_order_the_schema_lists_it(
    tmp_path, schema, definition
) -> None:
    """The shipped registry with a label and a policy with every threshold, each table's
    keys reversed: fmt writes the fields of every record of ``definition`` in the order
    of the schema's properties, keeping every value."""

    data = tomllib.loads(SHIPPED_DATA.read_text("utf-8"))
    first = data["clusters"][min(data["clusters"])]
    first["labels"] = [
        {"scheme": "esca", "level": "bronze", "awarded": dt.date(2020, 1, 1), "reference": "x"}
    ]
    data["policy"] = {
        "support_rate": 0.5,
        "max_years": {"spearhead": 10, "icn": 3},
        "annual_cap_eur": {"spearhead": 500_000, "icn": 150_000},
        "max_active_spearheads": 7,
        "ending_soon_days": 180,
        "activity_window_days": 365,
        "label_validity_months": {"bronze": 24, "silver": 24, "gold": 24},
        "ignore": ["FC109"],
    }
    path = tmp_path / "clusters.toml"
    path.write_text(tomli_w.dumps(_reversed(data)), encoding="utf-8")
    before = _out_of_order(tomllib.loads(path.read_text("utf-8")), "Registry", schema)
    assert definition in {name for name, _ in before}  # each record is written reversed
    done = run("--registry", str(path), "fmt")
    assert done.exit_code == 0, done.stderr
    written = tomllib.loads(path.read_text("utf-8"))
    assert written == data
    assert [
        where for name, where in _out_of_order(written, "Registry", schema) if name == definition
    ] == []


# Where each enumerated field can be written in a registry built on the small one.
_ENUMERATED = {
    ("Cluster", "type"): ("clusters", "alpha", "type"),
    ("Funding", "end_basis"): ("clusters", "alpha", "funding", 0, "end_basis"),
    ("Member", "role"): ("clusters", "alpha", "members", 0, "role"),
    ("Label", "scheme"): ("clusters", "alpha", "labels", 0, "scheme"),
    ("Label", "level"): ("clusters", "alpha", "labels", 0, "level"),
    ("Partner", "kind"): ("partners", "uni", "kind"),
    ("Partner", "size"): ("partners", "acme", "size"),
    ("Partner", "network_role"): ("partners", "acme", "network_role"),
    ("Partner", "nace_version"): ("partners", "acme", "nace_version"),
    ("Partner", "kbo_status"): ("partners", "acme", "kbo_status"),
    ("Event", "kind"): ("events", "meet", "kind"),
    ("Event", "audience"): ("events", "meet", "audience"),
    ("Participant", "role"): ("events", "meet", "participants", 0, "role"),
}


def _enumerations(schema: dict) -> dict[tuple[str, str], list]:
    """Each field of the schema that lists its values (``const``: the one value)."""
    return {
        (name, key): prop["enum"] if "enum" in prop else [prop["const"]]
        for name, definition in schema["$defs"].items()
        for key, prop in definition.get("properties", {}).items()
        if "enum" in prop or "const" in prop
    }


def test_every_enumeration_of_the_schema_is_covered_here(schema) -> None:
    assert set(_enumerations(schema)) == set(_ENUMERATED)


@pytest.mark.parametrize("field", sorted(_ENUMERATED), ids="-".join)
def test_the_check_takes_exactly_the_values_the_schema_lists(tmp_path, schema, field) -> None:
    """Each value the schema file gives editors is one ``validate`` takes, and any other
    is refused (FC001) with a fix naming exactly those values: the schema file, the
    validator and the vocabulary cannot disagree unnoticed."""
    from flanders_clusters.errors import dotted_path

    base = tomllib.loads(SMALL)
    base["clusters"]["alpha"]["labels"] = [
        {"scheme": "esca", "level": "bronze", "awarded": dt.date(2020, 1, 1)}
    ]
    base["partners"]["acme"]["nace"] = ["62010"]
    base["events"] = {
        "meet": {
            "title": "Meet",
            "kind": "other",
            "start": dt.date(2024, 1, 1),
            "participants": [{"partner": "acme"}],
        }
    }
    place = _ENUMERATED[field]
    values = _enumerations(schema)[field]

    def fc001(value) -> list[dict]:
        data = copy.deepcopy(base)
        record = data
        for part in place[:-1]:
            record = record[part]
        record[place[-1]] = value
        path = tmp_path / "clusters.toml"
        path.write_text(tomli_w.dumps(data), encoding="utf-8")
        found = run("--registry", str(path), "validate", "--json").json()["findings"]
        return [f for f in found if f["code"] == "FC001" and f["path"] == dotted_path(place)]

    for value in values:
        assert fc001(value) == [], value
    [refused] = fc001("not-a-value")
    assert refused["message"] == "'not-a-value' is not allowed"
    assert sorted(re.findall(r"'([^']*)'", refused["fix"])) == sorted(values)


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
