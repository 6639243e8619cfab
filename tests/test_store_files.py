"""The registry file as a file: only a regular file is read; a replace keeps the file's
owner, group, mode and extended attributes; a large registry is read in memory in
proportion to its size.

Each test guards a finding of an adversarial review of 0.1.0: a FIFO as the registry
hung every command and ``--registry /dev/zero`` ended in a traceback; a write as root
gave the registry to root, and a write by another member of its group dropped the group
and its extended attributes; one 5 MB string made ``validate`` use 1.5 GB.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import SMALL, digest, run, write_registry
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
from hardening_support import ON, assert_clean_failure

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
    from flanders_clusters.registry import files

    path = fifo(tmp_path / "clusters.toml")
    monkeypatch.setattr(files, "kind_at", lambda *args, **kwargs: files.REGULAR)
    with rescued(path), pytest.raises(files.NotRegular) as refused:
        files.read_regular(path)
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


# -- memory -------------------------------------------------------------------------------------

BOUND = 200 * 1024 * 1024  # bytes of address space


def bounded(*args: str, limit: int = BOUND) -> tuple[int, str, int]:
    """Run ``clusters ARGS`` in a child whose address space is bounded by ``limit``;
    its exit code, output (stdout and stderr) and peak resident memory (bytes)."""
    import resource

    def bound() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    environment.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    child = subprocess.Popen(
        [sys.executable, "-m", "flanders_clusters", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=bound,
    )
    output = child.stdout.read().decode("utf-8", "replace")
    child.stdout.close()
    _, status, usage = os.wait4(child.pid, 0)  # the child's own peak, as it ends
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, output, usage.ru_maxrss * 1024


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
