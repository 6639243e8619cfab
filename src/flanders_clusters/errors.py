"""Typed failures, their exit codes and JSON codes (docs/errors.md lists them all).

Every layer raises one of these for input a user can fix; the CLI maps each to its exit
code and one message — ``error: MESSAGE; fix: FIX`` on stderr, or with ``--json`` the
object ``{"error": {"code", "message", "fix"}}`` on stdout — and never a traceback.
This module is the lowest layer: it imports nothing of the package.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_REFUSED = 4
EXIT_LOCKED = 5
EXIT_PIPE = 141  # as a process stopped by SIGPIPE (128 + 13)


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
    """A failure a user can act on: ``code`` names it in JSON, ``fix`` says what to do."""

    code = "error"
    exit_code = EXIT_REFUSED

    def __init__(
        self, message: str, fix: str | None = None, *, details: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.details = details or []

    def __str__(self) -> str:
        return f"{self.message}; fix: {self.fix}" if self.fix else self.message


class RegistryNotFound(ClustersError):
    code = "registry-not-found"
    exit_code = EXIT_UNREADABLE


class TomlSyntaxError(ClustersError):
    code = "toml-syntax"
    exit_code = EXIT_UNREADABLE


class TooLarge(ClustersError):
    """The registry does not fit in the memory available to read it."""

    code = "too-large"
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
        # Each line of the details names its own fix.
        super().__init__(f"{file}: {count} schema {noun}", details=lines)


class PermissionDenied(ClustersError):
    """The operating system refused access to a file or folder."""

    code = "permission-denied"


class UnreadablePermission(PermissionDenied):
    """The registry cannot be read for lack of permission."""

    exit_code = EXIT_UNREADABLE


class UnknownCluster(ClustersError):
    code = "unknown-cluster"


class UnknownPartner(ClustersError):
    code = "unknown-partner"


class UnknownEvent(ClustersError):
    code = "unknown-event"


class UnknownLabel(ClustersError):
    """A cluster has no label of that scheme awarded on that date."""

    code = "unknown-label"


class UnknownRule(ClustersError):
    code = "unknown-rule"
    exit_code = EXIT_USAGE


class Conflict(ClustersError):
    code = "conflict"


class RuleViolation(ClustersError):
    code = "rule-violation"


class BrokenKeys(RuleViolation):
    """Error findings that break the keys of a database export (exit 1, as validate)."""

    exit_code = EXIT_FINDINGS


class ReadOnly(ClustersError):
    code = "read-only"


class AlreadyExists(ClustersError):
    code = "already-exists"


class KboOlder(ClustersError):
    """``enrich kbo`` with an extract older than a partner's last check."""

    code = "kbo-older"


class Locked(ClustersError):
    code = "locked"
    exit_code = EXIT_LOCKED


class BadCsv(ClustersError):
    code = "bad-csv"


class WriteFailed(ClustersError):
    """A write the system refused (disk full, a folder in the way); nothing was changed."""

    code = "write-failed"


class NotASite(ClustersError):
    """``clusters site`` refuses a folder that holds files it did not write."""

    code = "not-a-site"


class GitError(ClustersError):
    """git could not give a revision of the registry (its message is passed on)."""

    code = "git"
    exit_code = EXIT_USAGE


class KboExtractError(ClustersError):
    """The KBO/BCE extract is missing a file or cannot be read."""

    code = "kbo-extract"
    exit_code = EXIT_UNREADABLE


class UsageError(ClustersError):
    """A bad combination of options that the option parser cannot see."""

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


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors``; ``info`` is uncountable (``3 info``)."""
    return f"{count} {noun}{'' if count == 1 or noun == 'info' else 's'}"
