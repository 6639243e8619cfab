"""Putting a built site into a user's folder, safely.

The folder (OUTDIR) may be absent, empty, a previous build — it holds the marker
``.clusters-site``, which lists every file that build wrote — or a folder whose only
other entries are ``.git``, ``.nojekyll`` and ``CNAME``, as a ``gh-pages`` checkout is
(a previous build may hold more hidden entries of the user's, anywhere). Anything else is
refused (``NotASite``, exit 4) before anything is written. Entries the build did not
write are never changed or deleted, and symbolic links are never followed: a link where
the site has a file or folder is an entry it did not write.

The folders are handled through descriptors where the system has them (``Folder``): each
name is looked up in the very folder that was checked, one component at a time and
never through a link, so a folder swapped for a link while the build runs cannot send a
write, a move or a delete elsewhere. Every file the build makes in OUTDIR or its work
folder is created exclusively (``O_EXCL``, never through a link); a temporary name found
taken is removed only when it is a file of this user's that this program wrote there,
else the build is refused. Windows has no such descriptors: there each folder is checked
with ``lstat`` just before it is used (a narrower window, not none).

The protocol, so that an interrupted build never leaves a mix of two builds:

1. A work folder beside OUTDIR, ``.<name>.clusters-site`` (inside OUTDIR, as
   ``.clusters-site-work``, when OUTDIR is a mount point: files must move by rename),
   holds a lock (``lock``, taken without waiting: a second build into the same folder
   exits 5), the new build (``new/``) and the journal (``journal``). It is made afresh,
   readable by this user only; one that exists already (an interrupted build's) is used
   only when it is a real folder of this user's that no one else may write.
2. Recovery: a journal left by an interrupted run is finished (step 5); a ``new/``
   without a journal is an unfinished build and is deleted. The old site was not touched
   by it.
3. The folder is checked (above); the old marker says which files are the site's.
4. Every file of the new build is written into ``new/`` (a large build's pages by
   several processes at once, which stop when this process does: ``worker_pool``),
   but a file the previous build holds byte for byte (a regular file its marker lists,
   read never through a link): that one stays as it is, neither written nor moved.
   Until here OUTDIR is untouched: a build killed now leaves the previous site exactly
   as it was. When OUTDIR does not exist yet, ``new/`` (with its marker) becomes OUTDIR
   in one rename, and that is all; when nothing changed, nothing more is done.
5. Otherwise the journal is written (to a temporary name, flushed to disk, renamed, the
   folder flushed: the commit point), listing the files to move in and the old files to
   delete. Then: the marker lists the old and the new files together, each new file is
   renamed over its old one (a folder OUTDIR lacks moves in whole, when it holds only
   files the journal names), the old files the new build lacks are deleted (and the
   site's folders they leave empty), the marker lists the new files alone, and the
   journal goes. Each step can run twice, so the next run finishes what a killed one
   began; until it does, the marker keeps listing every file of both builds, so the
   folder stays one that ``clusters site`` may rebuild. A journal is followed only as far
   as it stays inside the site: each path a safe relative one, each file moved a regular
   file of ``new/``, each file deleted one the marker lists.

A failure the program sees (a full disk) before the journal is written undoes the build
at once; one after it leaves the journal for the next run, as a kill does.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import re
import shutil
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import Locked, NotASite, PermissionDenied, WriteFailed
from ..files import durable
from . import worker_pool
from .worker_pool import Batch, Files

MARKER = ".clusters-site"
HEADER = "# clusters site: the files this build wrote, one a line; do not edit"
JOURNAL = "journal"
# A path the site may write: non-hidden names of safe characters, never CNAME on top.
_SAFE = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*$")
_KEPT = ("CNAME",)  # top-level entries a static host needs, never the site's
_USERS = (".git", ".nojekyll", "CNAME")  # what a folder that is no build yet may hold
_LISTED = 5  # foreign entries named in the refusal
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
_READ = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | _BINARY  # a FIFO: no wait
_NOATIME = getattr(os, "O_NOATIME", 0)  # Linux: reading a file does not write its inode
_LINKS = {errno.ELOOP, errno.ENOTDIR, errno.EMLINK}  # O_NOFOLLOW|O_DIRECTORY met no folder
# Descriptors of folders to act relative to (os.replace shares os.rename's support).
_DIR_FD = bool(
    _NOFOLLOW
    and _DIRECTORY
    and {os.open, os.mkdir, os.rename, os.unlink, os.rmdir, os.stat} <= os.supports_dir_fd
    and os.scandir in os.supports_fd
)
# The first bytes of what this program writes to its temporary names (a leftover is ours).
_MARKER_HEAD = HEADER.encode("utf-8")
_JOURNAL_HEAD = b'{\n"write": ['


@dataclass(frozen=True)
class Written:
    """What a build put in place: ``--json`` prints it."""

    outdir: str
    pages: int
    files: int
    bytes: int

    def as_json(self) -> dict[str, object]:
        return {
            "outdir": self.outdir,
            "pages": self.pages,
            "files": self.files,
            "bytes": self.bytes,
        }


def safe(path: str) -> bool:
    return bool(_SAFE.match(path)) and path not in _KEPT and ".." not in path.split("/")


# -- folders, never through a link -----------------------------------------------------------


class Folder:
    """A folder the build acts in, and the names it acts on in it.

    Where the system has them (Linux, macOS, the BSDs), an open descriptor: each name is
    looked up in this very folder, so the folder renamed or swapped for a link after it
    was opened cannot send anything elsewhere. Elsewhere (Windows) its path, each folder
    checked with ``lstat`` as it is opened. A folder inside another is opened one name
    at a time (``child``), never through a link."""

    def __init__(self, path: str, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def at(cls, path: str) -> Folder:
        """The folder ``path`` as the user named it (links above OUTDIR are theirs)."""
        if not _DIR_FD:
            return cls(path, None)
        return cls(path, os.open(path, os.O_RDONLY | _DIRECTORY))

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def shown(self, name: str) -> str:
        return os.path.join(self.path, name)

    def name_in(self, name: str) -> str:
        """How ``name`` is given to the system: itself, relative to the descriptor; its
        whole path where there is none."""
        return name if self.fd is not None else self.shown(name)

    def _failed(self, exc: OSError, name: str, other: str | None = None) -> None:
        """Have ``exc`` name the whole path, not the name inside the folder (a ``try``
        costs nothing until it fails: these run once for each file of a large site)."""
        exc.filename = self.shown(name)
        if other is not None:
            exc.filename2 = other

    def child(self, name: str) -> Folder:
        """The folder ``name`` in this one: absent, ``FileNotFoundError``; a link or not a
        folder, refused (``NotASite``)."""
        shown = self.shown(name)
        try:
            if self.fd is None:
                if not _is_folder(os.lstat(shown)):
                    raise _in_the_way(shown)
                return Folder(shown, None)
            fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno in _LINKS:
                raise _in_the_way(shown) from None
            self._failed(exc, name)
            raise
        return Folder(shown, fd)

    def stat(self) -> os.stat_result:
        return os.fstat(self.fd) if self.fd is not None else os.stat(self.path)

    def lstat(self, name: str) -> os.stat_result | None:
        """The entry ``name`` itself (a link, not what it points to); None when absent."""
        try:
            return os.stat(self.name_in(name), dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except OSError as exc:
            self._failed(exc, name)
            raise

    def entries(self) -> list[os.DirEntry[str]]:
        with os.scandir(self.fd if self.fd is not None else self.path) as found:
            return list(found)

    def mkdir(self, name: str, mode: int = 0o777) -> None:
        try:
            os.mkdir(self.name_in(name), mode, dir_fd=self.fd)
        except OSError as exc:
            self._failed(exc, name)
            raise

    def makedirs(self, path: str) -> None:
        """The folders of ``path`` (``a/b``) in this one, those missing made."""
        parts = path.split("/")
        for end in range(1, len(parts) + 1):
            with contextlib.suppress(FileExistsError):
                self.mkdir("/".join(parts[:end]))

    def create(self, name: str) -> int:
        """A new file ``name``, open for writing: never one already there, nor a link."""
        try:
            return os.open(self.name_in(name), _CREATE, 0o666, dir_fd=self.fd)
        except OSError as exc:
            self._failed(exc, name)
            raise

    def read(self, name: str, limit: int = -1) -> bytes:
        """The bytes of the regular file ``name`` (at most ``limit``), never through a link."""
        if self.fd is None:  # no O_NOFOLLOW on Windows: the entry is looked at first
            found = self.lstat(name)
            if found is not None and (_is_link(found) or not stat.S_ISREG(found.st_mode)):
                raise _not_a_file(self.shown(name))
        try:
            handle = os.open(self.name_in(name), _READ, dir_fd=self.fd)
        except OSError as exc:
            if exc.errno in _LINKS:
                raise _not_a_file(self.shown(name)) from None
            self._failed(exc, name)
            raise
        with open(handle, "rb") as file:
            if not stat.S_ISREG(os.fstat(handle).st_mode):
                raise _not_a_file(self.shown(name))
            return file.read(limit)

    def open_file(self, name: str) -> tuple[int, int] | None:
        """The regular file ``name``, open for reading, never through a link, and its
        size; None when there is none (absent, a link, a folder, anything else)."""
        if self.fd is None:  # no O_NOFOLLOW on Windows: the entry is looked at first
            found = self.lstat(name)
            if found is None or _is_link(found) or not stat.S_ISREG(found.st_mode):
                return None
        try:
            try:  # its access time left as it was, where the file is this user's
                handle = os.open(self.name_in(name), _READ | _NOATIME, dir_fd=self.fd)
            except PermissionError:
                handle = os.open(self.name_in(name), _READ, dir_fd=self.fd)
        except OSError:
            return None
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            os.close(handle)
            return None
        return handle, info.st_size

    def unlink(self, name: str) -> None:
        try:
            os.unlink(self.name_in(name), dir_fd=self.fd)
        except OSError as exc:
            self._failed(exc, name)
            raise

    def rmdir(self, name: str) -> None:
        try:
            os.rmdir(self.name_in(name), dir_fd=self.fd)
        except OSError as exc:
            self._failed(exc, name)
            raise

    def replace(self, name: str, into: Folder, new_name: str) -> None:
        """Rename ``name`` to ``new_name`` in ``into``, over a file there."""
        try:
            os.replace(
                self.name_in(name), into.name_in(new_name), src_dir_fd=self.fd, dst_dir_fd=into.fd
            )
        except OSError as exc:
            self._failed(exc, name, into.shown(new_name))
            raise

    def rename(self, name: str, into: Folder, new_name: str) -> None:
        """Rename ``name`` to ``new_name`` in ``into`` (a folder moved whole)."""
        try:
            os.rename(
                self.name_in(name), into.name_in(new_name), src_dir_fd=self.fd, dst_dir_fd=into.fd
            )
        except OSError as exc:
            self._failed(exc, name, into.shown(new_name))
            raise

    def remove_tree(self, name: str) -> None:
        """Remove ``name`` and all it holds, never following a link out of it."""
        info = self.lstat(name)
        if info is None:
            return
        if not _is_folder(info):
            self.unlink(name)
        elif self.fd is not None:
            shutil.rmtree(name, dir_fd=self.fd)
        else:
            shutil.rmtree(self.shown(name))

    def sync(self) -> None:
        """Flush the folder's entries to disk (where a folder can be opened: not Windows)."""
        durable.sync_folder(self.path, self.fd)


