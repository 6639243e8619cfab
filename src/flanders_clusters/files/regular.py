"""What kind of file a path is, and reading a file only when it is a regular one.

A FIFO blocks whoever opens it until a writer comes, and a device such as ``/dev/zero``
never ends: where a file is expected, only a regular file is read. The kind is checked
before the file is opened, and again on the open descriptor (opened without blocking),
so a path swapped in between cannot make a read hang.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

REGULAR = "a regular file"
FOLDER = "a folder"
_KINDS = (
    (stat.S_ISDIR, FOLDER),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotRegular(Exception):
    """The path is there but is not a regular file; ``kind`` says what it is."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path}: is {kind}")
        self.path = path
        self.kind = kind


def kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words: ``a FIFO (named pipe)``, …"""
    if stat.S_ISREG(mode):
        return REGULAR
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"  # pragma: no cover - a door or a whiteout (Solaris, BSD)


def kind_at(path: Path, *, follow: bool = True) -> str | None:
    """What is at ``path`` (its link's target unless ``follow`` is false); None when
    nothing is. Raises ``OSError`` for other failures (permission on a folder, …)."""
    try:
        found = os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        return None
    return kind(found.st_mode)


def open_regular(path: Path, *, follow: bool = True) -> BinaryIO:
    """``path`` opened for reading, if it is a regular file; else ``NotRegular``.
    ``FileNotFoundError``, ``PermissionError`` and other ``OSError`` pass through."""
    found = kind_at(path, follow=follow)
    if found is None:
        raise FileNotFoundError(2, "No such file or directory", str(path))
    if found != REGULAR:
        raise NotRegular(path, found)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        opened = kind(os.fstat(fd).st_mode)
        if opened != REGULAR:  # swapped after the check
            raise NotRegular(path, opened)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_regular(path: Path, *, follow: bool = True) -> bytes:
    """The bytes of ``path``, if it is a regular file (see ``open_regular``)."""
    with open_regular(path, follow=follow) as handle:
        return handle.read()
