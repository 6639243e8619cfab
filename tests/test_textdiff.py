"""``formats/textdiff.py``: the unified diff of every ``--dry-run`` and the first
difference ``fmt --check`` names.

The diff once went through ``difflib`` over the whole file, which made ``enrich kbo
--dry-run`` on a large registry 7.5 times slower than the run itself; it now anchors on
the lines each side has once and leaves only short stretches to ``difflib``. These tests
hold it to what a diff must do (turn the old text into the new, as ``patch`` reads it)
and to ``difflib``'s own output where the two are compared today.
"""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SMALL, run_in_terminal
from hypothesis import given, settings
from hypothesis import strategies as st

from flanders_clusters.formats import textdiff
from flanders_clusters.formats.textdiff import (
    Difference,
    first_difference,
    lines_of,
    matching_blocks,
    opcodes,
    unified_diff,
)

_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def patched(before: str, diff: str) -> str:
    """Apply a unified diff to ``before`` strictly (every context and removed line must
    match), reading the "\\ No newline at end of file" marks as ``patch`` does."""
    if not diff:
        return before
    old = lines_of(before)
    rows = diff.split("\n")[:-1]
    assert rows[0].startswith("--- ") and rows[1].startswith("+++ ")
    out: list[str] = []
    at, index = 0, 2
    while index < len(rows):
        hunk = _HUNK.fullmatch(rows[index])
        assert hunk, rows[index]
        start = int(hunk[1]) - (0 if hunk[2] == "0" else 1)
        assert start >= at
        out += old[at:start]
        at = start
        index += 1
        while index < len(rows) and not rows[index].startswith("@@"):
            tag, text = rows[index][0], rows[index][1:] + "\n"
            if index + 1 < len(rows) and rows[index + 1] == "\\ No newline at end of file":
                text = text[:-1]
                index += 1
            assert tag in " +-", rows[index]
            if tag in " -":
                assert old[at] == text, (old[at], text)
                at += 1
            if tag in " +":
                out.append(text)
            index += 1
    return "".join(out + old[at:])


# -- the diff ----------------------------------------------------------------------------

# Lines from a small alphabet, so that most lines repeat (as `kind = "company"` does).
LINES = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "[x]\n", "e"]), max_size=40)


def text_of(lines: list[str]) -> str:
    # Only the last line may lack its newline.
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines[:-1]) + (
        lines[-1] if lines else ""
    )


@settings(max_examples=200, deadline=None)
@given(LINES, LINES, st.sampled_from([0, 4, textdiff.SMALL]))
def test_the_blocks_are_equal_lines_in_order_and_the_opcodes_rebuild_the_new_text(
    a: list[str], b: list[str], small: int
) -> None:
    before, after = lines_of(text_of(a)), lines_of(text_of(b))
    old = textdiff.SMALL
    textdiff.SMALL = small  # 0: every stretch is anchored on unique lines first
    try:
        blocks = matching_blocks(before, after)
        codes = opcodes(before, after)
    finally:
        textdiff.SMALL = old
    i = j = 0
    for ai, bj, n in blocks:
        assert ai >= i and bj >= j and n > 0
        assert before[ai : ai + n] == after[bj : bj + n]
        i, j = ai + n, bj + n
    rebuilt: list[str] = []
    for tag, i1, i2, j1, j2 in codes:
        rebuilt += before[i1:i2] if tag == "equal" else after[j1:j2]
    assert rebuilt == after


@settings(max_examples=200, deadline=None)
@given(LINES, LINES)
def test_the_diff_turns_the_old_text_into_the_new(a: list[str], b: list[str]) -> None:
    before, after = text_of(a), text_of(b)
    diff = unified_diff(before, after, "clusters.toml")
    assert (diff == "") == (before == after)
    assert patched(before, diff) == after


def canonical_like(count: int, changed: set[int]) -> tuple[str, str]:
    """A registry-like text of ``count`` partners, and the same with the partners in
    ``changed`` of another kind and given two more fields (as ``enrich kbo`` fills them)."""
    before, after = [], []
    for index in range(count):
        record = [f"[partners.p{index:05d}]\n", f'name = "P {index}"\n']
        before += [*record, 'kind = "company"\n', "\n"]
        if index in changed:
            record += ['kind = "other"\n', 'legal_name = "P NV"\n', 'kbo_status = "active"\n']
        else:
            record.append('kind = "company"\n')
        after += [*record, "\n"]
    return "".join(before), "".join(after)


def test_the_diff_of_a_few_records_changed_in_a_large_file_is_difflibs() -> None:
    before, after = canonical_like(300, {0, 3, 17, 18, 150, 298})
    expected = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), "r", "r"
        )
    )
    assert unified_diff(before, after, "r") == expected


def test_the_diff_of_many_scattered_changes_is_difflibs_made_in_short_stretches(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, after = canonical_like(800, set(range(0, 800, 2)))
    stretches: list[int] = []
    diffed = textdiff._difflib_blocks

    def counted(a, b, alo, ahi, blo, bhi, *, autojunk):
        stretches.append((ahi - alo) * (bhi - blo))
        return diffed(a, b, alo, ahi, blo, bhi, autojunk=autojunk)

    monkeypatch.setattr(textdiff, "_difflib_blocks", counted)
    ours = unified_diff(before, after, "r")
    expected = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), "r", "r"
        )
    )
    assert ours == expected
    # difflib compares 3,200 lines with 4,000 (quadratic in them); here it sees only
    # the stretches between two anchors, a few lines each.
    assert len(stretches) == 400 and max(stretches) <= 3


