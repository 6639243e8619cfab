"""Operations on the registry file as a whole: ``fmt``, ``init`` and ``schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..formats.textdiff import Difference, first_difference, unified_diff
from ..registry import canonical, store
from ..registry.key_lines import has_comments
from ..registry.vocabulary import SCHEMA_HEADER, SCHEMA_VERSION

SCHEMA_FILE = "clusters.schema.json"
GITIGNORE = ".gitignore"
LOCK_PATTERN = "*.lock"
GITIGNORE_TEXT = (
    "# The lock file clusters holds while it writes the registry: never to commit.\n"
    f"{LOCK_PATTERN}\n"
)


def schema_text() -> str:
    """The JSON Schema of the registry file, as ``clusters schema`` prints it."""
    import json

    from ..registry.model import schema_json

    return json.dumps(schema_json(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema_path() -> Path:
    return store.SHIPPED.with_name(SCHEMA_FILE)


def check_format(
    source: store.Source, *, diff: bool = False
) -> tuple[dict[str, Any], Difference | None]:
    """``fmt --check``: whether the file is in canonical form — the JSON, and the first
    difference (its lines as written, line breaks and all) or None. With ``diff``
    (``fmt --diff``) the JSON has ``diff``: the unified diff ``fmt`` would make."""
    document = store.read(source)
    text = canonical.dumps(document.data)
    difference = first_difference(document.text, text)
    extra = {"diff": unified_diff(document.text, text, str(source.path))} if diff else {}
    return {
        "registry": str(source.path),
        "canonical": difference is None,
        "changed": False,
        "first_difference": None
        if difference is None
        else {
            "line": difference.line,
            "record": difference.record,
            "found": _bare(difference.found),
            "expected": _bare(difference.expected),
        },
        **extra,
    }, difference


def format_registry(source: store.Source, *, timeout: float) -> dict[str, Any]:
    """``fmt``: rewrite the file in canonical form (``warnings``: ``CommentsDropped``, and
    what the write could not keep)."""
    store.ensure_writable(source)
    with store.locked(source, timeout):
        document = store.read(source)
        text = canonical.dumps(document.data)
        changed = text != document.text
        warnings: list[Any] = []
        if changed:
            if has_comments(document.text):
                warnings.append(canonical.CommentsDropped(source.path))
            warnings += store.write_text(source, text)
    return {
        "registry": str(source.path),
        "canonical": True,
        "changed": changed,
        "warnings": warnings,
    }


def _bare(line: str | None) -> str | None:
    return None if line is None else line.removesuffix("\n")


def init(path: Path, *, from_shipped: bool) -> dict[str, Any]:
    """Create a registry at ``path`` and its JSON Schema beside it."""
    if from_shipped:
        text = store.read_text(store.Source(store.SHIPPED, shipped=True, how="shipped"))
    else:
        text = f"{SCHEMA_HEADER}\n\nschema_version = {SCHEMA_VERSION}\n"
    schema_path = path.with_name(SCHEMA_FILE)
    schema = store.read_text(store.Source(shipped_schema_path(), shipped=True, how="shipped"))
    store.create(path, text, beside={schema_path: schema})
    ignore, done, warnings = ignore_locks(path.parent / GITIGNORE)
    return {
        "registry": str(path),
        "schema": str(schema_path),
        "gitignore": str(ignore),
        "gitignore_change": done,
        "from_shipped": from_shipped,
        "changed": True,
        "warnings": warnings,
    }


def ignore_locks(ignore: Path) -> tuple[Path, str, list[str]]:
    """Make ``ignore`` (a ``.gitignore``) name ``*.lock``: create it when the folder has
    none (``created``), add the line to one that lacks it (``added``: its own lines kept
    as they are), or leave it (``kept``: it has the line; or it is not a regular file,
    or not text, which a warning says). Never fails the ``init`` that asked."""
    import stat

    try:
        status = ignore.lstat()
    except FileNotFoundError:
        store.create(ignore, GITIGNORE_TEXT)
        return ignore, "created", []
    except OSError as exc:
        return ignore, "kept", [f"{ignore}: left as it is: {exc.strerror or exc}"]
    if not stat.S_ISREG(status.st_mode):
        return ignore, "kept", [f"{ignore}: not a regular file, left as it is; add {LOCK_PATTERN}"]
    try:
        text = ignore.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        return ignore, "kept", [f"{ignore}: left as it is ({reason}); add {LOCK_PATTERN}"]
    if LOCK_PATTERN in (line.strip() for line in text.splitlines()):
        return ignore, "kept", []
    separator = "" if not text or text.endswith("\n") else "\n"
    warnings = store.write_text(store.Source(ignore), text + separator + GITIGNORE_TEXT)
    return ignore, "added", warnings
