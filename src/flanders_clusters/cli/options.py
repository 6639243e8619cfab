"""Options shared by the commands, and the options derived from the records' fields.

Every command is registered through ``command()``: it becomes a Typer app of its own
(built only when it runs), and gains the global options ``--registry`` and
``--lock-timeout``, which may therefore follow the command name as well as precede it
(``clusters list --registry x.toml``) and are parsed like any option, so they never take
another option's value. A malformed value is a usage error (exit 2) here, before the
registry is read; a well-formed value that breaks a rule is the edit's refusal (exit 4).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
import re
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
import typer.core

from ..external import enterprise_numbers
from ..programme import enterprises
from ..registry import vocabulary
from ..registry.fields import Field
from ..registry.store import DEFAULT_LOCK_TIMEOUT
from ..registry.vocabulary import INT64_MAX, MAX_ID_LENGTH, NACE_PATTERN, SLUG_PATTERN, URL_PATTERN

CONTEXT = {"help_option_names": ["-h", "--help"]}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLUG = re.compile(SLUG_PATTERN)
_SLUG_CHARACTERS = re.compile(r"^[a-z0-9][a-z0-9-]*$")  # a slug but for its length
_URL = re.compile(URL_PATTERN)


# -- parsers: text to a value, or a usage error --------------------------------------------


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """``YYYY-MM-DD`` only (not ``20261127`` nor ``2026-W48-5``, which Python would take)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        if not _DATE.match(value):
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD") from None


def utf8(value: str) -> str:
    """A value as the shell gave it, if it is text: bytes that are not UTF-8 (``$'bad\\xff'``)
    reach Python as lone surrogates, which no file can hold; a usage error."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate that stands for no byte
            raw = value.encode("utf-8", "backslashreplace")
        raise typer.BadParameter(
            f"{repr(raw)[1:]} is not valid UTF-8; write it in UTF-8 (check the encoding of "
            "the terminal or the script that passed it)"
        ) from None
    return value


def parse_text(value: str | None) -> str | None:
    """A one-line text, trimmed (stored values have no spaces at either end), without
    control or bidirectional characters."""
    if value is None:
        return None
    utf8(value)
    problem = vocabulary.text_problem(value)
    if problem is not None:
        raise typer.BadParameter(problem)
    return value.strip()


def parse_prose(value: str | None) -> str | None:
    """Free text (notes, an action plan): kept as written, several lines and tabs
    allowed, other control characters not."""
    if value is None:
        return None
    problem = vocabulary.prose_problem(utf8(value))
    if problem is not None:
        raise typer.BadParameter(problem)
    return value


def parse_url(value: str | None) -> str | None:
    text = parse_text(value)
    if text is not None and not _URL.fullmatch(text):
        raise typer.BadParameter(f"{value!r} is not an http or https URL; write https://…")
    return text


def parse_id(value: str | None) -> str | None:
    if value is not None:
        utf8(value)
    if value is not None and len(value) > MAX_ID_LENGTH and _SLUG_CHARACTERS.fullmatch(value):
        raise typer.BadParameter(
            f"{value[:20]!r}… has {len(value)} characters; an id has at most {MAX_ID_LENGTH}"
        )
    if value is not None and not _SLUG.fullmatch(value):
        suggestion = "-".join(
            "".join(c if c.isascii() and c.isalnum() else " " for c in value.lower()).split()
        )
        hint = f", e.g. {suggestion!r}" if suggestion else ""
        raise typer.BadParameter(
            f"{value!r} is not an id: use lowercase letters, digits and '-'{hint}"
        )
    return value


def parse_enterprise_number(value: str | None) -> str | None:
    if value is None:
        return None
    normal = enterprise_numbers.normalise_enterprise_number(value)
    if normal is None:
        raise typer.BadParameter(
            f"{value!r} is not an enterprise number; write 0123.456.789, 0123456789 or BE0123456789"
        )
    return normal


def parse_country(value: str | None) -> str | None:
    if value is None:
        return None
    code = enterprises.normalise_country(value)
    if code is None:
        raise typer.BadParameter(f"{value!r} is not an ISO 3166-1 alpha-2 country code such as BE")
    return code


def parse_nace(value: str | None) -> str | None:
    if value is not None and not re.match(NACE_PATTERN, value):
        raise typer.BadParameter(f"{value!r} is not a NACE code: 5 or 7 digits, no dots")
    return value


def parse_number(value: str | float | None, *, high: float = 1e12) -> float | int | None:
    """A finite number from 0 to ``high`` (``inf`` and ``nan`` are usage errors); a whole
    number is stored as an integer (``--annual-support-eur 500000``)."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise typer.BadParameter(f"{value!r} is not a finite number")
    if number < 0 or number > high:
        raise typer.BadParameter(f"{value!r} is not between 0 and {high:g}")
    return int(number) if number.is_integer() else number


