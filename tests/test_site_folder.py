"""`clusters site` in a hostile folder: links planted where the build writes its
temporaries, a work folder planted beside OUTDIR, a folder swapped for a link while the
files move in, a registry inside OUTDIR, a folder that holds only a user's dotfiles.

Every test builds in a temporary folder of its own and checks that each file outside
OUTDIR is byte for byte what it was (and where it was)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run
from site_support import events_registry, write

from flanders_clusters.errors import NotASite
from flanders_clusters.site import folder_swap

ON = "2026-11-30"

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="symbolic links need privileges on Windows"
)


def site(registry: Path, outdir: Path, *args: str):
    return run("--registry", str(registry), "site", str(outdir), "--on", ON, *args)


def snapshot(folder: Path, leave_out: Path | None = None) -> dict[str, str]:
    """Every entry under ``folder`` (hidden ones too, ``leave_out`` left out): a file's
    digest, a link's target, a folder's mark; links are listed, never followed."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if leave_out is not None and (path == leave_out or leave_out in path.parents):
            continue
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[name] = "folder"
        else:
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return write(tmp_path, events_registry())


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A user's files outside OUTDIR: what an attack would overwrite, move or delete."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "authorized_keys").write_text("ssh-ed25519 AAAA my key\n")
    (home / ".bashrc").write_text("export PATH=$HOME/bin:$PATH\n")
    (home / "pages").mkdir()
    (home / "pages" / "index.html").write_text("<p>a page outside the site</p>\n")
    return home


def refused(result, *words: str) -> dict:
    """The one-line not-a-site error (exit 4) that names ``words``."""
    assert result.exit_code == 4, result.stdout + result.stderr
    error = result.json()["error"]
    assert error["code"] == "not-a-site" and error["fix"]
    assert "\n" not in error["message"] and "Traceback" not in result.stderr
    for word in words:
        assert word in error["message"]
    return error


# -- finding 1: the marker's temporary ------------------------------------------------------


def gh_pages(folder: Path) -> Path:
    """A folder as a gh-pages checkout is: a git repository with .nojekyll."""
    folder.mkdir()
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    (folder / ".nojekyll").write_text("")
    return folder


@pytest.mark.parametrize("built", [False, True], ids=["first build", "rebuild"])
def test_a_link_at_the_markers_temporary_name_is_never_written_through(
    registry, outside, tmp_path, built
) -> None:
    out = gh_pages(tmp_path / "gh-pages")
    if built:
        assert site(registry, out).exit_code == 0
    (out / ".clusters-site.tmp").symlink_to(outside / ".ssh" / "authorized_keys")
    before, inside = snapshot(tmp_path, out), snapshot(out)
    result = site(registry, out, "--json")
    assert snapshot(tmp_path, out) == before  # the key file too, byte for byte
    assert snapshot(out) == inside
    error = refused(result, ".clusters-site.tmp", "symbolic link")
    assert str(out / ".clusters-site.tmp") in error["fix"]
    # once the link is gone, the build goes ahead
    (out / ".clusters-site.tmp").unlink()
    assert site(registry, out).exit_code == 0
    assert snapshot(tmp_path, out) == before


def test_a_link_planted_at_a_temporary_name_while_the_build_runs_is_refused(
    outside, tmp_path
) -> None:
    target = outside / ".ssh" / "authorized_keys"
    before = snapshot(outside)
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / ".clusters-site.tmp").symlink_to(target)
    with folder_swap.Folder.at(str(folder)) as opened, pytest.raises(NotASite, match="symbolic"):
        folder_swap.write_marker(opened, ["index.html"])
    assert snapshot(outside) == before
    assert not (folder / ".clusters-site").exists()


@pytest.mark.parametrize(
    ("leftover", "kept"),
    [
        (b"", False),  # a run killed before it wrote
        (folder_swap.HEADER.encode()[:9], False),  # killed while it wrote
        (b"my own notes\n", True),  # not the build's: refused
    ],
)
def test_a_temporary_left_by_a_killed_run_is_replaced_and_no_other_file(
    tmp_path, leftover, kept
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / ".clusters-site.tmp").write_bytes(leftover)
    with folder_swap.Folder.at(str(folder)) as opened:
        if kept:
            with pytest.raises(NotASite, match="did not write"):
                folder_swap.write_marker(opened, ["index.html"])
        else:
            folder_swap.write_marker(opened, ["index.html"])
    if kept:
        assert (folder / ".clusters-site.tmp").read_bytes() == leftover
        assert not (folder / ".clusters-site").exists()
    else:
        assert not (folder / ".clusters-site.tmp").exists()
        assert folder_swap.listed(folder) == {"index.html"}


