"""``enrich kbo``: partner data from the KBO/BCE open-data extract, as one edit.

``kbo_extract.read`` says what the extract holds for the registry's enterprise numbers;
``apply`` — a pure change of the data, run in the transaction like every edit — records
the check on each partner with a number (``kbo_status``, ``kbo_checked``) and fills what
is missing: ``legal_name``, ``postal_code`` (or ``country``, for a seat abroad), ``nace``
and ``nace_version``. A value already in the registry is kept and, when the extract
says otherwise, reported as a difference; ``refresh`` names the fields for which the
extract's value is taken instead. A partner not found whose row may be a malformed one
(``Extract.status_unknown``) is "unknown" this run: its last check is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from ..errors import KboOlder
from ..external.kbo_extract import Enterprise, Extract, Names
from ..programme import enterprises
from ..registry import lookup
from ..registry.records import Registry
from ..registry.vocabulary import KBO_DATA_FIELDS

FIELDS = KBO_DATA_FIELDS  # legal_name, postal_code, country, nace, nace_version


def numbers(data: Registry) -> set[str]:
    """The enterprise numbers of the registry's partners."""
    partners = data.get("partners") or {}
    return {p["enterprise_number"] for p in partners.values() if p.get("enterprise_number")}


def name_keys(data: Registry) -> Names:
    """The names ``--match-names`` looks for: name key → ids of the partners without an
    enterprise number that bear it (their name and legal name), and the name key."""
    out: dict[str, list[str]] = {}
    for partner_id, partner in sorted((data.get("partners") or {}).items()):
        if partner.get("enterprise_number"):
            continue
        for name in (partner.get("name"), partner.get("legal_name")):
            key = enterprises.name_key(name) if name else ""
            if key and partner_id not in out.setdefault(key, []):
                out[key].append(partner_id)
    return Names(out, enterprises.name_key)


def _values(partner: dict[str, Any], found: Enterprise) -> list[tuple[str, Any]]:
    """(field, the extract's value) for each field the extract speaks of; None: the
    extract says there is none (the postal code of a seat abroad)."""
    out: list[tuple[str, Any]] = []
    if found.legal_name is not None:
        out.append(("legal_name", found.legal_name))
    seat = found.seat
    if seat is not None:
        if seat.country == "BE":
            if seat.postal_code is not None:
                out.append(("postal_code", seat.postal_code))
        else:
            out.append(("postal_code", None))
        out.append(("country", seat.country))
    if found.nace is not None:
        out.append(("nace", found.nace))
        out.append(("nace_version", found.nace_version))
    return out


def _same(field: str, ours: Any, theirs: Any) -> bool:
    if field == "nace":
        return sorted(ours) == sorted(theirs)
    return ours == theirs


def newer_checks(data: Registry, extract: Extract) -> list[tuple[str, dt.date]]:
    """(partner, kbo_checked) of the partners the extract speaks of whose last check was
    of a later extract than this one."""
    out = []
    for partner_id, partner in sorted(lookup.partners(data).items()):
        checked = partner.get("kbo_checked")
        looked_up = partner.get("enterprise_number") in extract.looked_up
        if looked_up and checked is not None and checked > extract.snapshot:
            out.append((partner_id, checked))
    return out


def refuse_older(data: Registry, extract: Extract) -> None:
    """``KboOlder`` when the extract is older than a partner's last check: it would turn
    a newer status (``not-found``) back into an older one."""
    newer = newer_checks(data, extract)
    if not newer:
        return
    shown = ", ".join(f"{pid} ({day.isoformat()})" for pid, day in newer[:5])
    more = f" and {len(newer) - 5} more" if len(newer) > 5 else ""
    raise KboOlder(
        f"the extract's snapshot of {extract.snapshot.isoformat()} is older than the last "
        f"check of {len(newer)} partner{'s' if len(newer) > 1 else ''}: {shown}{more}; "
        "nothing was written",
        "use the newest extract, or pass --allow-older to record this one anyway",
    )


