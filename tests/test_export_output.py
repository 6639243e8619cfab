"""`clusters export --output FILE` for the formats printed on stdout: the file holds the
very bytes stdout would have, written like every output file (never through a link)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SHIPPED_DATA, digest, run, write_registry
from open_data_support import write_hostile


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
@pytest.mark.parametrize("what", ["clusters", "members", "partners"])
def test_the_file_holds_what_stdout_gets(tmp_path: Path, fmt: str, what: str) -> None:
    for registry in (SHIPPED_DATA, write_hostile(tmp_path)):
        args = ("--registry", str(registry), "export", "--format", fmt, "--what", what)
        printed = run(*args)
        assert printed.exit_code == 0, printed.stderr
        path = tmp_path / f"out.{fmt}"
        written = run(*args, "--output", str(path))
        assert written.exit_code == 0, written.stderr
        assert written.stdout == ""
        assert written.stderr == f"wrote {path}\n"
        assert path.read_bytes() == printed.stdout.encode("utf-8")


def test_a_dash_is_stdout(tmp_path: Path) -> None:
    args = ("--registry", str(SHIPPED_DATA), "export", "--format", "csv")
    assert run(*args, "--output", "-").stdout == run(*args).stdout != ""


def test_json_through_the_json_flag_too(tmp_path: Path) -> None:
    path = tmp_path / "clusters.json"
    written = run("--registry", str(SHIPPED_DATA), "export", "--json", "--output", str(path))
    assert written.exit_code == 0 and written.stdout == ""
    printed = run("--registry", str(SHIPPED_DATA), "export", "--json")
    assert path.read_bytes() == printed.stdout.encode("utf-8")


def test_an_output_that_is_a_link_or_a_folder_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "target.csv"
    target.write_text("keep\n")
    link = tmp_path / "out.csv"
    link.symlink_to(target)
    before = digest(target)
    for output in (link, tmp_path):
        result = run(
            "--registry", str(SHIPPED_DATA), "export", "--format", "csv", "--output", str(output)
        )
        assert result.exit_code == 4, result.stderr
        assert result.stderr.startswith(f"error: {output}: ")
    assert digest(target) == before and link.is_symlink()


@pytest.mark.parametrize("fmt", ["json", "csv", "sqlite", "xlsx"])
def test_the_registry_in_use_is_never_the_output(tmp_path: Path, fmt: str) -> None:
    registry = write_registry(tmp_path)
    before = digest(registry)
    result = run("--registry", str(registry), "export", "--format", fmt, "--output", str(registry))
    assert result.exit_code == 2
    message = f"--output {registry} is the registry; it is replaced only by an edit"
    if fmt == "json":  # --format json: the error as JSON too
        assert result.json()["error"] == {
            "code": "usage",
            "message": message,
            "fix": "name another file",
        }
    else:
        assert result.stderr == f"error: {message}; fix: name another file\n"
    assert digest(registry) == before
