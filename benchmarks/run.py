"""Benchmarks of `clusters` against floors measured in the same run.

    python benchmarks/run.py [--quick] [--runs N] [--sizes 1000,10000,100000]
                             [--only start-up,registry,kbo] [--enterprises 2000000]

Generates synthetic registries (``tests/synthetic_registries.py``: 1,000, 10,000 and 100,000
memberships, partners shared across clusters, clean under the rules) and prints, for each
size, the median wall time of several runs of each command and its ratio to a floor that
does the unavoidable work of the same job:

- start-up: `clusters list --type spearhead --json` on the shipped registry vs a
  one-command Typer app that prints one line;
- read: `clusters validate --json` vs `tomllib.load` of the same file;
- write: `clusters add-member` vs `tomllib.load` + `tomli_w.dumps` + writing the file;
- bulk: `clusters import-members` of 10,000 rows vs the write floor;
- memory: peak RSS of `validate` vs peak RSS of the read floor (POSIX only);
- read+ev: `validate` of the largest registry with 10,000 events added, on a day with
  FC112 notes (so the lines of findings are looked up), vs `tomllib.load` of that file;
  events: `events --json` of it; str-mem: the peak RSS of `validate` of a registry that
  holds one 20 MB string, against a bound of 200 MB (POSIX only);
- kbo: `clusters enrich kbo` of a registry of 2,000 companies (10,000 memberships), 95 %
  of them in a KBO/BCE extract made by `synthetic_kbo.py` (2,000,000 enterprises, about 5
  million activity rows), vs a bare `csv.reader` pass over the same ZIP members; dry/run
  and dry/csv: `enrich kbo --dry-run` vs the run and vs that bare pass; and kbo/mem: its
  peak RSS on that extract vs on one a tenth of its size (POSIX only), which should be
  about the same;
- site: `clusters site` into a new folder, and into an empty checkout, vs `validate` of
  the same registry: time; rebuild: the same over a copy of a previous build (the same
  registry and day, 1 % of the records changed, the day before), as CI rebuilds;
  site-rss and rbld-rss, the peak RSS of the largest process (what `time -v` reports);
  site-mem, the peak RSS of the command plus that of its largest forked process (it makes
  pages in one process per core) against validate's, which counts the memory the
  processes share twice (judged only where PSS is not measured); site-pss (Linux), the
  peak of the processes' summed PSS (shared pages split between them: the memory they
  use together) against validate's, the memory judged; and the
  bytes it writes per membership at the two largest sizes (growth: the larger size's over
  the smaller's, 1.0 when the output grows linearly);
- diff (`--only review`): `clusters diff OLD NEW --json` of two registries of the largest
  size that differ in 1 % of their memberships, partners and funding periods vs one
  `tomllib.load` (two files must be read: 2x is the floor);
- sqlite (`--only review`): `clusters export --format sqlite` of the largest registry vs
  `validate --json`;
- open data (`--only open-data`, at the largest size): `export --format datapackage`
  (package) and `export --format xlsx` (workbook) vs `export --format sqlite` of the same
  registry, time (pkg-cpu and xlsx-cpu: their CPU time, shown, not judged); pkg-mem and
  xlsx-mem, their peak RSS vs the SQLite export's (POSIX only): the rows are streamed to
  the files, not held.

Every measurement is a fresh process, as a script calls the tool. Nothing here is a test:
the goals are printed beside the ratios, and the exit status is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
CLUSTERS = [PYTHON, "-c", "from flanders_clusters.cli import main; main()"]

GOALS = {
    "start-up": 1.2,
    "events": 1.3,
    "read+ev": 1.3,
    "str-mem": 1.0,
    "bulk/add": 1.5,
    "read": 1.3,
    "write": 1.3,
    "bulk": 1.5,
    "memory": 1.5,
    "kbo": 1.5,
    "dry/run": 1.2,
    "dry/csv": 1.5,
    "kbo/mem": 1.2,
    "site": 3.0,
    "site-rss": 2.0,
    "site-mem": 2.0,
    "site-pss": 2.0,
    "rebuild": 3.0,
    "rbld-rss": 2.0,
    "rbld-mem": 2.0,
    "rbld-pss": 2.0,
    "growth": 1.2,
    "diff": 2.5,
    "sqlite": 2.0,
    "package": 1.5,
    "workbook": 5.0,
    "pkg-mem": 1.5,
    "xlsx-mem": 1.5,
}
CHECKS = ("start-up", "registry", "kbo", "site", "review", "open-data")

FLOOR_TYPER = """
import typer

