"""Putting a built site into a user's folder, safely.

The folder (OUTDIR) may be absent, empty, a previous build — it holds the marker
``.clusters-site``, which lists every file that build wrote — or a folder whose only
other entries are hidden (``.git``, ``.nojekyll``) or ``CNAME``, as a ``gh-pages``
checkout is. Anything else is refused (``NotASite``, exit 4) before anything is written.
Entries the build did not write are never changed or deleted, and symbolic links are
never followed: a link where the site has a file or folder is an entry it did not write.

The protocol, so that an interrupted build never leaves a mix of two builds:

1. A work folder beside OUTDIR, ``.<name>.clusters-site`` (inside OUTDIR, hidden, when
   OUTDIR is a mount point: files must move by rename), holds a lock (``lock``, taken
   without waiting: a second build into the same folder exits 5), the new build
   (``new/``) and the journal (``journal``).
2. Recovery: a journal left by an interrupted run is finished (step 5); a ``new/``
   without a journal is an unfinished build and is deleted. The old site was not touched
   by it.
3. The folder is checked (above); the old marker says which files are the site's.
4. Every file of the new build is written into ``new/`` (a large build's pages by
   several processes at once, which stop when this process does). Until here OUTDIR is
   untouched: a build killed now leaves the previous site exactly as it was. When
   OUTDIR does not exist yet, ``new/`` (with its marker) becomes OUTDIR in one rename,
   and that is all.
5. Otherwise the journal is written (to a temporary name, flushed to disk, renamed: the commit
   point), listing the files to move in and the old files to delete. Then: the marker
   lists the old and the new files together, each new file is renamed over its old one,
   the old files the new build lacks are deleted (and the site's folders they leave
   empty), the marker lists the new files alone, and the journal goes. Each step can
   run twice, so the next run finishes what a killed one began; until it does, the
   marker keeps listing every file of both builds, so the folder stays one that
   ``clusters site`` may rebuild.

A failure the program sees (a full disk) before the journal is written undoes the build
at once; one after it leaves the journal for the next run, as a kill does.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import shutil
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Locked, NotASite, PermissionDenied, WriteFailed

MARKER = ".clusters-site"
HEADER = "# clusters site: the files this build wrote, one a line; do not edit"
# A path the site may write: non-hidden names of safe characters, never CNAME on top.
_SAFE = re.compile(r"^(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*$")
_KEPT = ("CNAME",)  # top-level entries a static host needs, never the site's
_LISTED = 5  # foreign entries named in the refusal
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
PARALLEL_PAGES = 1000  # pages below which forking processes is not worth its cost

# A file's content: bytes, or the bytes in pieces (a large download, written as made).
Content = bytes | Iterable[bytes]
Files = Iterable[tuple[str, Content]]
Batch = Callable[[], Files]  # some files, made when called


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


def publish(
    outdir: Path, files: Files, queues: Sequence[Sequence[Batch]] = (), workers: int = 0
) -> Written:
    """Write ``files`` (relative path → bytes) and the files of each batch of ``queues``
    as the site in ``outdir``, safely; with ``workers`` forked processes that take part
    where the system forks (see ``workers`` and ``_write_all``)."""
    outdir = Path(os.path.abspath(outdir))
    _refuse_link_or_file(outdir)
    work = work_folder(outdir)
    with _errors(work), _locked(work):
        recover(outdir, work)
        old = check(outdir)
        new = work / "new"
        names, size = _write_all(new, files, queues, workers)
        marker = marker_text(names).encode("utf-8")
        if not outdir.exists():
            # A first build: the whole folder moves into place in one rename.
            (new / MARKER).write_bytes(marker)
            os.rename(new, outdir)
        else:
            journal = {"write": names, "delete": sorted(old - set(names))}
            _write_durably(work / "journal", json.dumps(journal, indent=0).encode())
            finish(outdir, work)
    pages = sum(1 for name in names if name.endswith(".html"))
    return Written(str(outdir), pages, len(names) + 1, size + len(marker))


def workers(pages: int) -> int:
    """How many processes to fork for a build of ``pages`` pages: one for each core this
    process may use but its own (which takes part once it has written its own files);
    0, to build here one file after the other, on one core, for a small site, and where
    the system does not fork or forking is not safe (Windows, macOS)."""
    if pages < PARALLEL_PAGES or not _forks():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) - 1


def _forks() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"


def _write_all(
    new: Path, files: Files, queues: Sequence[Sequence[Batch]] = (), workers: int = 0
) -> tuple[list[str], int]:
    """Step 4: every file of the build into ``new/``; the names (sorted) and the bytes.

    ``queues`` hold batches of files (each made when called). With ``workers`` on a
    system that forks, that many forked processes take batches from them while this
    one writes ``files``, then takes batches too, until none is left: each process
    starts with a queue of its own (a folder of its own: creating files in one folder
    waits on the others that do) and helps with the others once its queue is empty.
    The data is shared with the processes, not copied (``gc.freeze`` keeps the
    collector from touching it in them)."""
    new.mkdir(parents=True, exist_ok=True)
    if workers < 1 or not _forks():
        return _write(new, [files, *(batch() for queue in queues for batch in queue)])
    import multiprocessing

    context = multiprocessing.get_context("fork")
    taken = [context.Value("i", 0) for _ in queues]  # the next batch of each queue
    gc.freeze()
    started: list[Worker] = []
    try:
        for number in range(workers):
            started.append(Worker(new, queues, taken, number, context))
        names, size = _write(new, [files, _batches(queues, taken, workers)])
        for worker in started:
            more, more_size = worker.result()
            names += more
            size += more_size
    finally:
        for worker in started:
            worker.stop()
        gc.unfreeze()
    return sorted(names), size


def _batches(queues: Sequence[Sequence[Batch]], taken: list[Any], number: int) -> Files:
    """The files of the batches process ``number`` takes: from its own queue first, then
    from the others, each batch taken by one process only."""
    if not queues:
        return
    first = number % len(queues)
    for index in (*range(first, len(queues)), *range(first)):
        queue, counter = queues[index], taken[index]
        while True:
            with counter.get_lock():
                batch = counter.value
                counter.value = batch + 1
            if batch >= len(queue):
                break
            yield from queue[batch]()


def _write(new: Path, parts: Iterable[Files], parent: int | None = None) -> tuple[list[str], int]:
    """Write each file of ``parts`` under ``new``: one ``open`` and ``write`` a file, never
    over an entry already there. In a forked process (``parent`` given), stop as soon as
    the process that forked it is gone."""
    made: set[str] = set()
    names: list[str] = []
    size = 0
    folder = str(new)
    for files in parts:
        for path, content in files:
            if parent is not None and os.getppid() != parent:
                os._exit(1)  # the build was killed: write nothing more
            if not safe(path):
                raise ValueError(f"not a site path: {path!r}")
            parent_folder, _, _ = path.rpartition("/")
            if parent_folder and parent_folder not in made:
                os.makedirs(os.path.join(folder, parent_folder), exist_ok=True)
                made.add(parent_folder)
            size += _write_file(os.path.join(folder, path), content)
            names.append(path)
    return names, size


def _write_file(path: str, content: Content) -> int:
    """One file, its content in one piece or several; the bytes written."""
    handle = os.open(path, _CREATE, 0o666)
    size = 0
    try:
        for piece in (content,) if isinstance(content, bytes) else content:
            view = memoryview(piece)
            size += len(view)
            while view:
                view = view[os.write(handle, view) :]
    finally:
        os.close(handle)
    return size


class Worker:
    """A forked process that takes batches from the queues and writes their files into
    ``new/``; it sends back the names it wrote and their bytes, or the error that
    stopped it."""

    def __init__(
        self,
        new: Path,
        queues: Sequence[Sequence[Batch]],
        taken: list[Any],
        number: int,
        context: Any,
    ) -> None:
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_work, args=(send, new, queues, taken, number, os.getpid()), daemon=True
        )
        self.process.start()
        send.close()  # this end is the child's: its end of file says the child is gone

    def result(self) -> tuple[list[str], int]:
        try:
            kind, *found = self.receive.recv()
        except EOFError:
            kind, found = "gone", []
        self.process.join()
        if kind == "done":
            return found[0], found[1]
        if kind == "oserror":
            raise OSError(*found)
        if kind == "error":
            raise RuntimeError(f"a process building the site failed:\n{found[0]}")
        raise RuntimeError(f"a process building the site ended with code {self.process.exitcode}")

    def stop(self) -> None:
        """End the process if it still runs (this one failed or was interrupted)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.receive.close()


