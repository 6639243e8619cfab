"""The only code that touches the registry file: find it, read it, lock it, write it.

Reads: bytes → UTF-8 text → ``tomllib`` → schema check, each failure a typed error that
names the file and, where known, the line (exit 3).

Writes: under an exclusive ``filelock`` on ``<registry>.lock`` (the target's, when the
registry is a symbolic link; made with the registry's permissions and group), re-read,
change, then write the canonical text to a temporary file in the same folder, give it
the file's owner, group, mode and extended attributes, fsync it and ``os.replace`` it
over the registry — so a reader sees the old file or the new one, never half of one.

Only regular files are read or replaced: a FIFO, a device or a socket where a registry
or an output file is expected is refused before it is opened (see ``files``).
"""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

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
from . import files

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
    """A registry as read: its source, text and parsed data, and schema problems."""

    source: Source
    text: str
    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def _index(self):
        from .lines import LineIndex

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
            return decode(files.read_regular(path), path)
    except FileNotFoundError:
        hint = "clusters init PATH" if source.how != "shipped" else "reinstall clusters"
        via = {"env": f" (from ${ENV_VAR})"}.get(source.how, "")
        raise RegistryNotFound(
            f"{path}{via}: registry not found", f"check the path, or create one with {hint}"
        ) from None
    except files.NotRegular as exc:
        raise _not_a_file(path, exc.kind) from None
    except IsADirectoryError:  # pragma: no cover - a folder is found before it is opened
        raise _not_a_file(path, files.FOLDER) from None
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

    from .lines import MAX_KEY_PARTS, too_deep

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
        document = Document(source, text, parse(text, source.path))
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


def target_of(path: Path) -> Path:
    """The file a write to ``path`` lands in: a symbolic link's target, so the link stays
    a link."""
    return Path(os.path.realpath(path))


def ensure_writable(source: Source) -> None:
    if source.shipped:
        raise ReadOnly(
            f"{source.path}: the registry shipped with clusters is read-only",
            f"run `clusters init PATH --from-shipped` and pass --registry PATH (or set {ENV_VAR})",
        )
    try:
        kind = files.kind_at(source.path)
    except OSError:
        kind = None
    if kind is None:
        read_text(source)  # raises the error: not found, a dangling link, no permission
    elif kind != files.REGULAR:  # before the lock, which would leave FOLDER.lock behind
        raise _not_a_file(source.path, kind)
    target = target_of(source.path)
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

    target = target_of(source.path)
    lock_path = f"{target}.lock"
    try:
        registry: os.stat_result | None = os.stat(target)
    except OSError:
        registry = None
    # The lock file gets the registry's read and write bits (not the umask of whoever
    # writes first), so that everyone who may write the registry may take its lock.
    shared = (
        {} if registry is None or sys.platform == "win32" else {"mode": registry.st_mode & 0o666}
    )
    lock = FileLock(lock_path, timeout=timeout, **shared)
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
        f"(it belongs to {_owner(found)}, mode {stat.S_IMODE(found.st_mode):04o})",
        "let every user of the registry write the lock file (chgrp it to the registry's "
        "group and chmod g+w it), or remove it while no clusters command runs",
    )


def _owner(found: os.stat_result) -> str:
    """``user alice, group staff`` (numbers where the names are unknown)."""
    user = str(found.st_uid)
    with suppress(ImportError, KeyError):
        import pwd

        user = pwd.getpwuid(found.st_uid).pw_name
    return f"user {user}, group {_group(found.st_gid)}"


def _group(gid: int) -> str:
    with suppress(ImportError, KeyError):
        import grp

        return grp.getgrgid(gid).gr_name
    return str(gid)


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
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp$")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if pattern.match(name):
            _discard(str(target.parent / name))


def write_text(source: Source, text: str) -> list[str]:
    """Replace the registry's content atomically, keeping its owner, group, mode and
    extended attributes (and symbolic link); returns warnings (a group not kept)."""
    payload = text.encode("utf-8")
    warnings: list[str] = []
    with atomic(source.path, warnings=warnings) as temp, open(temp, "wb") as handle:
        handle.write(payload)
    return warnings