app = typer.Typer()


@app.command()
def main() -> None:
    print("hello")


app()
"""

FLOOR_READ = """
import sys, tomllib
with open(sys.argv[1], "rb") as handle:
    tomllib.load(handle)
"""

FLOOR_WRITE = """
import os, sys, tomllib, tomli_w
path = sys.argv[1]
with open(path, "rb") as handle:
    data = tomllib.load(handle)
text = tomli_w.dumps(data)
temp = path + ".tmp"
with open(temp, "w", encoding="utf-8") as handle:
    handle.write(text)
    handle.flush()
    os.fsync(handle.fileno())
os.replace(temp, path)
"""

# A bare pass over the extract's members that `enrich kbo` reads.
FLOOR_KBO = """
import csv, io, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    for name in ("meta.csv", "code.csv", "enterprise.csv", "denomination.csv",
                 "address.csv", "activity.csv"):
        with io.TextIOWrapper(archive.open(name), encoding="utf-8-sig", newline="") as stream:
            for row in csv.reader(stream):
                pass
"""

# Runs a command in-process and reports its own peak resident set size (KiB) on stderr,
# and that of the largest process it forked and waited for.
PEAK_RSS = """
import resource, runpy, sys
sys.argv = sys.argv[1:]
try:
    if sys.argv[0] == "clusters":
        from flanders_clusters.cli import main
        main()
    else:
        runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit:
    pass