def _work(
    send: Any,
    new: Path,
    queues: Sequence[Sequence[Batch]],
    taken: list[Any],
    number: int,
    parent: int,
) -> None:
    """In the forked process: write its batches, send what was written (or what failed)."""
    _die_with(parent)
    try:
        names, size = _write(new, [_batches(queues, taken, number)], parent)
        message: tuple[Any, ...] = ("done", names, size)
    except OSError as exc:
        message = ("oserror", exc.errno, exc.strerror, exc.filename)
    except BaseException:  # a bug, or an interrupt: the parent reports it
        message = ("error", traceback.format_exc())
    send.send(message)
    send.close()


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux); elsewhere the
    file loop notices the parent is gone before each file."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


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


@contextlib.contextmanager
def _errors(work: Path):
    """Operating-system failures as typed errors (exit 4), never a traceback."""
    try:
        yield
    except PermissionError as exc:
        raise PermissionDenied(
            f"cannot write {exc.filename or work}: permission denied",
            "choose a folder you can write, or fix its permissions",
        ) from None
    except OSError as exc:
        raise WriteFailed(
            f"cannot write {exc.filename or work}: {exc.strerror or exc}",
            "free some space or fix the folder, then run `clusters site` again: it finishes "
            "or undoes the interrupted build",
        ) from None