class Tree:
    """The folders under ``root``, each opened once, one name at a time."""

    def __init__(self, root: Folder) -> None:
        self.root = root
        self.opened: dict[str, Folder] = {"": root}
        self.moved: set[str] = set()  # folders renamed out of this tree

    def folder(self, relative: str, make: bool = False) -> Folder:
        """The folder ``relative`` (``a/b``): refused where a link or a file is in the
        way; made where missing when ``make``, else ``FileNotFoundError``."""
        found = self.opened.get(relative)
        if relative in self.moved:
            raise FileNotFoundError(errno.ENOENT, "moved", relative)
        if found is None:
            above, _, name = relative.rpartition("/")
            parent = self.folder(above, make)
            if make and parent.lstat(name) is None:
                with contextlib.suppress(FileExistsError):
                    parent.mkdir(name)
            found = self.opened[relative] = parent.child(name)
        return found

    def move(self, relative: str, into: Tree) -> bool:
        """Rename the folder ``relative`` whole to the same place in ``into`` when nothing
        is there yet (its folders above made where missing); whether it was. The tree no
        longer looks into it: its descriptor now names a folder of ``into``."""
        above, _, name = relative.rpartition("/")
        target = into.folder(above, make=True)
        if target.lstat(name) is not None:
            return False
        self.folder(above).rename(name, target, name)
        self.moved.add(relative)
        folder = self.opened.pop(relative, None)
        if folder is not None:
            folder.close()
        return True

    def close(self) -> None:
        for relative, folder in self.opened.items():
            if relative:
                folder.close()

    def __enter__(self) -> Tree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_link(info: os.stat_result) -> bool:
    """A symbolic link, or on Windows any reparse point (a junction too)."""
    return stat.S_ISLNK(info.st_mode) or bool(getattr(info, "st_reparse_tag", 0))


