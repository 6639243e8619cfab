"""The registry file as a file: only a regular file is read or replaced; a replace keeps
the file's owner, group, mode and extended attributes; the lock file is shared like the
registry; a large registry is read in memory in proportion to its size.

Each test guards a finding of an adversarial review of 0.1.0: a FIFO as the registry
hung every command and ``--registry /dev/zero`` ended in a traceback; a write as root
gave the registry to root, and a write by another member of its group dropped the group
and its extended attributes; the lock file took the umask of whoever wrote first, and
the error then blamed the folder; one 5 MB string made ``validate`` use 1.5 GB.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SMALL, cli, digest, run, write_registry
from files_support import (
    GROUP,
    HAS_FIFOS,
    NOBODY,
    OWNER,
    ROOT_ONLY,
    as_user,
    device,
    fifo,
    rescued,
    run_as,
    shared_folder,
)
from registry_strategies import ON, assert_clean_failure

LINUX = pytest.mark.skipif(
    sys.platform != "linux", reason="bounds a child's memory with RLIMIT_AS (Linux)"
)


def add_uni(registry: Path, *extra: str):
    return run("--registry", str(registry), "add-member", "beta", "uni", "--on", ON, *extra)


# -- only a regular file is read ----------------------------------------------------------------


@HAS_FIFOS
@pytest.mark.parametrize("kind", ["fifo", "endless-device"])
@pytest.mark.parametrize(
    "args", [["list"], ["validate"], ["add-member", "beta", "uni"]], ids=["list", "validate", "add"]
)
def test_a_registry_that_is_a_fifo_or_a_device_is_refused(
    tmp_path: Path, kind: str, args: list[str]
) -> None:
    if kind == "fifo":
        path, said = fifo(tmp_path / "clusters.toml"), "a FIFO (named pipe)"
    else:
        path, said = device(tmp_path, "zero"), "a character device"
    with rescued(path):
        result = run("--registry", str(path), *args, "--on", ON)
    assert_clean_failure(result, path, 3)
    assert result.stderr == (
        f"error: {path}: is {said}, not a registry file; fix: name the registry file itself\n"
    )
    assert not Path(f"{path}.lock").exists()  # refused before the lock was taken


@HAS_FIFOS
def test_a_fifo_swapped_in_after_the_check_is_refused_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kind is checked before the open and again on the descriptor, which is opened
    without blocking: a FIFO put in place between the two is refused, not waited on."""
    from flanders_clusters.files import regular

    path = fifo(tmp_path / "clusters.toml")
    monkeypatch.setattr(regular, "kind_at", lambda *args, **kwargs: regular.REGULAR)
    with rescued(path), pytest.raises(regular.NotRegular) as refused:
        regular.read_regular(path)
    assert refused.value.kind == "a FIFO (named pipe)"


# -- what a replace keeps -----------------------------------------------------------------------


@ROOT_ONLY
def test_a_write_as_root_keeps_the_owner_group_and_mode(registry: Path) -> None:
    os.chown(registry, OWNER, GROUP)
    registry.chmod(0o664)
    before = digest(registry)
    assert add_uni(registry).exit_code == 0
    after = registry.stat()
    assert digest(registry) != before
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (OWNER, GROUP, 0o664)


@pytest.mark.skipif(not hasattr(os, "setxattr"), reason="extended attributes are Linux's")
def test_a_write_keeps_extended_attributes(registry: Path) -> None:
    try:
        os.setxattr(registry, "user.test", b"kept")
    except OSError as exc:
        pytest.skip(f"the temporary folder's file system has no user attributes: {exc}")
    assert add_uni(registry).exit_code == 0
    assert os.getxattr(registry, "user.test") == b"kept"


@pytest.mark.slow
@ROOT_ONLY
def test_a_writer_outside_the_registrys_group_is_warned() -> None:
    with shared_folder(mode=0o777) as folder:
        registry = write_registry(folder)
        os.chown(registry, 0, GROUP)
        registry.chmod(0o666)
        done = run_as(as_user(NOBODY, NOBODY), registry, "add-member", "beta", "uni", "--on", ON)
        assert done.exit_code == 0, done.stderr
        assert (
            f"warning: {registry} now belongs to group nogroup, not {GROUP} as before (you "
            f"are not in that group); other members of {GROUP} may have lost write access: "
            f"chgrp {GROUP} {registry}"
        ) in " ".join(done.stderr.split())
        assert registry.stat().st_gid == NOBODY  # the write itself went through


# -- the lock file ------------------------------------------------------------------------------

HOLDER = """
import os, sys, time
from pathlib import Path
os.umask(0o077)  # the first writer's umask must not decide who may lock
from flanders_clusters.registry import store
with store.locked(store.Source(Path(sys.argv[1])), 5):
    print("locked", flush=True)
    time.sleep(120)
"""


@pytest.mark.slow
@ROOT_ONLY
def test_the_lock_file_lets_the_registrys_group_lock() -> None:
    """The lock file of a registry shared by a group (mode 664) is made with the
    registry's mode and group, whatever the umask of whoever locked first: another member
    waits for a held lock (exit 5, locked), and takes a lock left by a killed writer."""
    member = as_user(NOBODY, NOBODY, groups=(GROUP,))
    with shared_folder() as folder:
        registry = write_registry(folder)
        os.chown(registry, 0, GROUP)
        registry.chmod(0o664)
        lock = Path(f"{registry}.lock")
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(registry)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout.readline().strip() == "locked"
            found = lock.stat()
            assert (stat.S_IMODE(found.st_mode), found.st_gid) == (0o664, GROUP)
            waited = run_as(
                member, registry, "--lock-timeout", "0.3", "add-member", "beta", "uni", "--on", ON
            )
            assert waited.exit_code == 5, waited.stderr
            assert "locked by another writer" in waited.stderr
        finally:
            holder.send_signal(signal.SIGKILL)
            holder.wait()
        assert lock.exists()  # left by the killed writer
        done = run_as(member, registry, "add-member", "beta", "uni", "--on", ON)
        assert done.exit_code == 0, done.stderr


