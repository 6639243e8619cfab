"""``validate`` and ``rules``: the eligibility rules of SPEC §6."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import domain
from ..errors import EXIT_FINDINGS
from .app import JsonOpt, OnOpt, choice, output_format, session

app = typer.Typer()

FORMATS = ("text", "json", "github")


def _known_codes(values: list[str] | None) -> list[str]:
    from ..rules import unknown_codes

    codes = [value.upper() for value in values or ()]
    unknown = unknown_codes(codes)
    if unknown:
        raise typer.BadParameter(f"no rule {', '.join(unknown)}; see `clusters rules`")
    return codes


@app.command()
def validate(
    ctx: typer.Context,
    rule: Annotated[
        list[str] | None,
        typer.Option(
            "--rule", metavar="CODE", callback=_known_codes, help="Run only this rule (repeatable)."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    on: OnOpt = None,
    format_: Annotated[
        str | None, choice("--format", FORMATS, "Output: text, json or github annotations.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check the registry against the eligibility rules; exit 1 on errors."""
    from .. import rules

    with session(ctx, as_json or format_ == "json") as s:
        chosen = output_format(format_, as_json, "text")
        document = s.read(strict=False)
        findings = rules.run(
            document.data,
            s.today(on),
            problems=document.problems,
            only=rule or (),
            line=document.line,
        )
        result = rules.report(document.source.display, findings, strict=strict)
        for warning in rules.warnings(document):
            s.note(f"warning: {warning}", "yellow")
        s.output(result, lambda r: _text(chosen, r, findings))
        if not result["valid"]:
            raise typer.Exit(EXIT_FINDINGS)


def _text(chosen: str, result: dict, findings: list):
    from ..render_rules import findings_text, github

    if chosen == "github":
        return github(result["registry"], findings)
    return findings_text(result["registry"], findings, result["counts"])


@app.command("rules")
def rules_(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The rule catalogue with the thresholds in effect for the registry's policy."""
    from .. import rules

    with session(ctx, as_json) as s:
        s.output(rules.catalogue(domain.policy(s.read().data)), "render_rules:catalogue_table")
