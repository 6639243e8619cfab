"""Operations on the registry file as a whole: ``fmt``, ``init`` and ``schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..formats.textdiff import first_difference
from ..registry import canonical, store
from ..registry.key_lines import has_comments
from ..registry.vocabulary import SCHEMA_HEADER, SCHEMA_VERSION
from .transaction import COMMENTS_DROPPED

SCHEMA_FILE = "clusters.schema.json"


def schema_text() -> str:
    """The JSON Schema of the registry file, as ``clusters schema`` prints it."""
    import json

    from ..registry.model import schema_json

    return json.dumps(schema_json(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema_path() -> Path:
    return store.SHIPPED.with_name(SCHEMA_FILE)


def format_registry(source: store.Source, *, check: bool, timeout: float) -> dict[str, Any]:
    """``fmt``: rewrite in canonical form, or with ``check`` only say whether it is."""
    if check:
        document = store.read(source)
        difference = first_difference(document.text, canonical.dumps(document.data))
        message = f"{source.path} is in canonical form"
        if difference is not None:
            record = f", in {difference.record}" if difference.record else ""
            message = (
                f"{source.path} is not in canonical form; first difference at line "
                f"{difference.line}{record}: {_shown(difference.found)}, canonical "
                f"{_shown(difference.expected)} (`clusters fmt` writes the canonical form)"
            )
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
            "message": message,
        }
    store.ensure_writable(source)
    with store.locked(source, timeout):
        document = store.read(source)
        text = canonical.dumps(document.data)
        changed = text != document.text
        warnings = []
        if changed:
            if has_comments(document.text):
                warnings.append(COMMENTS_DROPPED.format(path=source.path))
            warnings += store.write_text(source, text)
    return {
        "registry": str(source.path),
        "canonical": True,
        "changed": changed,
        "message": f"{'reformatted' if changed else 'unchanged:'} {source.path}",
        "warnings": warnings,
    }


def _bare(line: str | None) -> str | None:
    return None if line is None else line.removesuffix("\n")


def _shown(line: str | None, width: int = 80) -> str:
    """A line of the file for a message: quoted, escapes for what cannot be seen (a
    carriage return, a byte-order mark), cut when long; or where the text ends."""
    if line is None:
        return "the end of the file"
    text = repr(line.removesuffix("\n"))
    if len(text) > width:
        text = text[: width - 2] + "…" + text[-1]
    return text if line.endswith("\n") else f"{text} without a line break at its end"


def init(path: Path, *, from_shipped: bool) -> dict[str, Any]:
    """Create a registry at ``path`` and its JSON Schema beside it."""
    if from_shipped:
        text = store.read_text(store.Source(store.SHIPPED, shipped=True, how="shipped"))
    else:
        text = f"{SCHEMA_HEADER}\n\nschema_version = {SCHEMA_VERSION}\n"
    schema_path = path.with_name(SCHEMA_FILE)
    schema = store.read_text(store.Source(shipped_schema_path(), shipped=True, how="shipped"))
    store.create(path, text, beside={schema_path: schema})
    return {
        "registry": str(path),
        "schema": str(schema_path),
        "from_shipped": from_shipped,
        "changed": True,
        "message": f"created {path} and {schema_path}",
    }
