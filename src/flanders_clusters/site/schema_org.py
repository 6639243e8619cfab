"""schema.org JSON-LD for the pages: a cluster as an ``Organization`` whose ``member``s
are ``OrganizationRole``s (``roleName``, ``startDate``, ``endDate``) each nesting the
member ``Organization``; events as ``Event``s with organisations as ``attendee``s. The
frame escapes it for ``<script>`` (``html_helpers.script_json``)."""

from __future__ import annotations

from typing import Any

from ..programme import members
from ..registry.records import Cluster, Partner
from .html_helpers import linkable
from .rendering import Renderer

Row = dict[str, Any]


def organisation(out: Renderer, partner_id: str) -> Row:
    facts = out.facts
    record: Partner | dict[str, Any] = facts.partners.get(partner_id) or {}
    result: Row = {"@type": "Organization", "name": record.get("name", partner_id)}
    if out.options.base_url and partner_id in facts.partners:
        result["@id"] = out.options.base_url + out.pieces.href("partners", partner_id, "")
    if linkable(record.get("website")):
        result["url"] = record["website"]
    return result


def event_jsonld(out: Renderer, row: Row) -> Row:
    result: Row = {
        "@type": "Event",
        "name": row["title"],
        "startDate": row["start"].isoformat(),
        "endDate": row["end"].isoformat(),
    }
    if row["place"]:
        result["location"] = {"@type": "Place", "name": row["place"]}
    if linkable(row["url"]):
        result["url"] = row["url"]
    if row["organiser"]:
        result["organizer"] = organisation(out, row["organiser"])
    attendees = [p["partner"] for p in row["participants"]]
    if attendees:
        result["attendee"] = [organisation(out, partner_id) for partner_id in attendees]
    return result


def cluster_jsonld(out: Renderer, cluster_id: str, record: Cluster, taken: list[Row]) -> Row:
    """schema.org: the cluster as an ``Organization``, each member an
    ``OrganizationRole`` around the member ``Organization``, its events as ``Event``s."""
    result: Row = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": record["name"],
        "description": record["domain"],
    }
    if out.options.base_url:
        result["@id"] = out.options.base_url + out.pieces.href("clusters", cluster_id, "")
    if linkable(record.get("website")):
        result["url"] = record["website"]
    roles = []
    for member in sorted(record.get("members") or (), key=lambda m: m["partner"]):
        role: Row = {"@type": "OrganizationRole", "roleName": members.role(member)}
        if member.get("since"):
            role["startDate"] = member["since"].isoformat()
        if member.get("until"):
            role["endDate"] = member["until"].isoformat()
        role["member"] = organisation(out, member["partner"])
        roles.append(role)
    if roles:
        result["member"] = roles
    if taken:
        result["event"] = [event_jsonld(out, row) for row in taken]
    return result
