"""A registry as text git can compare: ``clusters diff --textconv FILE``.

One fact a line, ``record id field = value`` (values as JSON), records as
``views.comparison`` sees them.
"""

from __future__ import annotations

from typing import Any

from ..registry.vocabulary import JSON_ESCAPES
from ..views.comparison import entries, field_order, json_line, position


def _token(text: str) -> str:
    """An id or key as it is, or JSON-quoted when it is empty or has spaces or controls."""
    if text and all(c.isprintable() and not c.isspace() and c != '"' for c in text):
        return text.translate(JSON_ESCAPES)
    return json_line(text)


def textconv(data: dict[str, Any]) -> str:
    """One fact a line, ``record id field = value`` (values as JSON), sorted by record and
    by the declared order of fields: the same facts give the same text, however the file
    orders or lays them out. A record without fields is one line, ``record id``."""
    lines = []
    found = entries(data)
    for key in sorted(found, key=lambda k: position({"record": k[0], "id": k[1]})):
        name, rid = key
        fields = found[key]
        head = f"{name} {_token(rid)}"
        if not fields:
            lines.append(head)
        for field in field_order(name, fields):
            lines.append(f"{head} {_token(field)} = {json_line(fields[field])}")
    return "\n".join(lines) + "\n" if lines else ""