def test_a_refused_lock_says_whether_the_file_or_the_folder_is_at_fault(tmp_path: Path) -> None:
    from flanders_clusters.registry import store

    lock = tmp_path / "clusters.toml.lock"
    denied = PermissionError(13, "Permission denied")
    absent = store._lock_refused(str(lock), denied)  # it could not be created
    assert (absent.message, absent.fix) == (
        f"{lock}: cannot create the lock file: Permission denied",
        "make the registry's folder writable",
    )
    lock.touch()
    lock.chmod(0o640)
    found = store._lock_refused(str(lock), denied)  # it is there, but not writable
    owner = f"{lock.owner()}, group {lock.group()}"
    assert found.message == (
        f"{lock}: the lock file exists but cannot be opened for writing: Permission denied "
        f"(it belongs to user {owner}, mode 0640)"
    )
    assert "folder" not in found.fix


@pytest.mark.slow
@ROOT_ONLY
def test_a_lock_file_that_cannot_be_opened_is_named_with_its_cause() -> None:
    with shared_folder(mode=0o777) as folder:
        registry = write_registry(folder)
        registry.chmod(0o666)
        lock = Path(f"{registry}.lock")
        lock.touch(mode=0o600)  # left by root, readable by root only
        lock.chmod(0o600)
        before = digest(registry)
        refused = run_as(as_user(), registry, "add-member", "beta", "uni", "--on", ON, "--json")
        assert refused.exit_code == 4, refused.stderr
        error = json.loads(refused.stdout)["error"]
        assert error["code"] == "permission-denied"
        assert error["message"] == (
            f"{lock}: the lock file exists but cannot be opened for writing: Permission "
            "denied (it belongs to user root, group root, mode 0600)"
        )
        assert "folder" not in error["fix"] and "chmod g+w" in error["fix"]
        assert digest(registry) == before


# -- memory -------------------------------------------------------------------------------------

BOUND = 200 * 1024 * 1024  # bytes of address space


# The command, as `python -m flanders_clusters` runs it, writing its peak resident memory
# (VmHWM: of this program alone, since exec starts a new address space) to PEAK_FILE.
MEASURED = """
import atexit, os, runpy, sys

def peak():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(kib)

atexit.register(peak)
sys.argv = ["clusters", *sys.argv[1:]]
runpy.run_module("flanders_clusters", run_name="__main__", alter_sys=True)
"""


def bounded(*args: str, limit: int = BOUND) -> tuple[int, str, int]:
    """Run ``clusters ARGS`` in a child whose address space is bounded by ``limit``;
    its exit code, output (stdout and stderr) and peak resident memory (bytes).

    The peak is the child's own: its resource usage would count the pages of the test
    process it was forked from, whatever their number (once 234 MiB for a command that
    held under 200)."""
    import resource
    import tempfile

    def bound() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "peak"
        environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
        environment.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
        environment["PEAK_FILE"] = str(report)
        child = subprocess.Popen(
            [sys.executable, "-c", MEASURED, *args],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=bound,
        )
        output = child.stdout.read().decode("utf-8", "replace")
        child.stdout.close()
        code = child.wait()
        peak = int(report.read_text()) * 1024 if report.exists() else 0
    return code, output, peak


def with_notes(notes: str) -> str:
    """SMALL with ``notes`` in cluster beta, and a quoted date after it: a schema problem
    whose line is in beta's table, so the line index reads the table with the string."""
    return textwrap.dedent(SMALL).replace(
        'domain = "Drones"\n', f'domain = "Drones"\nnotes = {notes}\nrecognised = "2019-01-01"\n'
    )


@pytest.mark.slow
@LINUX
@pytest.mark.parametrize(
    "notes",
    ['"' + "x" * 20_000_000 + '"', '"""' + 'a\\n\\"b"' * 2_500_000 + '"""'],
    ids=["plain", "escapes-and-quotes"],
)
def test_validate_of_a_registry_with_a_20_mb_string_stays_under_200_mb(
    tmp_path: Path, notes: str
) -> None:
    registry = write_registry(tmp_path, with_notes(notes))
    code, output, peak = bounded("--registry", str(registry), "validate", "--on", ON)
    assert "Traceback" not in output, output[-2000:]
    assert code == 1, output[-2000:]  # the FC001 finding, with its line
    assert f"{registry}:27  clusters.beta.recognised" in output
    assert peak < BOUND, f"{peak / 2**20:.0f} MiB"


@pytest.mark.slow
@LINUX
def test_a_registry_too_large_for_the_memory_is_a_clean_error(tmp_path: Path) -> None:
    registry = write_registry(tmp_path, with_notes('"' + "x" * 120_000_000 + '"'))
    code, output, _ = bounded("--registry", str(registry), "validate", "--on", ON)
    assert "Traceback" not in output, output[-2000:]
    assert code == 3, output[-2000:]
    assert output.startswith(f"error: {registry}: too large to read in the memory available; ")


# -- a folder named as the registry -------------------------------------------------------


def test_a_write_to_a_folder_leaves_no_lock_file(tmp_path):
    folder = tmp_path / "registry"
    folder.mkdir()
    for args in (["update-cluster", "alpha", "--name", "X"], ["fmt"]):
        result = cli(folder, *args)
        assert result.exit_code == 3
        assert f"{folder}: is a folder, not a registry file" in result.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["registry"]
        assert list(folder.iterdir()) == []
