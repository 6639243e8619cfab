"""Commands that change the registry (SPEC §4): add, update and remove records.

The options of a record's fields are declared once, in ``FIELDS``, and every command that
takes them (add-cluster and update-cluster, add-partner and add-member, …) is built from
that table, so a field has the same option, type and check everywhere.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import edits, files
from ..domain import normalise_country, normalise_enterprise_number, one_line
from ..rules import Scope
from ..vocabulary import (
    CLUSTER_TYPES,
    END_BASES,
    NETWORK_ROLES,
    PARTNER_KINDS,
    PARTNER_SIZES,
    ROLES,
)
from .app import DryRunOpt, JsonOpt, OnOpt, one_of, parse_date, session

app = typer.Typer()


def parse_enterprise_number(value: str | None) -> str | None:
    if value is None:
        return None
    normal = normalise_enterprise_number(value)
    if normal is None:
        raise typer.BadParameter(
            f"{value!r} is not an enterprise number; write 0123.456.789, 0123456789 or BE0123456789"
        )
    return normal


def parse_country(value: str | None) -> str | None:
    if value is None:
        return None
    code = normalise_country(value)
    if code is None:
        raise typer.BadParameter(f"{value!r} is not an ISO 3166 alpha-2 code such as BE")
    return code


def parse_text(value: str | None) -> str | None:
    """A one-line text option, trimmed (stored values have no spaces at either end)."""
    if value is None:
        return None
    if not value.strip():
        raise typer.BadParameter("must not be empty")
    text = one_line(value)
    if text is None:
        raise typer.BadParameter("must be one line")
    return text


def parse_texts(values: list[str] | None) -> list[str] | None:
    return None if values is None else [parse_text(value) for value in values]


def parse_prose(value: str | None) -> str | None:
    """Free text (notes, an action plan): kept as written, several lines allowed."""
    if value is not None and not value.strip():
        raise typer.BadParameter("must not be empty")
    return value


@dataclass(frozen=True)
class Field:
    """One field of a record as a command-line option."""

    key: str
    help: str
    kind: Any = str  # str, int, float, bool, dt.date, list, or a tuple of choices
    parser: Callable[[Any], Any] | None = None
    name: str | None = None  # the option's name when it is not the key's

    @property
    def option(self) -> str:
        return "--" + (self.name or self.key).replace("_", "-")

    def parameter(self, required: bool = False) -> inspect.Parameter:
        kind, extra = self.kind, {}
        if isinstance(kind, tuple):
            extra = {"callback": one_of(kind), "metavar": "|".join(kind)}
            kind = str
        elif kind is dt.date:
            extra = {"parser": parse_date, "metavar": "DATE"}
        elif self.parser is not None:
            extra = {"callback": self.parser}
        names = [f"{self.option}/--not-{self.option[2:]}"] if kind is bool else [self.option]
        if kind in (int, float):
            extra["min"] = 0
        annotation = list[str] if kind is list else kind
        option = typer.Option(*names, help=self.help, **extra)
        return inspect.Parameter(
            self.key,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[annotation if required else annotation | None, option],
            default=inspect.Parameter.empty if required else None,
        )


CLUSTER_FIELDS = (
    Field("name", "Display name.", parser=parse_text),
    Field("type", "spearhead or icn.", CLUSTER_TYPES),
    Field("domain", "Domain, e.g. 'Logistics'.", parser=parse_text),
    Field("website", "Website URL.", parser=parse_text),
    Field("recognised", "Date of recognition.", dt.date),
    Field("reported_members", "A public member count.", int),
    Field("members_complete", "Whether the member list is complete.", bool),
    Field(
        "sources",
        "A source URL (repeatable; update adds to the list).",
        list,
        parser=parse_texts,
        name="source",
    ),
    Field("notes", "Remarks: where a date or figure comes from.", parser=parse_prose),
    Field("action_plan", "An ICN's action plan, or a URL to it.", parser=parse_prose),
    Field("ended", "Date the cluster ended.", dt.date),
    Field("successor", "What the cluster became.", parser=parse_text),
)
PARTNER_FIELDS = (
    Field("name", "Organisation name.", parser=parse_text),
    Field("kind", "company, knowledge, government or other.", PARTNER_KINDS),
    Field("size", "sme or large (companies).", PARTNER_SIZES),
    Field(
        "enterprise_number",
        "KBO/BCE number; stored as 0123.456.789.",
        parser=parse_enterprise_number,
    ),
    Field("postal_code", "Postal code of the seat.", parser=parse_text),
    Field("country", "ISO 3166 alpha-2 country code (default BE).", parser=parse_country),
    Field("network_role", "FI&E network category.", NETWORK_ROLES),
    Field("website", "Website URL.", parser=parse_text),
)
MEMBER_FIELDS = (
    Field("role", "member, founder, board or clusterpact.", ROLES),
    Field("since", "First day of membership.", dt.date),
    Field("until", "Last day of membership.", dt.date),
)
FUNDING_FIELDS = (
    Field("start", "First day of the period.", dt.date),
    Field("end", "Last day of the period (inclusive).", dt.date),
    Field("end_basis", "published, policy-max or estimate.", END_BASES),
    Field("annual_support_eur", "Support per 12 months in EUR.", float),
    Field("total_support_eur", "Support for the whole period in EUR.", float),
    Field("support_rate", "Share of running costs paid (0.5 = 50 %).", float),
    Field("reference", "Decision or agreement id.", parser=parse_text),
)


def _arg(name: str, help_text: str) -> inspect.Parameter:
    metavar = name.removesuffix("_id").upper()
    argument = typer.Argument(help=help_text, show_default=False, metavar=metavar)
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[str, argument]
    )


def _unset(fields: tuple[Field, ...], required: tuple[str, ...]) -> inspect.Parameter:
    optional = tuple(f.key for f in fields if f.key not in required)
    check = one_of(optional)
    option = typer.Option(
        "--unset",
        metavar="FIELD",
        help="Remove a field: " + ", ".join(optional) + " (repeatable).",
        callback=lambda values: [check(v) for v in values or ()],
    )
    return inspect.Parameter(
        "unset",
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[list[str] | None, option],
        default=None,
    )


def _common() -> list[inspect.Parameter]:
    keyword = inspect.Parameter.KEYWORD_ONLY
    return [
        inspect.Parameter("on", keyword, annotation=OnOpt, default=None),
        inspect.Parameter("dry_run", keyword, annotation=DryRunOpt, default=False),
        inspect.Parameter("as_json", keyword, annotation=JsonOpt, default=False),
    ]


def _number(value: Any) -> Any:
    """A whole float from an option (``--annual-support-eur 500000``) is stored as an int."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def pick(values: dict[str, Any], fields: tuple[Field, ...]) -> dict[str, Any]:
    """The given (non-None) field values, in the fields' order."""
    out = {}
    for field in fields:
        value = values.get(field.key)
        if value is None or value == []:
            continue
        out[field.key] = _number(value) if field.key.endswith("_eur") else value
    return out


