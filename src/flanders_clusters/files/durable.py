"""Durable writes: a file replaced whole or not at all, and the replacement on disk.

One way for every file written in place of another — the registry (``registry.store``),
the site's marker and journal (``site``), and every file a command is asked to write
(``write_output``: ``timeline --svg``; the SQLite export of ``formats.sqlite_export``).
``replacing`` does it:

1. a temporary file in the same folder, created exclusively and never through a link
   (``O_EXCL | O_NOFOLLOW``): a fresh name ``.NAME.xxxxxxxx.tmp``, or one the caller
   made (the site's ``NAME.tmp``, whose leftovers it recognises);
2. the caller fills it;
3. where asked (``keep``), it gets the owner, group, mode and extended attributes of
   the file it replaces, or the mode ``open()`` gives a new file; what cannot be kept
   is said in ``warnings``;
4. it is flushed to disk (``fsync``) and moved over the file (``os.replace``, retried
   on Windows for about a second while a reader holds the file open);
5. the folder is flushed too, so that the rename lasts.

A failure before the rename removes the temporary and leaves the file as it was. The
folder is named by a path, or given as an open descriptor (``dir_fd``): the site looks
every name up in the very folder it checked, so a folder swapped for a link meanwhile
cannot send the write elsewhere.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from ..errors import AlreadyExists, PermissionDenied, WriteFailed
from . import regular
from .owners import group_name

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
# A new file, never one already there, nor through a link.
CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # as tempfile's names
_ATTEMPTS = 100  # fresh names tried before giving up (each is 1 in 37^8 to be taken)


@dataclass
class Temporary:
    """The temporary file being filled: its open descriptor (write through it) and its
    name — a path, unless the folder was given as a descriptor."""

    fd: int
    name: str

    @property
    def path(self) -> str:
        return self.name

    def write(self, content: bytes) -> int:
        """Write all of ``content``; its length."""
        with open(self.fd, "wb", closefd=False) as handle:
            return handle.write(content)


def fresh_temporary(name: str, *, dir_fd: int | None = None) -> tuple[int, str]:
    """A new file beside ``name``, ``.NAME.xxxxxxxx.tmp``, created exclusively and
    readable by its owner only (until ``replacing`` gives it its mode): its descriptor
    and its name."""
    import secrets

    folder, base = os.path.split(name)
    for _ in range(_ATTEMPTS):
        random = "".join(secrets.choice(_LETTERS) for _ in range(8))
        temp = os.path.join(folder, f".{base}.{random}.tmp")
        try:
            return os.open(temp, CREATE, 0o600, dir_fd=dir_fd), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", folder or ".")


def stale_temporaries(target: Path) -> list[Path]:
    """The temporary files ``fresh_temporary`` made beside ``target`` (a writer killed
    mid-write leaves one behind): only a holder of the file's lock may remove them."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.[{_LETTERS}]{{8}}\.tmp$")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return [target.parent / name for name in names if pattern.match(name)]


@contextmanager
def replacing(
    name: str,
    *,
    folder: str | None = None,
    dir_fd: int | None = None,
    temp: tuple[int, str] | None = None,
    keep: bool = False,
    warnings: list[str] | None = None,
) -> Iterator[Temporary]:
    """Replace the file ``name`` durably with what the block writes (see the module).

    ``name`` is a path, or a name in the folder ``dir_fd`` (``folder`` is then that
    folder's path, for messages). ``temp`` is a temporary the caller made (its
    descriptor and name), else a fresh one is made. With ``keep`` the new file gets the
    owner, group, mode and extended attributes of the one it replaces, never following
    a link. ``OSError`` passes through, naming the whole path."""
    folder = folder if folder is not None else os.path.dirname(name)
    shown = os.path.join(folder, name) if dir_fd is not None else name
    try:
        before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False) if keep else None
    except FileNotFoundError:
        before = None
    if temp is None:
        try:
            temp = fresh_temporary(name, dir_fd=dir_fd)
        except OSError as exc:
            exc.filename = shown
            raise
    fd, temp_name = temp
    try:
        try:
            yield Temporary(fd, temp_name)
            if keep:
                _settle(fd, temp_name, shown, before, [] if warnings is None else warnings)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            _replace(temp_name, name, dir_fd)
        except OSError as exc:
            if dir_fd is not None:  # the names in the folder, as whole paths
                exc.filename = os.path.join(folder, temp_name)
                exc.filename2 = shown
            raise
    except BaseException:
        with suppress(OSError):
            os.unlink(temp_name, dir_fd=dir_fd)
        raise
    sync_folder(folder, dir_fd)