def _is_folder(info: os.stat_result) -> bool:
    return stat.S_ISDIR(info.st_mode) and not _is_link(info)


def _in_the_way(path: str) -> NotASite:
    return NotASite(
        f"{path} is a symbolic link or not a folder, where the site needs a folder; "
        "`clusters site` never follows links",
        "move it away, then run `clusters site` again",
    )


def _not_a_file(path: str) -> NotASite:
    return NotASite(
        f"{path} is a symbolic link or not a file; `clusters site` never reads or writes "
        "through one",
        "move it away, then run `clusters site` again",
    )


def _user() -> int | None:
    """This process's user, where files have owners and mode bits (not on Windows)."""
    return os.geteuid() if hasattr(os, "geteuid") else None


def _not_ours(folder: Folder, name: str, head: bytes) -> str | None:
    """Why the entry ``name`` (where this program writes a temporary) is not one it left
    there, or None: ours is a regular file of this user's that starts as this program
    writes it (or is empty: the run stopped before writing)."""
    info = folder.lstat(name)
    if info is None:
        return None
    if _is_link(info):
        return "is a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "is not a file"
    user = _user()
    if user is not None and info.st_uid != user:
        return f"belongs to another user (uid {info.st_uid})"
    if not head.startswith(folder.read(name, len(head))):
        return "holds what `clusters site` did not write"
    return None


