"""Registries for the site's tests: one with events, one with hostile text everywhere.

Both are written through the canonical form, so their TOML is what `clusters` itself
writes; both pass the schema check (the site reads strictly).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from flanders_clusters.registry import canonical

D = dt.date


def events_registry() -> dict:
    """Two clusters, three partners, an event in the past and one to come."""
    return {
        "schema_version": 1,
        "clusters": {
            "alpha": {
                "name": "Alpha Cluster",
                "type": "spearhead",
                "domain": "Chemistry",
                "website": "https://alpha.example",
                "recognised": D(2018, 1, 1),
                "sources": ["https://alpha.example/about"],
                "notes": "Founded by Acme.\nA second line of notes.",
                "funding": [
                    {"start": D(2018, 1, 1), "end": D(2027, 12, 31), "end_basis": "policy-max"}
                ],
                "members": [
                    {"partner": "acme", "role": "founder"},
                    {"partner": "gov", "role": "clusterpact", "since": D(2018, 6, 1)},
                    {"partner": "uni", "since": D(2018, 2, 1)},
                ],
            },
            "beta": {
                "name": "Beta Network",
                "type": "icn",
                "domain": "Drones",
                "action_plan": "https://beta.example/plan",
                "funding": [
                    {
                        "start": D(2019, 1, 1),
                        "end": D(2021, 12, 31),
                        "annual_support_eur": 100000,
                    }
                ],
                "members": [{"partner": "acme"}],
            },
        },
        "partners": {
            "acme": {
                "name": "Acme NV",
                "kind": "company",
                "size": "large",
                "enterprise_number": "0123.456.749",
                "postal_code": "2000",
                "website": "https://acme.example",
            },
            "gov": {"name": "Flemish Government", "kind": "government"},
            "uni": {
                "name": "Example University",
                "kind": "knowledge",
                "network_role": "knowledge-centre",
            },
        },
        "events": {
            "innovfest-2022": {
                "title": "InnovFest Vlaanderen",
                "kind": "networking",
                "start": D(2022, 10, 24),
                "place": "Technopolis, Mechelen",
                "audience": "clusters",
                "clusters": ["alpha", "beta"],
                "organiser": "gov",
                "url": "https://innovfest.example",
                "reported_participants": 300,
                "sources": ["https://innovfest.example/2022"],
                "notes": "Demonstrations all day.",
                "participants": [
                    {"partner": "acme", "role": "exhibitor"},
                    {"partner": "uni", "role": "speaker"},
                ],
            },
            "learning-2027": {
                "title": "Learning network for cluster organisations",
                "kind": "learning",
                "start": D(2027, 3, 2),
                "end": D(2027, 3, 3),
                "clusters": ["alpha"],
                "participants": [{"partner": "acme"}],
            },
        },
    }


# Every one of these must show as text and never run.
SCRIPT = "<script>window.pwned=1;alert(1)</script>"
END_SCRIPT = "</script><script>window.pwned=2;alert(2)</script>"
ATTRIBUTE = '" onload="window.pwned=3;alert(3)'
TAG = "'><svg onload=alert(4)><img src=x onerror=alert(5)>"
TEMPLATE = "{{ 7*7 }} {% raw %} {# x #}"
JAVASCRIPT = "javascript:window.pwned=6;alert(6)"  # an action plan: text, never a link
# URL fields take http(s) only; what they may still hold must not break out either.
HOSTILE_URL = 'https://ok.example/"onmouseover="alert(9)\'><svg/onload=alert(10)>'
HOSTILE_NAMES = (SCRIPT, END_SCRIPT, ATTRIBUTE, TAG, TEMPLATE)


def hostile_registry() -> dict:
    """Hostile text in every field the site shows; ids ``index`` (reserved) and
    ``index-1`` (so that the renamed page must skip it)."""
    return {
        "schema_version": 1,
        "clusters": {
            "index": {
                "name": SCRIPT,
                "type": "spearhead",
                "domain": TEMPLATE,
                "website": HOSTILE_URL,
                "sources": [HOSTILE_URL, "https://ok.example/?a=1&b=<2>"],
                "notes": TAG + "\n" + END_SCRIPT,
                "funding": [{"start": D(2020, 1, 1), "end": D(2029, 12, 31)}],
                "members": [
                    {"partner": "index", "role": "founder"},
                    {"partner": "index-1", "role": "member"},
                    {"partner": "gov", "role": "clusterpact"},
                ],
            },
            "x": {
                "name": END_SCRIPT,
                "type": "icn",
                "domain": ATTRIBUTE,
                "action_plan": JAVASCRIPT,
                "funding": [{"start": D(2025, 1, 1), "end": D(2027, 12, 31)}],
                "members": [{"partner": "index"}, {"partner": "gov"}],
            },
        },
        "partners": {
            "index": {"name": ATTRIBUTE, "kind": "company", "website": HOSTILE_URL},
            "index-1": {
                "name": TAG,
                "kind": "knowledge",
                "network_role": "knowledge-centre",
            },
            "gov": {
                "name": TEMPLATE,
                "kind": "government",
                "postal_code": END_SCRIPT,  # free-form abroad
                "country": "LU",
            },
        },
        "events": {
            "hostile": {
                "title": SCRIPT,
                "kind": "conference",
                "start": D(2026, 12, 1),
                "place": END_SCRIPT,
                "clusters": ["index", "x"],
                "organiser": "index",
                "url": 'https://e.example/"onload="alert(8)',
                "notes": TEMPLATE,
                "participants": [{"partner": "index-1", "role": "speaker"}],
            }
        },
    }


def write(folder: Path, data: dict, name: str = "clusters.toml") -> Path:
    path = folder / name
    path.write_text(canonical.dumps(data), encoding="utf-8")
    return path


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
HOW_TO_GET_ONE = (
    "no Chromium for the browser tests: install one (Debian/Ubuntu: `apt-get install -y "
    "chromium`; elsewhere `python -m playwright install chromium`), or name its program "
    "in $CLUSTERS_CHROMIUM"
)


def chromium() -> str | None:
    """The browser to drive: $CLUSTERS_CHROMIUM, else `chromium` on PATH, else None
    (Playwright's own, when it has one installed)."""
    named = os.environ.get("CLUSTERS_CHROMIUM")
    if named:
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")
