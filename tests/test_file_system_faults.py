"""File-system faults: whatever the disk does, nothing is lost.

- a read-only registry folder refuses writes (exit 4) and still serves reads;
- a registry on a path with spaces, or with characters that mean something to a CI log;
- a symbolic link: the link is kept, its target is written, the lock sits by the target;
- a stale lock file from a killed writer does not block, and the lock still excludes;
- a disk that fills up (a patched write, fsync or replace fails): exit 4, a clear
  message, the registry byte for byte as it was and no temporary file left behind.

A test that cannot run on a platform is skipped there with the reason.
"""

from __future__ import annotations

import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest
from conftest import SMALL, digest, run, run_subprocess, write_registry
from registry_strategies import (
    ON,
    TERMINAL_UNSAFE,
    assert_clean_failure,
    assert_json_failure,
    leftovers,
)

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes and signals")


def folder_modes_bind_us() -> bool:
    """Whether a folder without write permission stops this process (not so for root,
    or any process with CAP_DAC_OVERRIDE)."""
    if sys.platform == "win32":
        return False
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name) / "ro"
        folder.mkdir(mode=0o555)
        try:
            (folder / "probe").touch()
        except PermissionError:
            return True
        finally:
            folder.chmod(0o755)
    return False


NOT_ROOT = pytest.mark.skipif(
    not folder_modes_bind_us(),
    reason="running as root: a read-only folder does not stop root's writes "
    "(the *_as_any_user variants cover it)",
)
ENOSPC = OSError(errno.ENOSPC, "No space left on device")


def members_of(registry: Path, cluster: str = "beta") -> list[str]:
    data = tomllib.loads(registry.read_text("utf-8"))
    return [m["partner"] for m in data["clusters"][cluster].get("members", [])]


def add_uni(registry: Path, *extra: str):
    return run("--registry", str(registry), "add-member", "beta", "uni", "--on", ON, *extra)


# -- read-only folder --------------------------------------------------------------------------


