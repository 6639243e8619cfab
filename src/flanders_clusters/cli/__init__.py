"""The command-line interface, in Click: wiring only. Each command parses its options,
calls the layers below and hands the result to its session (``session.py``)."""

from __future__ import annotations

import gc
import io
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
    _buffer_stdout()
    app()


def _buffer_stdout() -> None:
    """Unbuffered stdout (``python -u``, ``PYTHONUNBUFFERED``) writes text straight to the
    file and does not retry a write the pipe took only in part, so a reader that stops
    early (``| head -1``) would go unnoticed and the rest be lost: buffer it again, so the
    closed pipe is seen (exit 141)."""
    raw = getattr(sys.stdout, "buffer", None)
    if isinstance(raw, io.RawIOBase):
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(raw),
            encoding=sys.stdout.encoding,
            errors=sys.stdout.errors,
            line_buffering=raw.isatty(),
        )


__all__ = ["app", "main"]
