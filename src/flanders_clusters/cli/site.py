"""``clusters site``: the registry as a static website (docs/site.md). Jinja2 is
imported here, when the command runs, and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from ..site.messages import LANGS
from .options import JsonOpt, OnOpt, choice, command
from .session import session

APPS: dict[str, typer.Typer] = {}
_URL = re.compile(r"^https?://[^\s/?#]+(?:/[^\s?#]*)?$", re.IGNORECASE)


def parse_base_url(value: str | None) -> str | None:
    """An http(s) address without query or fragment; it always ends with ``/``."""
    if value is None:
        return None
    if not _URL.match(value):
        raise typer.BadParameter(
            f"{value!r} is not an http or https address such as https://example.org/clusters/"
        )
    return value if value.endswith("/") else value + "/"


@command(APPS, "site")
def site(
    ctx: typer.Context,
    outdir: Annotated[
        Path,
        typer.Argument(
            metavar="OUTDIR",
            help="Folder for the site: absent, empty, a previous build, or a gh-pages checkout.",
            show_default=False,
        ),
    ],
    on: OnOpt = None,
    lang: Annotated[str, choice("--lang", LANGS, "Language of the pages (default: en).")] = "en",
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            callback=parse_base_url,
            help="Public address of the site: adds canonical links and sitemap.xml.",
        ),
    ] = None,
    no_findings: Annotated[
        bool, typer.Option("--no-findings", help="Leave the rules' findings out.")
    ] = False,
    no_notes: Annotated[
        bool, typer.Option("--no-notes", help="Leave notes out (pages and downloads).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Build the registry's website: static pages, the timeline, the data files."""
    with session(ctx, as_json) as s:
        import gc

        from ..site import build, folder_swap, worker_pool

        folder_swap.refuse_registry_inside(outdir, s.source().path)
        document = s.read()
        gc.freeze()  # the registry lives until the end: the collector need not walk it again
        options = build.Options(
            lang=lang, base_url=base_url, findings=not no_findings, notes=not no_notes
        )
        data = document.data
        workers = worker_pool.workers(
            len(data.get("clusters") or ()) + len(data.get("partners") or ())
        )
        batch = build.BATCH if workers else 0
        files, queues = build.parts(data, s.today(on), options, document.text, batch)
        written = folder_swap.publish(outdir, files, queues, workers)
        outcome = written.as_json()
        size = (
            f"{written.bytes / 1e6:.1f} MB" if written.bytes >= 1e5 else f"{written.bytes:,} bytes"
        )
        outcome["message"] = (
            f"wrote {written.files} files ({written.pages} pages, {size}) to {written.outdir}"
        )
        s.result(outcome)
