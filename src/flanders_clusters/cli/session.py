"""The session a command runs in: its registry, its date, and its one way out.

Data goes to stdout (JSON, text, or tables drawn by the output layer); messages go to
stderr. Every typed failure becomes its exit code and one message — ``error: …; fix: …``
on stderr, or the JSON error object on stdout with ``--json`` — and a closed output pipe
ends the command quietly with exit 141, as a process stopped by SIGPIPE.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..errors import EXIT_PIPE, ClustersError, UsageError
from ..registry import store
from .shared_options import global_settings, output_file


def write_stdout(text: str) -> None:
    """Write data to stdout, with a final newline."""
    stream = sys.stdout
    stream.write(text if text.endswith("\n") else text + "\n")
    stream.flush()


def write_bytes(content: str | bytes) -> None:
    """Write to stdout exactly these bytes, or text as its UTF-8 bytes (a patch: ``\\r``
    kept, no newline translation), through the binary buffer when there is one."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        write_stdout(content if isinstance(content, str) else content.decode("utf-8"))
        return
    sys.stdout.flush()
    buffer.write(content.encode("utf-8") if isinstance(content, str) else content)
    buffer.flush()


def wants_json(args: list[str]) -> bool:
    return "--json" in args or "--format=json" in args or _pair(args, "--format") == "json"


def _pair(args: list[str], name: str) -> str | None:
    for index, token in enumerate(args[:-1]):
        if token == name:
            return args[index + 1]
    return None


def output_format(chosen: str | None, as_json: bool, default: str) -> str:
    """``--json`` means ``--format json``; the two disagreeing is a usage error."""
    if as_json and chosen not in (None, "json"):
        raise UsageError(f"--json and --format {chosen} disagree", "pass only one of them")
    return "json" if as_json else (chosen or default)


class Session:
    """What a command needs from the world: its registry, its date, its streams."""

    def __init__(self, ctx: click.Context, as_json: bool) -> None:
        self.registry, self.lock_timeout = global_settings(ctx)
        self.as_json = as_json

    def source(self) -> store.Source:
        return store.locate(self.registry)

    def read(self, *, strict: bool = True) -> store.Document:
        return store.read(self.source(), strict=strict)

    @staticmethod
    def today(on: dt.date | None) -> dt.date:
        return on or dt.date.today()

    def output(self, value: Any, draw: Callable[[Any], Any] | None = None) -> None:
        """JSON with ``--json`` (or without ``draw``), else what ``draw(value)`` makes:
        text (printed as it is) or rich renderables (printed by the output layer)."""
        if self.as_json or draw is None:
            from ..formats.json_text import dumps

            write_stdout(dumps(value))
            return
        drawn = draw(value)
        if isinstance(drawn, str):
            if drawn:
                write_stdout(drawn)
            return
        from ..terminal.console import emit

        emit(*(drawn if isinstance(drawn, list) else [drawn]))

    def result(self, outcome: dict[str, Any]) -> None:
        """An action's outcome: its JSON with ``--json``, else its message on stderr.

        ``outcome["message"]`` is for people and not part of the JSON; warnings (such as
        dropped comments) go to stderr either way.
        """
        outcome = dict(outcome)
        message = outcome.pop("message", None)
        warnings = outcome.pop("warnings", [])
        if warnings:
            from ..terminal.edit_summaries import warning_lines

            for warning in warning_lines(warnings):
                self.note(f"warning: {warning}", "yellow")
        if self.as_json:
            from ..formats.json_text import dumps

            write_stdout(dumps(outcome))
        elif message:
            self.note(message)

    def edit_result(self, outcome: dict[str, Any], text: str, dry_run: bool) -> None:
        """An edit's result: JSON, or the diff of a dry run on stdout and a line on stderr.

        The diff is the diff of the bytes the edit would write: to a terminal its control
        characters are shown escaped; to a pipe or a file it is written as it is, so that
        ``patch`` and ``git apply`` take it.
        """
        if dry_run and not self.as_json:
            if outcome["diff"]:
                self.write_patch(outcome["diff"])
            text = f"dry run, nothing written: {text}"
        self.result({**outcome, "message": text})

    @staticmethod
    def write_patch(diff: str) -> None:
        """A diff on stdout: escaped for a terminal, as it is for ``patch`` otherwise."""
        if sys.stdout.isatty():
            from ..terminal.console import terminal_safe

            write_bytes(terminal_safe(diff))
        else:
            write_bytes(diff)

    @staticmethod
    def note(message: str, style: str = "") -> None:
        from ..terminal.console import message as say

        say(message, style=style)