def test_a_markers_temporary_left_by_a_killed_build_does_not_stop_the_next(
    registry, tmp_path
) -> None:
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    (out / ".clusters-site.tmp").write_bytes((out / ".clusters-site").read_bytes()[:30])
    assert site(registry, out, "--lang", "nl").exit_code == 0
    assert not (out / ".clusters-site.tmp").exists()
    assert 'lang="nl"' in (out / "index.html").read_text()


def test_the_marker_and_the_journal_are_flushed_with_their_folder(
    registry, tmp_path, monkeypatch
) -> None:
    """After each rename that commits (the journal, the marker), the folder is flushed
    too, or a crash may lose the rename."""
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    events: list[tuple[str, object]] = []
    real_replace, real_fsync = os.replace, os.fsync

    def replace(source, target, **folders):
        events.append(("replace", os.path.basename(os.fspath(target))))
        return real_replace(source, target, **folders)

    def fsync(handle):
        events.append(("fsync", os.fstat(handle).st_ino))
        return real_fsync(handle)

    monkeypatch.setattr(folder_swap.os, "replace", replace)
    monkeypatch.setattr(folder_swap.os, "fsync", fsync)
    work = folder_swap.work_folder(out)
    seen: dict[int, str] = {}
    real_mkdir = os.mkdir

    def mkdir(path, *args, **kwargs):  # learn the work folder's inode once it is made
        real_mkdir(path, *args, **kwargs)
        if work.is_dir() and not seen:
            seen[work.stat().st_ino] = "work"

    monkeypatch.setattr(folder_swap.os, "mkdir", mkdir)
    assert site(registry, out, "--lang", "nl").exit_code == 0
    folders = {**seen, out.stat().st_ino: "outdir"}
    flushed = [(kind, folders.get(what, what)) for kind, what in events]  # type: ignore[call-overload]
    for name, folder in (("journal", "work"), (".clusters-site", "outdir")):
        at = flushed.index(("replace", name))
        assert flushed[at + 1] == ("fsync", folder), flushed[at : at + 2]


# -- finding 2: the work folder beside OUTDIR ------------------------------------------------


def plant(work: Path, outside: Path, site_pages: list[str]) -> None:
    """A work folder as an attacker plants it: a journal that moves an outside file into
    the site and deletes pages, ``new`` a link to outside files, ``journal.tmp`` a link
    to the user's ~/.bashrc."""
    work.mkdir()
    journal = {"write": ["index.html", "../home/.bashrc"], "delete": site_pages}
    (work / "journal").write_text(json.dumps(journal, indent=0))
    (work / "new").symlink_to(outside / "pages")
    (work / "journal.tmp").symlink_to(outside / ".bashrc")


def another_user(work: Path, monkeypatch) -> None:
    """Make ``work`` another user's: really where this test runs as root, else by
    having the build see this process as another user."""
    if os.geteuid() == 0:
        for path in [work, *work.iterdir()]:
            os.chown(path, 65534, 65534, follow_symlinks=False)
    else:
        monkeypatch.setattr(folder_swap, "_user", lambda: os.geteuid() + 1)


@pytest.mark.parametrize("how", ["another user's", "writable by others", "a link"])
def test_a_planted_work_folder_is_refused_and_nothing_outside_changes(
    registry, outside, tmp_path, monkeypatch, how
) -> None:
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    pages = ["clusters/alpha.html", "partners/acme.html", "index.html"]
    work = folder_swap.work_folder(out)
    if how == "a link":
        plant(outside / "planted", outside, pages)
        work.symlink_to(outside / "planted")
    else:
        plant(work, outside, pages)
        if how == "writable by others":
            work.chmod(0o777)
        else:
            another_user(work, monkeypatch)
    before, inside = snapshot(tmp_path, out), snapshot(out)
    result = site(registry, out, "--json", "--lang", "nl")
    assert snapshot(tmp_path, out) == before  # ~/.bashrc, the outside page: as they were
    assert snapshot(out) == inside  # no page deleted, none moved in
    error = refused(result, str(work), "work folder")
    assert str(work) in error["fix"]


def test_a_work_folder_of_ones_own_is_trusted_only_as_far_as_it_stays_inside(
    registry, outside, tmp_path
) -> None:
    """A work folder like an interrupted build's (this user's, private), whose journal
    names paths out of the site, a ``new`` that links out, a journal.tmp link."""
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    work = folder_swap.work_folder(out)
    plant(work, outside, ["clusters/alpha.html"])
    work.chmod(0o700)
    before, inside = snapshot(outside), snapshot(out)
    result = site(registry, out, "--json")
    assert snapshot(outside) == before
    assert snapshot(out) == inside
    refused(result, str(work / "new"), "symbolic link")
    # new/ a real folder whose file is a link out: not moved in
    (work / "new").unlink()
    (work / "new").mkdir()
    (work / "new" / "index.html").symlink_to(outside / "pages" / "index.html")
    result = site(registry, out, "--json")
    assert snapshot(outside) == before
    assert snapshot(out) == inside
    refused(result, str(work / "new" / "index.html"))
    # a journal that is not one the build writes is refused, not followed
    (work / "journal").write_text("{not json")
    result = site(registry, out, "--json")
    assert snapshot(outside) == before
    assert snapshot(out) == inside
    refused(result, "not a journal")


