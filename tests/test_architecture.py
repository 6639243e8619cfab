"""The import contract: each layer of the package imports only the layers below it.

    errors  <  files  <  registry  <  external  <  programme  <  views  <  formats
            <  terminal  <  changes | site  <  cli

``files`` is the file system (regular files only, the one durable write); ``external``
reads outside data (the KBO/BCE extract, the CSV tables users import, country names) in
the registry's vocabulary, which is below it, and is given the programme's functions
where it needs them (the name key of ``--match-names``), since the programme is above
it. ``changes`` and ``site`` are independent of each other. Every import is checked,
those inside functions too, since a lazy import is still a dependency. No two modules
share a file name, so that a name says which module it is.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "flanders_clusters"
LAYERS = [
    {"errors"},
    {"files"},
    {"registry"},
    {"external"},
    {"programme"},
    {"views"},
    {"formats"},
    {"terminal"},
    {"changes", "site"},
    {"cli"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
TOP = len(LAYERS)  # the package's __init__ and __main__


def layer_of(module: str) -> str | None:
    """``flanders_clusters.registry.store`` → ``registry``; None for the package root."""
    parts = module.split(".")
    if parts[0] != "flanders_clusters" or len(parts) == 1 or parts[1] not in RANK:
        return None  # the package itself: its __init__ (the version) and __main__
    return parts[1]


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def imports_of(module: str, path: Path) -> list[tuple[int, str]]:
    """Every module this one imports, absolute, with the line of the import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if node.module is None or (node.level and not node.module):
                # ``from . import x`` names submodules: check each one
                out += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                out.append((node.lineno, target))
    return [(line, name) for line, name in out if name.startswith("flanders_clusters")]


def test_every_module_belongs_to_a_layer() -> None:
    strays = [
        module
        for module, _ in modules()
        if layer_of(module) not in RANK
        and module.count(".") > 0
        and module not in ("flanders_clusters.__main__",)
    ]
    assert strays == []


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda value: str(value))
def test_imports_only_go_down(module: str, path: Path) -> None:
    own = layer_of(module)
    own_rank = RANK.get(own, TOP) if own else TOP
    wrong = []
    for line, target in imports_of(module, path):
        other = layer_of(target)
        if other is None or other == own:
            continue
        rank = RANK[other]
        if rank > own_rank or (rank == own_rank and other != own):
            wrong.append(f"{path.name}:{line} imports {target} ({other} is not below {own})")
    assert wrong == []


def test_the_contract_catches_an_upward_import(tmp_path: Path) -> None:
    """The check itself fails on a module of a lower layer that imports a higher one."""
    bad = tmp_path / "bad.py"
    bad.write_text("from ..cli import app\nimport flanders_clusters.views.queries\n")
    found = imports_of("flanders_clusters.registry.bad", bad)
    assert [layer_of(target) for _, target in found] == ["cli", "views"]
    assert all(RANK[layer_of(target)] > RANK["registry"] for _, target in found)


def test_no_two_modules_share_a_file_name() -> None:
    by_name: dict[str, list[str]] = {}
    for module, path in modules():
        if path.name not in ("__init__.py", "__main__.py"):
            by_name.setdefault(path.name, []).append(module)
    assert {name: found for name, found in by_name.items() if len(found) > 1} == {}