@contextlib.contextmanager
def _locked(work: Path):
    """Hold the work folder's lock (without waiting); remove the folder when done.

    A failure before the journal is written undoes the build at once; after it, the
    journal stays for the next run to finish (as it does when the process is killed).
    """
    from filelock import FileLock, Timeout

    work.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(work / "lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise Locked(
            f"another `clusters site` is building into this folder (it holds {work / 'lock'})",
            "wait for it to finish, then run again",
        ) from None
    try:
        yield
    except Exception:
        if not (work / "journal").exists():
            _clean(work)
        raise
    else:
        _clean(work)
    finally:
        lock.release()
        with contextlib.suppress(OSError):
            os.rmdir(work)  # when emptied


def _clean(work: Path) -> None:
    """The work folder emptied, the lock file last (while still held, where the system
    allows it; Windows removes it on release)."""
    _remove(work / "new")
    with contextlib.suppress(OSError):
        os.remove(work / "lock")


def _remove(folder: Path) -> None:
    """Remove a folder of the work area (never following a link out of it)."""
    if folder.is_symlink():
        os.remove(folder)
    elif folder.exists():
        shutil.rmtree(folder)


def recover(outdir: Path, work: Path) -> None:
    """Finish a journaled swap, or drop an unfinished build (the old site is intact)."""
    if (work / "journal").exists():
        finish(outdir, work)
    _remove(work / "new")


