"""Commands on the registry file itself: fmt, schema, init (SPEC §3)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import JsonOpt, session, write_stdout

app = typer.Typer()


@app.command()
def fmt(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 when the file is not canonical; write nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Rewrite the registry in its canonical form (sorted, fixed field order)."""
    from .. import files

    with session(ctx, as_json) as s:
        result = files.format_registry(s.source(), check=check, timeout=s.settings.lock_timeout)
        s.result(result)
        if check and not result["canonical"]:
            raise typer.Exit(1)


@app.command()
def schema(ctx: typer.Context) -> None:
    """Print the JSON Schema of the registry file."""
    from .. import files

    write_stdout(files.schema_text())


@app.command()
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to create the registry.")],
    from_shipped: Annotated[
        bool, typer.Option("--from-shipped", help="Start from the shipped registry.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Create a new registry (empty, or a copy of the shipped one) and its schema beside it."""
    from .. import files

    with session(ctx, as_json) as s:
        s.result(files.init(path, from_shipped=from_shipped))
