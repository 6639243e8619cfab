"""Operations on the registry file as a whole: ``fmt``, ``init`` and ``schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..registry import canonical, store
from ..registry.lines import has_comments
from ..registry.words import SCHEMA_HEADER, SCHEMA_VERSION
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
        is_canonical = canonical.dumps(document.data) == document.text
        verdict = "is" if is_canonical else "is not"
        return {
            "registry": str(source.path),
            "canonical": is_canonical,
            "changed": False,
            "message": f"{source.path} {verdict} in canonical form",
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