def _refuse_temporary(path: str, problem: str) -> NotASite:
    return NotASite(
        f"{path} {problem}; `clusters site` writes its temporary file there and never "
        "writes through an entry it did not make",
        f"remove {path}, then run `clusters site` again",
    )


def _write_durably(folder: Folder, name: str, content: bytes, head: bytes) -> None:
    """Write ``name`` durably (``files.durable``: flushed, renamed over ``name``, the
    folder flushed so the rename lasts too) through a temporary made exclusively in the
    folder as opened, ``name.tmp``: a leftover of ours is replaced, anything else
    refused."""
    temp = name + ".tmp"
    try:
        handle = folder.create(temp)
    except FileExistsError:
        problem = _not_ours(folder, temp, head)
        if problem:
            raise _refuse_temporary(folder.shown(temp), problem) from None
        folder.unlink(temp)
        handle = folder.create(temp)
    with durable.replacing(
        folder.name_in(name),
        folder=folder.path,
        dir_fd=folder.fd,
        temp=(handle, folder.name_in(temp)),
    ) as filled:
        filled.write(content)


# -- the build ----------------------------------------------------------------------------


@dataclass
class Place:
    """Where a build goes: OUTDIR's folder, OUTDIR (None while absent), the work folder
    and the folder it is in (OUTDIR's, or OUTDIR on a mount point)."""

    outdir: Path
    parent: Folder
    out: Folder | None
    holder: Folder
    work: Folder

    @property
    def inside(self) -> str | None:
        """The work folder's name when it is inside OUTDIR (a mount point), else None."""
        return os.path.basename(self.work.path) if self.holder is self.out else None

    def close(self) -> None:
        for folder in (self.work, self.out, self.parent):
            if folder is not None:
                folder.close()


@contextlib.contextmanager
def _place(outdir: Path) -> Iterator[Place]:
    """Open OUTDIR's folder, OUTDIR itself (never a link) and the work folder."""
    os.makedirs(outdir.parent, exist_ok=True)  # the folders above OUTDIR, as named
    parent = Folder.at(str(outdir.parent))
    opened = [parent]
    place: Place | None = None
    try:
        out: Folder | None = None
        with contextlib.suppress(FileNotFoundError):
            out = parent.child(outdir.name)
            opened.append(out)
        if out is not None and out.stat().st_dev != parent.stat().st_dev:
            holder, name = out, f"{MARKER}-work"
        else:
            holder, name = parent, f".{outdir.name}{MARKER}"
        work = _work_folder(holder, name)
        opened.append(work)
        place = Place(outdir, parent, out, holder, work)
        yield place
    finally:
        for folder in opened:
            folder.close()  # closing twice is harmless
        if place is not None:
            place.close()  # OUTDIR too, when the recovery made it again


def _work_folder(holder: Folder, name: str) -> Folder:
    """The work folder: made afresh (only this user may enter it), or one an interrupted
    build left, used only when it is a real folder of this user's that no one else may
    write (its journal and ``new/`` are then ones this user's build left)."""
    path = holder.shown(name)
    try:
        holder.mkdir(name, 0o700)
    except FileExistsError:
        made = False
    else:
        made = True
    info = holder.lstat(name)
    problem = _untrusted(info) if info is not None and not made else None
    if problem is None:
        folder = _opened_as(holder, name, info) if info is not None else None
        if folder is not None:
            return folder
        problem = "changed while it was checked"
    fix = (
        f"if it is yours, left by an interrupted build, let only you write it "
        f"(chmod go-w {path}), else remove it; then run `clusters site` again"
        if problem.startswith("can be written")
        else f"remove {path} (the build makes its own), then run `clusters site` again"
    )
    raise NotASite(
        f"the work folder {path} {problem}; `clusters site` uses only a work folder it "
        "made, or one of yours that no one else may write",
        fix,
    )


