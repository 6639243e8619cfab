"""Helpers for tests of special files and of other users: a FIFO that must not hang the
test run, device nodes, a folder another user can reach, a command run as another user.

Root bypasses permission bits, so a test about what another user may do runs the
command in a child process that has switched to that user (POSIX, as root only).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import Result, run

if sys.platform != "win32":  # loaded now: a child that has become another user may not
    import grp  # noqa: F401  (read the interpreter's library to load them later)
    import pwd  # noqa: F401

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROOT_ONLY = pytest.mark.skipif(
    not IS_ROOT, reason="giving files to other users and switching users needs root"
)
HAS_FIFOS = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
NOBODY = 65534  # the unprivileged user and group of most Unix systems
GROUP = 12346  # a group the test shares between root and NOBODY
OWNER = 12345  # a user that is not root and not NOBODY


@contextmanager
def rescued(fifo: Path, after: float = 3.0) -> Iterator[None]:
    """Run the block; should it open ``fifo`` for reading and block there (the fault a
    test checks for), a writer opens and closes the FIFO after ``after`` seconds, so the
    reader sees an empty file and the test fails instead of hanging forever."""
    stop = threading.Event()

    def rescue() -> None:
        deadline = time.monotonic() + after
        while not stop.wait(0.05):
            if time.monotonic() < deadline:
                continue
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader waiting (ENXIO), or the FIFO is gone
                continue
            os.close(fd)

    thread = threading.Thread(target=rescue, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def device(folder: Path, name: str = "zero") -> Path:
    """A character device: ``null`` (empty) or ``zero`` (endless), made in ``folder``
    as root (so that a faulty write replaces that node, not the system's), else the
    system's own in /dev (which a user cannot replace)."""
    minor = {"null": 3, "zero": 5}[name]
    if not IS_ROOT:
        return Path("/dev") / name
    path = folder / name
    os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    return path


def is_device(path: Path) -> bool:
    return stat.S_ISCHR(os.lstat(path).st_mode)


@contextmanager
def shared_folder(group: int = GROUP, mode: int = 0o775) -> Iterator[Path]:
    """A new folder outside pytest's own (which only root may enter), group-writable
    without the setgid bit: a new file in it gets its creator's group."""
    folder = Path(tempfile.mkdtemp(prefix="clusters-shared-"))
    try:
        os.chown(folder, 0, group)
        folder.chmod(mode)
        yield folder
    finally:
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if not path.is_dir() or path.is_symlink() else path.rmdir()
        folder.rmdir()


def as_user(uid: int = NOBODY, gid: int = NOBODY, groups: tuple[int, ...] = ()) -> Callable:
    """A function that turns the calling process into that user (groups first)."""

    def switch() -> None:
        os.setgroups(list(groups))
        os.setgid(gid)
        os.setuid(uid)

    return switch


def run_as(switch: Callable, registry: Path, *args: str, umask: int | None = None) -> Result:
    """``clusters --registry REGISTRY ARGS`` (CliRunner, as ``conftest.run``) in a forked
    child that first runs ``switch`` (``as_user``).

    Forked, not started anew: the interpreter and its library may live where the other
    user cannot read (root's home). For the same reason the child first runs the same
    command, still as root, on a copy of the registry in a folder of its own, so that
    every module the command imports is loaded before the switch.
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 70
        try:
            os.close(reader)
            with tempfile.TemporaryDirectory() as scratch:
                copy = Path(scratch) / registry.name
                shutil.copyfile(registry, copy)
                run("--registry", str(copy), *args)
            if umask is not None:
                os.umask(umask)
            switch()
            done = run("--registry", str(registry), *args)
            outcome = [done.exit_code, done.stdout, done.stderr]
            code = 0
        except BaseException:
            outcome = [-1, "", traceback.format_exc()]
        finally:
            with os.fdopen(writer, "w", encoding="utf-8") as pipe:
                json.dump(outcome, pipe)
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, encoding="utf-8") as pipe:
        exit_code, stdout, stderr = json.load(pipe)
    os.waitpid(pid, 0)
    return Result(exit_code, stdout, stderr)
