"""The index of the header search (``search.js``): every cluster, partner and event,
with what one may type to find it (name, id, domain, place) and its page.

A classic script, not JSON: ``site.js`` adds it as a ``<script>`` element when the
search box is first used, which works from ``file://`` as from any host (a page opened
from a file may not fetch JSON). It sets ``window.clustersSearch`` to a list of
``[name, page (from the site's root), kind word, other words]``; the text is escaped
for ``<script>`` like the JSON-LD."""

from __future__ import annotations

from .html_helpers import script_json
from .rendering import Renderer


def entries(out: Renderer) -> list[list[str]]:
    facts, pieces = out.facts, out.pieces
    rows: list[list[str]] = []
    for cluster_id in sorted(facts.clusters, key=facts.rank["clusters"].__getitem__):
        record = facts.clusters[cluster_id]
        rows.append(
            [
                record["name"],
                pieces.href("clusters", cluster_id, ""),
                pieces.text["type." + record["type"]],
                f"{cluster_id} {record['domain']}",
            ]
        )
    for partner_id in sorted(facts.partners, key=facts.rank["partners"].__getitem__):
        partner = facts.partners[partner_id]
        place = " ".join(str(partner.get(key, "")) for key in ("postal_code", "country"))
        rows.append(
            [
                partner["name"],
                pieces.href("partners", partner_id, ""),
                pieces.text["kind." + partner["kind"]],
                f"{partner_id} {place.strip()}".strip(),
            ]
        )
    for event_id, row in facts.event_rows.items():
        rows.append(
            [
                row["title"],
                pieces.href("events", event_id, ""),
                pieces.text["search.event"],
                f"{event_id} {row['place'] or ''} {row['start'].isoformat()}".strip(),
            ]
        )
    return rows


def script(out: Renderer) -> bytes:
    text = "window.clustersSearch=" + script_json(entries(out)) + ";\n"
    return text.encode("utf-8")
