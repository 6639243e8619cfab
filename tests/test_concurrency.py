"""Writers under load (the lock, atomic canonical writes): many processes at
once lose no edit, a held lock times out with exit 5, and a writer killed with SIGKILL at
any moment leaves the old registry or the new one — never a broken or half-written file.

These tests run real processes (``python -m flanders_clusters``), as scripts and CI do.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SMALL, digest, run, run_subprocess, write_registry

ON = "2025-01-01"
WRITERS = 16


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"})
    return env


def start(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flanders_clusters", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(),
        **kwargs,
    )


def parsed(path: Path) -> dict:
    return tomllib.loads(path.read_text("utf-8"))


def canonical_ok(registry: Path) -> None:
    done = run("--registry", str(registry), "fmt", "--check")
    assert done.exit_code == 0, done.stderr


# -- many writers at once ----------------------------------------------------------------


@pytest.mark.slow
def test_sixteen_add_member_processes_at_once_lose_no_membership(registry: Path) -> None:
    processes = [
        start(
            "--registry",
            str(registry),
            "--lock-timeout",
            "60",
            "add-member",
            "alpha",
            f"p{i:02d}",
            "--name",
            f"Partner {i}",
            "--kind",
            "company",
            "--json",
        )
        for i in range(WRITERS)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr.decode()
        body = json.loads(stdout)
        assert body["changed"] is True
        assert body["created_partner"] is True
    data = parsed(registry)
    listed = [m["partner"] for m in data["clusters"]["alpha"]["members"]]
    assert listed == sorted(["acme", "gov", "uni", *(f"p{i:02d}" for i in range(WRITERS))])
    assert all(data["partners"][f"p{i:02d}"]["name"] == f"Partner {i}" for i in range(WRITERS))
    canonical_ok(registry)
    leftovers = sorted(p.name for p in registry.parent.iterdir())
    assert leftovers == ["clusters.toml", "clusters.toml.lock"]


@pytest.mark.slow
def test_different_edits_at_once_all_land(registry: Path, tmp_path: Path) -> None:
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text(
        "partner;name;kind\n" + "".join(f"csv{i};C {i};other\n" for i in range(50)),
        encoding="utf-8",
    )
    commands = [
        ("import-members", "beta", str(csv_path)),
        ("update-cluster", "alpha", "--source", "https://more.example"),
        ("add-partner", "bank", "--name", "Bank", "--kind", "other"),
        ("update-partner", "uni", "--postal-code", "3000"),
        ("add-member", "beta", "gov"),
        ("add-cluster", "gamma", "--name", "G", "--type", "icn", "--domain", "D"),
        ("update-member", "alpha", "uni", "--role", "board"),
        ("add-member", "alpha", "p1", "--name", "P1", "--kind", "company"),
    ]
    processes = [
        start("--registry", str(registry), "--lock-timeout", "60", *command, "--on", ON)
        for command in commands
    ]
    for process, command in zip(processes, commands, strict=True):
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, (command, stderr.decode())
    data = parsed(registry)
    beta = {m["partner"] for m in data["clusters"]["beta"]["members"]}
    assert beta == {"acme", "gov", *(f"csv{i}" for i in range(50))}
    assert data["clusters"]["alpha"]["sources"] == ["https://alpha.example", "https://more.example"]
    assert data["partners"]["bank"] == {"name": "Bank", "kind": "other"}
    assert data["partners"]["uni"]["postal_code"] == "3000"
    assert "gamma" in data["clusters"]
    alpha = {m["partner"]: m for m in data["clusters"]["alpha"]["members"]}
    assert alpha["uni"]["role"] == "board"
    assert "p1" in alpha
    canonical_ok(registry)


# -- a lock held by another process ------------------------------------------------------

HOLDER = """
import sys, time
from filelock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire()
print("locked", flush=True)
time.sleep(120)
"""


def hold_lock(lock_path: str) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, lock_path],
        stdout=subprocess.PIPE,
        env=environment(),
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


@pytest.mark.slow
def test_a_lock_held_by_another_process_times_out_with_exit_5(registry: Path) -> None:
    lock_path = f"{registry}.lock"
    holder = hold_lock(lock_path)
    try:
        before = digest(registry)
        done = run_subprocess(
            "--registry", str(registry), "--lock-timeout", "0.5", "add-member", "beta", "uni"
        )
        assert done.returncode == 5
        assert lock_path in done.stderr
        assert "Traceback" not in done.stderr
        as_json = run_subprocess(
            "--registry", str(registry), "--lock-timeout", "0.5", "add-member", "beta", "uni",
            "--json",
        )  # fmt: skip
        assert as_json.returncode == 5
        error = json.loads(as_json.stdout)["error"]
        assert error["code"] == "locked"
        assert lock_path in error["message"]
        assert digest(registry) == before
    finally:
        holder.kill()
        holder.wait()
    # the holder died without releasing: its lock file is left, and blocks no one
    assert Path(lock_path).exists()
    after = run_subprocess(
        "--registry", str(registry), "--lock-timeout", "2", "add-member", "beta", "uni", "--json"
    )
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["changed"] is True


@pytest.mark.slow
def test_a_waiting_writer_proceeds_when_the_lock_is_released(registry: Path) -> None:
    holder = hold_lock(f"{registry}.lock")
    try:
        waiting = start(
            "--registry", str(registry), "--lock-timeout", "60", "add-member", "beta", "uni",
            "--json",
        )  # fmt: skip
        before = digest(registry)
        time.sleep(0.5)  # gives the writer time to start waiting (asserts nothing)
        assert waiting.poll() is None  # it cannot be done while the lock is held
        assert digest(registry) == before
    finally:
        holder.kill()
        holder.wait()
    stdout, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr.decode()
    assert json.loads(stdout)["changed"] is True
    assert "uni" in [m["partner"] for m in parsed(registry)["clusters"]["beta"]["members"]]


# -- SIGKILL at random moments -------------------------------------------------------------

CLUSTERS = 2_000
PER_CLUSTER = 10
ROUNDS = 15
SEED = 20_261_127


def kbo(first_eight: int) -> str:
    digits = f"{first_eight:08d}{97 - first_eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def large_registry(folder: Path) -> Path:
    """~2,000 clusters × 10 members, generated as plain TOML, then put in canonical form
    by ``clusters fmt`` (the tool's own writer)."""
    lines = ["schema_version = 1", ""]
    partners = CLUSTERS
    for c in range(CLUSTERS - 1, -1, -1):  # reversed, so fmt has sorting to do
        members = ", ".join(
            f'{{ partner = "p{(c * 7 + k * 13) % partners:05d}", since = 2015-0{1 + k % 9}-01 }}'
            for k in range(PER_CLUSTER)
        )
        lines += [
            f"[clusters.c{c:05d}]",
            f'name = "Generated cluster {c}"',
            'type = "icn"',
            f'domain = "Domain {c % 37}"',
            "recognised = 2015-01-01",
            'action_plan = "https://plan.example"',
            "funding = [{ start = 2015-01-01, end = 2017-12-31, annual_support_eur = 100000 }]",
            f"members = [{members}]",
            "",
        ]
    for p in range(partners):
        lines += [
            f"[partners.p{p:05d}]",
            f'name = "Generated partner {p} NV"',
            f'kind = "{("company", "knowledge", "government", "other")[p % 4]}"',
            f'enterprise_number = "{kbo(10_000_000 + p)}"',
            "",
        ]
    path = folder / "large.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    done = run_subprocess("--registry", str(path), "fmt", timeout=120)
    assert done.returncode == 0, done.stderr
    return path


def with_members(data: dict, cluster: str, new: dict[str, dict]) -> dict:
    """``data`` with the new partners added as members of ``cluster`` (canonical order);
    shares what it does not change with ``data``."""
    members = data["clusters"][cluster]["members"] + [{"partner": p} for p in new]
    changed = {**data["clusters"][cluster], "members": sorted(members, key=lambda m: m["partner"])}
    return {
        **data,
        "clusters": {**data["clusters"], cluster: changed},
        "partners": {**data["partners"], **new},
    }


def writer(
    registry: Path, folder: Path, round_: int, timeout: str = "30"
) -> tuple[list[str], str, dict]:
    """A command for this round and the members it adds to its cluster."""
    cluster = f"c{(round_ * 131) % CLUSTERS:05d}"
    if round_ % 2:
        new = {f"k{round_:02d}-{i:02d}": {"name": f"Crash {round_} {i}", "kind": "company"}
               for i in range(40)}  # fmt: skip
        csv_path = folder / f"round{round_}.csv"
        csv_path.write_text(
            "partner;name;kind\n"
            + "".join(f"{p};{f['name']};{f['kind']}\n" for p, f in new.items()),
            encoding="utf-8",
        )
        command = ["import-members", cluster, str(csv_path)]
    else:
        new = {f"k{round_:02d}": {"name": f"Crash {round_}", "kind": "company"}}
        command = ["add-member", cluster, f"k{round_:02d}", "--name", f"Crash {round_}",
                   "--kind", "company"]  # fmt: skip
    args = ["--registry", str(registry), "--lock-timeout", timeout, *command]
    return args, cluster, new


def folder_state(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Size, modification time and inode of each file but the lock file."""
    state = {}
    for entry in os.scandir(folder):
        if not entry.name.endswith(".lock"):
            with contextlib.suppress(FileNotFoundError):
                info = entry.stat()
                state[entry.name] = (info.st_size, info.st_mtime_ns, info.st_ino)
    return state


def wait_for(process: subprocess.Popen, seen: Callable[[], bool], run_time: float) -> None:
    """Poll until ``seen()`` or the process ends (or three run times pass)."""
    deadline = time.monotonic() + 3 * run_time
    while process.poll() is None and time.monotonic() < deadline and not seen():
        time.sleep(0.0003)


def temp_files(folder: Path, registry: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(f".{registry.name}.")]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows")
def test_a_writer_killed_at_random_moments_never_leaves_a_broken_registry(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "crash"
    folder.mkdir()
    registry = large_registry(folder)
    assert registry.stat().st_size > 1_000_000

    # one uninterrupted run: how long a writer takes here (spreads the kills, asserts nothing)
    args, cluster, new = writer(registry, tmp_path, 0)
    parsed_before = parsed(registry)
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "flanders_clusters", *args],
                          capture_output=True, env=environment(), timeout=120)  # fmt: skip
    run_time = time.monotonic() - began
    assert done.returncode == 0, done.stderr.decode()
    old_text = registry.read_text("utf-8")
    old = tomllib.loads(old_text)
    assert old == with_members(parsed_before, cluster, new)

    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0}
    for round_ in range(1, ROUNDS + 1):
        args, cluster, new = writer(registry, tmp_path, round_)
        known = folder_state(folder)
        process = start(*args)
        if round_ % 3 == 1:  # a third of the kills at a random moment of the run
            time.sleep(rng.uniform(0.05, 1.05) * run_time)
        elif round_ % 3 == 2:  # a third while the temporary file is being written
            wait_for(
                process, lambda known=known: folder_state(folder).keys() != known.keys(), run_time
            )
            time.sleep(rng.uniform(0, 0.002))
        else:  # a third the moment the registry itself changes
            wait_for(
                process,
                lambda known=known: (
                    folder_state(folder).get(registry.name) != known.get(registry.name)
                ),
                run_time,
            )
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
        assert process.returncode in (0, -signal.SIGKILL)
        finished = process.returncode == 0

        assert registry.is_file() and not registry.is_symlink()
        text = registry.read_text("utf-8")
        data = tomllib.loads(text)  # never half a file: it parses
        if text == old_text:
            assert not finished  # a writer that finished wrote its change
            outcomes["old"] += 1
            assert data == old
        else:
            outcomes["new"] += 1
            assert data == with_members(old, cluster, new)
            assert text.startswith("#:schema ./clusters.schema.json\n\nschema_version = 1\n")
            old_text, old = text, data
        # a killed writer may leave its temporary file, never one bigger than a registry
        for temp in temp_files(folder, registry):
            assert temp.name.endswith(".tmp")
            assert temp.stat().st_size <= len(text.encode("utf-8")) + 200_000
        assert len(temp_files(folder, registry)) <= round_

    left = len(temp_files(folder, registry))
    print(f"SIGKILL rounds: {outcomes}, {left} temp files left, writer run {run_time:.2f} s")
    # the killed writers' lock and temp files block no one; the registry still works
    args, cluster, new = writer(registry, tmp_path, ROUNDS + 1, timeout="5")
    done = subprocess.run([sys.executable, "-m", "flanders_clusters", *args],
                          capture_output=True, env=environment(), timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert parsed(registry) == with_members(old, cluster, new)
    listed = run("--registry", str(registry), "list", "--json", "--on", ON)
    assert listed.exit_code == 0, listed.stderr
    assert len(listed.json()) == CLUSTERS
    canonical_ok(registry)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows")
def test_a_writer_killed_while_holding_the_lock_does_not_block_the_next(
    tmp_path: Path,
) -> None:
    registry = write_registry(tmp_path, SMALL)
    holder = hold_lock(f"{registry}.lock")
    waiting = start("--registry", str(registry), "--lock-timeout", "60", "add-member",
                    "beta", "uni", "--json")  # fmt: skip
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    stdout, stderr = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, stderr.decode()
    assert json.loads(stdout)["changed"] is True
    canonical_ok(registry)
