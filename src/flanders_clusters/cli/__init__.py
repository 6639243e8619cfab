"""The command-line interface: Typer wiring only (SPEC §4)."""

from __future__ import annotations

import sys

from .app import app  # the commands are loaded on demand: see app.COMMANDS


def main() -> None:
    """Entry point of the ``clusters`` command."""
    for stream in (sys.stdout, sys.stderr):
        # Data is UTF-8 whatever the console's code page (SPEC §5); a name that the
        # terminal cannot show is escaped rather than crashing the command.
        if hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    app()


__all__ = ["app", "main"]
