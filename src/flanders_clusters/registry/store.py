"""The only code that touches the registry file: find it, read it, lock it, write it.

Reads: bytes → UTF-8 text → ``tomllib`` → schema check, each failure a typed error that
names the file and, where known, the line (exit 3).

Writes: under an exclusive ``filelock`` on ``<registry>.lock`` (the target's, when the
registry is a symbolic link; made with the registry's permissions and group), re-read,
change, then write the canonical text durably (``files.durable``: a temporary file in
the same folder given the file's owner, group, mode and extended attributes, flushed,
moved over the registry, the folder flushed) — so a reader sees the old file or the new
one, never half of one.

Only regular files are read or replaced: a FIFO, a device or a socket where a registry
is expected is refused before it is opened (see ``files.regular``).
"""

from __future__ import annotations

import os
import re
import stat
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import (
    AlreadyExists,
    Locked,
    PermissionDenied,
    Problem,
    ReadOnly,
    RegistryNotFound,
    SchemaError,
    TomlSyntaxError,
    TooLarge,
    UnreadablePermission,
    WriteFailed,
)
from ..files import durable, regular
from ..files.owners import owner_text

if TYPE_CHECKING:
    from .key_lines import LineIndex
    from .records import Registry

ENV_VAR = "CLUSTERS_REGISTRY"
DEFAULT_RELATIVE = Path("data") / "clusters.toml"
SHIPPED = Path(__file__).parent.parent / "data" / "clusters.toml"
DEFAULT_LOCK_TIMEOUT = 10.0
_SYNTAX_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_AT_END = "(at end of document)"


@dataclass(frozen=True)
class Source:
    """Which registry a command works on, and why that one."""

    path: Path
    shipped: bool = False
    how: str = "option"

    @property
    def display(self) -> str:
        return str(self.path)


