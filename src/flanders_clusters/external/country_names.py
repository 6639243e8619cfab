"""Country names → ISO 3166 alpha-2 codes, for the seats abroad in the KBO/BCE extract.

The extract names a foreign country in Dutch and French (``CountryNL``, ``CountryFR``),
not by code; the registry stores the code. The names are those of the country table,
``data/countries.csv`` (``vocabulary.country_table``: ISO 3166-1 in English, Dutch and
French, official names and a few in common use). Names are compared folded (case,
accents and punctuation ignored), and ``Korea, Republiek`` is also read as ``Republiek
Korea``.
"""

from __future__ import annotations

from functools import cache

from ..registry.vocabulary import country_table
from .name_folding import fold


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in country_table().items():
        for name in names:
            index.setdefault(fold(name), code)
            before, comma, after = name.partition(", ")
            if comma:  # "Korea, Republiek" is also "Republiek Korea"
                index.setdefault(fold(f"{after} {before}"), code)
    return index


def code_of(*names: str) -> str | None:
    """The ISO code of the first of ``names`` that is known (a part in brackets may be
    left out: ``Duitsland (Bondsrepubliek)``), or None."""
    index = _index()
    for name in names:
        for candidate in (name, name.split("(")[0]):
            found = index.get(fold(candidate))
            if found:
                return found
    return None