def _opened_as(holder: Folder, name: str, info: os.stat_result) -> Folder | None:
    """The folder ``name``, opened never through a link, when it is still the entry
    ``info`` describes; else None."""
    try:
        folder = holder.child(name)
    except (NotASite, FileNotFoundError):
        return None
    now = folder.stat()
    if (now.st_dev, now.st_ino) != (info.st_dev, info.st_ino):
        folder.close()
        return None
    return folder


def _untrusted(info: os.stat_result) -> str | None:
    """Why a work folder found in place is not one to use, or None."""
    if _is_link(info):
        return "is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    user = _user()
    if user is not None and info.st_uid != user:
        return f"belongs to another user (uid {info.st_uid})"
    if user is not None and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"can be written by other users (mode {stat.filemode(info.st_mode)})"
    return None


def publish(
    outdir: Path, files: Files, queues: Sequence[Sequence[Batch]] = (), workers: int = 0
) -> Written:
    """Write ``files`` (relative path → bytes) and the files of each batch of ``queues``
    as the site in ``outdir``, safely; with ``workers`` forked processes that take part
    where the system forks (see ``worker_pool``)."""
    outdir = Path(os.path.abspath(outdir))
    _refuse_link_or_file(outdir)
    with _errors(outdir), _place(outdir) as place, _locked(place):
        _recover(place)
        old = check(place.out, place.inside) if place.out is not None else set()
        place.work.mkdir("new")
        with place.work.child("new") as new:
            previous = Previous(place.out, frozenset(old)) if old and place.out else None
            names, size = _write_all(new, files, queues, workers, previous)
            marker = marker_text(names).encode("utf-8")
            if place.out is None:
                # A first build: the whole folder moves into place in one rename.
                handle = new.create(MARKER)
                try:
                    _put(handle, marker)
                    os.fsync(handle)
                finally:
                    os.close(handle)
            unchanged = place.out is not None and _unchanged(place.out, new, old, names, marker)
        if place.out is None:
            place.work.rename("new", place.parent, outdir.name)
            place.parent.sync()
        elif not unchanged:
            journal = {"write": names, "delete": sorted(old - set(names))}
            content = json.dumps(journal, indent=0).encode()
            _write_durably(place.work, JOURNAL, content, _JOURNAL_HEAD)
            finish(place)
    pages = sum(1 for name in names if name.endswith(".html"))
    return Written(str(outdir), pages, len(names) + 1, size + len(marker))


def _unchanged(out: Folder, new: Folder, old: set[str], names: list[str], marker: bytes) -> bool:
    """Whether the build changes nothing in OUTDIR: no file written into ``new/`` (every
    one is in OUTDIR already, byte for byte), none to delete, the marker as it is."""
    if old != set(names) or _holds_a_file(new):
        return False
    try:
        return out.read(MARKER) == marker
    except (FileNotFoundError, NotASite):
        return False


def _holds_a_file(folder: Folder) -> bool:
    """Whether ``folder`` or a folder in it holds anything but folders."""
    with Tree(folder) as tree:
        pending = [""]
        while pending:
            relative = pending.pop()
            for entry in tree.folder(relative).entries():
                if not entry.is_dir(follow_symlinks=False):
                    return True
                pending.append(f"{relative}/{entry.name}" if relative else entry.name)
    return False


def _write_all(
    new: Folder,
    files: Files,
    queues: Sequence[Sequence[Batch]] = (),
    workers: int = 0,
    previous: Previous | None = None,
) -> tuple[list[str], int]:
    """Step 4: every file of the build into ``new/``, by ``workers`` forked processes and
    this one (``worker_pool``), but those a previous build already holds byte for byte;
    the names (sorted) and the bytes (of every file, those kept too)."""
    write = functools.partial(_write, new, previous=previous)
    return worker_pool.run(write, files, queues, workers)


class Previous:
    """The previous build in OUTDIR, for the files it holds already: ``same`` opens the
    one at a path (a regular file its marker lists, never through a link), so that a
    file whose bytes have not changed is neither written nor moved. Each process opens
    the folders it looks in itself, once (``start``)."""

    def __init__(self, out: Folder, listed: frozenset[str]) -> None:
        self.out = out
        self.listed = listed
        self.tree: Tree | None = None
        self.missing: set[str] = set()

    def start(self) -> None:
        """In the process that writes (a forked one too): its own folders, opened anew."""
        self.tree, self.missing = None, set()

    def open(self, path: str) -> tuple[int, int] | None:
        """The previous build's file ``path``, open for reading, and its size; None when it has none
        there (or something else is there: the file is then written, and the swap
        judges what is in its way)."""
        if path not in self.listed:
            return None
        if self.tree is None:
            self.tree = Tree(self.out)
        folder_path, _, name = path.rpartition("/")
        if folder_path in self.missing:
            return None
        try:
            return self.tree.folder(folder_path).open_file(name)
        except (OSError, NotASite):
            self.missing.add(folder_path)
            return None

    def close(self) -> None:
        if self.tree is not None:
            self.tree.close()
        self.tree = None


