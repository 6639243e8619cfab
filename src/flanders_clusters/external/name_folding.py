"""Names folded for comparison: the same name however it is cased, accented or punctuated
(a country's in the KBO/BCE extract and the country table, a partner's and an
enterprise's)."""

from __future__ import annotations

import re
import unicodedata

_PUNCTUATION = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Lower case, without accents, punctuation or repeated spaces: ``Côte d'Ivoire`` →
    ``cote d ivoire``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_PUNCTUATION.sub(" ", bare).split())