def test_a_journal_deletes_only_files_the_marker_lists(registry, tmp_path) -> None:
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    (out / "mine.txt").write_text("the user's own file")
    work = folder_swap.work_folder(out)
    work.mkdir(mode=0o700)
    journal = {"write": sorted(folder_swap.listed(out)), "delete": ["mine.txt"]}
    (work / "journal").write_text(json.dumps(journal))
    result = site(registry, out, "--json")
    assert (out / "mine.txt").read_text() == "the user's own file"
    refused(result, "mine.txt")  # the rebuild refuses the user's file; it is not deleted
    assert not (work / "journal").exists()  # the journal was finished: nothing to do


def test_a_fresh_work_folder_is_private_to_the_user(registry, tmp_path, monkeypatch) -> None:
    out = tmp_path / "site"
    modes = []
    real = folder_swap._write_all

    def spy(new, *args):
        modes.append(stat.S_IMODE(os.stat(folder_swap.work_folder(out)).st_mode))
        return real(new, *args)

    monkeypatch.setattr(folder_swap, "_write_all", spy)
    assert site(registry, out).exit_code == 0
    assert modes == [0o700]
    assert not folder_swap.work_folder(out).exists()
    assert stat.S_IMODE(out.stat().st_mode) & 0o755 == 0o755 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- finding 7: a folder swapped for a link while the files move ------------------------------


def swap(out: Path, victim: Path) -> None:
    """OUTDIR/clusters moved aside (inside OUTDIR) and a link to ``victim`` put there."""
    os.rename(out / "clusters", out / ".moved-clusters")
    os.symlink(victim, out / "clusters")


def victim_folder(tmp_path: Path) -> Path:
    victim = tmp_path / "victim"
    victim.mkdir()
    for name in ("index.html", "alpha.html", "beta.html"):
        (victim / name).write_text(f"the victim's {name}\n")
    return victim


def test_a_folder_swapped_for_a_link_during_the_moves_sends_nothing_out(
    registry, tmp_path, monkeypatch
) -> None:
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    victim = victim_folder(tmp_path)
    before = snapshot(tmp_path, out)
    real = os.replace
    swapped = []

    def replace(source, target, **folders):
        # the clusters folder was checked and its first file moved: now the swap
        if os.path.basename(os.fspath(target)) == "alpha.html" and not swapped:
            swap(out, victim)
            swapped.append(target)
        return real(source, target, **folders)

    monkeypatch.setattr(folder_swap.os, "replace", replace)
    site(registry, out, "--lang", "nl")
    assert swapped
    assert snapshot(tmp_path, out) == before  # nothing outside OUTDIR written
    assert "nl" in (out / ".moved-clusters" / "alpha.html").read_text()


def test_a_folder_swapped_for_a_link_during_the_deletes_deletes_nothing_out(
    tmp_path, monkeypatch
) -> None:
    data = events_registry()
    registry = write(tmp_path, data)
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    del data["clusters"]["beta"]
    for event in data["events"].values():
        event["clusters"] = [c for c in event["clusters"] if c != "beta"]
    write(tmp_path, data)
    victim = victim_folder(tmp_path)
    before = snapshot(tmp_path, out)
    real_unlink, real_remove = os.unlink, os.remove
    swapped = []

    def unlink(path, *args, real=real_unlink, **kwargs):
        if os.path.basename(os.fspath(path)) == "beta.html" and not swapped:
            swap(out, victim)
            swapped.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(folder_swap.os, "unlink", unlink)
    monkeypatch.setattr(
        folder_swap.os, "remove", lambda p, *a, **k: unlink(p, *a, real=real_remove, **k)
    )
    assert site(registry, out).exit_code == 0
    assert swapped
    assert snapshot(tmp_path, out) == before  # the victim's beta.html is still there
    assert not (out / ".moved-clusters" / "beta.html").exists()


# -- finding 12: the registry inside OUTDIR --------------------------------------------------


def test_a_registry_inside_outdir_is_refused_and_kept(registry, tmp_path, monkeypatch) -> None:
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    inside = out / "data" / "clusters.toml"  # the site's download, used as the registry
    before = inside.read_bytes()
    result = site(inside, out, "--no-notes", "--json")
    assert inside.read_bytes() == before  # every note still there
    error = refused(result, str(inside), str(out))
    assert "another folder" in error["fix"]
    # found as ./data/clusters.toml when run in the built site
    monkeypatch.chdir(out)
    result = run("site", ".", "--no-notes", "--on", ON, "--json")
    assert inside.read_bytes() == before
    refused(result, "data/clusters.toml")


