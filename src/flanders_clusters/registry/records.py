"""The records of the registry file, each field declared once (see ``fields.py``).

The order of the keys here is the canonical order of the file (docs/registry-format.md
describes every key). Parsed TOML is plain dicts; these TypedDicts say what each dict
holds, for the readers of the code and for the model that checks the file.

To add a field: declare it here, in its place, with its type and ``F(...)``; regenerate
the schema files (docs/development.md, "Generated files"); then give it its tests.
"""

from typing import Annotated, NotRequired, TypedDict

from .fields import (
    Count,
    Country,
    Date,
    EnterpriseNumber,
    Euro,
    F,
    Fte,
    Nace,
    Notes,
    Positive,
    Prose,
    Rate,
    RuleCode,
    Slug,
    Text,
    Url,
    Value,
)
from .vocabulary import (
    SCHEMA_VERSION,
    Audience,
    ClusterType,
    EndBasis,
    EventKind,
    KboStatus,
    LabelLevel,
    LabelScheme,
    NaceVersion,
    NetworkRole,
    ParticipantRole,
    PartnerKind,
    PartnerSize,
    Role,
)

_ALL = dict(option=None)  # lists of records and sub-tables: edited by their own commands


class YearsByType(TypedDict):
    """A number of years per cluster type."""

    spearhead: NotRequired[Annotated[Positive, F("Years for a spearhead cluster.")]]
    icn: NotRequired[Annotated[Positive, F("Years for an innovative company network.")]]


class EurosByType(TypedDict):
    """An amount in EUR per cluster type."""

    spearhead: NotRequired[Annotated[Count, F("EUR for a spearhead cluster.")]]
    icn: NotRequired[Annotated[Count, F("EUR for an innovative company network.")]]


class MonthsByLevel(TypedDict):
    """A number of months per label level."""

    bronze: NotRequired[Annotated[Positive, F("Months a Bronze label is valid.")]]
    silver: NotRequired[Annotated[Positive, F("Months a Silver label is valid.")]]
    gold: NotRequired[Annotated[Positive, F("Months a Gold label is valid.")]]


class Policy(TypedDict):
    """Thresholds of the rules; every key has a default."""

    support_rate: NotRequired[
        Annotated[Rate, F("Highest share of running costs paid (0.5).", default=0.5)]
    ]
    max_years: NotRequired[
        Annotated[
            YearsByType,
            F("Longest funded time per type in years.", default={"spearhead": 10, "icn": 3}),
        ]
    ]
    annual_cap_eur: NotRequired[
        Annotated[
            EurosByType,
            F(
                "Yearly support cap per type in EUR.",
                default={"spearhead": 500_000, "icn": 150_000},
            ),
        ]
    ]
    max_active_spearheads: NotRequired[
        Annotated[Count, F("Spearhead clusters active at once before FC107.", default=7)]
    ]
    ending_soon_days: NotRequired[
        Annotated[Count, F("Days before a funding end that FC111 reports.", default=180)]
    ]
    activity_window_days: NotRequired[
        Annotated[Count, F("Days before --on in which FC112 looks for events.", default=365)]
    ]
    label_validity_months: NotRequired[
        Annotated[
            MonthsByLevel,
            F(
                "Months a label is valid when it has no expires date.",
                default={"bronze": 24, "silver": 24, "gold": 24},
            ),
        ]
    ]
    ignore: NotRequired[
        Annotated[list[RuleCode], F("Rule codes switched off, e.g. FC109.", default=[])]
    ]


