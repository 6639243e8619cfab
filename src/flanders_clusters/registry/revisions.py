"""The registry at a git revision: git runs as a subprocess, its own messages passed on.

A revision is resolved first (``git rev-parse --verify --end-of-options REV^{commit}``),
so that no revision is ever read as an option, then the file is read from that commit
(``git show COMMIT:./FILE``, run in the registry's folder). ``A..B`` names two
revisions; ``A...B`` the merge base of A and B, and B: what a pull request changes.
Any failure of git — an unknown revision, a path that the commit does not hold, a folder
outside a repository, no git at all — is a ``GitError`` (exit 2) carrying git's message.
git runs in the registry's folder with the variables that name a repository cleared
(``GIT_DIR`` and the others a hook is given), so that folder alone decides which
repository is read.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ClustersError, GitError
from . import store

GIT_FIX = "check the revision and the path with `git log --oneline -- PATH`"
# What git sets for the repository it runs in (`git rev-parse --local-env-vars`, and the
# namespace): in a hook, GIT_DIR names the repository of the hook (".git", relative to
# the folder git started in), and would make `git -C FOLDER` read another repository or
# none. The registry's own folder decides which repository is read, so these are cleared.
LOCAL_GIT_VARIABLES = (
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_OBJECT_DIRECTORY",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_IMPLICIT_WORK_TREE",
    "GIT_GRAFT_FILE",
    "GIT_INDEX_FILE",
    "GIT_NO_REPLACE_OBJECTS",
    "GIT_REPLACE_REF_BASE",
    "GIT_PREFIX",
    "GIT_INTERNAL_SUPER_PREFIX",
    "GIT_SHALLOW_FILE",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a file on disk, or a file at a commit."""

    path: Path
    commit: str | None = None  # None: the working file
    label: str = ""  # what the user calls it: the path, or REV:PATH

    def read(self) -> store.Document:
        """The registry of this side, schema problems kept (they are findings)."""
        if self.commit is None:
            return store.read(store.Source(self.path, how="diff"), strict=False)
        raw = git(self.path, "show", f"{self.commit}:./{self.path.name}", about=self.label)
        source = store.Source(Path(self.label), how="git")
        return store.load(source, store.decode(raw, source.path), strict=False)


def read_side(name: str, side: Side) -> store.Document:
    """Read one side; a file that cannot be read says which side it is (``old``/``new``)."""
    return _naming(name, side.read)


def _naming(name: str, read: Callable[[], store.Document]) -> store.Document:
    try:
        return read()
    except GitError:
        raise
    except ClustersError as error:
        raise type(error)(f"{name} side: {error.message}", error.fix) from None


def sides(path: Path, rev: str) -> tuple[Side, Side]:
    """The two sides that ``--rev`` names: ``REV`` (against the working file), ``A..B``
    or ``A...B`` (from the merge base of A and B to B). An empty end means HEAD, as in git."""
    if "..." in rev:
        first, _, second = rev.partition("...")
        first, second = first or "HEAD", second or "HEAD"
        new = resolve(path, second)
        base = git_text(
            path, "merge-base", resolve(path, first), new, about=f"the merge base of {rev}"
        ).strip()
        if not base:  # pragma: no cover - git exits non-zero when there is none
            raise GitError(f"{first} and {second} have no common ancestor", GIT_FIX)
        return (
            Side(path, base, f"{base[:12]}:{path}"),
            Side(path, new, f"{second}:{path}"),
        )
    if ".." in rev:
        first, _, second = rev.partition("..")
        first, second = first or "HEAD", second or "HEAD"
        return (
            Side(path, resolve(path, first), f"{first}:{path}"),
            Side(path, resolve(path, second), f"{second}:{path}"),
        )
    return Side(path, resolve(path, rev), f"{rev}:{path}"), Side(path, None, str(path))


def resolve(path: Path, rev: str) -> str:
    """The full hash of the commit ``rev`` names in the repository of the registry
    ``path``."""
    if not rev.strip():
        raise GitError("an empty revision", "name a revision, e.g. HEAD~1 or main...HEAD")
    found = git_text(
        path,
        "rev-parse",
        "--verify",
        "--end-of-options",
        f"{rev}^{{commit}}",
        about=f"revision {rev!r}",
    )
    return found.strip()


def git_text(path: Path, *args: str, about: str) -> str:
    """``git``'s output as text (a hash, a name)."""
    return git(path, *args, about=about).decode("utf-8", errors="replace")


def git(path: Path, *args: str, about: str) -> bytes:
    """Run ``git -C FOLDER ARGS`` in the folder of the registry ``path``: its output, or
    ``GitError`` naming ``about`` (what was asked for) with git's own message."""
    command = ["git", "-C", str(path.parent), *args]
    environment = {k: v for k, v in os.environ.items() if k not in LOCAL_GIT_VARIABLES}
    environment.update(GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        done = subprocess.run(command, capture_output=True, env=environment, check=False)
    except FileNotFoundError:
        raise GitError(
            "git is not installed (or not on PATH)", "install git to compare revisions"
        ) from None
    except OSError as exc:
        raise GitError(
            f"cannot run git: {exc.strerror or exc}", "check the git installation"
        ) from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", errors="replace").strip()
        said = " ".join(said.split()) or f"git exited with status {done.returncode}"
        if "not a git repository" in said:  # name the registry: it may not be the one meant
            raise GitError(
                f"{path}: not in a git repository, so it has no {about}: git {args[0]}: {said}",
                "name a registry kept in git (clusters diff --rev REV PATH), or compare two "
                "files (clusters diff OLD NEW)",
            )
        raise GitError(f"{about}: git {args[0]}: {said}", GIT_FIX)
    return done.stdout
