"""The effective policy: the file's ``[policy]`` over the defaults declared with it."""

from __future__ import annotations

import copy
from typing import Any

from ..registry.fields import defaults
from ..registry.records import Policy, Registry


def policy(data: Registry | dict[str, Any]) -> dict[str, Any]:
    """Every policy key with its value in effect (sub-tables merged key by key)."""
    given = data.get("policy") or {}
    out = copy.deepcopy(defaults(Policy))
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key].update(value)
        else:
            out[key] = value
    return out
