"""Typed failures and the exit codes of SPEC §5.

Every layer raises one of these for input a user can fix; the CLI maps them to an exit
code, a one-line message on stderr (or a JSON error object) and never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_REFUSED = 4
EXIT_LOCKED = 5


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a registry file: where, what, and how to fix it."""

    path: tuple[str | int, ...]
    message: str
    fix: str
    line: int | None = None

    @property
    def dotted(self) -> str:
        return dotted_path(self.path)


class ClustersError(Exception):
    """A failure a user can act on. ``code`` is the SPEC §5 JSON code."""

    code = "error"
    exit_code = EXIT_REFUSED

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class RegistryNotFound(ClustersError):
    code = "registry-not-found"
    exit_code = EXIT_UNREADABLE


class TomlSyntaxError(ClustersError):
    code = "toml-syntax"
    exit_code = EXIT_UNREADABLE


class SchemaError(ClustersError):
    """The file is TOML but not a registry: every problem found, not only the first."""

    code = "schema"
    exit_code = EXIT_UNREADABLE

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        lines = [format_problem(file, p) for p in problems]
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{file}: {count} schema {noun}", details=lines)


class UnknownCluster(ClustersError):
    code = "unknown-cluster"


class UnknownPartner(ClustersError):
    code = "unknown-partner"


class Conflict(ClustersError):
    code = "conflict"


class RuleViolation(ClustersError):
    code = "rule-violation"


class ReadOnly(ClustersError):
    code = "read-only"


class Locked(ClustersError):
    code = "locked"
    exit_code = EXIT_LOCKED


class BadCsv(ClustersError):
    code = "bad-csv"


class WriteFailed(ClustersError):
    """A write the system refused (disk full, a folder in the way); nothing was changed."""

    code = "write-failed"


class UsageError(ClustersError):
    """A bad combination of options that Typer cannot see (``--json`` vs ``--format``)."""

    code = "usage"
    exit_code = EXIT_USAGE


def dotted_path(path: tuple[str | int, ...]) -> str:
    """``("clusters", "vil", "members", 3)`` → ``clusters.vil.members[3]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = str(part)
        if not text or not all(c.isalnum() or c in "-_" for c in text) or not text.isascii():
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out += f".{text}" if out else text
    return out


def format_problem(file: str, problem: Problem) -> str:
    where = f"{file}:{problem.line}" if problem.line else file
    key = f" {problem.dotted}:" if problem.path else ""
    return f"{where}:{key} {problem.message}; fix: {problem.fix}"
