"""Who owns a file, in words, for messages: ``user alice, group staff``."""

from __future__ import annotations

import os
from contextlib import suppress


def owner_text(found: os.stat_result) -> str:
    """``user alice, group staff`` (numbers where the names are unknown)."""
    user = str(found.st_uid)
    with suppress(ImportError, KeyError):
        import pwd

        user = pwd.getpwuid(found.st_uid).pw_name
    return f"user {user}, group {group_name(found.st_gid)}"


def group_name(gid: int) -> str:
    """A group's name (its number where the name is unknown, or on Windows)."""
    with suppress(ImportError, KeyError):
        import grp

        return grp.getgrgid(gid).gr_name
    return str(gid)