@contextmanager
def atomic(
    path: Path, *, follow_links: bool = True, warnings: list[str] | None = None
) -> Iterator[Path]:
    """A new temporary file beside ``path`` for the block to fill; when the block ends it
    is given the owner, group, mode and extended attributes of the file it replaces,
    flushed to disk and moved over it (over a symbolic link's target, so the link stays a
    link; with ``follow_links`` false, over ``path`` itself, which the caller has checked
    is no link). What cannot be kept is said in ``warnings``. A failed block leaves
    ``path`` as it was and the temporary file removed; an operating-system failure is
    ``WriteFailed``."""
    import tempfile

    target = target_of(path) if follow_links else path
    try:
        before: os.stat_result | None = os.stat(target) if follow_links else os.lstat(target)
    except FileNotFoundError:
        before = None
    mode = stat.S_IMODE(before.st_mode) if before else _new_file_mode()
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except PermissionError as exc:
        raise PermissionDenied(
            f"{target.parent}: cannot write here: {exc.strerror}", "make the folder writable"
        ) from None
    except OSError as exc:
        raise WriteFailed(
            f"{target}: cannot write: {exc.strerror or exc}", "check the path and free space"
        ) from None
    os.close(fd)
    try:
        yield Path(temp)
        _settle(temp, target, before, mode, [] if warnings is None else warnings)
        _replace(temp, target)
    except BaseException as exc:
        _discard(temp)
        if isinstance(exc, OSError):
            raise WriteFailed(
                f"{target}: write failed: {exc.strerror or exc}; the file is unchanged",
                "check the free space and the permissions, then retry",
            ) from None
        raise
    _sync_folder(target.parent)


def _settle(
    temp: str, target: Path, before: os.stat_result | None, mode: int, warnings: list[str]
) -> None:
    """Give the filled temporary file what the file it replaces had, and flush it to disk.
    Through a descriptor opened without following links: the folder may be shared."""
    fd = os.open(temp, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    try:
        if before is not None and hasattr(os, "fchown"):
            _keep_owner(fd, target, before, warnings)
        if hasattr(os, "fchmod"):  # after chown, which may clear the setgid bit
            os.fchmod(fd, mode)
        else:  # pragma: no cover - Windows (before Python 3.13)
            os.chmod(temp, mode)
        if before is not None:
            _keep_xattrs(fd, target, warnings)
        os.fsync(fd)
    finally:
        os.close(fd)


def _keep_owner(fd: int, target: Path, before: os.stat_result, warnings: list[str]) -> None:
    """The replaced file's owner and group. Only root may give a file away, so for anyone
    else the owner becomes the writer, as with any editor; the group is kept when the
    writer belongs to it, else the change is said."""
    now = os.fstat(fd)
    if (now.st_uid, now.st_gid) == (before.st_uid, before.st_gid):
        return
    try:
        os.fchown(fd, before.st_uid, before.st_gid)
        return
    except PermissionError:
        pass
    if now.st_gid == before.st_gid:
        return
    try:
        os.fchown(fd, -1, before.st_gid)
    except PermissionError:
        warnings.append(
            f"{target} now belongs to group {_group(now.st_gid)}, not {_group(before.st_gid)} "
            f"as before (you are not in that group); other members of "
            f"{_group(before.st_gid)} may have lost write access: "
            f"chgrp {_group(before.st_gid)} {target}"
        )


def _keep_xattrs(fd: int, target: Path, warnings: list[str]) -> None:
    """Copy the replaced file's extended attributes (an ACL, a user tag) where the
    platform has them (Linux); ``security.*`` labels are the system's to give."""
    if not hasattr(os, "listxattr"):  # pragma: no cover - macOS, Windows
        return
    try:
        names = os.listxattr(target)
    except OSError:  # a file system without them
        return
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(target, name))
        except OSError as exc:
            if not name.startswith("security."):
                warnings.append(
                    f"{target}: its extended attribute {name} could not be kept: "
                    f"{exc.strerror or exc}"
                )


def _new_file_mode() -> int:
    """The mode ``open()`` would give a new file (``mkstemp`` makes it owner-only)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


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


def _replace(temp: str, target: Path, attempts: int = 50) -> None:
    # Windows refuses to replace a file that another process holds open; such readers
    # are brief, so retry for about a second before giving up.
    for attempt in range(attempts):
        try:
            os.replace(temp, target)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == attempts - 1:
                raise
            time.sleep(0.02)


def _discard(temp: str) -> None:
    with suppress(OSError):
        os.unlink(temp)


def _sync_folder(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - no directory handles on Windows
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - a folder we just wrote into
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


# -- output files -----------------------------------------------------------------------


def check_output(path: Path, example: str = "out.txt") -> os.stat_result | None:
    """What a command asked to write ``path`` (``--output``, ``--svg``) would replace:
    nothing, or a regular file (its status). A folder, a symbolic link (never followed),
    a FIFO, a device or a socket is refused (``AlreadyExists``): a write must neither
    block, nor land somewhere else, nor turn a device into a file."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteFailed(
            f"{path}: cannot write: {exc.strerror or exc}", "check the path"
        ) from None
    kind = files.kind(found.st_mode)
    if kind == files.FOLDER:
        raise AlreadyExists(f"{path}: is a folder", f"name the file to write, e.g. {example}")
    if kind != files.REGULAR:
        raise AlreadyExists(
            f"{path}: is {kind}, not a regular file, so it is not written",
            "name a new file or a regular one (a link is not followed: name its target)",
        )
    return found


