"""Regression tests of the reshaped command line and registry layer."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from conftest import SMALL, run, write_registry

from flanders_clusters.registry import check


def cli(path: Path, *args: str):
    return run("--registry", str(path), *args)


def test_a_global_option_name_as_an_option_value_is_stored_as_text(registry: Path) -> None:
    done = cli(registry, "update-cluster", "alpha", "--notes", "--registry", "--json")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert tomllib.loads(registry.read_text("utf-8"))["clusters"]["alpha"]["notes"] == (
        "--registry"
    )
    timeout = cli(registry, "update-cluster", "alpha", "--notes", "--lock-timeout")
    assert timeout.exit_code == 0, timeout.stderr
    assert "--lock-timeout" in registry.read_text("utf-8")


def test_global_options_work_after_the_command_too(registry: Path) -> None:
    after = run("list", "--registry", str(registry), "--lock-timeout", "3", "--json")
    assert after.exit_code == 0
    assert [row["id"] for row in after.json()] == ["alpha", "beta"]
    # the command's own --registry wins over the root's
    other = write_registry(registry.parent, SMALL.replace("Alpha Cluster", "Other"), "b.toml")
    both = run("--registry", str(registry), "show", "alpha", "--registry", str(other), "--json")
    assert both.json()["name"] == "Other"


@pytest.mark.parametrize(("table", "key"), [("max_years", "icn"), ("max_years", "spearhead")])
def test_zero_years_in_the_policy_is_a_schema_problem(tmp_path: Path, table: str, key: str) -> None:
    path = write_registry(tmp_path, SMALL + f"\n[policy]\n{table} = {{ {key} = 0 }}\n")
    done = cli(path, "validate", "--json")
    assert done.exit_code == 1
    found = done.json()["findings"]
    assert [(f["code"], f["path"]) for f in found] == [("FC001", f"policy.{table}.{key}")]
    assert "below 1" in found[0]["message"]


@pytest.mark.parametrize("spelling", ["reported-members", "reported_members", "--reported-members"])
def test_unset_takes_the_option_spelling(registry: Path, spelling: str) -> None:
    assert cli(registry, "update-cluster", "alpha", "--reported-members", "9").exit_code == 0
    done = cli(registry, "update-cluster", "alpha", "--unset", spelling, "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["changed"] is True
    assert "reported_members" not in registry.read_text("utf-8")


def test_unset_sources_by_the_option_name(registry: Path) -> None:
    done = cli(registry, "update-cluster", "alpha", "--unset", "source", "--json")
    assert done.exit_code == 0, done.stderr
    assert "sources" not in tomllib.loads(registry.read_text("utf-8"))["clusters"]["alpha"]


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


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("add-cluster", "Bad Id", "--name", "X", "--type", "icn", "--domain", "D"), 2),
        (("show", "UPPER"), 2),
        (("add-partner", "ok", "--name", "X", "--kind", "company", "--enterprise-number", "12"), 2),
    ],
)
def test_malformed_ids_and_values_are_usage_errors(registry: Path, args, code) -> None:
    before = registry.read_bytes()
    done = cli(registry, *args, "--json")
    assert done.exit_code == code
    assert done.json()["error"]["code"] == "usage"
    assert registry.read_bytes() == before


def test_errors_carry_their_fix_apart_from_the_message(registry: Path) -> None:
    error = cli(registry, "show", "alpah", "--json").json()["error"]
    assert error == {
        "code": "unknown-cluster",
        "message": "no cluster 'alpah' (did you mean 'alpha'?)",
        "fix": "see `clusters list` for the ids",
    }
    text = cli(registry, "show", "alpah")
    assert text.stderr == (
        "error: no cluster 'alpah' (did you mean 'alpha'?); fix: see `clusters list` for the ids\n"
    )


def test_init_over_an_existing_file_says_already_exists(registry: Path) -> None:
    error = run("init", str(registry), "--json").json()["error"]
    assert error["code"] == "already-exists"


def test_help_shows_no_type_placeholders(registry: Path) -> None:
    for command in ("list", "update-cluster", "add-member", "validate", "timeline"):
        text = run(command, "--help").stdout
        assert "<bool>" not in text and not re.search(r"\bspec\b", text, re.I), command
