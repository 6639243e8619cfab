"""``clusters site``: the registry as a static website (docs/site.md). Jinja2 is
imported here, when the command runs, and nowhere else."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, cast

import click

from ..site.messages import LANGS
from .click_classes import Argument, Command
from .session import session
from .shared_options import JSON, ON, choice
from .value_parsers import Parsed

_URL = re.compile(r"^https?://[^\s/?#]+(?:/[^\s?#]*)?$", re.IGNORECASE)


def parse_base_url(value: str) -> str:
    """An http(s) address without query or fragment; it always ends with ``/``."""
    if not _URL.match(value):
        raise click.BadParameter(
            f"{value!r} is not an http or https address such as https://example.org/clusters/"
        )
    return value if value.endswith("/") else value + "/"


@click.command(
    "site",
    cls=Command,
    examples=[
        "clusters site public",
        "clusters site public --lang nl --base-url https://example.org/clusters/",
    ],
)
@click.argument(
    "outdir",
    cls=Argument,
    type=click.Path(path_type=Path),
    metavar="OUTDIR",
    help="Folder for the site: absent, empty, a previous build, or a gh-pages checkout.",
)
@ON
@choice("--lang", values=LANGS, help="Language of the pages (default: en).", default="en")
@click.option(
    "--base-url",
    type=Parsed(parse_base_url, "url"),
    metavar="URL",
    help="Public address of the site: adds canonical links and sitemap.xml.",
)
@click.option("--no-findings", is_flag=True, help="Leave the rules' findings out.")
@click.option("--no-notes", is_flag=True, help="Leave notes out (pages and downloads).")
@JSON
@click.pass_context
def site(
    ctx: click.Context,
    outdir: Path,
    on: dt.date | None,
    lang: str,
    base_url: str | None,
    no_findings: bool,
    no_notes: bool,
    as_json: bool,
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
        # The site's modules are not type-checked yet (pyproject.toml, [tool.mypy]).
        registry = cast("dict[str, Any]", data)
        files, queues = build.parts(registry, s.today(on), options, document.text, batch)
        written = folder_swap.publish(outdir, files, queues, workers)
        outcome = written.as_json()
        size = (
            f"{written.bytes / 1e6:.1f} MB" if written.bytes >= 1e5 else f"{written.bytes:,} bytes"
        )
        outcome["message"] = (
            f"wrote {written.files} files ({written.pages} pages, {size}) to {written.outdir}"
        )
        s.result(outcome)


BY_NAME: dict[str, click.Command] = {"site": site}
