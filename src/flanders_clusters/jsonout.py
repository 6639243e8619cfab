"""JSON for scripts (SPEC §5): UTF-8, ISO 8601 dates, no envelope, no terminal escapes."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

# json.dumps escapes C0 controls itself; these it would pass through raw: DEL, the C1
# controls (CSI is 0x9b) and the invisible bidirectional and format controls.
UNSAFE = [
    *range(0x7F, 0xA0),  # DEL and the C1 controls
    0x061C,  # Arabic letter mark
    *range(0x200B, 0x2010),  # zero-width and directional marks
    *range(0x2028, 0x202F),  # line/paragraph separators, bidi embeddings and overrides
    *range(0x2060, 0x206A),  # word joiner, bidi isolates
    0xFEFF,  # byte-order mark
]
_ESCAPES = {code: f"\\u{code:04x}" for code in UNSAFE}


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=_default)
    return text.translate(_ESCAPES)


def error(code: str, message: str, **extra: Any) -> str:
    return dumps({"error": {"code": code, "message": message, **extra}})