def _settle(
    fd: int, temp: str, target: str, before: os.stat_result | None, warnings: list[str]
) -> None:
    """Give the filled temporary what the file it replaces had: owner and group (as far
    as this user may), mode and extended attributes; a new file the mode ``open()``
    would give it."""
    if before is not None and hasattr(os, "fchown"):
        _keep_owner(fd, target, before, warnings)
    mode = stat.S_IMODE(before.st_mode) if before is not None else _new_file_mode()
    if hasattr(os, "fchmod"):  # after chown, which may clear the setgid bit
        os.fchmod(fd, mode)
    else:  # pragma: no cover - Windows (before Python 3.13)
        os.chmod(temp, mode)
    if before is not None:
        _keep_xattrs(fd, target, warnings)


def _keep_owner(fd: int, target: str, before: os.stat_result, warnings: list[str]) -> None:
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
        old, new = group_name(before.st_gid), group_name(now.st_gid)
        warnings.append(
            f"{target} now belongs to group {new}, not {old} as before (you are not in that "
            f"group); other members of {old} may have lost write access: chgrp {old} {target}"
        )


def _keep_xattrs(fd: int, target: str, warnings: list[str]) -> None:
    """Copy the replaced file's extended attributes (an ACL, a user tag) where the
    platform has them (Linux); ``security.*`` labels are the system's to give."""
    if not hasattr(os, "listxattr"):  # pragma: no cover - macOS, Windows
        return
    try:
        names = os.listxattr(target, follow_symlinks=False)
    except OSError:  # a file system without them
        return
    for name in names:
        try:
            os.setxattr(fd, name, os.getxattr(target, name, follow_symlinks=False))
        except OSError as exc:
            if not name.startswith("security."):
                warnings.append(
                    f"{target}: its extended attribute {name} could not be kept: "
                    f"{exc.strerror or exc}"
                )


def _new_file_mode() -> int:
    """The mode ``open()`` would give a new file (the temporary is made owner-only)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def _replace(temp: str, target: str, dir_fd: int | None, attempts: int = 50) -> None:
    # Windows refuses to replace a file that another process holds open; such readers
    # are brief, so retry for about a second before giving up.
    for attempt in range(attempts):
        try:
            os.replace(temp, target, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            return
        except PermissionError:
            if sys.platform != "win32" or attempt == attempts - 1:
                raise
            time.sleep(0.02)


def sync_folder(folder: str, dir_fd: int | None = None) -> None:
    """Flush a folder's entries to disk (a rename in it lasts), where a folder can be
    opened (not on Windows); a file system that refuses is let be."""
    if dir_fd is not None:
        with suppress(OSError):
            os.fsync(dir_fd)
        return
    if sys.platform == "win32":  # pragma: no cover - no directory handles on Windows
        return
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:  # pragma: no cover - a folder we just wrote into
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


# -- by path, failures as typed errors ------------------------------------------------------


def target_of(path: Path) -> Path:
    """The file a write to ``path`` lands in: a symbolic link's target, so the link stays
    a link."""
    return Path(os.path.realpath(path))


@contextmanager
def atomic(
    path: Path, *, follow_links: bool = True, warnings: list[str] | None = None
) -> Iterator[Temporary]:
    """``replacing`` a file named by a path, keeping what it had: over a symbolic link's
    target, so the link stays a link (with ``follow_links`` false, over ``path`` itself,
    which the caller has checked is no link). A folder that may not be written is
    ``PermissionDenied``; any other operating-system failure ``WriteFailed``, the file
    unchanged."""
    target = target_of(path) if follow_links else path
    try:
        temp = fresh_temporary(str(target))
    except PermissionError as exc:
        raise PermissionDenied(
            f"{target.parent}: cannot write here: {exc.strerror}", "make the folder writable"
        ) from None
    except OSError as exc:
        raise WriteFailed(
            f"{target}: cannot write: {exc.strerror or exc}", "check the path and free space"
        ) from None
    try:
        with replacing(str(target), temp=temp, keep=True, warnings=warnings) as filled:
            yield filled
    except OSError as exc:
        raise WriteFailed(
            f"{target}: write failed: {exc.strerror or exc}; the file is unchanged",
            "check the free space and the permissions, then retry",
        ) from None


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
    kind = regular.kind(found.st_mode)
    if kind == regular.FOLDER:
        raise AlreadyExists(f"{path}: is a folder", f"name the file to write, e.g. {example}")
    if kind != regular.REGULAR:
        raise AlreadyExists(
            f"{path}: is {kind}, not a regular file, so it is not written",
            "name a new file or a regular one (a link is not followed: name its target)",
        )
    return found


def write_output(path: Path, content: str | bytes, example: str = "out.txt") -> list[str]:
    """Write a file a command was asked to write, durably, over nothing or a regular
    file only (see ``check_output``); returns warnings (a group not kept)."""
    check_output(path, example)
    payload = content.encode("utf-8") if isinstance(content, str) else content
    warnings: list[str] = []
    with atomic(path, follow_links=False, warnings=warnings) as temp:
        temp.write(payload)
    return warnings