def finish(outdir: Path, work: Path) -> None:
    """Step 5 of the protocol: move the journal's files in, delete the old ones.

    Every step may run again after an interruption (a file already moved is skipped).
    """
    journal = json.loads((work / "journal").read_text(encoding="utf-8"))
    names = [p for p in journal["write"] if safe(p)]
    gone = [p for p in journal["delete"] if safe(p)]
    outdir.mkdir(parents=True, exist_ok=True)
    write_marker(outdir, sorted({*names, *gone}))
    new = work / "new"
    folders: dict[str, Path] = {}
    for path in names:
        parent, _, name = path.rpartition("/")
        folder = folders.get(parent)
        if folder is None:
            folder = folders[parent] = _real_folders(outdir, path)
        with contextlib.suppress(FileNotFoundError):  # moved in by an interrupted run
            os.replace(new / path, folder / name)
    for path in gone:
        target = outdir / path
        if target.is_file() and not target.is_symlink() and _inside_real_folders(outdir, path):
            os.remove(target)
    _remove_empty_folders(outdir, gone, names)
    write_marker(outdir, names)
    os.remove(work / "journal")


def _real_folders(outdir: Path, path: str) -> Path:
    """The folder of ``path`` inside OUTDIR, each part a real folder (made if missing)."""
    folder = outdir
    for part in Path(path).parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise NotASite(
                f"{folder} is in the way of the site's {path} (a link or a file)",
                "move it away, then run `clusters site` again",
            )
        if not folder.exists():
            folder.mkdir()
    return folder


def _inside_real_folders(outdir: Path, path: str) -> bool:
    folder = outdir
    for part in Path(path).parts[:-1]:
        folder = folder / part
        if folder.is_symlink() or not folder.is_dir():
            return False
    return True


def _remove_empty_folders(outdir: Path, gone: list[str], kept: list[str]) -> None:
    """The site's folders that only the deleted files used, once empty (never others)."""
    needed = {str(Path(p).parent) for p in kept}
    candidates = _folders_of(gone)
    for folder in sorted(candidates - needed, key=lambda f: -f.count("/")):
        target = outdir / folder
        if target.is_dir() and not target.is_symlink():
            with contextlib.suppress(OSError):
                os.rmdir(target)  # only when empty: a user's hidden file keeps it


def _folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder the site's ``paths`` are in (``a``, ``a/b``), OUTDIR itself left out."""
    return {str(parent) for p in paths for parent in Path(p).parents if str(parent) != "."}


def marker_text(names: list[str]) -> str:
    return HEADER + "\n" + "".join(f"{name}\n" for name in names)


def write_marker(outdir: Path, names: list[str]) -> None:
    _write_durably(outdir / MARKER, marker_text(names).encode("utf-8"))


def _write_durably(path: Path, content: bytes) -> None:
    """Write to a temporary name, flush to disk, rename over ``path``."""
    temp = path.with_name(path.name + ".tmp")
    with open(temp, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)


def listed(outdir: Path) -> set[str]:
    """The files the marker lists (safe paths only: a marker is never trusted further)."""
    marker = outdir / MARKER
    if marker.is_symlink() or not marker.is_file():
        return set()
    lines = marker.read_text(encoding="utf-8", errors="replace").splitlines()
    return {line for line in lines if safe(line)}


def check(outdir: Path) -> set[str]:
    """The previous build's files, after checking that the folder holds nothing else."""
    if not outdir.exists():
        return set()
    old = listed(outdir)
    folders = _folders_of(old)
    foreign: list[str] = []
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(outdir / relative) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                name = f"{relative}/{entry.name}" if relative else entry.name
                if entry.name.startswith(".") or name in _KEPT:
                    continue  # hidden entries and CNAME are the user's: never looked into
                if entry.is_dir(follow_symlinks=False) and name in folders:
                    pending.append(name)
                elif not (entry.is_file(follow_symlinks=False) and name in old):
                    foreign.append(name)
    if foreign:
        shown = ", ".join(sorted(foreign)[:_LISTED])
        more = f" and {len(foreign) - _LISTED} more" if len(foreign) > _LISTED else ""
        raise NotASite(
            f"{outdir} holds entries that `clusters site` did not write: {shown}{more}",
            "build into a new or empty folder (hidden entries and CNAME may stay), "
            "or move those entries away",
        )
    return old
