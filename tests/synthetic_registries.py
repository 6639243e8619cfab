"""Large synthetic registries, clean under the rules: the benchmark's (``benchmarks/run.py``)
and the tests' that need thousands of records (the site's).

Nothing here is real data: names, numbers and postal codes are made up, the enterprise
numbers with valid check digits.
"""

from __future__ import annotations

import datetime as dt
import random


def _enterprise_number(rng: random.Random) -> str:
    first = rng.randrange(10_000_000, 19_999_999)
    digits = f"0{first:08d}"[-8:]
    check = 97 - int(digits) % 97
    ten = f"{digits}{check:02d}"
    return f"{ten[:4]}.{ten[4:7]}.{ten[7:]}"


def generate(memberships: int, seed: int = 2026, events: int = 0, per_event: int = 10) -> str:
    """A registry text with about ``memberships`` memberships, clean under the rules.

    Seven active spearhead clusters (triple helix, company majority), ICNs with action
    plans and three-year periods, partners shared across clusters (a pool of a fifth of
    the memberships), Flemish postal codes, valid enterprise numbers; and ``events``
    events of the network, each with ``per_event`` participants and one to three clusters.
    """
    from flanders_clusters.registry import canonical

    rng = random.Random(seed)
    per_cluster = 10
    clusters_count = max(8, memberships // per_cluster)
    companies = max(10, memberships // 5)
    partners: dict[str, dict] = {}
    for index in range(companies):
        partners[f"company-{index:06d}"] = {
            "name": f"Company {index} NV",
            "kind": "company",
            "size": rng.choice(["sme", "large"]),
            "enterprise_number": _enterprise_number(rng),
            "postal_code": str(rng.choice([2000, 3000, 8000, 9000, 1800, 3500])),
        }
    for index in range(20):
        partners[f"knowledge-{index:02d}"] = {
            "name": f"Knowledge Centre {index}",
            "kind": "knowledge",
        }
    partners["flemish-government"] = {"name": "Flemish Government", "kind": "government"}
    company_ids = [p for p in partners if p.startswith("company-")]
    clusters: dict[str, dict] = {}
    for index in range(clusters_count):
        spearhead = index < 7
        start = dt.date(2019, 1, 1) if spearhead else dt.date(2025 + index % 2, 1 + index % 12, 1)
        years = 10 if spearhead else 3
        end = dt.date(start.year + years, start.month, start.day) - dt.timedelta(days=1)
        chosen = rng.sample(company_ids, min(per_cluster - 2, len(company_ids)))
        members = [{"partner": p, "role": "member", "since": start} for p in chosen]
        members.append({"partner": f"knowledge-{index % 20:02d}", "role": "member"})
        if spearhead:
            members.append({"partner": "flemish-government", "role": "clusterpact"})
        cluster = {
            "name": f"Cluster {index}",
            "type": "spearhead" if spearhead else "icn",
            "domain": rng.choice(["Logistics", "Energy", "Chemistry", "Food", "Health"]),
            "recognised": start,
            "sources": [f"https://example.org/clusters/{index}"],
            "funding": [
                {
                    "start": start,
                    "end": end,
                    "annual_support_eur": 400_000 if spearhead else 120_000,
                    "support_rate": 0.5,
                }
            ],
            "members": sorted(members, key=lambda m: m["partner"]),
        }
        if not spearhead:
            cluster["action_plan"] = f"https://example.org/clusters/{index}/plan"
        clusters[f"cluster-{index:06d}"] = cluster
    data = {"schema_version": 1, "clusters": clusters, "partners": partners}
    if events:
        cluster_ids = sorted(clusters)
        kinds = ["learning", "networking", "workshop", "info-session", "conference", "other"]
        data["events"] = {}
        for index in range(events):
            # Within the year before the benchmark's --on, every cluster in at least one
            # event (clean under FC112, like the rest of the registry under its rules).
            start = dt.date(2025, 12, 1) + dt.timedelta(days=rng.randrange(0, 360))
            taking_part = {cluster_ids[index % len(cluster_ids)]}
            taking_part.update(rng.sample(cluster_ids, rng.randint(0, 2)))
            data["events"][f"event-{index:06d}"] = {
                "title": f"Network event {index}",
                "kind": rng.choice(kinds),
                "start": start,
                "place": rng.choice(["Brussel", "Gent", "Antwerpen", "Leuven"]),
                "clusters": sorted(taking_part),
                "sources": [f"https://example.org/events/{index}"],
                "participants": [
                    {"partner": p} for p in sorted(rng.sample(company_ids, per_event))
                ],
            }
    return canonical.dumps(data)
