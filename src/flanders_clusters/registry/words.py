"""The registry's words: enumerations, patterns and the characters never written raw.

Plain constants, importable by every layer at no cost. The records (``records.py``) use
them as the values a field may take; the rules and the views use them as labels.
"""

from __future__ import annotations

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
# One line, no spaces at either end: " Acme" and "Acme" must not be two names.
TEXT_PATTERN = r"^\S(?:[^\r\n]*\S)?$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
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
