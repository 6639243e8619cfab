"""The KBO/BCE enterprise number: the forms it is written in, and its check digits.

An enterprise's number in the Crossroads Bank for Enterprises has ten digits, written
``0123.456.749`` (the form the extract and the registry use), ``0123456749`` or
``BE0123456749``; nine digits are read with a leading 0.
"""

from __future__ import annotations

import re

_ENTERPRISE = (  # a pattern, compiled on first use (and cached) by re
    r"^(?:BE)?\s*(\d{4})\.?(\d{3})\.?(\d{3})$|^(?:BE)?\s*(\d{3})\.?(\d{3})\.?(\d{3})$"
)


def normalise_enterprise_number(text: str) -> str | None:
    """``BE0123456749``, ``0123456749``, ``0123.456.749`` (or 9 digits) → ``0123.456.749``.

    None when the text is not of one of the accepted forms; check digits are not checked.
    """
    compact = text.strip().upper().replace(" ", "")
    match = re.match(_ENTERPRISE, compact)
    if not match:
        return None
    digits = "".join(g for g in match.groups() if g)
    if len(digits) == 9:
        digits = "0" + digits
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def enterprise_number_valid(number: str) -> bool:
    """A stored number ``0123.456.749`` whose check digits are 97 − (first eight mod 97)."""
    digits = number.replace(".", "")
    if len(number) != 12 or number[4] != "." or number[8] != ".":
        return False
    if len(digits) != 10 or not (digits.isascii() and digits.isdigit()):
        return False
    return int(digits[8:]) == 97 - int(digits[:8]) % 97
