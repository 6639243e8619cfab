"""The site's worker pool: a large site's files written by several processes at once.

``run`` takes this process's own files and queues of batches (each a function that makes
some files when called, in the process that calls it) and a ``write`` that writes files
and says which and how many bytes. With ``workers``, that many processes are forked: each
takes batches from the queues and writes their files while this process writes its own,
then takes batches too, until none is left. A forked process dies with this one (the
kernel kills it on Linux; elsewhere it stops before its next file), and one that fails
stops the build: this process ends the others and raises what it raised.

A pool of its own, not ``concurrent.futures``: see docs/design.md, "The site's worker
pool".
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any

PARALLEL_PAGES = 1000  # pages below which forking processes is not worth its cost

# A file's content: bytes, or the bytes in pieces (a large download, written as made).
Content = bytes | Iterable[bytes]
Files = Iterable[tuple[str, Content]]
Batch = Callable[[], Files]  # some files, made when called
# Writes the files of each part; gives the names written and their bytes.
Write = Callable[[Iterable[Files]], tuple[list[str], int]]


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


def run(
    write: Write, files: Files, queues: Sequence[Sequence[Batch]] = (), workers: int = 0
) -> tuple[list[str], int]:
    """Every file of the build written by ``write``; the names (sorted) and the bytes.

    ``queues`` hold batches of files (each made when called). With ``workers`` on a
    system that forks, that many forked processes take batches from them while this
    one writes ``files``, then takes batches too, until none is left: each process
    starts with a queue of its own (a folder of its own: creating files in one folder
    waits on the others that do) and helps with the others once its queue is empty.
    The data is shared with the processes, not copied (``gc.freeze`` keeps the
    collector from touching it in them), and so is what ``write`` writes into (the
    descriptor of the site's ``new/`` folder)."""
    if workers < 1 or not _forks():
        return write([files, *(batch() for queue in queues for batch in queue)])
    import multiprocessing

    context = multiprocessing.get_context("fork")
    taken = [context.Value("i", 0) for _ in queues]  # the next batch of each queue
    gc.freeze()
    started: list[Worker] = []
    try:
        for number in range(workers):
            started.append(Worker(write, queues, taken, number, context))
        names, size = write([files, _batches(queues, taken, workers)])
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


def _while_alive(files: Files, parent: int) -> Files:
    """The files, as long as the process that forked this one lives: once it is gone (the
    build was killed), this process writes nothing more."""
    for found in files:
        if os.getppid() != parent:
            os._exit(1)
        yield found


class Worker:
    """A forked process that takes batches from the queues and writes their files (with
    ``write``); it sends back the names it wrote and their bytes, or the error that
    stopped it."""

    def __init__(
        self,
        write: Write,
        queues: Sequence[Sequence[Batch]],
        taken: list[Any],
        number: int,
        context: Any,
    ) -> None:
        self.receive, send = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_work, args=(send, write, queues, taken, number, os.getpid()), daemon=True
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
    write: Write,
    queues: Sequence[Sequence[Batch]],
    taken: list[Any],
    number: int,
    parent: int,
) -> None:
    """In the forked process: write its batches, send what was written (or what failed)."""
    _die_with(parent)
    try:
        names, size = write([_while_alive(_batches(queues, taken, number), parent)])
        message: tuple[Any, ...] = ("done", names, size)
    except OSError as exc:
        message = ("oserror", exc.errno, exc.strerror, exc.filename)
    except BaseException:  # a bug, or an interrupt: the parent reports it
        message = ("error", traceback.format_exc())
    send.send(message)
    send.close()


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux); elsewhere
    ``_while_alive`` notices the parent is gone before each file."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)
