"""JSON for scripts (docs/json.md): UTF-8, ISO 8601 dates, no envelope, no terminal escapes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..registry.vocabulary import JSON_ESCAPES


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):  # a time only in a file with schema problems
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=_default)
    return text.translate(JSON_ESCAPES)


def compact(value: Any) -> str:
    """The same JSON on one line, without spaces (the site's downloads)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)
    return text.translate(JSON_ESCAPES)


def error(code: str, message: str, fix: str | None = None, **extra: Any) -> str:
    """The JSON of a failure: ``{"error": {"code", "message", "fix"}}``."""
    return dumps({"error": {"code": code, "message": message, "fix": fix, **extra}})