@pytest.mark.parametrize("outdir", [".", ".."], ids=["the registry's folder", "above it"])
def test_outdir_holding_the_registry_is_refused_for_that(tmp_path, outdir) -> None:
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    registry = write(folder, events_registry())
    before = registry.read_bytes()
    refused(site(registry, folder / outdir, "--json"), "lies inside the site's folder")
    assert registry.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["clusters.toml"]


# -- finding 18: which folders are eligible --------------------------------------------------


def test_a_folder_of_dotfiles_is_no_site_and_nothing_is_written(registry, tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("alias ll='ls -l'\n")
    (home / ".profile").write_text("umask 022\n")
    (home / ".config").mkdir()
    before = snapshot(tmp_path)
    result = site(registry, home, "--json")
    assert snapshot(tmp_path) == before  # no page, no marker, no work folder
    error = refused(result, ".bashrc", ".config", ".profile")
    assert ".git, .nojekyll and CNAME" in error["fix"]


def test_a_folder_of_git_nojekyll_and_cname_takes_the_site(registry, tmp_path) -> None:
    out = tmp_path / "pages"
    (out / ".git").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (out / ".nojekyll").write_text("")
    (out / "CNAME").write_text("clusters.example.org\n")
    before = snapshot(out)
    assert site(registry, out).exit_code == 0
    after = snapshot(out)
    assert {name: after[name] for name in before} == before
    assert "index.html" in after and ".clusters-site" in after
    # a previous build may hold more of the user's hidden entries: rebuilt all the same
    (out / ".github").mkdir()
    (out / ".github" / "CODEOWNERS").write_text("* @keeper\n")
    assert site(registry, out, "--lang", "nl").exit_code == 0
    assert (out / ".github" / "CODEOWNERS").read_text() == "* @keeper\n"


def test_a_marker_that_is_a_link_makes_no_previous_build(registry, outside, tmp_path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / ".clusters-site").symlink_to(outside / ".bashrc")
    (out / ".profile").write_text("mine\n")
    before = snapshot(tmp_path)
    result = site(registry, out, "--json")
    assert snapshot(tmp_path) == before
    refused(result, ".clusters-site", ".profile")


# -- without folder descriptors (Windows): the same site -------------------------------------


def test_without_folder_descriptors_the_build_and_the_rebuild_are_the_same(
    tmp_path, monkeypatch
) -> None:
    data = events_registry()
    registry = write(tmp_path, data)
    assert site(registry, tmp_path / "with").exit_code == 0
    monkeypatch.setattr(folder_swap, "_DIR_FD", False)
    assert site(registry, tmp_path / "without").exit_code == 0
    del data["clusters"]["beta"]
    for event in data["events"].values():
        event["clusters"] = [c for c in event["clusters"] if c != "beta"]
    write(tmp_path, data)
    assert site(registry, tmp_path / "without", "--lang", "nl").exit_code == 0
    monkeypatch.setattr(folder_swap, "_DIR_FD", True)
    assert site(registry, tmp_path / "with", "--lang", "nl").exit_code == 0
    assert snapshot(tmp_path / "with") == snapshot(tmp_path / "without")
    assert not (tmp_path / "without" / "clusters" / "beta.html").exists()


@pytest.mark.parametrize("how", ["writable by others", "a link"])
def test_without_folder_descriptors_a_planted_work_folder_is_refused(
    registry, outside, tmp_path, monkeypatch, how
) -> None:
    monkeypatch.setattr(folder_swap, "_DIR_FD", False)
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    work = folder_swap.work_folder(out)
    if how == "a link":
        plant(outside / "planted", outside, ["index.html"])
        work.symlink_to(outside / "planted")
    else:
        plant(work, outside, ["index.html"])
        work.chmod(0o777)
    before, inside = snapshot(tmp_path, out), snapshot(out)
    result = site(registry, out, "--json")
    assert snapshot(tmp_path, out) == before
    assert snapshot(out) == inside
    refused(result, str(work))


def test_without_folder_descriptors_a_link_in_the_way_is_refused(
    registry, outside, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(folder_swap, "_DIR_FD", False)
    out = tmp_path / "site"
    assert site(registry, out).exit_code == 0
    os.rename(out / "clusters", tmp_path / "old-clusters")
    os.symlink(outside / "pages", out / "clusters")
    (out / ".clusters-site.tmp").symlink_to(outside / ".bashrc")
    before = snapshot(tmp_path, out)
    result = site(registry, out, "--json")
    assert snapshot(tmp_path, out) == before
    refused(result)