def write_output(path: Path, content: str | bytes, example: str = "out.txt") -> list[str]:
    """Write a file a command was asked to write, atomically, over nothing or a regular
    file only (see ``check_output``); returns warnings (a group not kept)."""
    check_output(path, example)
    payload = content.encode("utf-8") if isinstance(content, str) else content
    warnings: list[str] = []
    with atomic(path, follow_links=False, warnings=warnings) as temp, open(temp, "wb") as handle:
        handle.write(payload)
    return warnings


# -- databases --------------------------------------------------------------------------

SQLITE_HEADER = b"SQLite format 3\x00"
# The mark of a database written by clusters, in its header (``PRAGMA application_id``):
# "FlCl" as a 32-bit big-endian number. Only a database with this mark is replaced.
APPLICATION_ID = 0x466C436C
_APPLICATION_ID_AT = slice(68, 72)  # where SQLite's file header keeps it


def write_database(
    path: Path, script: Iterable[tuple[str, Iterable[Sequence[Any]] | None]]
) -> list[str]:
    """Build a new SQLite database at ``path``: each statement of ``script`` runs once, or
    for each of its rows. Built in a temporary file beside ``path`` and moved into place,
    marked with ``APPLICATION_ID``. Only nothing, an empty file or a database this tool
    wrote is replaced: anything else at ``path`` is refused and left alone. Returns
    warnings (a group not kept)."""
    import sqlite3

    _refuse_unless_ours(path)
    warnings: list[str] = []
    with atomic(path, follow_links=False, warnings=warnings) as temp:
        connection = sqlite3.connect(temp, isolation_level=None)
        try:
            # The file is private until it is moved into place (and flushed to disk
            # then): a rollback journal or a sync per transaction would only slow it.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute("BEGIN")
            for statement, rows in script:
                if rows is None:
                    connection.execute(statement)
                else:
                    connection.executemany(statement, rows)
            connection.execute("COMMIT")
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.Error as exc:
            raise WriteFailed(
                f"{path}: cannot write the database: {exc}; nothing was written",
                "check the free space and the permissions, then retry",
            ) from None
        finally:
            connection.close()
        if broken:  # a safety net: the records were checked before they were written
            raise WriteFailed(f"{path}: foreign keys would not hold: {broken[:5]}")
    return warnings


def _refuse_unless_ours(path: Path) -> None:
    """Refuse to replace anything but nothing, an empty regular file, or a database
    that carries this tool's mark (read from its header, never opened as a database)."""
    if check_output(path, "clusters.db") is None:
        return
    try:
        with files.open_regular(path, follow=False) as handle:
            head = handle.read(100)
    except FileNotFoundError:
        return
    except files.NotRegular as exc:  # swapped since the check
        raise AlreadyExists(f"{path}: is {exc.kind}, so it is not written") from None
    except PermissionError as exc:
        raise PermissionDenied(
            f"{path}: cannot read: {exc.strerror or exc}", "give yourself read permission"
        ) from None
    except OSError as exc:  # a link swapped in since the check (O_NOFOLLOW), …
        raise WriteFailed(f"{path}: cannot check it: {exc.strerror or exc}") from None
    if not head:
        return  # an empty file holds nothing to lose
    if not head.startswith(SQLITE_HEADER):
        raise AlreadyExists(
            f"{path}: exists and is not an SQLite database, so it is not replaced",
            "choose another path, or remove the file",
        )
    if int.from_bytes(head[_APPLICATION_ID_AT], "big") != APPLICATION_ID:
        raise AlreadyExists(
            f"{path}: exists and is an SQLite database that clusters did not write, so it "
            "is not replaced",
            "choose another path, or remove the file (an export made by an earlier "
            "clusters carries no mark: remove it once)",
        )
