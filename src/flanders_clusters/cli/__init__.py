"""The command-line interface: wiring only. Each command parses its options, calls the
layers below and hands the result to its session (``session.py``)."""

from __future__ import annotations

import gc
import sys

from .app import app


def main() -> None:
    """Entry point of the ``clusters`` command."""
    # A command is a short-lived process whose data (parsed TOML) has no reference
    # cycles; the cyclic collector would only walk a large registry's millions of objects
    # over and over while they are created: at 100,000 memberships that is a fifth of the
    # time of reading the file. Memory is still freed by reference counting.
    gc.disable()
    for stream in (sys.stdout, sys.stderr):
        # Data is UTF-8 whatever the console's code page; a name that the terminal
        # cannot show is escaped rather than crashing the command.
        if hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    app()


__all__ = ["app", "main"]