class Funding(TypedDict):
    """A funding period, inclusive of both dates."""

    start: Annotated[Date, F("First day of the period.")]
    end: Annotated[Date, F("Last day of the period (inclusive).")]
    end_basis: NotRequired[
        Annotated[
            EndBasis,
            F("Where the end comes from: published, policy-max or estimate.", default="published"),
        ]
    ]
    annual_support_eur: NotRequired[Annotated[Euro, F("Support per 12 months in EUR.")]]
    total_support_eur: NotRequired[Annotated[Euro, F("Support for the whole period in EUR.")]]
    support_rate: NotRequired[
        Annotated[Rate, F("Share of running costs paid (0.5 = 50 %); default: the policy's.")]
    ]
    reference: NotRequired[Annotated[Text, F("Decision or agreement id.")]]


class Member(TypedDict):
    """A membership of a partner in a cluster."""

    partner: Annotated[
        Slug, F("Id of a partner in [partners].", option=None, csv=True, refers="partners")
    ]
    role: NotRequired[
        Annotated[
            Role,
            F("member, founder, board, clusterpact or coordinator.", default="member", csv=True),
        ]
    ]
    since: NotRequired[Annotated[Date, F("First day of the membership.", csv=True)]]
    until: NotRequired[Annotated[Date, F("Last day of the membership.", csv=True)]]


class Label(TypedDict):
    """A quality label of cluster management (identified by scheme and awarded)."""

    scheme: Annotated[LabelScheme, F("The label's scheme: esca.")]
    level: Annotated[LabelLevel, F("bronze, silver or gold.")]
    awarded: Annotated[Date, F("Date the label was awarded.")]
    expires: NotRequired[
        Annotated[Date, F("Last day it is valid; default: awarded + the policy's months.")]
    ]
    reference: NotRequired[Annotated[Text, F("Certificate or page reference.")]]


class Cluster(TypedDict):
    """A spearhead cluster or an innovative company network (ICN)."""

    name: Annotated[Text, F("Display name.")]
    type: Annotated[ClusterType, F("spearhead or icn.")]
    domain: Annotated[Text, F("Domain, e.g. 'Logistics'.")]
    website: NotRequired[Annotated[Url, F("Website URL (http or https).")]]
    recognised: NotRequired[Annotated[Date, F("Date of the recognition decision, when published.")]]
    reported_members: NotRequired[
        Annotated[Count, F("A public member count, when sources give one.")]
    ]
    members_complete: NotRequired[
        Annotated[bool, F("Whether the member list is complete (default true).", default=True)]
    ]
    sources: NotRequired[
        Annotated[
            list[Url],
            F("A source URL, http or https (repeatable; adds to the list).", option="source"),
        ]
    ]
    notes: NotRequired[Annotated[Notes, F("Remarks: where a date or figure comes from.")]]
    action_plan: NotRequired[
        Annotated[Prose, F("An ICN's action plan: text or a URL.", only=("type", "icn"))]
    ]
    ended: NotRequired[Annotated[Date, F("Date the cluster ended.")]]
    successor: NotRequired[
        Annotated[
            Text,
            F(
                "What the cluster became after it ended.",
                refers="clusters",
            ),
        ]
    ]
    management_fte: NotRequired[
        Annotated[Fte, F("Management staff of the cluster organisation, in FTE.")]
    ]
    english_website: NotRequired[Annotated[Url, F("URL of the website in English.")]]
    eccp_profile: NotRequired[
        Annotated[Url, F("URL of the cluster's profile on the ECCP (clustercollaboration.eu).")]
    ]
    labels: NotRequired[Annotated[list[Label], F("Quality labels.", **_ALL)]]
    funding: NotRequired[Annotated[list[Funding], F("Funding periods.", **_ALL)]]
    members: NotRequired[Annotated[list[Member], F("Memberships.", **_ALL)]]


