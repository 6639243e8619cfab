"""The registry's words: enumerations, patterns and the characters never written raw.

Plain constants, importable by every layer at no cost. The records (``records.py``) use
them as the values a field may take; the rules and the views use them as labels.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

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


# ISO 3166-1 alpha-2: the codes of the package's country table (programme/countries.py,
# which a test keeps equal to this list), as one pattern grouped by first letter.
_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRY_CODES = tuple(_CODES.split())
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

CLUSTER_TYPES = ("spearhead", "icn")
STATUSES = ("active", "ended", "planned", "unknown")
END_BASES = ("published", "policy-max", "estimate")
ROLES = ("member", "founder", "board", "clusterpact", "coordinator")
PARTNER_KINDS = ("company", "knowledge", "government", "other")
PARTNER_SIZES = ("sme", "large")
NETWORK_ROLES = (
    "interest-group",
    "federation",
    "knowledge-centre",
    "cluster-organisation",
    "local-authority",
    "government-institution",
    "service-provider",
)
EVENT_KINDS = ("learning", "networking", "workshop", "info-session", "conference", "other")
AUDIENCES = ("network", "clusters", "invited")
PARTICIPANT_ROLES = ("organiser", "speaker", "exhibitor", "attendee")
LABEL_SCHEMES = ("esca",)
LABEL_LEVELS = ("bronze", "silver", "gold")
KBO_STATUSES = ("active", "not-found")
NACE_VERSIONS = ("2003", "2008", "2025")
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
