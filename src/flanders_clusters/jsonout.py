"""JSON for scripts (SPEC §5): UTF-8, ISO 8601 dates, no envelope, no terminal escapes."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

# json.dumps escapes C0 controls itself; these it would pass through raw: DEL, the C1
# controls (CSI is 0x9b) and the invisible bidirectional and format controls.
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=_default)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def error(code: str, message: str, **extra: Any) -> str:
    return dumps({"error": {"code": code, "message": message, **extra}})
