"""The terminal: one rich Console per stream, safe text, the house table style.

rich is imported only inside functions, when something is drawn: a ``--json`` path never
loads it. User data is never read as markup (``markup=False``, plain ``Text``) and control
and bidirectional characters are shown escaped (``clean``), so a name cannot restyle,
move or hide anything on the terminal. When stdout is not a terminal there is no colour
and tables are as wide as their data, so a pipe never cuts a cell.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import IO, TYPE_CHECKING, Any

from ..registry.value_text import value_text
from ..registry.vocabulary import UNSAFE_CODE_POINTS, escaped

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

STATUS_STYLE = {"active": "green", "planned": "cyan", "ended": "dim", "unknown": "yellow"}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def clean(value: Any) -> str:
    """Text of a value for a terminal, with control and bidi characters escaped."""
    return escaped(value_text(value, yes="yes", no="no", grouped=True))


_UNSAFE_IN_TEXT = {
    code: (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    for code in UNSAFE_CODE_POINTS
    if code not in (0x09, 0x0A)
}


def terminal_safe(text: str) -> str:
    """Multi-line text (a diff) with every control character but tab and newline escaped."""
    return text.translate(_UNSAFE_IN_TEXT)


_CONSOLES: dict[int, Console] = {}


def console(stream: IO[str] | None = None) -> Console:
    """The Console of a stream (stdout by default): made once per stream and reused."""
    stream = stream or sys.stdout
    found = _CONSOLES.get(id(stream))
    if found is None or found.file is not stream:
        found = _CONSOLES[id(stream)] = _console_class()(
            file=stream,
            markup=False,
            highlight=False,
            emoji=False,
            no_color=bool(os.environ.get("NO_COLOR")) or None,
            soft_wrap=False,
        )
    return found


@cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            # rich would exit 1 on a closed pipe; the command's session makes it exit 141.
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    return PipeConsole


def new_table(*columns: str, title: str | None = None) -> Table:
    """A table in the house style: every column folds (never cuts) a long value."""
    from rich import box
    from rich.table import Table

    table = Table(
        *columns,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        title=title,
        title_justify="left",
        header_style="bold",
        pad_edge=False,
        min_width=len(title) if title else None,  # a title is not folded into a narrow table
    )
    for column in table.columns:
        column.overflow = "fold"
    return table


def cell(value: Any, style: str = "") -> Text:
    """A cell or a line of user data: escaped, never read as markup."""
    from rich.text import Text

    return Text(clean(value), style=style)


def emit(*renderables: Any, stream: IO[str] | None = None) -> None:
    """Print tables; off a terminal, each as wide as its widest row so nothing is cut."""
    out = console(stream)
    if out.is_terminal:
        for position, renderable in enumerate(renderables):
            if position:
                out.print()
            out.print(_fitted(out, renderable))
        return
    width = out.width
    try:
        for position, renderable in enumerate(renderables):
            if position:
                out.file.write("\n")
            wide = out.options.update(width=10**5)
            out.width = max(out.measure(renderable, options=wide).maximum, 80)
            with out.capture() as captured:
                out.print(renderable)
            text = "\n".join(line.rstrip() for line in captured.get().splitlines())
            out.file.write(text + "\n")
    finally:
        out.width = width
    out.file.flush()


def _fitted(out: Any, renderable: Any) -> Any:
    """A table too wide for the terminal, shown one record per block (like psql's
    expanded display), so that no column is squeezed to a few letters per line."""
    from rich.table import Table

    if not isinstance(renderable, Table) or len(renderable.columns) < 3:
        return renderable
    natural = out.measure(renderable, options=out.options.update(width=10**5)).maximum
    if natural <= out.width:
        return renderable
    from rich.console import Group
    from rich.text import Text

    columns = [(str(column.header), list(column.cells)) for column in renderable.columns]
    blocks: list[Any] = [Text(str(renderable.title), style="bold")] if renderable.title else []
    for row in range(renderable.row_count):
        record = Table.grid(padding=(0, 2))
        record.add_column(style="bold", no_wrap=True)
        record.add_column(overflow="fold")
        for header, cells in columns:
            record.add_row(header, cells[row])
        blocks.extend([Text("─" * min(out.width, 40), style="dim"), record])
    return Group(*blocks)


def message(text: str, *, style: str = "", stream: IO[str] | None = None) -> None:
    """One line on stderr (user data in it escaped)."""
    out = console(stream or sys.stderr)
    out.print(cell(text, style), soft_wrap=True)


@contextmanager
def progress(total: int, label: str, threshold: int = 1000) -> Iterator[Any]:
    """A progress bar on stderr for long jobs; yields ``tick(done)``, or None when stderr is
    not a terminal or the job is short (nothing is drawn then, and rich is not imported)."""
    if total < threshold or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=console(sys.stderr), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)