def apply(
    data: Registry,
    extract: Extract,
    refresh: frozenset[str] = frozenset(),
    *,
    allow_older: bool = False,
) -> dict[str, Any]:
    """Record the check on every partner whose number was looked up, fill what is
    missing, take the extract's value for the ``refresh`` fields; return the summary.
    An extract older than a partner's last check is refused (``KboOlder``) unless
    ``allow_older``."""
    if not allow_older:
        refuse_older(data, extract)
    if "nace" in refresh:
        refresh = refresh | {"nace_version"}  # codes and their version go together
    # Written field by field, the fields named at run time: as plain tables.
    partners = cast(dict[str, dict[str, Any]], lookup.partners(data))
    filled = dict.fromkeys(FIELDS, 0)
    refreshed = dict.fromkeys(FIELDS, 0)
    differing: list[dict[str, Any]] = []
    not_found: list[str] = []
    unknown: list[str] = []
    checked = found_count = 0
    changed = False

    def put(partner: dict[str, Any], field: str, value: Any) -> None:
        nonlocal changed
        if value is None:
            changed |= partner.pop(field, None) is not None
        elif partner.get(field) != value:
            partner[field] = value
            changed = True

    for partner_id in sorted(partners):
        partner = partners[partner_id]
        number = partner.get("enterprise_number")
        if not number or number not in extract.looked_up:
            continue  # no number, or one given while the extract was read
        checked += 1
        found = extract.found.get(number)
        if extract.status_unknown(number):
            unknown.append(partner_id)  # neither found nor surely absent: nothing recorded
            continue
        put(partner, "kbo_status", "active" if found else "not-found")
        put(partner, "kbo_checked", extract.snapshot)
        if found is None:
            not_found.append(partner_id)
            continue
        found_count += 1
        for field, theirs in _values(partner, found):
            ours = partner.get(field)
            if field == "country" and ours is None and theirs == "BE":
                continue  # absent is the default, BE
            if field == "nace_version" and not _same("nace", partner.get("nace") or [], found.nace):
                continue  # a version describes codes: not the extract's for other codes
            if ours is None:
                if theirs is not None:
                    put(partner, field, theirs)
                    filled[field] += 1
            elif theirs is None or not _same(field, ours, theirs):
                if field in refresh:
                    put(partner, field, theirs)
                    refreshed[field] += 1
                else:
                    differing.append(
                        {"partner": partner_id, "field": field, "registry": ours, "kbo": theirs}
                    )
    return {
        "extract": extract.path,
        "extract_number": extract.number,
        "snapshot": extract.snapshot,
        "checked": checked,
        "found": found_count,
        "filled": filled,
        "refreshed": refreshed,
        "differing": differing,
        "not_found": not_found,
        "unknown": unknown,
        "affected": affected(partners, extract),
        "malformed_rows": extract.malformed,
        "unreadable_rows": [
            {"file": file, "line": line, "count": count}
            for file, (line, count) in extract.unreadable.items()
        ],
        "suggestions": None,
        "changed": changed,
    }


def affected(partners: dict[str, Any], extract: Extract) -> list[dict[str, Any]]:
    """The partners a malformed row names (by its number): what the extract says of them
    may lack that row. One entry per partner and file, with the first line."""
    by_number: dict[str, list[str]] = {}
    for partner_id in sorted(partners):
        number = partners[partner_id].get("enterprise_number")
        if number in extract.looked_up:
            by_number.setdefault(number, []).append(partner_id)
    out = [
        {"partner": partner_id, "file": file, "line": line}
        for file, numbers in extract.affected.items()
        for number, line in numbers.items()
        for partner_id in by_number.get(number, ())
    ]
    return sorted(out, key=lambda item: (item["partner"], item["line"]))


def suggestions(data: Registry, extract: Extract) -> list[dict[str, Any]]:
    """The numbers ``--match-names`` suggests: one row per partner and enterprise."""
    partners = data.get("partners") or {}
    return [
        {
            "partner": partner_id,
            "name": lookup.partner_name(partners, partner_id),
            "enterprise_number": number,
            "kbo_name": kbo_name,
        }
        for partner_id in sorted(extract.suggestions)
        for number, kbo_name in extract.suggestions[partner_id]
    ]
