"""``clusters enrich kbo``: partner data from the KBO/BCE open-data extract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..registry import store
from ..registry.vocabulary import KBO_DATA_FIELDS
from .click_classes import Argument, Group
from .session import session
from .shared_options import DRY_RUN, JSON, ON
from .value_parsers import Parsed, one_of

# Bytes of the extract's large files from which a progress bar is worth drawing.
PROGRESS_FROM = 32 << 20
EXTRACT = "KboOpenData_0140_2026_11_Full.zip"  # the name of the examples' extract


def _refresh_field(value: str) -> str:
    return one_of(KBO_DATA_FIELDS)(value.removeprefix("--").replace("-", "_"))


@click.group(
    "enrich",
    cls=Group,
    help="Fill partner data from public registers.",
    examples=[f"clusters enrich kbo {EXTRACT} --dry-run"],
)
def enrich_group() -> None:
    pass


@enrich_group.command(
    "kbo",
    examples=[
        f"clusters enrich kbo {EXTRACT} --dry-run",
        f"clusters enrich kbo {EXTRACT} --refresh legal-name --match-names",
    ],
)
@click.argument(
    "path",
    cls=Argument,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="The KBO Open Data full extract: KboOpenData_<n>_<yyyy>_<mm>_Full.zip, "
    "or its unpacked folder.",
)
@click.option(
    "--refresh",
    metavar="FIELD",
    multiple=True,
    type=Parsed(_refresh_field, "field"),
    help="Take the extract's value for FIELD where the registry holds another "
    f"(repeatable): {', '.join(KBO_DATA_FIELDS)}.",
)
@click.option(
    "--match-names",
    is_flag=True,
    help="Also suggest enterprise numbers for partners without one, by name "
    "(printed only, never written).",
)
@click.option(
    "--allow-older",
    is_flag=True,
    help="Record an extract older than a partner's kbo_checked (refused by default).",
)
@ON
@DRY_RUN
@JSON
@click.pass_context
def kbo(
    ctx: click.Context,
    path: Path,
    refresh: tuple[str, ...],
    match_names: bool,
    allow_older: bool,
    on: dt.date | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Check partners against the KBO/BCE open-data extract and fill what is missing.

    For each partner with an enterprise number: kbo_status (active or not-found) and
    kbo_checked (the extract's snapshot date); for those found, the legal name, the
    seat's postal code (or country, abroad) and the main NACE codes, where the registry
    has none. Values already in the registry are kept; differences are reported. An
    extract older than a partner's kbo_checked is refused (exit 4): --allow-older.
    """
    from ..changes import kbo_enrichment, transaction
    from ..external import kbo_extract
    from ..programme.rules import Scope
    from ..terminal import edit_summaries
    from ..terminal.console import progress

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
            lambda data: kbo_enrichment.apply(
                data, extract, frozenset(refresh or ()), allow_older=allow_older
            ),
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
        s.edit_result(outcome, edit_summaries.kbo_headline(outcome), dry_run)


BY_NAME: dict[str, click.Command] = {"enrich": enrich_group}
