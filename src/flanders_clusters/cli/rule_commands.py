"""``validate`` and ``rules``: the rule catalogue (docs/rules.md) applied to the registry."""

from __future__ import annotations

import datetime as dt

import click

from ..errors import EXIT_FINDINGS
from ..registry.vocabulary import PROFILES
from .click_classes import Argument, Command
from .completion import rule_codes
from .session import output_format, session
from .shared_options import JSON, ON, choice

FORMATS = ("text", "json", "github")


def _known_codes(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[str]:
    from ..programme.rules import unknown_codes

    codes = [value.upper() for value in values]
    unknown = unknown_codes(codes)
    if unknown:
        raise click.BadParameter(f"no rule {', '.join(unknown)}; see `clusters rules`")
    return codes


@click.command(
    "validate",
    cls=Command,
    examples=[
        "clusters validate",
        "clusters validate --rule FC1 --profile all --on 2025-01-01 --format github",
    ],
)
@click.option(
    "--rule",
    metavar="CODE",
    multiple=True,
    callback=_known_codes,
    shell_complete=rule_codes,
    help="Run only this rule, or those starting so (FC1: FC101-FC1xx); repeatable.",
)
@choice(
    "--profile",
    values=(*PROFILES, "all"),
    help="The rules of this profile (default: decree).",
    default="decree",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@ON
@choice("--format", "format_", values=FORMATS, help="Output: text, json or github annotations.")
@JSON
@click.pass_context
def validate(
    ctx: click.Context,
    rule: list[str],
    profile: str,
    strict: bool,
    on: dt.date | None,
    format_: str | None,
    as_json: bool,
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

            s.output(result, lambda r: github_annotations.workflow_commands(r["registry"], found))
        else:
            s.output(result, lambda r: drawn.findings_text(r["registry"], found, r["counts"]))
        if not result["valid"]:
            raise click.exceptions.Exit(EXIT_FINDINGS)


@click.command("rules", cls=Command, examples=["clusters rules", "clusters rules FC105"])
@click.argument(
    "code",
    cls=Argument,
    required=False,
    metavar="CODE",
    shell_complete=rule_codes,
    help="Explain this rule (a code such as FC105, or a name such as triple-helix).",
)
@JSON
@click.pass_context
def rules_(ctx: click.Context, code: str | None, as_json: bool) -> None:
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


BY_NAME: dict[str, click.Command] = {"validate": validate, "rules": rules_}