@POSIX
@NOT_ROOT
def test_a_read_only_folder_refuses_writes_and_serves_reads(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    registry = write_registry(folder)
    before = digest(registry)
    folder.chmod(0o555)
    try:
        refused = add_uni(registry)
        assert_clean_failure(refused, registry, 4)
        assert "not writable" in refused.stderr
        assert_json_failure(add_uni(registry, "--json"), registry, 4)
        assert run("--registry", str(registry), "list", "--on", ON).exit_code == 0
        assert digest(registry) == before
        assert sorted(p.name for p in folder.iterdir()) == ["clusters.toml"]
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize(
    "args", [["add-member", "beta", "uni", "--on", ON], ["fmt"]], ids=["add-member", "fmt"]
)
def test_a_read_only_registry_file_is_refused_not_replaced(registry: Path, args) -> None:
    """A file made read-only (chmod 444) is not silently replaced by a write — by root
    either, who may write any file (CI jobs and containers often run as root): the mode
    bits are checked, not only what the system allows. (As root, 0.1.0 rewrote it.)"""
    registry.write_text(registry.read_text("utf-8") + "\n", encoding="utf-8")  # for fmt
    registry.chmod(0o444)
    before = digest(registry)
    try:
        refused = run("--registry", str(registry), *args, "--json")
        error = assert_json_failure(refused, registry, 4)
        assert error["code"] == "read-only"
        assert "the file is read-only" in error["message"]
        assert f"chmod u+w {registry}" in error["fix"]
        assert digest(registry) == before
        assert stat.S_IMODE(registry.stat().st_mode) == 0o444
    finally:
        registry.chmod(0o644)


def test_a_read_only_folder_refuses_writes_as_any_user(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As root the folder's mode does not stop a write: say the folder is not writable."""
    before = digest(registry)
    real_access = os.access

    def access(path, mode, **kw):
        if mode & os.W_OK and Path(path) == registry.parent:
            return False
        return real_access(path, mode, **kw)

    monkeypatch.setattr(os, "access", access)
    refused = add_uni(registry)
    assert_clean_failure(refused, registry, 4)
    assert "not writable" in refused.stderr
    error = assert_json_failure(add_uni(registry, "--json"), registry, 4)
    assert error["code"] == "read-only"
    assert digest(registry) == before
    assert run("--registry", str(registry), "list", "--on", ON).exit_code == 0


def test_a_folder_that_refuses_new_files_as_any_user(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder looks writable, but creating the temporary file is denied."""
    before = digest(registry)
    real = os.open

    def denied(path, flags, *args, **kwargs):
        name = os.path.basename(os.fspath(path))
        if name.startswith(f".{registry.name}.") and name.endswith(".tmp"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    refused = add_uni(registry, "--json")
    error = assert_json_failure(refused, registry.parent, 4)
    assert error["code"] == "permission-denied"
    assert "Permission denied" in error["message"]
    assert digest(registry) == before
    assert leftovers(registry.parent, registry) == []


def test_an_unreadable_registry_gives_a_clean_error(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.open

    def denied(path, flags, *args, **kwargs):
        if Path(path).name == registry.name and not flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    result = run("--registry", str(registry), "list")
    assert_clean_failure(result, registry, 3)
    assert "Permission denied" in result.stderr


@pytest.mark.parametrize("what", ["folder", "dev-null"])
def test_a_registry_that_is_not_a_file_gives_a_clean_error(tmp_path: Path, what: str) -> None:
    path = tmp_path if what == "folder" else Path(os.devnull)
    if what == "dev-null" and not Path(os.devnull).exists():
        pytest.skip("no null device")
    result = run("--registry", str(path), "list")
    assert_clean_failure(result, path, 3)
    write = run("--registry", str(path), "add-member", "beta", "uni")
    assert write.exit_code in (3, 4)
    assert "Traceback" not in write.stderr


# -- paths with spaces and other characters ----------------------------------------------------


@pytest.mark.slow
def test_a_registry_on_a_path_with_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "my registry folder" / "Ünïcode ✓ 中文"
    folder.mkdir(parents=True)
    registry = write_registry(folder, name="clusters data.toml")
    done = run_subprocess("--registry", str(registry), "add-member", "beta", "uni", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changed"] is True
    assert "uni" in members_of(registry)
    assert (folder / "clusters data.toml.lock").exists()
    assert leftovers(folder, registry) == []
    # the environment variable and the default ./data/clusters.toml find it too
    via_env = run_subprocess("list", "--json", "--on", ON, env={"CLUSTERS_REGISTRY": str(registry)})
    assert via_env.returncode == 0, via_env.stderr
    assert [row["id"] for row in json.loads(via_env.stdout)] == ["alpha", "beta"]
    (folder / "data").mkdir()
    write_registry(folder / "data")
    via_cwd = run_subprocess("remove-member", "beta", "acme", "--json", cwd=folder)
    assert via_cwd.returncode == 0, via_cwd.stderr
    assert members_of(folder / "data" / "clusters.toml") == []


@POSIX
def test_a_path_that_means_something_to_a_ci_log(tmp_path: Path) -> None:
    """A folder name with a newline, '::', ',' and an escape cannot forge annotations."""
    folder = tmp_path / "evil\n::error file=x::forged,\x1b[31m:dir"
    folder.mkdir()
    registry = write_registry(folder, SMALL.replace('role = "founder"', 'role = "founder", x = 1'))
    github = run("--registry", str(registry), "validate", "--format", "github", "--on", ON)
    assert github.exit_code == 1
    lines = github.stdout.splitlines()
    assert len(lines) == 1, lines  # the newline in the path is escaped (%0A)
    assert lines[0].startswith("::error file=")
    assert "%0A%3A%3Aerror file=x%3A%3Aforged%2C" in lines[0]
    text = run("--registry", str(registry), "list")
    assert text.exit_code == 3
    assert not TERMINAL_UNSAFE.search(text.stderr)
    assert "\\n::error" in text.stderr  # shown escaped, on one line


# -- symbolic links ------------------------------------------------------------------------------


@POSIX
def test_a_symlinked_registry_keeps_the_link_and_writes_the_target(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    target = write_registry(store, name="real.toml")
    work = tmp_path / "work"
    work.mkdir()
    link = work / "clusters.toml"
    link.symlink_to(Path("..") / "store" / "real.toml")  # relative, as in a repository
    done = add_uni(link, "--json")
    assert done.exit_code == 0, done.stdout
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("..") / "store" / "real.toml")
    assert "uni" in members_of(target)
    assert (store / "real.toml.lock").exists()  # the lock is the target's
    assert not (work / "clusters.toml.lock").exists()
    assert sorted(p.name for p in work.iterdir()) == ["clusters.toml"]
    assert leftovers(store, target) == []
    assert run("--registry", str(link), "fmt", "--check").exit_code == 0


@POSIX
def test_a_chain_of_links_writes_the_final_target(tmp_path: Path) -> None:
    target = write_registry(tmp_path, name="real.toml")
    middle = tmp_path / "middle.toml"
    middle.symlink_to(target)
    link = tmp_path / "clusters.toml"
    link.symlink_to(middle)
    assert add_uni(link).exit_code == 0
    assert link.is_symlink()
    assert middle.is_symlink()
    assert "uni" in members_of(target)


@POSIX
def test_a_dangling_link_gives_a_clean_error_and_creates_nothing(tmp_path: Path) -> None:
    link = tmp_path / "clusters.toml"
    link.symlink_to(tmp_path / "gone.toml")
    result = add_uni(link, "--json")
    assert assert_json_failure(result, link, 3)["code"] == "registry-not-found"
    assert not (tmp_path / "gone.toml").exists()
    assert link.is_symlink()


# -- stale locks from killed processes ----------------------------------------------------------

HOLDER = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


def hold_lock(lock_path: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock_path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows")
def test_a_stale_lock_from_a_killed_writer_does_not_block_and_the_lock_still_works(
    registry: Path,
) -> None:
    lock_path = Path(f"{registry}.lock")
    holder = hold_lock(lock_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert holder.returncode == -signal.SIGKILL
    assert lock_path.exists()  # the killed process left its lock file
    # the next writer takes the lock at once
    done = run_subprocess(
        "--registry", str(registry), "--lock-timeout", "5", "add-member", "beta", "uni", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changed"] is True
    # and the lock is still taken: while a live process holds it, a writer waits, then
    # gives up with exit 5 and writes nothing
    live = hold_lock(lock_path)
    try:
        before = digest(registry)
        blocked = run_subprocess(
            "--registry", str(registry), "--lock-timeout", "0.3",
            "remove-member", "beta", "uni", "--json",
        )  # fmt: skip
        assert blocked.returncode == 5, blocked.stderr
        error = json.loads(blocked.stdout)["error"]
        assert error["code"] == "locked"
        assert str(lock_path) in error["message"]
        assert digest(registry) == before
    finally:
        live.kill()
        live.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows")
def test_a_writer_killed_mid_write_leaves_a_temp_that_the_next_writer_removes(
    registry: Path,
) -> None:
    """A killed writer may leave ``.clusters.toml.XXXXXXXX.tmp``; the registry is whole,
    and the next lock holder removes the leftover — and only it."""
    stale = registry.parent / f".{registry.name}.abcd_123.tmp"
    stale.write_bytes(SMALL.encode()[:100])  # half a write
    keep = [registry.parent / name for name in ("notes.tmp", f"{registry.name}.bak")]
    for path in keep:
        path.write_text("mine", encoding="utf-8")
    assert add_uni(registry).exit_code == 0
    assert not stale.exists()
    assert all(path.read_text(encoding="utf-8") == "mine" for path in keep)
    assert leftovers(registry.parent, registry) == []


# -- the lock file cannot be made ---------------------------------------------------------------

# Found by this suite (fixed in 7dc17d0): store.locked caught only PermissionError, so any
# other OSError making <registry>.lock escaped as a traceback.


def test_a_lock_path_that_is_a_folder_gives_a_clean_error(registry: Path) -> None:
    lock_path = Path(f"{registry}.lock")
    lock_path.mkdir()
    before = digest(registry)
    error = assert_json_failure(add_uni(registry, "--json"), lock_path, 4)
    assert "Is a directory" in error["message"]
    assert_clean_failure(add_uni(registry), lock_path, 4)
    assert digest(registry) == before
    assert lock_path.is_dir()  # left alone: it may be someone's


@POSIX
def test_a_registry_name_too_long_for_its_lock_file_gives_a_clean_error(
    tmp_path: Path,
) -> None:
    registry = write_registry(tmp_path, name="r" * 247 + ".toml")  # 252: the .lock is 257
    before = digest(registry)
    result = add_uni(registry)
    assert_clean_failure(result, registry, 4)
    assert "File name too long" in result.stderr
    assert digest(registry) == before
    assert run("--registry", str(registry), "list", "--on", ON).exit_code == 0  # reads work


# -- a disk that fills up -----------------------------------------------------------------------


class FullDisk:
    """A file handle on a full disk: half of what is written lands, then ENOSPC."""

    def __init__(self, handle) -> None:
        self._handle = handle

    def write(self, data):
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self._handle.close()


def fill_the_disk(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Every file opened for writing in ``folder`` — by ``open``, ``io.open``, ``Path``
    or ``os.fdopen`` — fails halfway, as on a full disk (reads are untouched)."""
    real_open, real_fdopen = io.open, os.fdopen
    folder = folder.resolve()

    def in_folder(file) -> bool:
        return isinstance(file, int) or Path(os.fspath(file)).resolve().parent == folder

    def writing(mode: str) -> bool:
        return any(flag in mode for flag in "wax+")

    def patched_open(file, mode="r", *args, **kwargs):
        handle = real_open(file, mode, *args, **kwargs)
        return FullDisk(handle) if writing(mode) and in_folder(file) else handle

    def patched_fdopen(fd, mode="r", *args, **kwargs):
        handle = real_fdopen(fd, mode, *args, **kwargs)
        return FullDisk(handle) if writing(mode) else handle

    monkeypatch.setattr(io, "open", patched_open)
    monkeypatch.setattr("builtins.open", patched_open)
    monkeypatch.setattr(os, "fdopen", patched_fdopen)


def assert_nothing_lost(
    result, registry: Path, before: str, reason: str = "No space left on device"
) -> None:
    assert_clean_failure(result, registry, 4)
    assert reason in result.stderr
    assert "unchanged" in result.stderr
    assert digest(registry) == before
    assert leftovers(registry.parent, registry) == []


@pytest.mark.parametrize(
    "args",
    [
        ["add-member", "beta", "uni", "--on", ON],
        ["remove-cluster", "alpha", "--on", ON],
        ["update-partner", "acme", "--name", "Acme Belgium", "--on", ON],
        ["fmt"],
    ],
    ids=["add-member", "remove-cluster", "update-partner", "fmt"],
)
def test_a_full_disk_during_the_write_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    text = SMALL if args != ["fmt"] else SMALL.replace("[partners.acme]", "# note\n[partners.acme]")
    registry = write_registry(tmp_path, text)
    before = digest(registry)
    fill_the_disk(monkeypatch, tmp_path)
    result = run("--registry", str(registry), *args)
    assert_nothing_lost(result, registry, before)
    monkeypatch.undo()
    retried = run("--registry", str(registry), *args)  # room again: it works
    assert retried.exit_code == 0, retried.stderr
    assert digest(registry) != before


def test_a_full_disk_during_a_csv_import_loses_nothing(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_path = registry.parent.parent / f"{registry.parent.name}-members.csv"
    csv_path.write_text("partner,name,kind\nnewco,New Co,company\n", encoding="utf-8")
    before = digest(registry)
    fill_the_disk(monkeypatch, registry.parent)
    result = run("--registry", str(registry), "import-members", "beta", str(csv_path), "--on", ON)
    assert_nothing_lost(result, registry, before)


@pytest.mark.parametrize("fault", ["fsync", "replace"])
def test_a_failing_fsync_or_replace_loses_nothing(
    registry: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    before = digest(registry)

    error = ENOSPC if fault == "fsync" else OSError(errno.EIO, "Input/output error")

    def fails(*args, **kwargs):
        raise error

    monkeypatch.setattr(os, fault, fails)
    result = add_uni(registry)
    monkeypatch.undo()
    assert_nothing_lost(result, registry, before, error.strerror)
    retried = add_uni(registry, "--json")  # the disk is back
    assert retried.exit_code == 0, retried.stdout
    assert retried.json()["changed"] is True


def test_a_full_disk_as_json_keeps_its_exit_code(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = digest(registry)
    fill_the_disk(monkeypatch, registry.parent)
    result = add_uni(registry, "--json")
    error = assert_json_failure(result, registry, 4)
    assert "No space left on device" in error["message"]
    assert digest(registry) == before


def test_an_interrupt_during_the_write_loses_nothing(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = digest(registry)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    result = add_uni(registry)
    monkeypatch.undo()
    assert result.exit_code == 130  # the shell's code for an interrupt (Ctrl-C)
    assert "Traceback" not in result.stderr
    assert digest(registry) == before
    assert leftovers(registry.parent, registry) == []


def test_init_on_a_full_disk_creates_no_registry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "new" / "clusters.toml"
    target.parent.mkdir()
    fill_the_disk(monkeypatch, target.parent)
    result = run("init", str(target))
    assert result.exit_code == 4
    assert "No space left on device" in result.stderr
    assert "Traceback" not in result.stderr
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")] == []