def _write(
    new: Folder, parts: Iterable[Files], previous: Previous | None = None
) -> tuple[list[str], int]:
    """Write each file of ``parts`` under ``new``: one ``open`` and ``write`` a file, never
    over an entry already there; a file the ``previous`` build holds with the same bytes
    is left out (it stays as it is)."""
    made: set[str] = set()
    names: list[str] = []
    size = 0
    if previous is not None:
        previous.start()
    try:
        for files in parts:
            for path, content in files:
                if not safe(path):
                    raise ValueError(f"not a site path: {path!r}")
                names.append(path)
                opened = previous.open(path) if previous is not None else None
                found = opened[0] if opened is not None else None
                if isinstance(content, bytes) and opened is not None:
                    try:
                        same = opened[1] == len(content) and _read(opened[0], opened[1]) == content
                    finally:
                        os.close(opened[0])
                    size += len(content)
                    if same:
                        continue
                    found = None
                parent_folder, _, _ = path.rpartition("/")
                if parent_folder and parent_folder not in made:
                    new.makedirs(parent_folder)
                    made.add(parent_folder)
                handle = new.create(path)
                try:
                    if isinstance(content, bytes):
                        size += _put(handle, content)
                        same = False
                    else:
                        written, same = _put_pieces(handle, content, found)
                        size += written
                finally:
                    os.close(handle)
                    if found is not None:
                        os.close(found)
                if same:
                    new.unlink(path)  # the previous build's file has these very bytes
    finally:
        if previous is not None:
            previous.close()
    return names, size


def _read(handle: int, size: int) -> bytes:
    """Up to ``size`` bytes of the open file, fewer only at its end."""
    pieces = []
    while size > 0:
        piece = os.read(handle, size)
        if not piece:
            break
        pieces.append(piece)
        size -= len(piece)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def _put_pieces(handle: int, pieces: Iterable[bytes], found: int | None) -> tuple[int, bool]:
    """Each piece written to the open file as it is made; its bytes, and whether the
    open file ``found`` (the previous build's) holds the very same bytes."""
    size = 0
    same = found is not None
    for piece in pieces:
        size += _put(handle, piece)
        if same:
            same = _read(found, len(piece)) == piece  # type: ignore[arg-type]
    if same:
        same = not os.read(found, 1)  # type: ignore[arg-type]
    return size, same


def _put(handle: int, content: bytes) -> int:
    """All of ``content`` written to the open file; its length."""
    view = memoryview(content)
    size = len(view)
    while view:
        view = view[os.write(handle, view) :]
    return size


def work_folder(outdir: Path) -> Path:
    """Beside OUTDIR; inside it (hidden) when OUTDIR is on another file system."""
    parent = outdir.parent
    if outdir.exists() and os.stat(parent).st_dev != os.lstat(outdir).st_dev:
        return outdir / f"{MARKER}-work"
    return parent / f".{outdir.name}{MARKER}"


def _refuse_link_or_file(outdir: Path) -> None:
    if outdir.is_symlink():
        raise NotASite(
            f"{outdir} is a symbolic link; the site never follows links",
            f"pass the folder it points to: {os.path.realpath(outdir)}",
        )
    if outdir.exists() and not outdir.is_dir():
        raise NotASite(f"{outdir} is a file, not a folder", "pass a folder for the site")


def refuse_registry_inside(outdir: Path, registry: Path) -> None:
    """Refuse OUTDIR when the registry lies in it, at any depth: the build would write
    over it or delete it (a built site's ``data/clusters.toml`` is its download, and the
    registry a command finds when run in that folder)."""
    try:
        folder = os.stat(outdir)
    except OSError:
        return  # absent, or not to be read: nothing of the user's lies in it
    real = Path(os.path.realpath(registry))
    for above in real.parents:
        with contextlib.suppress(OSError):
            if os.path.samestat(os.stat(above), folder):
                raise NotASite(
                    f"the registry {registry} lies inside the site's folder {outdir}: the "
                    "build would write over it",
                    "build the site into another folder, or move the registry out of "
                    f"{outdir} (pass it with --registry)",
                )


@contextlib.contextmanager
def _errors(outdir: Path) -> Iterator[None]:
    """Operating-system failures as typed errors (exit 4), never a traceback."""
    try:
        yield
    except PermissionError as exc:
        raise PermissionDenied(
            f"cannot write {exc.filename or outdir}: permission denied",
            "choose a folder you can write, or fix its permissions",
        ) from None
    except OSError as exc:
        raise WriteFailed(
            f"cannot write {exc.filename or outdir}: {exc.strerror or exc}",
            "free some space or fix the folder, then run `clusters site` again: it finishes "
            "or undoes the interrupted build",
        ) from None