def report(error: ClustersError, as_json: bool) -> None:
    if as_json:
        from ..formats.json_text import error as json_error

        extra = {"details": error.details} if error.details else {}
        write_stdout(json_error(error.code, error.message, error.fix, **extra))
        return
    from ..terminal.console import message

    message(f"error: {error}", style="bold red")
    for line in error.details:
        message(f"  {line}")


def _pipe_closed(exc: BaseException) -> bool:
    if isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) == errno.EPIPE:
        return True
    # Windows says "invalid argument" when the reader of a pipe has gone.
    return sys.platform == "win32" and getattr(exc, "errno", None) == errno.EINVAL


def silence_stdout() -> None:
    """After the reader closed the pipe: point stdout at the null device, so that the
    interpreter's last flush does not fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test's stream)
        pass


@contextmanager
def closed_pipe_ends_quietly() -> Iterator[None]:
    """A write to a pipe whose reader has gone (``clusters show vil | head -1``) ends the
    command with exit 141, as a process stopped by SIGPIPE, and nothing on stderr."""
    try:
        yield
    except OSError as exc:
        if not _pipe_closed(exc):
            raise
        silence_stdout()
        raise click.exceptions.Exit(EXIT_PIPE) from None


@contextmanager
def session(ctx: click.Context, as_json: bool = False) -> Iterator[Session]:
    """Run a command body; a typed failure becomes its message and exit code. (A closed
    pipe is ended quietly around every command, by the group that invokes it.)"""
    try:
        with _redirected(_output_path(ctx)):
            yield Session(ctx, as_json)
    except ClustersError as error:
        report(error, as_json)
        raise click.exceptions.Exit(error.exit_code) from None


def _output_path(ctx: click.Context) -> Any:
    """The FILE of ``--output``; refused when it is the registry in use, which only an
    edit may replace (under its lock)."""
    path = output_file(ctx)
    if path is None:
        return None
    try:
        registry = store.locate(global_settings(ctx)[0]).path
        same = os.path.samefile(path, registry)
    except (ClustersError, OSError):
        same = False  # no registry, or no FILE yet: not the same file
    if same:
        raise UsageError(
            f"--output {path} is the registry; it is replaced only by an edit",
            "name another file",
        )
    return path


@contextmanager
def _redirected(path: Any) -> Iterator[None]:
    """With ``--output FILE``: what the command writes on stdout is kept and, when the
    command is done (its exit code may be 1: findings), written to FILE atomically — the
    bytes stdout would have had, not being a terminal. A failure writes nothing: its
    message goes where it always goes (stderr, or the JSON error on stdout)."""
    if path is None:
        yield
        return
    import io

    from ..files import durable

    durable.check_output(path, "out.json")  # a folder or a link: refused before any work
    kept = io.BytesIO()
    stream = io.TextIOWrapper(kept, encoding="utf-8", newline="", write_through=True)
    real = sys.stdout
    sys.stdout = stream
    try:
        yield
    except click.exceptions.Exit:
        sys.stdout = real
        _write_output(path, kept.getvalue(), durable)
        raise
    except BaseException:
        sys.stdout = real
        raise
    sys.stdout = real
    _write_output(path, kept.getvalue(), durable)


def _write_output(path: Any, content: bytes, durable: Any) -> None:
    for warning in durable.write_output(path, content, "out.json"):
        Session.note(f"warning: {warning}", "yellow")