def one_of(values: tuple[str, ...]) -> Callable[[str | None], str | None]:
    """A callback that accepts only ``values`` (else a usage error, exit 2)."""

    def check(value: str | None) -> str | None:
        if value is not None and value not in values:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(values)}")
        return value

    return check


def each(parse: Callable[[Any], Any]) -> Callable[[list[str] | None], list[Any] | None]:
    return lambda values: None if values is None else [parse(value) for value in values]


# -- the options of every command ------------------------------------------------------------

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
OnOpt = Annotated[
    dt.date | None,
    typer.Option(
        "--on", parser=parse_date, metavar="DATE", help="Judge on this date (default: today)."
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Print the change as a diff; write nothing.")
]


def choice(name: str, values: tuple[str, ...], help_text: str, metavar: str | None = None):
    """An option limited to ``values`` (its help text says its default, if any)."""
    return typer.Option(
        name,
        callback=one_of(values),
        metavar=metavar or "|".join(values),
        help=help_text,
        show_default=False,
    )


def id_argument(noun: str, help_text: str) -> Any:
    """A record id argument: CLUSTER, PARTNER, EVENT; a malformed id is a usage error."""
    return typer.Argument(
        help=help_text, metavar=noun.upper(), callback=parse_id, show_default=False
    )


# -- global options on every command ----------------------------------------------------------

GLOBAL_KEY = "clusters.global"


def _registry_option() -> Any:
    return typer.Option(
        "--registry",
        metavar="PATH",
        help="Registry file (else $CLUSTERS_REGISTRY, ./data/clusters.toml, the shipped one).",
        show_default=False,
    )


def _lock_option() -> Any:
    return typer.Option(
        "--lock-timeout",
        min=0,
        max=86400,
        metavar="SECONDS",
        help="Wait this long for another writer's lock (default 10).",
        show_default=False,
    )


def remember(ctx: typer.Context, registry: str | None, lock_timeout: float | None) -> None:
    """Keep the global options given at this level (the command's over the root's)."""
    found = ctx.meta.setdefault(GLOBAL_KEY, {})
    if registry is not None:
        found["registry"] = registry
    if lock_timeout is not None:
        found["lock_timeout"] = lock_timeout


def global_settings(ctx: typer.Context) -> tuple[str | None, float]:
    found = ctx.meta.get(GLOBAL_KEY, {})
    return found.get("registry"), found.get("lock_timeout", DEFAULT_LOCK_TIMEOUT)


def _with_globals(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` with ``--registry`` and ``--lock-timeout`` added to its options."""
    signature = inspect.signature(function)
    if "ctx" not in signature.parameters:
        raise TypeError(f"{function.__name__} must take ctx: typer.Context")
    # The annotations as objects: the wrapper lives in this module, whose names differ.
    hints = typing.get_type_hints(function, include_extras=True)
    signature = signature.replace(
        parameters=[
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in signature.parameters.values()
        ]
    )

    @functools.wraps(function)
    def command(*args: Any, **kwargs: Any) -> Any:
        registry = kwargs.pop("global_registry")
        lock_timeout = kwargs.pop("global_lock_timeout")
        ctx = kwargs.get("ctx") or next(a for a in args if isinstance(a, typer.Context))
        remember(ctx, registry, lock_timeout)
        return function(*args, **kwargs)

    keyword = inspect.Parameter.KEYWORD_ONLY
    extra = [
        inspect.Parameter(
            "global_registry",
            keyword,
            annotation=Annotated[str | None, _registry_option()],
            default=None,
        ),
        inspect.Parameter(
            "global_lock_timeout",
            keyword,
            annotation=Annotated[float | None, _lock_option()],
            default=None,
        ),
    ]
    parameters = list(signature.parameters.values())
    position = next(
        (i for i, p in enumerate(parameters) if p.kind is inspect.Parameter.VAR_KEYWORD),
        len(parameters),
    )
    parameters[position:position] = extra
    command.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in parameters}
    return command


class Command(typer.core.TyperCommand):
    """A command whose help shows what a user types: an argument by its name alone
    (Typer would add the Python type: ``CLUSTER <str>``), ``CLUSTER`` or ``[CODE]`` in the
    usage line (not ``{CLUSTER}``, nor ``[[CODE]]``); and that suggests, for a mistyped
    option, only the options whose names are close to it."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(_argument_name(param))
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        for title, records in (("Arguments", arguments), ("Options", options)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        with close_suggestions(self, ctx):
            return super().parse_args(ctx, args)


def _argument_name(param: Any) -> str:
    name = param.metavar or (param.name or "").upper()
    return name if param.required else f"[{name}]"


@contextmanager
def close_suggestions(command: Any, ctx: Any) -> Iterator[None]:
    """An unknown option suggests the options of ``command`` whose names, without their
    dashes, are close to it (click compares them with the dashes, which are alike in
    every option: ``--frob`` got "--on")."""
    try:
        yield
    except Exception as exc:
        typed = getattr(exc, "option_name", None)
        if typed and hasattr(exc, "possibilities"):
            names = [n for p in command.get_params(ctx) for n in getattr(p, "opts", ())]
            names += [n for p in command.get_params(ctx) for n in getattr(p, "secondary_opts", ())]
            exc.possibilities = close_options(typed, names)
        raise


def close_options(typed: str, names: list[str]) -> list[str]:
    """The long options among ``names`` close to ``typed`` (``--jsn`` → ``--json``)."""
    import difflib

    bare = {name.lstrip("-"): name for name in names if name.startswith("--")}
    close = difflib.get_close_matches(typed.lstrip("-"), list(bare), n=3, cutoff=0.6)
    return [bare[name] for name in close]


def new_app(help_text: str | None = None, **options: Any) -> typer.Typer:
    """A Typer app in the house style: plain help text, no completion installer."""
    return typer.Typer(
        help=help_text,
        rich_markup_mode=None,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings=CONTEXT,
        **options,
    )


def new_group(help_text: str) -> typer.Typer:
    """A group of commands (``clusters partner show``): an app with a callback that does
    nothing, so that Typer keeps it a group even when it holds one command."""
    group = new_app(help_text, no_args_is_help=True)
    group.callback()(_nothing)
    return group


def _nothing() -> None:
    pass


def command(
    apps: dict[str, typer.Typer], name: str, group: typer.Typer | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``clusters NAME`` (in ``apps``, or as a subcommand of ``group``)."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        wrapped = _with_globals(function)
        if group is not None:
            group.command(name, cls=Command)(wrapped)
        else:
            app = new_app()
            app.command(name, cls=Command)(wrapped)
            apps[name] = app
        return function

    return register


# -- options from the records' fields ----------------------------------------------------------

_PARSERS: dict[str, Callable[[Any], Any]] = {
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


def field_option(field: Field, required: bool = False, help_text: str | None = None) -> Any:
    """The Typer option of a record field, with its parsing and checks."""
    assert field.option is not None, f"{field.key} has no option"
    kind = field.kind
    extra: dict[str, Any] = {"metavar": _METAVARS.get(kind, "TEXT")}
    annotation: Any = str
    if kind == "choice":
        extra = {"callback": one_of(field.choices or ()), "metavar": "|".join(field.choices or ())}
    elif kind == "date":
        extra["parser"] = parse_date
        annotation = dt.date
    elif kind == "bool":
        extra = {}
        annotation = bool
    elif kind == "count":
        extra.update(min=0, max=INT64_MAX)
        annotation = int
    elif kind in ("euro", "rate", "number"):
        high = 1.0 if kind == "rate" else 1e12
        extra["parser"] = functools.partial(parse_number, high=high)
        annotation = float
    else:
        parse = _PARSERS[kind]
        extra["callback"] = each(parse) if field.is_list else parse
    if field.is_list:
        annotation = list[annotation]
    names = [field.option]
    if kind == "bool":
        names = [f"{field.option}/--no-{field.option[2:]}"]
    return Annotated[
        annotation if required else annotation | None,
        typer.Option(*names, help=help_text or field.meta.help, show_default=False, **extra),
    ]


def parameter(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def unset_option(keys: tuple[str, ...], fields: dict[str, Field]) -> Any:
    """``--unset FIELD`` (repeatable): a field's key, its option's spelling or its name."""
    spellings: dict[str, str] = {}
    for key in keys:
        spellings[key] = key
        spellings[key.replace("_", "-")] = key
        option = fields[key].option
        if option:
            spellings[option.removeprefix("--")] = key

    def check(values: list[str] | None) -> list[str]:
        out = []
        for value in values or ():
            found = spellings.get(value.removeprefix("--"))
            if found is None:
                raise typer.BadParameter(
                    f"{value!r} is not a field this command can remove; use one of: "
                    + ", ".join(k.replace("_", "-") for k in keys)
                )
            out.append(found)
        return out

    return Annotated[
        list[str] | None,
        typer.Option(
            "--unset",
            metavar="FIELD",
            help="Remove a field before the others are set, so --unset F --F VALUE replaces "
            "it (repeatable): " + ", ".join(k.replace("_", "-") for k in keys) + ".",
            callback=check,
            show_default=False,
        ),
    ]