def test_a_last_line_without_a_newline_is_marked() -> None:
    diff = unified_diff("a\nb", "a\nc", "f")
    assert diff == "--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n" + (
        "\\ No newline at end of file\n"
    )


@pytest.mark.slow
def test_git_apply_takes_the_diff_of_a_large_scattered_edit(tmp_path: Path) -> None:
    before, after = canonical_like(5000, set(range(1, 5000, 3)))
    (tmp_path / "r.toml").write_text(before, encoding="utf-8")
    diff = unified_diff(before, after, "r.toml").replace("--- r.toml", "--- a/r.toml", 1)
    diff = diff.replace("+++ r.toml", "+++ b/r.toml", 1)
    subprocess.run(["git", "apply", "-"], input=diff.encode(), cwd=tmp_path, check=True)
    assert (tmp_path / "r.toml").read_text(encoding="utf-8") == after


# -- the first difference ----------------------------------------------------------------


def test_no_difference() -> None:
    assert first_difference("a\n", "a\n") is None


def test_the_first_differing_line_and_its_record() -> None:
    canonical = '[clusters.vil]\nname = "V"\n\n[partners.acme]\nname = "A"\nkind = "company"\n'
    text = canonical.replace('name = "A"\nkind = "company"', 'kind = "company"\nname = "A"')
    assert first_difference(text, canonical) == Difference(
        5, 'kind = "company"\n', 'name = "A"\n', "partners.acme"
    )


def test_a_difference_before_any_table_has_no_record() -> None:
    assert first_difference("\ufeffschema_version = 1\n", "schema_version = 1\n") == Difference(
        1, "\ufeffschema_version = 1\n", "schema_version = 1\n", None
    )


def test_a_side_that_ends_first() -> None:
    assert first_difference("[a]\nx = 1\n\n", "[a]\nx = 1\n") == Difference(3, "\n", None, "a")
    assert first_difference("[a]\nx = 1", "[a]\nx = 1\n") == Difference(2, "x = 1", "x = 1\n", "a")


# -- dry runs of CRLF and BOM files -------------------------------------------------------


def process(*args: str, **options):
    """``python -m flanders_clusters ARGS`` as a user runs it: bytes in, bytes out."""
    environment = {k: v for k, v in os.environ.items() if k != "CLUSTERS_REGISTRY"}
    environment.update({"NO_COLOR": "1", "COLUMNS": "80"})
    return subprocess.run(
        [sys.executable, "-m", "flanders_clusters", *args],
        env=environment,
        capture_output=True,
        timeout=120,
        **options,
    )


@pytest.mark.slow
@pytest.mark.parametrize("last_newline", [True, False], ids=["newline-at-end", "no-newline-at-end"])
def test_dry_run_diff_of_a_crlf_bom_file_applies_with_patch_and_git(tmp_path, last_newline):
    text = "\ufeff" + SMALL.replace("\n", "\r\n")
    raw = text.encode("utf-8") if last_newline else text.encode("utf-8")[:-2]
    edit = ["update-cluster", "alpha", "--name", "Alpha Prime", "--on", "2025-01-01"]
    for name in ("dry.toml", "patched.toml", "git.toml", "real.toml"):
        (tmp_path / name).write_bytes(raw)
    dry = process("--registry", "dry.toml", *edit, "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert dry.stderr == b"dry run, nothing written: updated cluster alpha\n"
    assert (tmp_path / "dry.toml").read_bytes() == raw
    diff = dry.stdout
    assert diff.startswith(b"--- dry.toml\n+++ dry.toml\n@@ ")
    assert b"-\xef\xbb\xbf#:schema ./clusters.schema.json\r\n" in diff
    assert b"\\x0d" not in diff and b"\\ufeff" not in diff
    assert (b"\n\\ No newline at end of file\n" in diff) != last_newline
    real = process("--registry", "real.toml", *edit, cwd=tmp_path)
    assert real.returncode == 0, real.stderr
    written = (tmp_path / "real.toml").read_bytes()
    assert written.startswith(b"#:schema") and b"\r" not in written

    patched = subprocess.run(["patch", "--quiet", "patched.toml"], input=diff, cwd=tmp_path)
    assert patched.returncode == 0
    assert (tmp_path / "patched.toml").read_bytes() == written
    for_git = diff.replace(b"dry.toml", b"git.toml")
    applied = subprocess.run(["git", "apply", "-p0", "-"], input=for_git, cwd=tmp_path)
    assert applied.returncode == 0
    assert (tmp_path / "git.toml").read_bytes() == written


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_dry_run_diff_on_a_terminal_shows_carriage_returns_escaped(tmp_path):
    path = tmp_path / "crlf.toml"
    path.write_bytes(("\ufeff" + SMALL.replace("\n", "\r\n")).encode("utf-8"))
    code, seen = run_in_terminal("--registry", str(path), "update-cluster", "alpha",
                                 "--name", "Alpha Prime", "--dry-run")  # fmt: skip
    assert code == 0
    assert "-\\ufeff#:schema ./clusters.schema.json\\x0d" in seen
    assert "\x1b" not in seen
