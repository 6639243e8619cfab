"""The options of the records' fields, derived from their declarations.

Each field is declared once, in ``registry/records.py``; its option (name, help, type,
checks) follows from that declaration, so a field has the same option and the same
checks in every command that takes it. Loaded only by the edit commands.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from ..registry.fields import Field, fields, optional
from ..registry.vocabulary import INT64_MAX
from .value_parsers import (
    DATE,
    Parsed,
    WholeNumber,
    one_of,
    parse_country,
    parse_enterprise_number,
    parse_id,
    parse_nace,
    parse_number,
    parse_prose,
    parse_text,
    parse_url,
)

_PARSERS: dict[str, Callable[[str], Any]] = {
    "text": parse_text,
    "prose": parse_prose,
    "url": parse_url,
    "id": parse_id,
    "enterprise-number": parse_enterprise_number,
    "country": parse_country,
    "nace": parse_nace,
}
_METAVARS = {
    "text": "TEXT",
    "prose": "TEXT",
    "url": "URL",
    "id": "ID",
    "enterprise-number": "NUMBER",
    "country": "CC",
    "nace": "CODE",
    "date": "DATE",
    "count": "N",
    "euro": "EUR",
    "rate": "SHARE",
    "number": "N",
}


def _type(field: Field) -> click.ParamType:
    """What parses and checks the option's text, from the field's kind."""
    kind = field.kind
    if kind == "choice":
        return Parsed(one_of(field.choices or ()), "choice")
    if kind == "date":
        return DATE
    if kind == "bool":
        return click.BOOL
    if kind == "count":
        return WholeNumber(0, INT64_MAX)
    if kind in ("euro", "rate", "number"):
        high = 1.0 if kind == "rate" else 1e12
        return Parsed(functools.partial(parse_number, high=high), "number")
    return Parsed(_PARSERS[kind], kind)


def field_option(field: Field, required: bool = False) -> click.Option:
    """The option of a record field (``--website URL``), named after the field's key:
    a list field's option is repeatable, a boolean's is a pair (``--x/--no-x``)."""
    assert field.option is not None, f"{field.key} has no option"
    if field.kind == "bool":
        return click.Option(
            [field.key, f"{field.option}/--no-{field.option[2:]}"],
            default=None,
            required=required,
            help=field.meta.help,
        )
    complete = None
    if field.meta.refers is not None and field.kind == "id":  # --cluster, --organiser
        from .completion import ids

        complete = ids(field.meta.refers)
    return click.Option(
        [field.key, field.option],
        type=_type(field),
        metavar="|".join(field.choices or ()) or _METAVARS.get(field.kind, "TEXT"),
        multiple=field.is_list,
        required=required,
        help=field.meta.help,
        shell_complete=complete,
    )


def options_of(
    record: type, required: tuple[str, ...] = (), only: tuple[str, ...] | None = None
) -> list[click.Option]:
    """The options of a record's fields (those with an option), in declared order."""
    keys = {f.key for f in fields(record)}
    unknown = [key for key in (*required, *(only or ())) if key not in keys]
    assert not unknown, f"{record.__name__} has no field {', '.join(unknown)}"
    return [
        field_option(f, required=f.key in required)
        for f in fields(record)
        if f.option is not None and (only is None or f.key in only)
    ]


def unset_option(record: type) -> click.Option:
    """``--unset FIELD`` (repeatable): a field's key, its option's spelling or its name;
    the fields a record may lack."""
    keys = optional(record)
    spellings: dict[str, str] = {}
    for f in fields(record):
        if f.key in keys:
            spellings[f.key] = f.key
            spellings[f.key.replace("_", "-")] = f.key
            spellings[(f.option or "").removeprefix("--")] = f.key
    listed = ", ".join(k.replace("_", "-") for k in keys)

    def field_named(value: str) -> str:
        found = spellings.get(value.removeprefix("--"))
        if found is None:
            raise click.BadParameter(
                f"{value!r} is not a field this command can remove; use one of: {listed}"
            )
        return found

    return click.Option(
        ["unset", "--unset"],
        type=Parsed(field_named, "field"),
        multiple=True,
        metavar="FIELD",
        help="Remove a field before the others are set, so --unset F --F VALUE replaces "
        f"it (repeatable): {listed}.",
    )
