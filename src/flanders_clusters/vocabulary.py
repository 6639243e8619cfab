"""The registry's words: enumerations, defaults and the canonical field order.

Plain constants, importable by every layer at no cost. ``model.py`` builds the pydantic
types from them; a test checks that both agree.
"""

from __future__ import annotations

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
SCHEMA_VERSION = 1
SCHEMA_HEADER = "#:schema ./clusters.schema.json"

CLUSTER_TYPES = ("spearhead", "icn")
STATUSES = ("active", "ended", "planned", "unknown")
END_BASES = ("published", "policy-max", "estimate")
ROLES = ("member", "founder", "board", "clusterpact")
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

DEFAULT_POLICY: dict = {
    "support_rate": 0.5,
    "max_years": {"spearhead": 10, "icn": 3},
    "annual_cap_eur": {"spearhead": 500_000, "icn": 150_000},
    "max_active_spearheads": 7,
    "ending_soon_days": 180,
    "ignore": [],
}

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

# Values a record has when the key is absent (SPEC §3).
CLUSTER_DEFAULTS = {"members_complete": True}
PARTNER_DEFAULTS = {"country": "BE"}
MEMBER_DEFAULTS = {"role": "member"}
FUNDING_DEFAULTS = {"end_basis": "published"}

# Canonical order of fields (SPEC §3: the order in which the section names them).
REGISTRY_FIELDS = ("schema_version", "policy", "clusters", "partners")
POLICY_FIELDS = tuple(DEFAULT_POLICY)
BY_TYPE_FIELDS = CLUSTER_TYPES
CLUSTER_FIELDS = (
    "name",
    "type",
    "domain",
    "website",
    "recognised",
    "reported_members",
    "members_complete",
    "sources",
    "notes",
    "action_plan",
    "ended",
    "successor",
    "funding",
    "members",
)
FUNDING_FIELDS = (
    "start",
    "end",
    "end_basis",
    "annual_support_eur",
    "total_support_eur",
    "support_rate",
    "reference",
)
MEMBER_FIELDS = ("partner", "role", "since", "until")
PARTNER_FIELDS = (
    "name",
    "kind",
    "size",
    "enterprise_number",
    "postal_code",
    "country",
    "network_role",
    "website",
)
