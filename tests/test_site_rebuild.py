"""`clusters site` over a previous build: a file whose bytes have not changed stays as it
is (the same file: its inode and its modification time), a changed file is replaced, a
page the registry lost is deleted, and the folder ends byte for byte as a first build
of the same registry would make it. The swap stays crash-safe and never reads or
writes through a link."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest
from conftest import run
from site_support import events_registry, write

from flanders_clusters.site import folder_swap, worker_pool

ON = "2026-11-30"

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="a file's identity (its inode) is what these tests see"
)


def site(registry: Path, outdir: Path, *args: str):
    result = run("--registry", str(registry), "site", str(outdir), "--on", ON, *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def files(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file under ``folder`` → its digest, its inode and its modification time."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            info = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(folder))] = (digest, info.st_ino, info.st_mtime_ns)
    return found


def contents(found: dict[str, tuple[str, int, int]]) -> dict[str, str]:
    return {name: digest for name, (digest, _, _) in found.items()}


def work_folder(out: Path) -> Path:
    return folder_swap.work_folder(Path(os.path.abspath(out)))


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return write(tmp_path, events_registry())


def test_a_rebuild_of_the_same_registry_leaves_every_file_as_it_was(registry, tmp_path):
    out = tmp_path / "site"
    first = site(registry, out, "--json").json()
    before = files(out)
    again = site(registry, out, "--json").json()
    assert files(out) == before  # the same files: bytes, inodes, times (the marker too)
    assert again == first  # what it reports counts every file of the site
    assert not work_folder(out).exists()


def test_a_rebuild_replaces_only_the_files_that_changed(tmp_path):
    data = events_registry()
    registry = write(tmp_path, data)
    out = tmp_path / "site"
    site(registry, out)
    before = files(out)
    data["partners"]["uni"]["name"] = "Example University of Flanders"
    write(tmp_path, data)
    site(registry, out)
    after = files(out)
    site(registry, tmp_path / "fresh")
    assert contents(after) == contents(files(tmp_path / "fresh"))  # as a first build
    changed = {name for name in after if after[name][0] != before[name][0]}
    assert {"partners/uni.html", "clusters/alpha.html", "data/clusters.toml"} <= changed
    assert {"partners/acme.html", "timeline.html", "style.css"}.isdisjoint(changed)
    for name, (_, inode, mtime) in after.items():
        if name in changed:
            assert inode != before[name][1], name  # a new file, renamed over the old
        elif name != folder_swap.MARKER:  # rewritten during the swap, as it lists both
            assert (inode, mtime) == before[name][1:], name  # left as it was


def test_a_file_tampered_with_in_outdir_is_put_right(registry, tmp_path):
    """A page changed at the same size, a download made longer, one made shorter: each
    differs from what the build makes, so each is replaced."""
    out = tmp_path / "site"
    site(registry, out)
    first = contents(files(out))
    page = out / "clusters" / "beta.html"
    page.write_bytes(page.read_bytes().replace(b"Beta", b"Zeta", 1))
    with (out / "data" / "clusters.toml").open("ab") as handle:
        handle.write(b"# appended\n")
    members = out / "data" / "members.csv"
    members.write_bytes(members.read_bytes()[:-5])
    site(registry, out)
    assert contents(files(out)) == first


def test_a_page_the_registry_lost_is_deleted_and_the_others_stay(tmp_path):
    data = events_registry()
    registry = write(tmp_path, data)
    out = tmp_path / "site"
    site(registry, out)
    before = files(out)
    del data["clusters"]["beta"]
    for event in data["events"].values():
        event["clusters"] = [c for c in event["clusters"] if c != "beta"]
    write(tmp_path, data)
    site(registry, out)
    after = files(out)
    assert "clusters/beta.html" in before and "clusters/beta.html" not in after
    assert "clusters/beta.html" not in folder_swap.listed(out)
    site(registry, tmp_path / "fresh")
    assert contents(after) == contents(files(tmp_path / "fresh"))
    assert after["favicon.svg"] == before["favicon.svg"]  # unchanged: the same file


def test_a_rebuild_killed_while_its_files_move_in_is_finished_by_the_next_run(
    tmp_path, monkeypatch
):
    data = events_registry()
    registry = write(tmp_path, data)
    out = tmp_path / "site"
    site(registry, out)
    before = files(out)
    data["partners"]["uni"]["name"] = "Example University of Flanders"
    write(tmp_path, data)
    real = os.replace
    moved: list[str] = []

    class Killed(BaseException):
        """Stands for the process being killed: nothing after it runs."""

    def replace(source, target, **folders):
        if not os.fspath(source).endswith(".tmp"):  # a file of the new build moving in
            if moved:
                raise Killed  # once one file moved in
            moved.append(os.fspath(target))
        return real(source, target, **folders)

    monkeypatch.setattr(folder_swap.os, "replace", replace)
    with pytest.raises(Killed):
        run("--registry", str(registry), "site", str(out), "--on", ON)
    monkeypatch.setattr(folder_swap.os, "replace", real)
    assert (work_folder(out) / "journal").is_file()
    assert len(moved) == 1
    folder_swap.recover(out)  # what the next run does first
    site(registry, tmp_path / "fresh")
    after = files(out)
    assert contents(after) == contents(files(tmp_path / "fresh"))
    assert not work_folder(out).exists()
    assert after["partners/acme.html"] == before["partners/acme.html"]  # never moved


def test_a_link_planted_over_a_page_is_not_read_as_the_previous_page(
    registry, tmp_path, monkeypatch
):
    """A link put where a page of the previous build was, after the folder was checked,
    to a file outside holding that page's very bytes: the build does not read through
    it (it writes the page and renames it over the link), and the file outside stays."""
    out = tmp_path / "site"
    site(registry, out)
    page = out / "clusters" / "beta.html"
    outside = tmp_path / "outside.html"
    outside.write_bytes(page.read_bytes())
    real_check = folder_swap.check

    def check(*args, **kwargs):
        old = real_check(*args, **kwargs)
        page.unlink()
        page.symlink_to(outside)
        return old

    monkeypatch.setattr(folder_swap, "check", check)
    site(registry, out)
    assert not page.is_symlink() and page.read_bytes() == outside.read_bytes()
    assert outside.stat().st_nlink == 1 and not outside.is_symlink()


def test_without_folder_descriptors_unchanged_files_stay_too(registry, tmp_path, monkeypatch):
    monkeypatch.setattr(folder_swap, "_DIR_FD", False)
    out = tmp_path / "site"
    site(registry, out)
    before = files(out)
    site(registry, out)
    assert files(out) == before
    site(registry, out, "--lang", "nl")
    after = files(out)
    assert after["favicon.svg"] == before["favicon.svg"]
    assert after["index.html"][1] != before["index.html"][1]


def batches(version: str) -> tuple[list, list[list]]:
    """A site of 40 pages in two queues, whose even pages say ``version``."""

    def pages(folder: str, start: int):
        for number in range(start, start + 10):
            text = version if number % 2 == 0 else "always"
            yield f"{folder}/p{number}.html", f"<p>{folder} {number} {text}</p>".encode()

    own = [("index.html", b"<p>index</p>")]
    return own, [
        [lambda s=s: pages("clusters", s) for s in (0, 10)],
        [lambda s=s: pages("partners", s) for s in (0, 10)],
    ]


def test_forked_processes_leave_unchanged_files_and_replace_the_others(tmp_path):
    if not worker_pool._forks():
        pytest.skip("this system builds in one process: no forked process to compare")
    out = tmp_path / "site"
    folder_swap.publish(out, *batches("one"), workers=1)
    before = files(out)
    written = folder_swap.publish(out, *batches("two"), workers=1)
    after = files(out)
    assert written.files == 42 and set(after) == set(before)
    changed = {f"{f}/p{n}.html" for f in ("clusters", "partners") for n in range(0, 20, 2)}
    for name in changed:
        assert b"two" in (out / name).read_bytes() and after[name][1] != before[name][1]
    for name in set(after) - changed - {folder_swap.MARKER}:
        assert after[name] == before[name], name  # the same file, untouched
    assert not work_folder(out).exists()


def gh_pages(folder: Path) -> Path:
    """A folder as a fresh gh-pages checkout is, before its first build."""
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (folder / ".nojekyll").write_text("")
    return folder


def test_a_first_build_into_a_checkout_moves_each_of_its_folders_in_whole(
    registry, tmp_path, monkeypatch
):
    """Where OUTDIR lacks a folder of the site, the folder moves in with one rename, not
    one rename a file; what OUTDIR holds is what a first build into a new folder makes."""
    out = gh_pages(tmp_path / "site")
    renamed: list[str] = []
    real_rename, real_replace = os.rename, os.replace

    def rename(source, target, **folders):
        renamed.append(os.fspath(target))
        return real_rename(source, target, **folders)

    def replace(source, target, **folders):
        renamed.append(os.fspath(target))
        return real_replace(source, target, **folders)

    monkeypatch.setattr(folder_swap.os, "rename", rename)
    monkeypatch.setattr(folder_swap.os, "replace", replace)
    site(registry, out)
    site(registry, tmp_path / "fresh")
    made = contents(files(out))
    assert {n: d for n, d in made.items() if n not in (".git/HEAD", ".nojekyll")} == contents(
        files(tmp_path / "fresh")
    )
    assert (out / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    # the folders that hold only files (data/ holds the folder package/: its files move
    # one by one, and package/ moves whole)
    for folder in ("clusters", "partners", "package"):  # names in their folder
        assert folder in renamed  # the folder, once
        assert not any(name.startswith(folder + "/") for name in renamed)


def test_a_folder_of_the_new_build_holding_a_link_is_refused_not_moved(registry, tmp_path):
    """A journal left by an interrupted first build into a checkout, and a link planted
    in the work folder's ``new/clusters``: the folder is not moved in whole (it holds
    what the build did not write), and the link is refused."""
    out = gh_pages(tmp_path / "site")
    fresh = tmp_path / "fresh"
    site(registry, fresh)
    work = work_folder(out)
    work.mkdir(mode=0o700)
    new = work / "new"
    names = sorted(folder_swap.listed(fresh))
    for name in names:
        (new / name).parent.mkdir(parents=True, exist_ok=True)
        (new / name).write_bytes((fresh / name).read_bytes())
    outside = tmp_path / "outside.txt"
    outside.write_text("mine\n")
    (new / "clusters" / "alpha.html").unlink()
    (new / "clusters" / "alpha.html").symlink_to(outside)
    (work / "journal").write_text(json.dumps({"write": names, "delete": []}))
    with pytest.raises(folder_swap.NotASite, match="symbolic link"):
        folder_swap.recover(out)
    assert not (out / "clusters" / "alpha.html").is_symlink()
    assert outside.read_text() == "mine\n"
