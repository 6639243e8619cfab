"""A value of the registry as text: the one place that spells dates, booleans, numbers,
lists and absent values, in the three ways the tool writes them.

- As a user writes it in the registry file (``shown``; messages and fixes): ``"VIL"``,
  ``2026-12-31``, ``false``, ``[2008, 2025]``, ``{ a = 1 }``, and ``absent`` for none.
- As a cell of a table for other tools (the default; CSV and Markdown): ``VIL``,
  ``2026-12-31``, ``false``, a list's items apart by spaces, nothing for none.
- For a person at a terminal (``yes``/``no``, ``grouped``): ``yes``, ``12,345`` (numbers
  from 10,000 grouped, whole numbers without ``.0``), nothing for none; the terminal
  escapes what it must (``terminal.console.clean``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def value_text(
    value: Any,
    *,
    absent: str = "",
    yes: str = "true",
    no: str = "false",
    quoted: bool = False,
    grouped: bool = False,
) -> str:
    """``value`` as text: ``absent`` for None, ``yes``/``no`` for a boolean, a date in ISO
    form; with ``quoted``, strings, lists and tables as the registry's TOML writes them;
    with ``grouped``, numbers as a person reads them; else a list's items apart by
    spaces, and anything else as ``str`` gives it."""
    if value is None:
        return absent
    if isinstance(value, bool):
        return yes if value else no
    if isinstance(value, dt.date):
        return value.isoformat()
    if grouped:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            return f"{value:,}" if abs(value) >= 10_000 else str(value)
        return str(value)
    if quoted:
        if isinstance(value, str):
            return json.dumps(value, ensure_ascii=False)
        if isinstance(value, list | tuple):
            return "[" + ", ".join(shown(item) for item in value) + "]"
        if isinstance(value, dict):
            return "{ " + ", ".join(f"{k} = {shown(v)}" for k, v in value.items()) + " }"
        return str(value)
    if isinstance(value, list | tuple):
        return " ".join(value_text(item) for item in value)
    return str(value)


def shown(value: Any) -> str:
    """A value as a user writes it in the registry: ``2026-12-31``, ``false``, ``"VIL"``;
    ``absent`` for none."""
    return value_text(value, absent="absent", quoted=True)
