"""The project documents itself: generated parts in sync, every code and command
documented, every link resolving inside the repository, a short README."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest
from conftest import REPO, run

from flanders_clusters import errors
from flanders_clusters.cli.app import COMMANDS

DOCS = REPO / "docs"
FIX = "python tools/regenerate_docs.py"
PAGES = [REPO / "README.md", *sorted(DOCS.glob("*.md")), REPO / "data" / "README.md"]


def _tool(name: str):
    """A developer's tool of tools/ (not in the wheel), imported from its file."""
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _tool("regenerate_docs")


@pytest.mark.parametrize(("name", "make"), list(reference.DOCUMENTS.items()))
def test_generated_parts_are_in_sync(name: str, make) -> None:
    text = (DOCS / name).read_text(encoding="utf-8")
    assert reference.replace_generated(text, make()) == text, f"out of date; fix: {FIX}"


def test_replace_generated_needs_its_markers() -> None:
    with pytest.raises(ValueError):
        reference.replace_generated("no markers here", "x")


def test_every_error_code_and_exit_code_is_documented() -> None:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    classes = [c for c in vars(errors).values() if isinstance(c, type)]
    codes = {c.code for c in classes if issubclass(c, errors.ClustersError)} - {"error"}
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.M))
    assert codes == documented
    for code in (0, 1, 2, 3, 4, 5, errors.EXIT_PIPE):
        assert re.search(rf"^\| {code} \|", text, re.M), code


def test_json_shapes_name_every_command_that_prints_data() -> None:
    text = (DOCS / "json.md").read_text(encoding="utf-8")
    silent = {"schema"}  # prints the JSON Schema itself
    missing = [name for name in COMMANDS if name not in silent and f"`{name}" not in text]
    assert missing == []


def test_every_reference_resolves_inside_the_repository() -> None:
    # The docs and the package name no file outside the repository, nor the document the
    # project was specified in; the tests, tools and benchmarks neither (where "spec" is
    # also importlib's word, so only the document's capitalised name counts).
    outside_words = r"shared/|\bspec\b|§\s?\d"
    code_words = rf"shared/|\b{'spec'.upper()}\b|§\s?\d"
    places = [(path, outside_words, re.I) for path in PAGES]
    places += [(path, outside_words, re.I) for path in (REPO / "src").rglob("*.py")]
    for folder in ("tools", "tests", "benchmarks"):
        places += [(path, code_words, 0) for path in (REPO / folder).rglob("*.py")]
    outside = []
    for path, words, flags in places:
        if path == Path(__file__).resolve():
            continue  # these patterns
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(words, text, flags):
            line = text.count("\n", 0, match.start()) + 1
            outside.append(f"{path.relative_to(REPO)}:{line}")
    assert outside == []


def _outside_code(text: str) -> str:
    """Markdown without its fenced code blocks (a `#` line there is no heading)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a page: lower case, punctuation dropped,
    spaces as hyphens, a repeated one numbered."""
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6} (.+)$", _outside_code(path.read_text("utf-8")), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        seen[slug] = seen.get(slug, -1) + 1
        if seen[slug]:
            seen[f"{slug}-{seen[slug]}"] = 0
    return set(seen)


def test_anchors_are_those_github_makes() -> None:
    assert {"the-csv-of-members-and-participants", "policy", "every-key"} <= _anchors(
        DOCS / "registry-format.md"
    )
    assert "clusters-enrich-kbo" in _anchors(DOCS / "commands.md")


def test_relative_links_in_the_docs_resolve() -> None:
    """Every relative link of the README and the docs names a file, and its anchor a
    heading of that file (as GitHub shows them)."""
    broken = []
    for path in PAGES:
        text = _outside_code(path.read_text(encoding="utf-8"))
        for link in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", link):
                continue  # a URL
            target, _, anchor = link.partition("#")
            file = (path.parent / target).resolve() if target else path
            if not file.is_file():
                broken.append(f"{path.relative_to(REPO)} -> {link}")
            elif anchor and (file.suffix != ".md" or anchor not in _anchors(file)):
                broken.append(f"{path.relative_to(REPO)} -> {link} (no such heading)")
    assert broken == []


def test_every_doc_page_opens_with_a_summary_and_a_way_back() -> None:
    for path in DOCS.glob("*.md"):
        title, blank, summary, *_ = path.read_text(encoding="utf-8").split("\n")
        assert title.startswith("# ") and blank == "", path.name
        opening = "\n".join(path.read_text(encoding="utf-8").split("\n")[2:5])
        assert summary and "[Back to the README](../README.md)" in opening, path.name


def test_the_readme_is_short_and_links_every_doc_page() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 200
    linked = set(re.findall(r"\]\(docs/([\w-]+\.md)", readme))
    assert {path.name for path in DOCS.glob("*.md")} == linked


def test_the_commands_reference_is_up_to_date() -> None:
    tool = _tool("commands_reference")
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    assert tool.replace_generated(text, tool.reference()) == text, (
        f"docs/commands.md is stale; fix: {tool.FIX}"
    )


def test_the_commands_reference_names_every_command() -> None:
    tool = _tool("commands_reference")
    paths = list(tool.command_paths())
    assert {path[0] for path in paths if path} == set(COMMANDS)
    assert ("enrich", "kbo") in paths and ("event", "show") in paths
    headings = set(
        re.findall(r"^### (clusters.*)$", (DOCS / "commands.md").read_text("utf-8"), re.M)
    )
    assert headings == {" ".join(("clusters", *path)) for path in paths}


def test_the_commands_reference_needs_its_markers() -> None:
    with pytest.raises(ValueError):
        _tool("commands_reference").replace_generated("no markers here", "x")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    command = next(block for block in blocks if "pytest --cov" in block)
    assert command.strip() in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    # the type checker runs in it, before the tests, with the settings of pyproject.toml
    assert "&& mypy && pytest --cov" in command


# What an installed clusters has: the wheel holds no README and no docs/, so a message
# that sends a user there sends them nowhere (11 rule reasons and a schema error did).
NOT_IN_THE_WHEEL = re.compile(r"README|docs/|\.md\b")


def test_the_rules_name_no_file_the_wheel_lacks() -> None:
    catalogue, as_json = run("rules"), run("rules", "--json")  # the JSON holds every reason
    assert catalogue.exit_code == as_json.exit_code == 0
    assert NOT_IN_THE_WHEEL.findall(catalogue.stdout + as_json.stdout) == []
    codes = [entry["code"] for entry in as_json.json()]
    assert codes
    for code in codes:
        explained = run("rules", code)
        assert explained.exit_code == 0, code
        assert NOT_IN_THE_WHEEL.findall(explained.stdout) == [], code


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module but its docstrings (comments are not strings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_message_points_at_a_file_the_wheel_lacks() -> None:
    """Docstrings and comments may cite docs/ for developers; strings are for users."""
    found = [
        f"{path.relative_to(REPO)}:{line}: {text!r}"
        for path in sorted((REPO / "src").rglob("*.py"))
        for line, text in _string_literals(path)
        if re.search(r"README|docs/", text)
    ]
    assert found == []