sys.stdout.flush()
scale = 1 if sys.platform != "darwin" else 1 / 1024
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:  # Linux keeps ru_maxrss across exec: it may be the benchmark's own peak
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1])
except OSError:
    pass
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"PEAK_RSS_KIB={int(peak * scale)}", file=sys.stderr)
print(f"PEAK_RSS_CHILDREN_KIB={int(children * scale)}", file=sys.stderr)
"""


# -- synthetic registries ------------------------------------------------------------------
# The registries and the KBO/BCE extracts measured here are made by the generators the
# tests use too (tests/synthetic_registries.py, tests/synthetic_kbo.py).

sys.path.insert(0, str(HERE.parent / "tests"))
import synthetic_kbo  # noqa: E402
from synthetic_registries import generate  # noqa: E402


def import_csv(rows: int, seed: int = 7) -> str:
    lines = ["partner;name;kind;postal_code;role;since"]
    for index in range(rows):
        row = f"bulk-{seed}-{index:06d};Bulk Company {index} BV;company;9000;member;01/01/2026"
        lines.append(row)
    return "\n".join(lines) + "\n"


# -- measuring ------------------------------------------------------------------------------


# Children cache bytecode as an installed tool does (some shells export
# PYTHONDONTWRITEBYTECODE, which would make every run compile the package again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], *, setup=None, cwd: Path | None = None) -> float:
    if setup is not None:
        setup()
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, cwd=cwd, env=ENV)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0,):
        raise SystemExit(
            f"failed ({result.returncode}): {' '.join(command)}\n{result.stderr.decode()[-2000:]}"
        )
    return elapsed


def cpu_timed(command: list[str], **kwargs) -> tuple[float, tuple[float, float] | None]:
    """Wall time of a command, and the user and system CPU time of it and the processes
    it forks and waits for (None off POSIX)."""
    try:
        import resource
    except ImportError:  # Windows
        return timed(command, **kwargs), None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(command, **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime)


def median(command: list[str], runs: int, **kwargs) -> float:
    timed(command, **kwargs)  # warm the file cache and the bytecode
    return statistics.median(timed(command, **kwargs) for _ in range(runs))


def medians(command: list[str], runs: int, **kwargs) -> tuple[float, float | None]:
    """Median wall time and median CPU time (user + system; None off POSIX) of a command:
    on a shared machine the CPU time says what the command itself cost."""
    timed(command, **kwargs)  # warm the file cache and the bytecode
    walls, cpus = zip(*(cpu_timed(command, **kwargs) for _ in range(runs)), strict=True)
    if None in cpus:
        return statistics.median(walls), None
    return statistics.median(walls), statistics.median(user + system for user, system in cpus)


def interleaved_medians(commands: list[tuple[list[str], object]], runs: int) -> list:
    """``medians`` of several commands run in turn (one run of each, ``runs`` times), so
    that a machine busier at one moment than another weighs on them alike; each command
    comes with its ``setup`` (or None)."""
    for command, setup in commands:
        timed(command, setup=setup)  # warm the file cache and the bytecode
    measured: list[list[tuple[float, tuple[float, float] | None]]] = [[] for _ in commands]
    for _ in range(runs):
        for found, (command, setup) in zip(measured, commands, strict=True):
            found.append(cpu_timed(command, setup=setup))
    out = []
    for found in measured:
        walls, cpus = zip(*found, strict=True)
        cpu = None if None in cpus else statistics.median(u + s for u, s in cpus)
        out.append((statistics.median(walls), cpu))
    return out


def peak_rss(arguments: list[str]) -> int:
    return peak_rss_with_children(arguments)[0]


def peak_rss_with_children(arguments: list[str]) -> tuple[int, int]:
    """Peak RSS (KiB) of a command and of the largest process it forked (0 if none)."""
    result = subprocess.run(
        [PYTHON, "-c", PEAK_RSS, *arguments], capture_output=True, text=True, check=False, env=ENV
    )
    found = {}
    for line in result.stderr.splitlines():
        key, _, value = line.partition("=")
        if key in ("PEAK_RSS_KIB", "PEAK_RSS_CHILDREN_KIB"):
            found[key] = int(value)
    if "PEAK_RSS_KIB" not in found:
        raise SystemExit(f"no peak RSS reported for {arguments}: {result.stderr[-2000:]}")
    return found["PEAK_RSS_KIB"], found.get("PEAK_RSS_CHILDREN_KIB", 0)


def peak_pss(command: list[str], every: float = 0.02) -> int | None:
    """The peak of the summed proportional set size (KiB) of a command and the processes
    it forks, sampled every ``every`` seconds (Linux; None elsewhere). A page that
    processes share counts once in the sum, split between them. (Reading the counts
    slows the command down: this run is for memory, not time.)"""
    if not Path("/proc/self/smaps_rollup").exists():
        return None

    def tree(pid: int) -> list[int]:
        found = [pid]
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    found += [p for child in handle.read().split() for p in tree(int(child))]
        except OSError:
            pass
        return found

    def pss(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    peak = 0
    while process.poll() is None:
        peak = max(peak, sum(pss(pid) for pid in tree(process.pid)))
        time.sleep(every)
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return peak


def row(label: str, size: str, ours: float, floor: float, unit: str = "s", judged=True) -> dict:
    """A result; ``judged`` rows are held to their goal (start-up, and the largest size,
    where the registry's work dominates rather than the interpreter's start)."""
    ratio = ours / floor
    goal = GOALS[label] if judged else None
    return {
        "check": label,
        "size": size,
        "ours": ours,
        "floor": floor,
        "ratio": ratio,
        "goal": goal,
        "ok": goal is None or ratio <= goal,
        "unit": unit,
    }


# -- the KBO/BCE extract -----------------------------------------------------------------------


def kbo_registry(enterprises: int, in_both: int) -> str:
    """The registry `enrich kbo` is measured on: the benchmark's registry of 10,000
    memberships (2,000 companies in 1,000 clusters, 36,000 lines), its companies given
    the numbers of enterprises in both extracts, but one in twenty given a number in
    neither; and no postal codes, which the extract fills. Most partners are matched,
    so the run changes records all through the file (what makes a dry run's diff work)."""
    import tomllib

    from flanders_clusters.registry import canonical

    data = tomllib.loads(generate(10_000))
    companies = sorted(p for p in data["partners"] if p.startswith("company-"))
    rng = random.Random(2026)
    found = sorted(rng.sample(range(in_both), min(in_both, len(companies))))
    for count, partner in enumerate(companies):
        index = enterprises + 1 + count  # not in either extract
        if count % 20 != 19 and count < len(found):
            index = found[count]
        data["partners"][partner]["enterprise_number"] = synthetic_kbo.enterprise_number(index)
        data["partners"][partner].pop("postal_code", None)
    return canonical.dumps(data)


def kbo_checks(work: Path, enterprises: int, runs: int) -> tuple[list[dict], list[str]]:
    """`enrich kbo` on a generated extract of ``enterprises`` vs a bare csv pass, and its
    peak memory there vs on an extract a tenth of the size."""
    small_count = max(enterprises // 10, 1000)
    malformed = {
        "activity.csv": [f'"{synthetic_kbo.enterprise_number(0)}","001","2008"'],
        "address.csv": ['"0200.000.043","REGO",,,"2000",,,,,,,,"31/02/2024"'],
    }
    started = time.perf_counter()
    big = synthetic_kbo.write(
        work / "KboOpenData_0140_2026_11_Full.zip",
        synthetic_kbo.Synthetic(enterprises),
        malformed=malformed,
        level=1,
    )
    small = synthetic_kbo.write(
        work / "KboOpenData_0140_2026_11_small.zip",
        synthetic_kbo.Synthetic(small_count),
        malformed=malformed,
        level=1,
    )
    made = time.perf_counter() - started
    text = kbo_registry(enterprises, small_count)
    registry = work / "kbo.toml"

    def restore() -> None:
        registry.write_text(text, encoding="utf-8")

    floor_script = work / "floor_kbo.py"
    floor_script.write_text(FLOOR_KBO)
    enrich = ["--registry", str(registry), "enrich", "kbo", "--json", "--on", "2026-11-30"]
    (ours, ours_cpu), (dry, dry_cpu), (floor, floor_cpu) = interleaved_medians(
        [
            ([*CLUSTERS, *enrich, str(big)], restore),
            ([*CLUSTERS, *enrich, "--dry-run", str(big)], restore),
            ([PYTHON, str(floor_script), str(big)], None),
        ],
        runs,
    )
    with zipfile.ZipFile(big) as archive:
        read = [i for i in archive.infolist() if i.filename in synthetic_kbo.HEADERS]
        size = sum(
            i.file_size for i in read if i.filename not in ("establishment.csv", "contact.csv")
        )
        activities = sum(1 for _ in archive.open("activity.csv")) - 1 - 1  # header, malformed
    label = f"{enterprises:,} enterprises ({size / 1e6:.0f} MB)"
    # Judged at a realistic size, where reading the extract dominates.
    judged = enterprises >= 1_000_000
    results = [
        row("kbo", label, ours, floor, judged=judged),
        # The dry run does the run's work and diffs the text instead of writing it.
        row("dry/run", f"{label}, --dry-run vs run", dry, ours, judged=judged),
        row("dry/csv", f"{label}, --dry-run vs csv", dry, floor, judged=judged),
    ]
    notes = [
        f"kbo: the extract holds {enterprises:,} enterprises and {activities:,} activity "
        f"rows; {size / 1e6:.0f} MB of CSV read of {sum(i.file_size for i in read) / 1e6:.0f} "
        f"MB ({big.stat().st_size / 1e6:.0f} MB zipped), made in {made:.0f} s",
    ]
    if ours_cpu is not None and dry_cpu is not None and floor_cpu is not None:
        notes.append(
            f"kbo: CPU time (user + system), median: clusters {ours_cpu:.1f} s, --dry-run "
            f"{dry_cpu:.1f} s, floor {floor_cpu:.1f} s: run {ours_cpu / floor_cpu:.2f}x the "
            f"floor, dry run {dry_cpu / ours_cpu:.2f}x the run and "
            f"{dry_cpu / floor_cpu:.2f}x the floor"
        )
    if sys.platform != "win32":
        peaks = {}
        for name, path in (("big", big), ("small", small)):
            restore()
            peaks[name] = peak_rss(["clusters", *enrich, str(path)])
        notes.append(
            f"kbo/mem: peak RSS {peaks['big']:,} KiB on {enterprises:,} enterprises, "
            f"{peaks['small']:,} KiB on {small_count:,}"
        )
        results.append(
            row(
                "kbo/mem",
                f"{enterprises:,} vs {small_count:,} enterprises",
                peaks["big"],
                peaks["small"],
                unit="KiB",
            )
        )
    return results, notes


def fmt(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value:.0f} B"
    return f"{value * 1000:.0f} ms" if unit == "s" else f"{value / 1024:.0f} MiB"


# A day on which the generated events leave some active clusters without an event in the
# activity window (FC112 notes, about 3 % of the clusters): `validate` then looks up the
# line of each finding, as it does for any registry with findings.
WITH_FINDINGS = "2027-01-01"


def event_checks(work: Path, size: int, runs: int, read_floor: Path) -> list[dict]:
    """``validate`` (with findings) and ``events --json`` on the largest registry with
    10,000 events and 100,000 participations, each against one ``tomllib.load`` of the
    same file."""
    registry = work / f"registry-{size}-events.toml"
    text = generate(size, events=10_000, per_event=10)
    registry.write_text(text, encoding="utf-8")
    base = [*CLUSTERS, "--registry", str(registry)]
    judged = [*base, "validate", "--json", "--on", WITH_FINDINGS]
    found = sum(
        json.loads(subprocess.run(judged, capture_output=True, env=ENV).stdout)["counts"].values()
    )
    megabytes = len(text.encode()) / 1e6
    label = f"{size:,} + 10,000 events ({megabytes:.1f} MB)"
    floor = median([PYTHON, str(read_floor), str(registry)], runs)
    validate = median(judged, runs)
    listed = median([*base, "events", "--json", "--on", "2026-11-27"], runs)
    return [
        row("read+ev", f"{label}, {found} findings", validate, floor),
        row("events", label, listed, floor),
    ]


def long_string_check(work: Path) -> dict:
    """Peak RSS of ``validate`` on a small registry holding one string of 20 MB, with a
    finding in the same table (so that its line is looked up), against a bound of 200 MB."""
    registry = work / "registry-long-string.toml"
    text = generate(1000) + (
        '\n[clusters.long-notes]\nname = "Long notes"\ntype = "icn"\ndomain = "Energy"\n'
        f'notes = "{"x" * 20_000_000}"\nrecognised = "2019-01-01"\n'
    )
    registry.write_text(text, encoding="utf-8")
    ours = peak_rss(["clusters", "--registry", str(registry), "validate", "--on", "2026-11-27"])
    return row("str-mem", "one 20 MB string, vs a 200 MB bound", ours, 200 * 1024, unit="KiB")


def site_checks(work: Path, sizes: list[int], runs: int) -> list[dict]:
    """``site`` against ``validate`` on the largest registry (time, peak memory), a first
    build and rebuilds; and the bytes written per membership at the two largest sizes.

    A first build goes into a new folder, and into a folder that holds only
    ``.nojekyll`` (a gh-pages checkout before its first build). A rebuild goes into a
    copy of a previous build made just before it (untimed), as CI rebuilds in a fresh
    checkout of its gh-pages branch: of the same registry on the same day (a run again:
    no page changes), of the registry before 1 % of its records changed (a push: the
    pages those records reach change, and the lists and downloads), and of the same
    registry the day before (the daily run: every page changes, as each says the day it
    was judged on).

    Each run builds into a folder of its own, and the folders are deleted at the end: on a
    file system without a journal (ext4 in some virtual machines) creating a file right
    after many were deleted is several times slower, so deleting the previous build just
    before a timed run measures the deletion rather than the build."""
    builds = work / "sites"
    builds.mkdir()
    count = 0
    day = "2026-11-27"

    def fresh() -> Path:
        nonlocal count
        count += 1
        return builds / f"site-{count}"

    def site(base: list[str], out: Path, on: str = day) -> list[str]:
        return [*base, "site", str(out), "--on", on]

    per_membership = {}
    results = []
    for size in sorted(sizes)[-2:]:
        registry = work / f"registry-{size}.toml"
        if not registry.exists():
            registry.write_text(generate(size), encoding="utf-8")
        base = [*CLUSTERS, "--registry", str(registry)]
        validate = [*base, "validate", "--json", "--on", day]
        if size == max(sizes):
            results.extend(_site_at_largest(work, size, builds, runs, fresh, site, validate))
        out = fresh()
        timed(site(base, out))
        written = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        per_membership[size] = written / size
        print(f"site of {size:,} memberships: {written / 1e6:.1f} MB", file=sys.stderr)
    small, large = sorted(per_membership)
    results.append(
        row(
            "growth",
            f"{large:,} vs {small:,} (per membership)",
            per_membership[large],
            per_membership[small],
            unit="B",
        )
    )
    shutil.rmtree(builds, ignore_errors=True)
    return results


def _site_at_largest(work, size, builds, runs, fresh, site, validate) -> list[dict]:
    """The first build and the three rebuilds of ``site_checks``: time and memory."""
    label = f"{size:,}"
    registry = work / f"registry-{size}.toml"
    base = [*CLUSTERS, "--registry", str(registry)]
    before = work / "registry-before.toml"
    before.write_text(changed(registry.read_text(encoding="utf-8")), encoding="utf-8")
    previous = {}  # the build each rebuild starts from, made once
    for name, source, on in (
        ("same", registry, "2026-11-27"),
        ("1%", before, "2026-11-27"),
        ("day", registry, "2026-11-26"),
    ):
        previous[name] = builds / f"previous-{name}"
        timed(site([*CLUSTERS, "--registry", str(source)], previous[name], on))
    previous["empty"] = builds / "previous-empty"  # a gh-pages checkout before any build
    previous["empty"].mkdir()
    (previous["empty"] / ".nojekyll").write_bytes(b"")
    scenarios = [
        ("site", "site", "", None),
        ("site", "site", ", into an empty checkout", "empty"),
        ("rebuild", "rbld", ", same registry and day", "same"),
        ("rebuild", "rbld", ", 1 % changed since", "1%"),
        ("rebuild", "rbld", ", the next day", "day"),
    ]
    results = []
    timed(site(base, fresh()))  # warm the file cache and the bytecode
    floor_walls, floor_cpus = zip(*(cpu_timed(validate) for _ in range(runs)), strict=True)
    floor = statistics.median(floor_walls)
    floor_cpu = statistics.median(sum(cpu or (0, 0)) for cpu in floor_cpus)
    for check, short, text, start in scenarios:
        out = [fresh()]

        def checkout(start=start, out=out) -> None:
            """A new folder; for a rebuild, a copy of the previous build (untimed)."""
            out[0] = fresh()
            if start is not None:
                shutil.copytree(previous[start], out[0], symlinks=True)

        walls, cpus = [], []
        for _ in range(runs):
            checkout()
            wall, cpu = cpu_timed(site(base, out[0]))
            walls.append(wall)
            cpus.append(cpu)
        results.append(row(check, label + text, statistics.median(walls), floor))
        if all(cpus) and floor_cpu:
            user, system = (statistics.median(part) for part in zip(*cpus, strict=True))
            print(
                f"{check}{text}: CPU time, median (user, system): {user:.1f} s, {system:.1f} s "
                f"({(user + system) / floor_cpu:.2f}x validate's {floor_cpu:.1f} s); wall "
                + ", ".join(f"{w:.1f}" for w in walls)
                + f" s; validate {floor:.1f} s",
                file=sys.stderr,
            )
        if sys.platform == "win32":
            continue
        arguments = ["clusters", "--registry", str(registry)]
        peaks = []
        for _ in range(3):
            checkout()
            peaks.append(peak_rss_with_children(site(arguments, out[0])))
        ours_kib = statistics.median(own + child for own, child in peaks)
        largest_kib = statistics.median(max(own, child) for own, child in peaks)
        floor_kib = statistics.median(
            peak_rss([*arguments, "validate", "--json", "--on", "2026-11-27"]) for _ in range(3)
        )
        print(
            f"{short}-mem{text}: peak RSS of the command and of its largest forked process: "
            + ", ".join(f"{own:,} + {child:,} KiB" for own, child in peaks),
            file=sys.stderr,
        )
        checkout()
        ours_pss = peak_pss(site(base, out[0]))
        floor_pss = peak_pss(validate)
        measured = ours_pss is not None and floor_pss is not None
        # The peak RSS of the largest process (what `time -v` reports) is judged; the sum
        # counts the pages the forked process shares with this one twice, so where PSS
        # is measured, PSS is the memory the processes use together that is judged.
        results.append(row(f"{short}-rss", label + text, largest_kib, floor_kib, unit="KiB"))
        results.append(
            row(f"{short}-mem", label + text, ours_kib, floor_kib, unit="KiB", judged=not measured)
        )
        if measured:
            results.append(row(f"{short}-pss", label + text, ours_pss, floor_pss, unit="KiB"))
    return results


def changed(text: str, share: float = 0.01, seed: int = 12) -> str:
    """The registry ``text`` with ``share`` of its memberships (a role), partners (a
    name) and funding periods (an end a month earlier) changed, still clean."""
    import tomllib

    from flanders_clusters.registry import canonical

    rng = random.Random(seed)
    data = tomllib.loads(text)
    clusters = data["clusters"]
    members = [m for c in clusters.values() for m in c["members"] if m["role"] == "member"]
    for member in rng.sample(members, int(len(members) * share)):
        member["role"] = "board"
    partners = sorted(data["partners"])
    for partner_id in rng.sample(partners, int(len(partners) * share)):
        data["partners"][partner_id]["name"] += " (renamed)"
    periods = [p for c in clusters.values() for p in c["funding"]]
    for period in rng.sample(periods, max(1, int(len(periods) * share))):
        period["end"] = period["end"].replace(day=1) - dt.timedelta(days=1)
    return canonical.dumps(data)


def review_checks(work: Path, size: int, runs: int, read_floor: Path) -> list[dict]:
    """``diff`` of two registries of ``size`` memberships that differ in 1 % of their
    records against one ``tomllib.load``; ``export --format sqlite`` against ``validate``."""
    old = work / f"registry-{size}-old.toml"
    new = work / f"registry-{size}-new.toml"
    text = generate(size)
    old.write_text(text, encoding="utf-8")
    new.write_text(changed(text), encoding="utf-8")
    label = f"{size:,} ({len(text.encode()) / 1e6:.1f} MB)"
    floor = median([PYTHON, str(read_floor), str(old)], runs)
    on = ["--on", "2026-11-27"]
    ours = median([*CLUSTERS, "diff", str(old), str(new), "--json", *on], runs)
    judged = size >= 100_000  # below, the interpreter's start dominates
    results = [row("diff", f"{label}, 1 % changed", ours, floor, judged=judged)]
    base = [*CLUSTERS, "--registry", str(old)]
    validate = median([*base, "validate", "--json", *on], runs)
    database = ["export", "--format", "sqlite", "--output", str(work / "registry.db"), *on]
    ours = median([*base, *database], runs)
    results.append(row("sqlite", f"{label}, vs validate", ours, validate, judged=judged))
    return results


def open_data_checks(work: Path, size: int, runs: int) -> list[dict]:
    """The data package and the workbook of a registry of ``size`` memberships against
    the SQLite export of the same tables: time, and peak memory."""
    registry = work / f"registry-{size}-open.toml"
    text = generate(size)
    registry.write_text(text, encoding="utf-8")
    label = f"{size:,} ({len(text.encode()) / 1e6:.1f} MB), vs sqlite"
    base = ["--registry", str(registry), "export", "--on", "2026-11-27", "--format"]
    outputs = {
        "sqlite": work / "open.db",
        "datapackage": work / "open-package",
        "xlsx": work / "open.xlsx",
    }
    commands = {fmt: [*base, fmt, "--output", str(path)] for fmt, path in outputs.items()}
    (sqlite, sqlite_cpu), (package, package_cpu), (workbook, workbook_cpu) = interleaved_medians(
        [([*CLUSTERS, *command], None) for command in commands.values()], runs
    )
    judged = size >= 100_000  # below, the interpreter's start dominates
    results = [
        row("package", label, package, sqlite, judged=judged),
        row("workbook", label, workbook, sqlite, judged=judged),
    ]
    if sqlite_cpu and package_cpu and workbook_cpu:  # what the commands cost, on a busy machine
        results.append(row("pkg-cpu", label, package_cpu, sqlite_cpu, judged=False))
        results.append(row("xlsx-cpu", label, workbook_cpu, sqlite_cpu, judged=False))
    if sys.platform != "win32":
        peaks = {
            fmt: statistics.median(peak_rss(["clusters", *command]) for _ in range(3))
            for fmt, command in commands.items()
        }
        results.append(
            row("pkg-mem", label, peaks["datapackage"], peaks["sqlite"], "KiB", judged=judged)
        )
        results.append(row("xlsx-mem", label, peaks["xlsx"], peaks["sqlite"], "KiB", judged=judged))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measurement")
    parser.add_argument("--sizes", default="1000,10000,100000", help="memberships per registry")
    parser.add_argument(
        "--quick", action="store_true", help="3 runs, sizes 1000,10000, 200,000 enterprises"
    )
    parser.add_argument(
        "--events", action="store_true", help="measure the events checks at the largest size too"
    )
    parser.add_argument(
        "--only", default=",".join(CHECKS), help="checks to run: " + ", ".join(CHECKS)
    )
    parser.add_argument(
        "--enterprises", type=int, default=2_000_000, help="enterprises in the KBO/BCE extract"
    )
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    sizes = [1000, 10_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    enterprises = 200_000 if args.quick else args.enterprises
    checks = set(args.only.split(","))
    if checks - set(CHECKS):
        parser.error(f"--only takes {', '.join(CHECKS)}")
    notes: list[str] = []

    work = Path(tempfile.mkdtemp(prefix="clusters-bench-"))
    results: list[dict] = []
    try:
        floor_app = work / "floor_typer.py"
        floor_app.write_text(FLOOR_TYPER)
        read_floor = work / "floor_read.py"
        read_floor.write_text(FLOOR_READ)
        write_floor = work / "floor_write.py"
        write_floor.write_text(FLOOR_WRITE)
        empty = work / "empty"
        empty.mkdir()
        if "start-up" in checks:
            env_cmd = [*CLUSTERS, "list", "--type", "spearhead", "--json"]
            ours = median(env_cmd, runs * 3, cwd=empty)
            floor = median([PYTHON, str(floor_app)], runs * 3, cwd=empty)
            results.append(row("start-up", "shipped", ours, floor))

        for size in sizes if "registry" in checks else []:
            label = f"{size:,}"
            registry = work / f"registry-{size}.toml"
            text = generate(size)
            registry.write_text(text, encoding="utf-8")
            megabytes = len(text.encode()) / 1e6
            label = f"{size:,} ({megabytes:.1f} MB)"

            ours = median(
                [
                    *CLUSTERS,
                    "--registry",
                    str(registry),
                    "validate",
                    "--json",
                    "--on",
                    "2026-11-27",
                ],
                runs,
            )
            floor = median([PYTHON, str(read_floor), str(registry)], runs)
            judged = size == max(sizes)
            results.append(row("read", label, ours, floor, judged=judged))

            def restore(path=registry, original=text):
                path.write_text(original, encoding="utf-8")

            ours = median(
                [
                    *CLUSTERS,
                    "--registry",
                    str(registry),
                    "add-member",
                    "cluster-000007",
                    "bench-new",
                    "--name",
                    "Bench BV",
                    "--kind",
                    "company",
                    "--postal-code",
                    "9000",
                ],
                runs,
                setup=restore,
            )
            floor = median([PYTHON, str(write_floor), str(registry)], runs, setup=restore)
            results.append(row("write", label, ours, floor, judged=judged))
            single = ours

            if size == max(sizes) or size == 10_000:
                csv_path = work / "import.csv"
                csv_path.write_text(import_csv(10_000), encoding="utf-8")
                ours = median(
                    [
                        *CLUSTERS,
                        "--registry",
                        str(registry),
                        "import-members",
                        "cluster-000007",
                        str(csv_path),
                    ],
                    runs,
                    setup=restore,
                )
                results.append(row("bulk", f"{label}, 10,000 rows", ours, floor, judged=judged))
                # An import of 10,000 rows takes about the time of one add-member.
                results.append(
                    row("bulk/add", f"{label}, vs add-member", ours, single, judged=judged)
                )

            if sys.platform != "win32":
                restore()
                ours_kib = statistics.median(
                    peak_rss(
                        [
                            "clusters",
                            "--registry",
                            str(registry),
                            "validate",
                            "--json",
                            "--on",
                            "2026-11-27",
                        ]
                    )
                    for _ in range(3)
                )
                floor_kib = statistics.median(
                    peak_rss([str(read_floor), str(registry)]) for _ in range(3)
                )
                results.append(row("memory", label, ours_kib, floor_kib, unit="KiB", judged=judged))
        if "registry" in checks and (max(sizes) >= 100_000 or args.events):
            results.extend(event_checks(work, max(sizes), runs, read_floor))
        if "registry" in checks and sys.platform != "win32":
            results.append(long_string_check(work))

        if "kbo" in checks:
            found, notes = kbo_checks(work, enterprises, runs)
            results.extend(found)
        if "site" in checks and len(sizes) > 1:
            results.extend(site_checks(work, sizes, runs))
        if "review" in checks:  # at the largest size (the diff and export of a large file)
            results.extend(review_checks(work, max(sizes), runs, read_floor))
        if "open-data" in checks:
            results.extend(open_data_checks(work, max(sizes), runs))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"clusters benchmarks, {dt.date.today()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores, median of {runs} runs (start-up: {runs * 3})"
    )
    print()
    header = (
        f"{'check':<9} {'registry':<48} {'clusters':>10} {'floor':>10} {'ratio':>6} {'goal':>6}"
    )
    print(header)
    print("-" * len(header))
    for item in results:
        mark = "" if item["ok"] else "  MISSED"
        goal = f"{item['goal']:>5.1f}x" if item["goal"] else "     -"
        print(
            f"{item['check']:<9} {item['size']:<48} {fmt(item['ours'], item['unit']):>10} "
            f"{fmt(item['floor'], item['unit']):>10} {item['ratio']:>5.2f}x {goal}{mark}"
        )
    for note in notes:
        print(note)
    print()
    print("Goals are judged at start-up and at the largest registry; at smaller sizes the")
    print("ratios mostly measure the start of the command (the start-up row) against a bare")
    print("interpreter's.")
    return 0 if all(item["ok"] for item in results) else 1


if __name__ == "__main__":
    sys.exit(main())
