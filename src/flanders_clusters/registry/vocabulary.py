"""The registry's words: enumerations, patterns and the characters never written raw.

Plain constants, importable by every layer at no cost. The records (``records.py``) use
them as the values a field may take; the rules and the views use them as labels.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    import re

MAX_ID_LENGTH = 64  # an id names a file of the site
SLUG_PATTERN = rf"^[a-z0-9][a-z0-9-]{{0,{MAX_ID_LENGTH - 1}}}$"


def _class(ranges: tuple[tuple[int, int], ...]) -> str:
    """A regular-expression class body of code-point ranges, as ``\\uXXXX`` escapes
    (read alike by Python, by pydantic-core and by a JSON Schema's ECMAScript)."""
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )


# Characters refused in the registry's text (docs/registry-format.md, "Text"): invisible,
# they act on a terminal, break a line of another format, or show a name reversed (an
# override). One-line text (names, titles, domains, places, references, URLs) refuses
# every C0 control (tab and line breaks too), DEL, the C1 controls, the Unicode line and
# paragraph separators and the bidirectional controls; notes and action plans keep tabs
# and line breaks (LF, CRLF, CR, and the Unicode line and paragraph separators) and
# refuse the rest. Invisible characters that are not controls (zero-width space and
# joiners, word joiner, byte-order mark) are taken, and shown escaped on a terminal.
BIDI_CONTROLS = (
    (0x061C, 0x061C),  # Arabic letter mark
    (0x200E, 0x200F),  # left-to-right and right-to-left marks
    (0x202A, 0x202E),  # embeddings and overrides
    (0x2066, 0x2069),  # isolates
)
REFUSED_IN_LINE = ((0x00, 0x1F), (0x7F, 0x9F), (0x2028, 0x2029), *BIDI_CONTROLS)
REFUSED_IN_PROSE = (
    (0x00, 0x08),
    (0x0B, 0x0C),
    (0x0E, 0x1F),
    (0x7F, 0x9F),
    *BIDI_CONTROLS,
)
_LINE = _class(REFUSED_IN_LINE)
# One line, no spaces at either end (" Acme" and "Acme" must not be two names), none of
# the refused characters.
TEXT_PATTERN = rf"^[^\s{_LINE}](?:[^{_LINE}]*[^\s{_LINE}])?$"
PROSE_PATTERN = rf"^[^{_class(REFUSED_IN_PROSE)}]*$"
URL_PATTERN = rf"^https?://[^\s{_LINE}]+$"


def refused(text: str, *, prose: bool = False) -> str | None:
    """The first character of ``text`` that the registry refuses in one-line text (with
    ``prose``: in notes and action plans), or None."""
    import re

    body = _class(REFUSED_IN_PROSE) if prose else _LINE
    found = re.search(f"[{body}]", text)
    return found.group() if found else None


def character_name(char: str) -> str:
    """``the control character U+001B``, ``the bidirectional control U+202E``, …"""
    code = ord(char)
    if char in "\r\n":
        what = "line break"
    elif code == 0x09:
        what = "tab"
    elif code in (0x2028, 0x2029):
        what = "line separator"
    elif any(low <= code <= high for low, high in BIDI_CONTROLS):
        what = "bidirectional control"
    else:
        what = "control character"
    return f"the {what} U+{code:04X}"


def one_line(text: str) -> str | None:
    """Text without spaces at either end, or None when it is not one-line text (see
    ``text_problem``)."""
    return None if text_problem(text) else text.strip()


def text_problem(text: str) -> str | None:
    """Why ``text``, trimmed, cannot be stored as one-line text (names, titles, URLs, …):
    empty, spanning lines, or holding a character the registry refuses (a control or
    bidirectional character); None when it can."""
    trimmed = text.strip()
    if not trimmed:
        return "must not be empty"
    if "\n" in trimmed or "\r" in trimmed:
        return "must be one line"
    char = refused(trimmed)
    if char is not None:
        return (
            f"holds {character_name(char)}; one-line text takes no control, line-breaking "
            "or bidirectional character"
        )
    return None


def prose_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as notes or an action plan (line breaks and tabs
    are fine), or None when it can."""
    if not text.strip():
        return "must not be empty"
    char = refused(text, prose=True)
    if char is not None:
        return (
            f"holds {character_name(char)}; notes take line breaks and tabs, but no other "
            "control or bidirectional character"
        )
    return None


# The country table, ``data/countries.csv`` (package data): each ISO 3166-1 alpha-2 code
# with its names, apart by ``|`` — the names of ISO 3166-1 in English with their Dutch
# and French translations (from Debian's iso-codes 4.15), the official names too, and a
# few names in common use (``Verenigde Staten van Amerika``). Its codes are the registry's
# countries; its names let ``external.country_names`` read the seats abroad of the
# KBO/BCE extract, which names a country, not its code. This module alone reads it.
COUNTRY_TABLE = Path(__file__).parent.parent / "data" / "countries.csv"
_COUNTRY_LINES = COUNTRY_TABLE.read_text(encoding="utf-8").splitlines()[1:]  # the header
COUNTRY_CODES = tuple(line.partition(",")[0] for line in _COUNTRY_LINES)


def country_table() -> dict[str, tuple[str, ...]]:
    """Each code of the country table with its names, in the table's order."""
    import csv

    return {code: tuple(names.split("|")) for code, names in csv.reader(_COUNTRY_LINES)}


