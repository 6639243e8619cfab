"""``validate`` and ``rules``: the rule catalogue (docs/rules.md) applied to the registry."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import EXIT_FINDINGS
from ..registry.vocabulary import PROFILES
from .options import JsonOpt, OnOpt, choice, command
from .session import output_format, session

APPS: dict[str, typer.Typer] = {}
FORMATS = ("text", "json", "github")


def _known_codes(values: list[str] | None) -> list[str]:
    from ..programme.rules import unknown_codes

    codes = [value.upper() for value in values or ()]
    unknown = unknown_codes(codes)
    if unknown:
        raise typer.BadParameter(f"no rule {', '.join(unknown)}; see `clusters rules`")
    return codes


@command(APPS, "validate")
def validate(
    ctx: typer.Context,
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule",
            metavar="CODE",
            callback=_known_codes,
            help="Run only this rule, or those starting so (FC1: FC101-FC1xx); repeatable.",
        ),
    ] = None,
    profile: Annotated[
        str,
        choice(
            "--profile",
            (*PROFILES, "all"),
            "The rules of this profile (default: decree).",
        ),
    ] = "decree",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    on: OnOpt = None,
    format_: Annotated[
        str | None, choice("--format", FORMATS, "Output: text, json or github annotations.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the registry against the rules; exit 1 on errors."""
    from ..programme import rules
    from ..terminal import findings as drawn

    with session(ctx, as_json or format_ == "json") as s:
        chosen = output_format(format_, as_json, "text")
        document = s.read(strict=False)
        found = rules.run(
            document.data,
            s.today(on),
            problems=document.problems,
            only=rule or (),
            line=document.line,
            profile=profile,
        )
        result = rules.report(document.source.display, found, strict=strict)
        for warning in rules.warnings(document):
            s.note(f"warning: {warning}", "yellow")
        if chosen == "github":
            from ..formats import github_annotations

            s.output(result, lambda r: github_annotations.annotations(r["registry"], found))
        else:
            s.output(result, lambda r: drawn.findings_text(r["registry"], found, r["counts"]))
        if not result["valid"]:
            raise typer.Exit(EXIT_FINDINGS)


@command(APPS, "rules")
def rules_(
    ctx: typer.Context,
    code: Annotated[
        str | None,
        typer.Argument(
            metavar="CODE",
            help="Explain this rule (a code such as FC105, or a name such as triple-helix).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The rule catalogue with the thresholds in effect for the registry's policy; with a
    CODE, that rule explained: reason and source, threshold, fix."""
    from ..programme import rules
    from ..programme.policy import policy
    from ..terminal import findings as drawn

    with session(ctx, as_json) as s:
        entry = None if code is None else rules.find(code)  # an unknown code before the file
        effective = policy(s.read().data)
        if entry is None:
            s.output(rules.catalogue(effective), drawn.catalogue_table)
        else:
            s.output(rules.describe(entry, effective), drawn.rule_text)