def edit_command(
    name: str,
    doc: str,
    arguments: list[inspect.Parameter],
    options: list[inspect.Parameter],
    change: Callable[[dict[str, Any]], Callable[[dict[str, Any]], dict[str, Any]]],
    message: Callable[[dict[str, Any]], str],
) -> None:
    """Register ``clusters NAME``: parse, then run ``change(values)`` in a transaction."""

    def command(ctx: typer.Context, **values: Any) -> None:
        dry_run, as_json, on = values.pop("dry_run"), values.pop("as_json"), values.pop("on")
        with session(ctx, as_json) as s:
            outcome = files.transact(
                s.source(),
                change(values),
                scope=Scope(
                    clusters=frozenset(filter(None, [values.get("cluster_id")])),
                    partners=frozenset(filter(None, [values.get("partner_id")])),
                ),
                timeout=s.settings.lock_timeout,
                dry_run=dry_run,
                on=on,
            )
            show(s, outcome, message(outcome), dry_run)

    parameters = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context),
        *arguments,
        *options,
        *_common(),
    ]
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    command.__doc__ = doc
    command.__name__ = name.replace("-", "_")
    app.command(name)(command)


def show(s: Any, outcome: dict[str, Any], text: str, dry_run: bool) -> None:
    """An edit's result: JSON, or the diff of a dry run on stdout and a line on stderr."""
    if dry_run and not s.as_json:
        from .app import write_stdout

        if outcome["diff"]:
            from ..render import terminal_safe

            write_stdout(terminal_safe(outcome["diff"]))
        text = f"dry run, nothing written: {text}"
    s.result({**outcome, "message": text})


def said(done: str, same: str) -> Callable[[dict[str, Any]], str]:
    """The message of an edit: ``done`` when it changed the file, else ``same``."""
    return lambda o: (done if o["changed"] else "unchanged: " + same).format(**o)


def _fields(fields: tuple[Field, ...], required: tuple[str, ...] = ()) -> list[inspect.Parameter]:
    return [f.parameter(required=f.key in required) for f in fields]


# -- clusters ----------------------------------------------------------------------------

edit_command(
    "add-cluster",
    "Add a cluster (name, type and domain are required).",
    [_arg("cluster_id", "New cluster id (lowercase, digits, '-').")],
    _fields(CLUSTER_FIELDS, ("name", "type", "domain")),
    lambda v: lambda data: edits.add_cluster(data, v["cluster_id"], pick(v, CLUSTER_FIELDS)),
    said("added cluster {cluster}", "cluster {cluster} exists with these values"),
)
edit_command(
    "update-cluster",
    "Change a cluster's fields (--FIELD VALUE) or remove them (--unset FIELD).",
    [_arg("cluster_id", "Cluster id.")],
    [*_fields(CLUSTER_FIELDS), _unset(CLUSTER_FIELDS, ("name", "type", "domain"))],
    lambda v: (
        lambda data: edits.update_cluster(
            data, v["cluster_id"], pick(v, CLUSTER_FIELDS), v["unset"] or ()
        )
    ),
    said("updated cluster {cluster}", "cluster {cluster} already has these values"),
)
edit_command(
    "remove-cluster",
    "Remove a cluster with its funding periods and memberships.",
    [_arg("cluster_id", "Cluster id.")],
    [],
    lambda v: lambda data: edits.remove_cluster(data, v["cluster_id"]),
    said("removed cluster {cluster}", ""),
)

