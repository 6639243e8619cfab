"""``clusters enrich kbo``: partner data from the KBO/BCE open-data extract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..registry import store
from ..registry.vocabulary import KBO_DATA_FIELDS
from .options import DryRunOpt, JsonOpt, OnOpt, command, each, new_group, one_of
from .session import session

APPS: dict[str, typer.Typer] = {}
enrich_group = APPS["enrich"] = new_group("Fill partner data from public registers.")
# Bytes of the extract's large files from which a progress bar is worth drawing.
PROGRESS_FROM = 32 << 20


def _refresh_field(value: str) -> str:
    return one_of(KBO_DATA_FIELDS)(value.removeprefix("--").replace("-", "_")) or value


RefreshOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--refresh",
        metavar="FIELD",
        callback=each(_refresh_field),
        help="Take the extract's value for FIELD where the registry holds another "
        f"(repeatable): {', '.join(KBO_DATA_FIELDS)}.",
        show_default=False,
    ),
]


@command(APPS, "kbo", group=enrich_group)
def kbo(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            help="The KBO Open Data full extract: KboOpenData_<n>_<yyyy>_<mm>_Full.zip, "
            "or its unpacked folder.",
            show_default=False,
        ),
    ],
    refresh: RefreshOpt = None,
    match_names: Annotated[
        bool,
        typer.Option(
            "--match-names",
            help="Also suggest enterprise numbers for partners without one, by name "
            "(printed only, never written).",
        ),
    ] = False,
    on: OnOpt = None,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Check partners against the KBO/BCE open-data extract and fill what is missing.

    For each partner with an enterprise number: kbo_status (active or not-found) and
    kbo_checked (the extract's snapshot date); for those found, the legal name, the
    seat's postal code (or country, abroad) and the main NACE codes, where the registry
    has none. Values already in the registry are kept; differences are reported.
    """
    from ..changes import kbo_enrichment, transaction
    from ..external import kbo_extract
    from ..programme.rules import Scope
    from ..terminal import edit_summaries
    from ..terminal.console import progress
    from .editing import show

    with session(ctx, as_json) as s:
        source = s.source()
        if not dry_run:  # before reading the extract, which takes a while
            store.ensure_writable(source)
        data = s.read().data
        extract = kbo_extract.read(
            path,
            kbo_enrichment.numbers(data),
            names=kbo_enrichment.name_keys(data) if match_names else None,
            progress=lambda total: progress(
                total, "reading the KBO/BCE extract", threshold=PROGRESS_FROM
            ),
        )
        checked = frozenset(
            partner_id
            for partner_id, partner in (data.get("partners") or {}).items()
            if partner.get("enterprise_number") in extract.looked_up
        )
        outcome = transaction.transact(
            source,
            lambda data: kbo_enrichment.apply(data, extract, frozenset(refresh or ())),
            scope=Scope(partners=checked),
            timeout=s.lock_timeout,
            dry_run=dry_run,
            on=on,
        )
        if match_names:
            outcome["suggestions"] = kbo_enrichment.suggestions(data, extract)
        if not as_json:
            for line in edit_summaries.kbo_details(outcome):
                s.note(line)
        show(s, outcome, edit_summaries.kbo_headline(outcome), dry_run)
