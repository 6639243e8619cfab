"""Commands on the registry file itself: fmt, schema, init."""

from __future__ import annotations

from pathlib import Path

import click

from .click_classes import Argument, Command
from .session import session, write_stdout
from .shared_options import JSON


@click.command(
    "fmt",
    cls=Command,
    examples=["clusters fmt --diff", "clusters fmt"],
)
@click.option("--check", is_flag=True, help="Exit 1 when the file is not canonical; write nothing.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print the unified diff fmt would make; exit 1 when there is one; write nothing.",
)
@JSON
@click.pass_context
def fmt(ctx: click.Context, check: bool, show_diff: bool, as_json: bool) -> None:
    """Rewrite the registry in its canonical form (sorted, fixed field order)."""
    from ..changes import registry_file
    from ..terminal import edit_summaries

    with session(ctx, as_json) as s:
        if check or show_diff:
            result, difference = registry_file.check_format(s.source(), diff=show_diff)
            message = edit_summaries.check_message(result, difference)
            if show_diff and not as_json and result["diff"]:
                s.write_patch(result["diff"])
        else:
            result = registry_file.format_registry(s.source(), timeout=s.lock_timeout)
            message = edit_summaries.fmt_message(result)
        s.result({**result, "message": message})
        if (check or show_diff) and not result["canonical"]:
            raise click.exceptions.Exit(1)


@click.command("schema", cls=Command, examples=["clusters schema > clusters.schema.json"])
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Print the JSON Schema of the registry file."""
    from ..changes import registry_file

    with session(ctx):
        write_stdout(registry_file.schema_text())


@click.command(
    "init",
    cls=Command,
    examples=[
        "clusters init registry/clusters.toml",
        "clusters init copy/clusters.toml --from-shipped",
    ],
)
@click.argument(
    "path",
    cls=Argument,
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Where to create the registry.",
)
@click.option("--from-shipped", is_flag=True, help="Start from the shipped registry.")
@JSON
@click.pass_context
def init(ctx: click.Context, path: Path, from_shipped: bool, as_json: bool) -> None:
    """Create a new registry (empty, or a copy of the shipped one) and its schema beside it."""
    from ..changes import registry_file
    from ..terminal import edit_summaries

    with session(ctx, as_json) as s:
        result = registry_file.init(path, from_shipped=from_shipped)
        s.result({**result, "message": edit_summaries.init_message(result)})


BY_NAME: dict[str, click.Command] = {"fmt": fmt, "schema": schema, "init": init}
