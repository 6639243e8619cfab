"""The table of edit commands: each row's command, options derived from the records'
field declarations, and its change, a named function of a typed request."""

from __future__ import annotations

import datetime as dt

import click
import pytest
from conftest import run

from flanders_clusters.cli import edit_table
from flanders_clusters.cli.app import COMMANDS, app
from flanders_clusters.cli.edit_table import TABLE, Request
from flanders_clusters.registry.fields import fields, optional
from flanders_clusters.registry.records import Funding, Label, Member, Partner

ROWS = {edit.name: edit for edit in TABLE}
EVERY_EDIT = ["--on", "--dry-run", "--json", "--registry", "--lock-timeout"]


def options(name: str) -> list[str]:
    """The options of ``clusters NAME`` as the root group gives it to a user."""
    command = app.get_command(click.Context(app), name)
    assert command is not None
    return [p.opts[0] for p in command.params if isinstance(p, click.Option)]


def test_the_table_holds_every_edit_command_of_the_module() -> None:
    assert set(ROWS) == {n for n, m in COMMANDS.items() if m == "edit_commands"}
    assert list(ROWS) == [n for n in COMMANDS if n in ROWS]  # in the order of --help


@pytest.mark.parametrize("name", list(ROWS))
def test_the_options_are_the_fields_of_the_rows_records_in_declared_order(name: str) -> None:
    edit = ROWS[name]
    declared = [
        f.option
        for group in edit.options
        for f in fields(group.record)
        if f.option is not None and (group.only is None or f.key in group.only)
    ]
    extra = ["--drop-cluster"] * edit.drop_cluster + ["--unset"] * edit.unset
    assert options(name) == [*declared, *extra, *EVERY_EDIT]


@pytest.mark.parametrize("name", list(ROWS))
def test_each_change_is_a_named_function_of_the_table(name: str) -> None:
    change = ROWS[name].change
    assert change.__name__ == name.replace("-", "_")
    assert getattr(edit_table, change.__name__) is change


def test_a_field_declared_required_is_a_required_option() -> None:
    result = run("add-cluster", "acme-network", "--name", "Acme Network", "--type", "icn")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: Missing option '--domain'.\n")


def test_unset_names_the_fields_a_record_may_lack() -> None:
    text = " ".join(run("update-member", "--help").stdout.split())
    listed = ", ".join(key.replace("_", "-") for key in optional(Member))
    assert listed == "role, since, until"
    assert f"replaces it (repeatable): {listed}. --on" in text


def test_a_request_gives_a_records_values_in_declared_order() -> None:
    given = {"role": "member", "kind": "company", "name": "Acme NV", "since": dt.date(2024, 1, 1)}
    request = Request(cluster="vil", partner="acme", given=given)
    assert list(request.fields(Partner).items()) == [("name", "Acme NV"), ("kind", "company")]
    assert list(request.fields(Member)) == ["role", "since"]
    assert request.fields(Funding) == {}


@pytest.mark.parametrize("name", [n for n, edit in ROWS.items() if len(edit.options) > 1])
def test_the_records_of_a_row_share_no_option(name: str) -> None:
    # A request keys the values given by field: two records of one command with a field
    # of the same name would take one value for both.
    assert len(set(options(name))) == len(options(name))


def test_a_request_names_a_label_by_typed_keys() -> None:
    awarded = dt.date(2025, 6, 1)
    request = Request(
        cluster="flux50", given={"awarded": awarded, "scheme": "esca", "level": "gold"}
    )
    label = request.typed(Label)
    assert (label["scheme"], label["awarded"]) == ("esca", awarded)
    assert request.fields(Label, leave_out=edit_table.LABEL_IDENTITY) == {"level": "gold"}