class Partner(TypedDict):
    """An organisation: a cluster member or a partner of the FI&E network."""

    name: Annotated[Text, F("Organisation name.", csv=True)]
    kind: Annotated[PartnerKind, F("company, knowledge, government or other.", csv=True)]
    size: NotRequired[
        Annotated[
            PartnerSize,
            F("sme or large (companies only).", csv=True, only=("kind", "company")),
        ]
    ]
    enterprise_number: NotRequired[
        Annotated[EnterpriseNumber, F("Belgian KBO/BCE number, stored as 0123.456.789.", csv=True)]
    ]
    postal_code: NotRequired[Annotated[Text, F("Postal code of the seat.", csv=True)]]
    country: NotRequired[
        Annotated[
            Country, F("ISO 3166-1 alpha-2 country code (default BE).", default="BE", csv=True)
        ]
    ]
    network_role: NotRequired[Annotated[NetworkRole, F("FI&E network category.")]]
    website: NotRequired[Annotated[Url, F("Website URL (http or https).", csv=True)]]
    legal_name: NotRequired[Annotated[Text, F("Legal name in the KBO/BCE.")]]
    nace: NotRequired[
        Annotated[list[Nace], F("Main NACE activity codes in the KBO/BCE (repeatable).")]
    ]
    nace_version: NotRequired[
        Annotated[NaceVersion, F("NACE version of the codes: 2003, 2008 or 2025.")]
    ]
    kbo_status: NotRequired[
        Annotated[
            KboStatus,
            F("active or not-found in the last KBO/BCE extract checked."),
        ]
    ]
    kbo_checked: NotRequired[
        Annotated[Date, F("Snapshot date of the KBO/BCE extract last checked.")]
    ]


class Participant(TypedDict):
    """An organisation that took part in an event."""

    partner: Annotated[
        Slug, F("Id of a partner in [partners].", option=None, csv=True, refers="partners")
    ]
    role: NotRequired[
        Annotated[
            ParticipantRole,
            F("organiser, speaker, exhibitor or attendee.", default="attendee", csv=True),
        ]
    ]


class Event(TypedDict):
    """An activity of the FI&E network: who took part, by organisation."""

    title: Annotated[Text, F("Title of the event.")]
    kind: Annotated[
        EventKind,
        F("learning, networking, workshop, info-session, conference or other."),
    ]
    start: Annotated[Date, F("First day of the event.")]
    end: NotRequired[Annotated[Date, F("Last day (inclusive); default: the start.")]]
    place: NotRequired[Annotated[Text, F("Venue and town.")]]
    audience: NotRequired[
        Annotated[
            Audience,
            F("network, clusters or invited (default network).", default="network"),
        ]
    ]
    clusters: NotRequired[
        Annotated[
            list[Slug],
            F(
                "A cluster that organised or took part (repeatable; adds).",
                option="cluster",
                refers="clusters",
            ),
        ]
    ]
    organiser: NotRequired[Annotated[Slug, F("Partner id of the organiser.", refers="partners")]]
    url: NotRequired[Annotated[Url, F("Web page of the event (http or https).")]]
    reported_participants: NotRequired[Annotated[Count, F("A public head count.")]]
    sources: NotRequired[
        Annotated[
            list[Url],
            F("A source URL, http or https (repeatable; adds to the list).", option="source"),
        ]
    ]
    notes: NotRequired[Annotated[Notes, F("Remarks.")]]
    participants: NotRequired[Annotated[list[Participant], F("Participations.", **_ALL)]]


class Registry(TypedDict):
    """The registry of the Flemish innovation cluster programme."""

    schema_version: Annotated[
        int, Value("version", ge=SCHEMA_VERSION, le=SCHEMA_VERSION), F("The format's version: 1.")
    ]
    policy: NotRequired[Annotated[Policy, F("Thresholds of the rules.")]]
    clusters: NotRequired[Annotated[dict[Slug, Cluster], F("Clusters by id.")]]
    partners: NotRequired[Annotated[dict[Slug, Partner], F("Partners by id.")]]
    events: NotRequired[Annotated[dict[Slug, Event], F("Events by id.")]]


# The tables of records by id, in canonical order, and the record type of each.
TABLES: dict[str, type] = {"clusters": Cluster, "partners": Partner, "events": Event}
