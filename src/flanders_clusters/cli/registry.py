"""Commands on the registry file itself: fmt, schema, init."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .options import JsonOpt, command
from .session import session, write_stdout

APPS: dict[str, typer.Typer] = {}


@command(APPS, "fmt")
def fmt(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the file is not canonical; write nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Rewrite the registry in its canonical form (sorted, fixed field order)."""
    from ..changes import registry_file
    from ..terminal import edit_summaries

    with session(ctx, as_json) as s:
        if check:
            result, difference = registry_file.check_format(s.source())
            message = edit_summaries.check_message(result, difference)
        else:
            result = registry_file.format_registry(s.source(), timeout=s.lock_timeout)
            message = edit_summaries.fmt_message(result)
        s.result({**result, "message": message})
        if check and not result["canonical"]:
            raise typer.Exit(1)


@command(APPS, "schema")
def schema(ctx: typer.Context) -> None:
    """Print the JSON Schema of the registry file."""
    from ..changes import registry_file

    with session(ctx):
        write_stdout(registry_file.schema_text())


@command(APPS, "init")
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to create the registry.", metavar="PATH")],
    from_shipped: Annotated[
        bool, typer.Option("--from-shipped", help="Start from the shipped registry.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a new registry (empty, or a copy of the shipped one) and its schema beside it."""
    from ..changes import registry_file
    from ..terminal import edit_summaries

    with session(ctx, as_json) as s:
        result = registry_file.init(path, from_shipped=from_shipped)
        s.result({**result, "message": edit_summaries.init_message(result)})
