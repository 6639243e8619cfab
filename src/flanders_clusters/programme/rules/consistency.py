"""FC0xx: the registry file is consistent (ids resolve, dates follow, numbers check)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ...external import enterprise_numbers
from .engine import Context, Hit, indexed, rule
from .sources import FORMAT


@rule(
    "FC001",
    "schema",
    "error",
    summary=(
        "Unknown key, wrong type, missing field, or a value the format refuses: a date, "
        "choice, id, URL, country or postal code, a control character in text."
    ),
    reason="The registry format (`clusters schema` prints it); typos must not pass silently.",
    fix="Correct the key or value as the message says (see `clusters schema`).",
)
def schema(ctx: Context) -> Iterator[Hit]:
    for problem in ctx.problems:
        path = problem.path
        cluster = str(path[1]) if len(path) > 1 and path[0] == "clusters" else None
        partner = str(path[1]) if len(path) > 1 and path[0] == "partners" else None
        event = str(path[1]) if len(path) > 1 and path[0] == "events" else None
        yield Hit(problem.message, path, cluster, partner, fix=problem.fix, event=event)


@rule(
    "FC002",
    "unknown-partner",
    "error",
    summary="A member names a partner that is not in [partners].",
    reason=f"Every member must be a recorded organisation ({FORMAT}).",
    fix="Add the partner (`clusters add-partner`) or correct the id.",
)
def unknown_partner(ctx: Context) -> Iterator[Hit]:
    known = ctx.partners
    for cluster_id, cluster in ctx.each_cluster():
        if ctx.member_ids(cluster) <= known.keys():
            continue  # the common case, checked at set speed
        for index, member in enumerate(cluster["members"]):
            partner_id = member["partner"]
            if partner_id not in known:
                yield Hit(
                    f"member {partner_id!r} is not in [partners]",
                    ("clusters", cluster_id, "members", index, "partner"),
                    cluster_id,
                    partner_id,
                )


@rule(
    "FC003",
    "duplicate-member",
    "error",
    summary="A partner listed twice in one cluster.",
    reason=f"A membership is one record per partner and cluster ({FORMAT}).",
    fix="Merge the two memberships into one (`clusters remove-member`, `update-member`).",
)
def duplicate_member(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        members = cluster.get("members") or ()
        if len(ctx.member_ids(cluster)) == len(members):
            continue
        seen: set[str] = set()
        for index, member in enumerate(members):
            partner_id = member["partner"]
            if partner_id in seen:
                yield Hit(
                    f"partner {partner_id!r} is listed more than once",
                    ("clusters", cluster_id, "members", index),
                    cluster_id,
                    partner_id,
                )
            seen.add(partner_id)


@rule(
    "FC004",
    "enterprise-number",
    "error",
    summary="Enterprise number of the wrong form or check digits.",
    reason=(
        "A Belgian enterprise number (KBO/BCE) is 10 digits written 0123.456.789 whose "
        "last two digits are 97 - (first eight mod 97)."
    ),
    fix="Copy the number from the KBO public search, written 0123.456.789.",
)
def enterprise_number(ctx: Context) -> Iterator[Hit]:
    for partner_id, partner in ctx.each_partner():
        number = partner.get("enterprise_number")
        if number is None or enterprise_numbers.enterprise_number_valid(number):
            continue
        normal = enterprise_numbers.normalise_enterprise_number(number)
        if normal is None:
            message = f"{number!r} is not an enterprise number (10 digits, 0123.456.789)"
        elif enterprise_numbers.enterprise_number_valid(normal):
            message = f"{number!r} is not written in the stored form {normal}"
        else:
            message = f"{number!r} has wrong check digits"
        yield Hit(message, ("partners", partner_id, "enterprise_number"), partner=partner_id)


@rule(
    "FC005",
    "funding-dates",
    "error",
    summary="A period ends before it starts, or two periods of one cluster overlap.",
    reason=f"Funding periods are inclusive date ranges that follow each other ({FORMAT}).",
    fix="Correct the dates; periods that continue each other start the day after.",
)
def funding_dates(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        ordered = sorted(
            indexed(cluster.get("funding")), key=lambda item: (item[1]["start"], item[1]["end"])
        )
        latest: dt.date | None = None
        for index, period in ordered:
            start, end = period["start"], period["end"]
            path = ("clusters", cluster_id, "funding", index)
            if end < start:
                yield Hit(
                    f"period ends ({end}) before it starts ({start})", path, cluster_id, start=start
                )
            elif latest is not None and start <= latest:
                yield Hit(
                    f"period from {start} overlaps an earlier one ending {latest}",
                    path,
                    cluster_id,
                    start=start,
                )
            latest = end if latest is None else max(latest, end)


@rule(
    "FC008",
    "membership-period",
    "error",
    summary="A membership ends (until) before it starts (since).",
    reason=f"A membership is an inclusive date range ({FORMAT}).",
    fix="Correct since or until; until is the last day of the membership.",
)
def membership_period(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        for index, member in enumerate(cluster.get("members") or ()):
            since, until = member.get("since"), member.get("until")
            if since is not None and until is not None and until < since:
                yield Hit(
                    f"the membership of {member['partner']!r} ends ({until}) before it "
                    f"starts ({since})",
                    ("clusters", cluster_id, "members", index, "until"),
                    cluster_id,
                    member["partner"],
                )


@rule(
    "FC010",
    "label-dates",
    "error",
    summary="A label expires before it is awarded, or two labels of a scheme share a date.",
    reason=(
        "A label is identified by its cluster, scheme and award date, and is valid from "
        f"that date through its expiry ({FORMAT})."
    ),
    fix="Correct awarded or expires; remove a label recorded twice (`clusters remove-label`).",
)
def label_dates(ctx: Context) -> Iterator[Hit]:
    for cluster_id, cluster in ctx.each_cluster():
        seen: set[tuple[str, dt.date]] = set()
        for index, label in enumerate(cluster.get("labels") or ()):
            awarded, expires = label["awarded"], label.get("expires")
            path = ("clusters", cluster_id, "labels", index)
            key = (label["scheme"], awarded)
            if key in seen:
                yield Hit(
                    f"two {label['scheme']} labels are awarded on {awarded}",
                    path,
                    cluster_id,
                    start=awarded,
                )
            seen.add(key)
            if expires is not None and expires < awarded:
                yield Hit(
                    f"the {label['scheme']} label awarded on {awarded} expires before, on "
                    f"{expires}",
                    (*path, "expires"),
                    cluster_id,
                    start=awarded,
                )