# -- partners ----------------------------------------------------------------------------

edit_command(
    "add-partner",
    "Add a partner (name and kind are required).",
    [_arg("partner_id", "New partner id (lowercase, digits, '-').")],
    _fields(PARTNER_FIELDS, ("name", "kind")),
    lambda v: lambda data: edits.add_partner(data, v["partner_id"], pick(v, PARTNER_FIELDS)),
    said("added partner {partner}", "partner {partner} exists with these values"),
)
edit_command(
    "update-partner",
    "Change a partner's fields (--FIELD VALUE) or remove them (--unset FIELD).",
    [_arg("partner_id", "Partner id.")],
    [*_fields(PARTNER_FIELDS), _unset(PARTNER_FIELDS, ("name", "kind"))],
    lambda v: (
        lambda data: edits.update_partner(
            data, v["partner_id"], pick(v, PARTNER_FIELDS), v["unset"] or ()
        )
    ),
    said("updated partner {partner}", "partner {partner} already has these values"),
)
edit_command(
    "remove-partner",
    "Remove a partner (refused while it is a member of a cluster).",
    [_arg("partner_id", "Partner id.")],
    [],
    lambda v: lambda data: edits.remove_partner(data, v["partner_id"]),
    said("removed partner {partner}", ""),
)

# -- memberships -------------------------------------------------------------------------

_MEMBER_ARGS = [_arg("cluster_id", "Cluster id."), _arg("partner_id", "Partner id.")]

edit_command(
    "add-member",
    "Add a membership; creates the partner when --name and --kind are given.",
    _MEMBER_ARGS,
    [*_fields(PARTNER_FIELDS), *_fields(MEMBER_FIELDS)],
    lambda v: (
        lambda data: edits.add_member(
            data, v["cluster_id"], v["partner_id"], pick(v, MEMBER_FIELDS), pick(v, PARTNER_FIELDS)
        )
    ),
    said("added {partner} to {cluster}", "{partner} is already a member of {cluster}"),
)
edit_command(
    "update-member",
    "Change a membership's role or dates, or remove them (--unset FIELD).",
    _MEMBER_ARGS,
    [*_fields(MEMBER_FIELDS), _unset(MEMBER_FIELDS, ())],
    lambda v: (
        lambda data: edits.update_member(
            data, v["cluster_id"], v["partner_id"], pick(v, MEMBER_FIELDS), v["unset"] or ()
        )
    ),
    said("updated {partner} in {cluster}", "{partner} in {cluster} already has these values"),
)
edit_command(
    "remove-member",
    "Remove a membership.",
    _MEMBER_ARGS,
    [],
    lambda v: lambda data: edits.remove_member(data, v["cluster_id"], v["partner_id"]),
    said("removed {partner} from {cluster}", "{partner} is not a member of {cluster}"),
)

# -- funding -----------------------------------------------------------------------------

edit_command(
    "add-funding",
    "Add a funding period (--start and --end are required).",
    [_arg("cluster_id", "Cluster id.")],
    _fields(FUNDING_FIELDS, ("start", "end")),
    lambda v: lambda data: edits.add_funding(data, v["cluster_id"], pick(v, FUNDING_FIELDS)),
    said("added funding from {start} to {cluster}", "{cluster} has this period from {start}"),
)
edit_command(
    "remove-funding",
    "Remove the funding period that starts on --start.",
    [_arg("cluster_id", "Cluster id.")],
    [FUNDING_FIELDS[0].parameter(required=True)],
    lambda v: lambda data: edits.remove_funding(data, v["cluster_id"], v["start"]),
    said("removed funding from {start} of {cluster}", "{cluster} has no period from {start}"),
)


# -- bulk import -------------------------------------------------------------------------


@app.command("import-members")
def import_members(
    ctx: typer.Context,
    cluster_id: Annotated[str, typer.Argument(help="Cluster id.", metavar="CLUSTER")],
    csv_file: Annotated[
        Path, typer.Argument(help="CSV file (UTF-8; ',' or ';').", metavar="FILE.csv")
    ],
    on: OnOpt = None,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Add members from a CSV file: all rows checked first, then one write."""
    from .. import importing
    from ..render import progress

    with session(ctx, as_json) as s:
        rows = importing.read_rows(csv_file)
        with progress(len(rows), f"importing into {cluster_id}") as tick:
            outcome = files.transact(
                s.source(),
                lambda data: importing.apply(data, cluster_id, rows, tick, csv_file),
                scope=Scope(frozenset([cluster_id]), frozenset(row.partner for row in rows)),
                timeout=s.settings.lock_timeout,
                dry_run=dry_run,
                on=on,
            )
        show(s, outcome, importing.summary(outcome), dry_run)