@contextlib.contextmanager
def _locked(place: Place) -> Iterator[None]:
    """Hold the work folder's lock (without waiting); remove the folder when done.

    A failure before the journal is written undoes the build at once; after it, the
    journal stays for the next run to finish (as it does when the process is killed).
    """
    from filelock import FileLock, Timeout

    work = place.work
    found = work.lstat("lock")
    if found is not None and (_is_link(found) or not stat.S_ISREG(found.st_mode)):
        raise _not_a_file(work.shown("lock"))
    lock = FileLock(work.shown("lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise Locked(
            f"another `clusters site` is building into this folder (it holds {work.shown('lock')})",
            "wait for it to finish, then run again",
        ) from None
    try:
        yield
    except Exception:
        if work.lstat(JOURNAL) is None:
            _clean(work)
        raise
    else:
        _clean(work)
    finally:
        lock.release()
        with contextlib.suppress(OSError):
            place.holder.rmdir(os.path.basename(work.path))  # when emptied


def _clean(work: Folder) -> None:
    """The work folder emptied, the lock file last (while still held, where the system
    allows it; Windows removes it on release)."""
    work.remove_tree("new")
    with contextlib.suppress(OSError):
        work.unlink("lock")


def recover(outdir: Path) -> None:
    """Finish a journaled swap left in OUTDIR's work folder, or drop an unfinished build
    (the old site is intact), under the work folder's lock."""
    outdir = Path(os.path.abspath(outdir))
    with _errors(outdir), _place(outdir) as place, _locked(place):
        _recover(place)


def _recover(place: Place) -> None:
    if place.work.lstat(JOURNAL) is not None:
        finish(place)
    place.work.remove_tree("new")


def _journal(work: Folder) -> tuple[list[str], list[str]]:
    """The journal's files to move in and to delete, as safe paths; a journal that is
    not one this program writes is refused."""
    try:
        journal = json.loads(work.read(JOURNAL).decode("utf-8"))
        write, delete = journal["write"], journal["delete"]
        if not isinstance(write, list) or not isinstance(delete, list):
            raise TypeError
        if not all(isinstance(p, str) for p in [*write, *delete]):
            raise TypeError
    except (ValueError, TypeError, KeyError):
        path = work.shown(JOURNAL)
        raise NotASite(
            f"{path} is not a journal `clusters site` wrote; it is not followed",
            f"remove {work.path}, then run `clusters site` again",
        ) from None
    return [p for p in write if safe(p)], [p for p in delete if safe(p)]


def finish(place: Place) -> None:
    """Step 5 of the protocol: move the journal's files in, delete the old ones.

    Every step may run again after an interruption (a file already moved is skipped).
    Each folder is opened one name at a time, never through a link, and each move and
    delete is done in the folder so opened: a folder swapped for a link meanwhile is
    not followed.
    """
    names, gone = _journal(place.work)
    try:
        new: Folder | None = place.work.child("new")  # refused here when a link
    except FileNotFoundError:
        new = None  # every file moved in by an interrupted run
    if place.out is None:  # removed since the interrupted run: made again
        with contextlib.suppress(FileExistsError):
            place.parent.mkdir(place.outdir.name)
        place.out = place.parent.child(place.outdir.name)
    out = place.out
    before = _listed(out)
    gone = [p for p in gone if p in before]  # only ever the site's own files
    if not before.issuperset(names):
        write_marker(out, sorted(before.union(names)))  # both builds' files, while they move
    with Tree(out) as targets:
        if new is not None:
            with new, Tree(new) as sources:
                _move_in(sources, names, targets)
        for path in gone:
            folder_path, _, name = path.rpartition("/")
            try:
                folder = targets.folder(folder_path)
            except (FileNotFoundError, NotASite):
                continue  # not the site's folder any more: its files are not the site's
            found = folder.lstat(name)
            if found is not None and stat.S_ISREG(found.st_mode):
                folder.unlink(name)
        _remove_empty_folders(targets, gone, names)
    write_marker(out, names)
    place.work.unlink(JOURNAL)


def _move_in(sources: Tree, names: list[str], targets: Tree) -> None:
    """Rename each regular file of ``new/`` the journal names over its place in OUTDIR.

    A file the journal names that ``new/`` lacks was moved in by an interrupted run, or
    is one the previous build held already, byte for byte. Each folder of ``new/`` is
    listed once (its entries' types come with the list), not each file looked up. A
    folder that OUTDIR lacks (a first build into a gh-pages checkout) moves in whole, in
    one rename, when it holds only regular files the journal names."""
    by_folder: dict[str, list[str]] = {}
    for path in names:
        folder_path, _, name = path.rpartition("/")
        by_folder.setdefault(folder_path, []).append(name)
    for folder_path, files in by_folder.items():
        try:
            source = sources.folder(folder_path)
        except FileNotFoundError:
            continue  # moved in by an interrupted run, or nothing changed in it
        found = {entry.name: entry.is_file(follow_symlinks=False) for entry in source.entries()}
        whole = folder_path and found and all(found.values()) and found.keys() <= set(files)
        if whole and sources.move(folder_path, targets):
            continue
        target = targets.folder(folder_path, make=True)
        for name in files:
            regular = found.get(name)
            if regular is None:
                continue
            if not regular:
                raise _not_a_file(source.shown(name))
            source.replace(name, target, name)


def _remove_empty_folders(targets: Tree, gone: list[str], kept: list[str]) -> None:
    """The site's folders that only the deleted files used, once empty (never others)."""
    needed = {str(Path(p).parent) for p in kept}
    candidates = _folders_of(gone)
    for relative in sorted(candidates - needed, key=lambda f: -f.count("/")):
        above, _, name = relative.rpartition("/")
        with contextlib.suppress(OSError, NotASite):
            targets.folder(above).rmdir(name)  # only when empty: a user's hidden file keeps it


def _folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder the site's ``paths`` are in (``a``, ``a/b``), OUTDIR itself left out."""
    return {str(parent) for p in paths for parent in Path(p).parents if str(parent) != "."}


def marker_text(names: list[str]) -> str:
    return HEADER + "\n" + "".join(f"{name}\n" for name in names)


def write_marker(out: Folder, names: list[str]) -> None:
    _write_durably(out, MARKER, marker_text(names).encode("utf-8"), _MARKER_HEAD)


def listed(outdir: Path) -> set[str]:
    """The files the marker in ``outdir`` lists (safe paths only: a marker is never
    trusted further; none when it is a link or not a file)."""
    try:
        folder = Folder.at(str(outdir))
    except FileNotFoundError:
        return set()
    with folder:
        return _listed(folder)


def _listed(out: Folder) -> set[str]:
    try:
        text = out.read(MARKER).decode("utf-8", errors="replace")
    except (FileNotFoundError, NotASite):
        return set()
    return {line for line in text.splitlines() if safe(line)}


def check(out: Folder, inside: str | None = None) -> set[str]:
    """The previous build's files, after checking that the folder holds nothing else.

    A previous build (its marker a regular file) may hold hidden entries of the user's
    anywhere; a folder that is no build yet only ``.git``, ``.nojekyll`` and ``CNAME``.
    ``inside`` is the work folder's name when it is in OUTDIR (a mount point)."""
    marker = out.lstat(MARKER)
    built = marker is not None and stat.S_ISREG(marker.st_mode)
    old = _listed(out) if built else set()
    folders = _folders_of(old)
    foreign: list[str] = []
    pending = [""]
    with Tree(out) as tree:
        while pending:
            relative = pending.pop()
            for entry in sorted(tree.folder(relative).entries(), key=lambda e: e.name):
                name = f"{relative}/{entry.name}" if relative else entry.name
                if _users(name, built, inside):
                    continue  # the user's, or the build's own: never looked into
                if name == MARKER + ".tmp":
                    problem = _not_ours(out, name, _MARKER_HEAD)
                    if problem:
                        raise _refuse_temporary(out.shown(name), problem)
                    continue  # an interrupted run's: replaced when the marker is written
                if entry.is_dir(follow_symlinks=False) and name in folders:
                    pending.append(name)
                elif not (entry.is_file(follow_symlinks=False) and name in old):
                    foreign.append(name)
    if foreign:
        shown = ", ".join(sorted(foreign)[:_LISTED])
        more = f" and {len(foreign) - _LISTED} more" if len(foreign) > _LISTED else ""
        kept = "hidden entries and CNAME" if built else ".git, .nojekyll and CNAME"
        raise NotASite(
            f"{out.path} holds entries that `clusters site` did not write: {shown}{more}",
            f"build into a new or empty folder ({kept} may stay), or move those entries away",
        )
    return old


def _users(name: str, built: bool, inside: str | None) -> bool:
    """Whether the entry ``name`` (a path in OUTDIR) is one the check leaves be: CNAME,
    ``.git`` and ``.nojekyll``; the marker of a previous build and any hidden entry in it;
    the work folder when it is inside OUTDIR."""
    if name in _USERS or name == inside:
        return True
    if name == MARKER + ".tmp":
        return False
    hidden = name.rpartition("/")[2].startswith(".")
    return hidden and (built or "/" in name)
