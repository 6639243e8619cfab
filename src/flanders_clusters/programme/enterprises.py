"""Enterprises: their names compared (``name_key``), where they are seated (country,
region). An enterprise number's forms and check digits are ``external.enterprise_numbers``;
what text the registry takes is ``registry.vocabulary``."""

from __future__ import annotations

import re

from ..external.name_folding import fold
from ..registry.fields import defaults
from ..registry.records import Partner
from ..registry.vocabulary import COUNTRY_CODES

_COUNTRY = defaults(Partner)["country"]
_COUNTRY_CODES = frozenset(COUNTRY_CODES)
# Legal forms dropped when names are compared (Belgian ones in Dutch, French and German,
# and the usual foreign ones), written as ``fold`` leaves them (dots and accents gone).
# fmt: off
LEGAL_FORMS = frozenset((
    "nv", "sa", "bv", "srl", "bvba", "sprl", "sprlu", "ebvba", "cv", "sc", "cvba",
    "scrl", "scri", "cvoa", "vof", "snc", "commv", "scs", "gcv", "sca", "cva", "vzw",
    "asbl", "ivzw", "aisbl", "esv", "se", "sce", "eesv", "geie", "ewiv", "lv", "ag",
    "gmbh", "kg", "ohg", "ltd", "llc", "inc", "plc", "corp", "sarl", "sas", "ug",
))
# fmt: on
_CLOSED_UP = str.maketrans("", "", ".'’")
LEGAL_FORM_PHRASES = (
    "naamloze vennootschap",
    "besloten vennootschap",
    "cooperatieve vennootschap",
    "commanditaire vennootschap",
    "vennootschap onder firma",
    "vereniging zonder winstoogmerk",
    "societe anonyme",
    "societe a responsabilite limitee",
    "societe cooperative",
    "societe en commandite",
    "association sans but lucratif",
)


def normalise_country(text: str) -> str | None:
    """An ISO 3166-1 alpha-2 code of the country table in capitals (``be`` → ``BE``), or
    None (``XX`` too)."""
    code = text.strip().upper()
    return code if code in _COUNTRY_CODES else None


def name_key(name: str) -> str:
    """A name as compared with another: folded, legal-form words dropped, dots and
    apostrophes closed up (``N.V.``, ``d'Or``): ``Acme N.V.`` and ``ACME nv`` both give
    ``acme``. Empty when nothing but a legal form is left."""
    text = f" {fold(name.translate(_CLOSED_UP))} "
    for phrase in LEGAL_FORM_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    return " ".join(word for word in text.split() if word not in LEGAL_FORMS)


def country(partner: Partner) -> str:
    return partner.get("country", _COUNTRY)


def region(postal_code: str) -> str | None:
    """``flanders``, ``brussels`` or ``wallonia`` for a Belgian postal code, else None."""
    code = postal_code.strip()
    if not re.fullmatch(r"\d{4}", code):
        return None
    number = int(code)
    if 1000 <= number <= 1299:
        return "brussels"
    if 1500 <= number <= 3999 or 8000 <= number <= 9999:
        return "flanders"
    return "wallonia"