def locate(
    option: str | os.PathLike[str] | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Source:
    """Which file: ``--registry``, ``$CLUSTERS_REGISTRY``, ./data, the shipped copy."""
    environ = os.environ if environ is None else environ
    if option is not None:
        if not os.fspath(option):
            raise RegistryNotFound("--registry is empty", "pass the path of a registry file")
        return _named(Path(option), "option")
    if environ.get(ENV_VAR):
        return _named(Path(environ[ENV_VAR]), "env")
    local = (cwd or Path.cwd()) / DEFAULT_RELATIVE
    if local.is_file():
        return _named(DEFAULT_RELATIVE if cwd is None else local, "cwd")
    return Source(SHIPPED, shipped=True, how="shipped")


def _named(path: Path, how: str) -> Source:
    """A registry named by the user; the shipped copy stays read-only however it is named."""
    shipped = os.path.realpath(path) == os.path.realpath(SHIPPED)
    return Source(path, shipped=shipped, how=how)


@dataclass
class Document:
    """A registry as read: its source, text and parsed data, and schema problems.

    ``data`` is the parsed file, checked against the records (``check.py``): a strict
    read has no problems, so it holds what ``Registry`` says; a lenient one (``validate``
    reports every problem) may differ from it where ``problems`` say.
    """

    source: Source
    text: str
    data: Registry
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def _index(self) -> LineIndex:
        from .key_lines import LineIndex

        with _in_memory(self.source.path):
            return LineIndex(self.text)

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """The line where ``path`` is written, or its nearest written ancestor's."""
        return self._index.line(path) if path else None


@contextmanager
def _in_memory(path: Path) -> Iterator[None]:
    """A registry too large for the memory there is: a typed error, not a traceback."""
    try:
        yield
    except MemoryError:
        raise TooLarge(
            f"{path}: too large to read in the memory available",
            "check that this is the registry (a registry of 100,000 memberships is 13 MB), "
            "or free some memory",
        ) from None


def read_text(source: Source) -> str:
    path = source.path
    try:
        with _in_memory(path):
            return decode(regular.read_regular(path), path)
    except FileNotFoundError:
        hint = "clusters init PATH" if source.how != "shipped" else "reinstall clusters"
        via = {"env": f" (from ${ENV_VAR})"}.get(source.how, "")
        raise RegistryNotFound(
            f"{path}{via}: registry not found", f"check the path, or create one with {hint}"
        ) from None
    except regular.NotRegular as exc:
        raise _not_a_file(path, exc.kind) from None
    except IsADirectoryError:  # pragma: no cover - a folder is found before it is opened
        raise _not_a_file(path, regular.FOLDER) from None
    except PermissionError as exc:
        raise UnreadablePermission(
            f"{path}: cannot read: {exc.strerror or exc}", "give yourself read permission"
        ) from None
    except OSError as exc:
        raise RegistryNotFound(f"{path}: cannot read: {exc.strerror or exc}") from None


def _not_a_file(path: Path, kind: str) -> RegistryNotFound:
    """A folder, a FIFO, a device, … where the registry file is expected."""
    return RegistryNotFound(
        f"{path}: is {kind}, not a registry file", "name the registry file itself"
    )


def decode(raw: bytes, path: Path) -> str:
    """UTF-8 text of a registry (a byte-order mark is kept: ``fmt`` removes it)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise TomlSyntaxError(
            f"{path}:{line}: not UTF-8 (byte {raw[exc.start]:#04x} at offset {exc.start})",
            "save the file as UTF-8",
        ) from None
    return text


def parse(text: str, path: Path) -> dict[str, Any]:
    import tomllib

    from .key_lines import MAX_KEY_PARTS, too_deep

    # tomllib's memory grows with the square of a dotted key's depth: refuse hostile ones.
    if too_deep(text):
        raise TomlSyntaxError(
            f"{path}: a key has more than {MAX_KEY_PARTS} dotted parts",
            "a registry's keys are a few levels deep (clusters.ID.FIELD)",
        )

    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _SYNTAX_POSITION.search(message)
        if position:
            where = f"{path}:{position[1]}:{position[2]}"
        elif _AT_END in message:  # the position is the end of the text
            line, column = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
            where = f"{path}:{line}:{column}"
        else:
            where = str(path)
        reason = _SYNTAX_POSITION.sub("", message.replace(_AT_END, "at the end of the file"))
        raise TomlSyntaxError(
            f"{where}: TOML syntax error: {reason.strip()}", "correct the TOML at that position"
        ) from None
    except ValueError as exc:  # an integer too long for Python to convert, …
        raise TomlSyntaxError(f"{path}: cannot read a value: {exc}", "shorten it") from None
    except RecursionError:
        raise TomlSyntaxError(
            f"{path}: arrays or tables nested too deeply to read", "flatten the TOML"
        ) from None


def read(source: Source, *, strict: bool = True) -> Document:
    """Read and check a registry; with ``strict`` a schema problem raises ``SchemaError``."""
    return load(source, read_text(source), strict=strict)


def load(source: Source, text: str, *, strict: bool = True) -> Document:
    """Parse and check the text of a registry (read from ``source``, or from git)."""
    from .check import check

    with _in_memory(source.path):
        document = Document(source, text, cast("Registry", parse(text, source.path)))
        problems = check(document.data)
    if problems:
        document.problems = sorted(
            (Problem(p.path, p.message, p.fix, document.line(p.path)) for p in problems),
            key=lambda p: (p.line or 0, p.dotted),
        )
        if strict:
            raise SchemaError(source.display, document.problems)
    return document


# -- writing ----------------------------------------------------------------------------


def ensure_writable(source: Source) -> None:
    if source.shipped:
        raise ReadOnly(
            f"{source.path}: the registry shipped with clusters is read-only",
            f"run `clusters init PATH --from-shipped` and pass --registry PATH (or set {ENV_VAR})",
        )
    try:
        kind = regular.kind_at(source.path)
    except OSError:
        kind = None
    if kind is None:
        read_text(source)  # raises the error: not found, a dangling link, no permission
    elif kind != regular.REGULAR:  # before the lock, which would leave FOLDER.lock behind
        raise _not_a_file(source.path, kind)
    target = durable.target_of(source.path)
    # The mode bits as well as the system's answer: root may write any file, but a file
    # that no one may write (chmod a-w) is meant to stay as it is, in CI and containers too.
    if not os.stat(target).st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ReadOnly(
            f"{source.path}: the file is read-only",
            f"make it writable if it should change: chmod u+w {source.path}",
        )
    folder = target.parent
    if not os.access(folder, os.W_OK):
        raise ReadOnly(
            f"{source.path}: its folder {folder} is not writable, so it cannot be replaced safely",
            "make the folder writable",
        )


@contextmanager
def locked(source: Source, timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the registry's exclusive lock (``<registry>.lock``) or raise ``Locked``."""
    from filelock import FileLock, Timeout

    target = durable.target_of(source.path)
    lock_path = f"{target}.lock"
    try:
        registry: os.stat_result | None = os.stat(target)
    except OSError:
        registry = None
    # The lock file gets the registry's read and write bits (not the umask of whoever
    # writes first), so that everyone who may write the registry may take its lock.
    if registry is None or sys.platform == "win32":
        lock = FileLock(lock_path, timeout=timeout)
    else:
        lock = FileLock(lock_path, timeout=timeout, mode=registry.st_mode & 0o666)
    try:
        lock.acquire()
    except Timeout:
        if timeout > 0:
            held = f"locked by another writer for more than {timeout:g} s"
            fix = "retry, or raise --lock-timeout"
        else:  # not waited for at all: "more than 0 s" says nothing
            held = "the lock is held by another writer"
            fix = "retry when it is done, or wait for it with --lock-timeout SECONDS"
        raise Locked(f"{source.path}: {held} (lock file {lock_path})", fix) from None
    except PermissionError as exc:
        raise _lock_refused(lock_path, exc) from None
    except OSError as exc:  # a folder in its place, a name too long, …
        raise WriteFailed(
            f"{lock_path}: cannot use the lock file: {exc.strerror or exc}",
            "remove what is at that path, or use a shorter registry name",
        ) from None
    try:
        if registry is not None:
            _share_lock(lock_path, registry)
        _remove_stale_temps(target)
        yield
    finally:
        lock.release()


def _lock_refused(lock_path: str, exc: PermissionError) -> PermissionDenied:
    """The lock file could not be made, or is there and cannot be opened for writing."""
    reason = exc.strerror or str(exc)
    try:
        found = os.lstat(lock_path)
    except OSError:
        return PermissionDenied(
            f"{lock_path}: cannot create the lock file: {reason}",
            "make the registry's folder writable",
        )
    return PermissionDenied(
        f"{lock_path}: the lock file exists but cannot be opened for writing: {reason} "
        f"(it belongs to {owner_text(found)}, mode {stat.S_IMODE(found.st_mode):04o})",
        "let every user of the registry write the lock file (chgrp it to the registry's "
        "group and chmod g+w it), or remove it while no clusters command runs",
    )


def _share_lock(lock_path: str, registry: os.stat_result) -> None:
    """Give a lock file this process made the registry's group (a folder without the
    setgid bit gives a new file the creator's group), so the registry's group may lock."""
    with suppress(OSError, AttributeError, NotImplementedError):
        found = os.lstat(lock_path)
        mine = found.st_uid == os.geteuid()
        if stat.S_ISREG(found.st_mode) and mine and found.st_gid != registry.st_gid:
            os.chown(lock_path, -1, registry.st_gid, follow_symlinks=False)


def _remove_stale_temps(target: Path) -> None:
    """Delete temp files of writers killed mid-write (only a lock holder writes them)."""
    for temp in durable.stale_temporaries(target):
        with suppress(OSError):
            os.unlink(temp)


def write_text(source: Source, text: str) -> list[str]:
    """Replace the registry's content durably (``files.durable``), keeping its owner,
    group, mode and extended attributes (and symbolic link); returns warnings (a group
    not kept)."""
    warnings: list[str] = []
    with durable.atomic(source.path, warnings=warnings) as temp:
        temp.write(text.encode("utf-8"))
    return warnings


def create(path: Path, text: str, beside: dict[Path, str] | None = None) -> None:
    """Write a new file atomically (``init``), and the files ``beside`` it, creating the
    folder. Never replaces a file: everything is checked before anything is written (a
    file beside that already holds the same text is left as it is)."""
    if path.is_dir():
        raise AlreadyExists(
            f"{path}: is a folder", f"name the registry file, e.g. {path / DEFAULT_RELATIVE.name}"
        )
    if path.exists():
        raise AlreadyExists(f"{path}: already exists", "choose another path or remove it")
    companions = dict(beside or {})
    for other, content in list(companions.items()):
        if other.is_file() and _same_text(other, content):
            del companions[other]
        elif other.exists():
            raise AlreadyExists(
                f"{other}: already exists with other content",
                "remove it, or create the registry in another folder",
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or exc
        raise WriteFailed(
            f"{path.parent}: cannot create the folder: {reason}", "check the path"
        ) from None
    for other, content in companions.items():
        write_text(Source(other), content)
    write_text(Source(path), text)


def _same_text(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False