COUNTRY_PATTERN = (
    "^(?:"
    + "|".join(
        first + "[" + "".join(code[1] for code in COUNTRY_CODES if code[0] == first) + "]"
        for first in sorted({code[0] for code in COUNTRY_CODES})
    )
    + ")$"
)
BELGIAN_POSTAL_CODE_PATTERN = r"^[1-9][0-9]{3}$"  # 1000 to 9999
RULE_CODE_PATTERN = r"^FC\d{3}$"
NACE_PATTERN = r"^\d{5}(?:\d{2})?$"
SCHEMA_VERSION = 1
SCHEMA_HEADER = "#:schema ./clusters.schema.json"
INT64_MAX = 2**63 - 1  # TOML integers are 64-bit: other readers refuse larger ones

# The values an enumerated field may take: each a Literal for the records' types
# (``records.py``) and, from it, a tuple for the code that lists them.
ClusterType = Literal["spearhead", "icn"]
EndBasis = Literal["published", "policy-max", "estimate"]
Role = Literal["member", "founder", "board", "clusterpact", "coordinator"]
PartnerKind = Literal["company", "knowledge", "government", "other"]
PartnerSize = Literal["sme", "large"]
NetworkRole = Literal[
    "interest-group",
    "federation",
    "knowledge-centre",
    "cluster-organisation",
    "local-authority",
    "government-institution",
    "service-provider",
]
EventKind = Literal["learning", "networking", "workshop", "info-session", "conference", "other"]
Audience = Literal["network", "clusters", "invited"]
ParticipantRole = Literal["organiser", "speaker", "exhibitor", "attendee"]
LabelScheme = Literal["esca"]
LabelLevel = Literal["bronze", "silver", "gold"]
KboStatus = Literal["active", "not-found"]
NaceVersion = Literal["2003", "2008", "2025"]

CLUSTER_TYPES: tuple[ClusterType, ...] = get_args(ClusterType)
STATUSES = ("active", "ended", "planned", "unknown")
END_BASES: tuple[EndBasis, ...] = get_args(EndBasis)
ROLES: tuple[Role, ...] = get_args(Role)
PARTNER_KINDS: tuple[PartnerKind, ...] = get_args(PartnerKind)
PARTNER_SIZES: tuple[PartnerSize, ...] = get_args(PartnerSize)
NETWORK_ROLES: tuple[NetworkRole, ...] = get_args(NetworkRole)
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
AUDIENCES: tuple[Audience, ...] = get_args(Audience)
PARTICIPANT_ROLES: tuple[ParticipantRole, ...] = get_args(ParticipantRole)
LABEL_SCHEMES: tuple[LabelScheme, ...] = get_args(LabelScheme)
LABEL_LEVELS: tuple[LabelLevel, ...] = get_args(LabelLevel)
KBO_STATUSES: tuple[KboStatus, ...] = get_args(KboStatus)
NACE_VERSIONS: tuple[NaceVersion, ...] = get_args(NaceVersion)
# The partner fields that record the KBO/BCE extract (``enrich kbo``), and those of them
# and of the seat that the extract fills.
KBO_FIELDS = ("legal_name", "nace", "nace_version", "kbo_status", "kbo_checked")
KBO_DATA_FIELDS = ("legal_name", "postal_code", "country", "nace", "nace_version")
SEVERITIES = ("error", "warning", "info")
PROFILES = ("decree", "eccp")

# Characters never written raw where a terminal or another tool could act on them:
# C0 and C1 controls, DEL, and the invisible bidirectional and format controls.
UNSAFE_RANGES = (
    (0x00, 0x1F),
    (0x7F, 0x9F),
    (0x061C, 0x061C),  # Arabic letter mark
    (0x200B, 0x200F),  # zero-width and directional marks
    (0x2028, 0x202E),  # line/paragraph separators, bidi embeddings and overrides
    (0x2060, 0x2069),  # word joiner, bidi isolates
    (0xFEFF, 0xFEFF),  # byte-order mark
)
UNSAFE_CODE_POINTS = tuple(code for low, high in UNSAFE_RANGES for code in range(low, high + 1))
UNSAFE_CLASS = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in UNSAFE_RANGES)
# The unsafe characters as JSON escapes (``\u202e``), for ``str.translate``: json.dumps
# escapes the C0 controls itself, and would pass the others (DEL, the C1 controls, bidi
# and format controls) through raw.
JSON_ESCAPES = {code: f"\\u{code:04x}" for code in UNSAFE_CODE_POINTS if code >= 0x20}
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escaped(text: str) -> str:
    """``text`` with every unsafe character written as an escape, so that it is seen and
    acts on nothing: ``\\t``, ``\\n``, ``\\r``, ``\\x1b``, ``\\u202e``."""
    return _unsafe_character().sub(_escape, text)


@cache
def _unsafe_character() -> re.Pattern[str]:
    import re

    return re.compile(f"[{UNSAFE_CLASS}]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
