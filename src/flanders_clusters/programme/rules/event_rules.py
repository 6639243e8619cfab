"""FC006, FC007, FC009, FC112: the network's events are consistent, and active clusters
take part in them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .. import participation
from .engine import Context, Hit, rule
from .sources import FORMAT, VLAIO_NETWORK


@rule(
    "FC006",
    "event-reference",
    "error",
    summary="An event names an unknown cluster or partner.",
    reason=(
        "An event's clusters, organiser and participants are records of the registry "
        f"({FORMAT}), so that who took part can be counted."
    ),
    fix="Correct the id, or add the cluster or partner first.",
)
def event_reference(ctx: Context) -> Iterator[Hit]:
    clusters, partners = ctx.clusters, ctx.partners
    for event_id, event in ctx.each_event():
        for index, cluster_id in enumerate(event.get("clusters") or ()):
            if cluster_id not in clusters:
                yield Hit(
                    f"event {event_id!r} names cluster {cluster_id!r}, which is not in [clusters]",
                    ("events", event_id, "clusters", index),
                    event=event_id,
                )
        organiser = event.get("organiser")
        if organiser is not None and organiser not in partners:
            yield Hit(
                f"event {event_id!r} names organiser {organiser!r}, which is not in [partners]",
                ("events", event_id, "organiser"),
                partner=organiser,
                event=event_id,
            )
        for index, participant in enumerate(event.get("participants") or ()):
            partner_id = participant["partner"]
            if partner_id not in partners:
                yield Hit(
                    f"event {event_id!r} names participant {partner_id!r}, which is not in "
                    "[partners]",
                    ("events", event_id, "participants", index, "partner"),
                    partner=partner_id,
                    event=event_id,
                )


@rule(
    "FC007",
    "event-dates",
    "error",
    summary="An event ends before it starts.",
    reason=f"An event's start and end are an inclusive date range ({FORMAT}).",
    fix="Correct start or end; a one-day event needs no end.",
)
def event_dates(ctx: Context) -> Iterator[Hit]:
    for event_id, event in ctx.each_event():
        end = event.get("end")
        if end is not None and end < event["start"]:
            yield Hit(
                f"event {event_id!r} ends ({end}) before it starts ({event['start']})",
                ("events", event_id, "end"),
                event=event_id,
            )


@rule(
    "FC009",
    "duplicate-participant",
    "error",
    summary="A partner listed twice in one event.",
    reason=f"A participation is one record per partner and event ({FORMAT}).",
    fix="Keep one participation (`clusters remove-participant`, `update-participant`).",
)
def duplicate_participant(ctx: Context) -> Iterator[Hit]:
    for event_id, event in ctx.each_event():
        seen: set[str] = set()
        for index, participant in enumerate(event.get("participants") or ()):
            partner_id = participant["partner"]
            if partner_id in seen:
                yield Hit(
                    f"partner {partner_id!r} takes part in event {event_id!r} more than once",
                    ("events", event_id, "participants", index),
                    partner=partner_id,
                    event=event_id,
                )
            seen.add(partner_id)


@rule(
    "FC112",
    "cluster-activity",
    "info",
    summary="An active cluster took part in no event in the activity window before --on.",
    reason=(
        "FI&E runs a learning network and networking events for the cluster organisations "
        f"({VLAIO_NETWORK}). Judged only in a registry that records events."
    ),
    fix="Record the events the cluster took part in (`clusters add-event … --cluster ID`).",
    threshold=lambda policy: f"{policy['activity_window_days']} days",
)
def cluster_activity(ctx: Context) -> Iterator[Hit]:
    if not ctx.events:  # a registry that records no events says nothing about activity
        return
    window = ctx.policy["activity_window_days"]
    try:
        first = ctx.on - dt.timedelta(days=window)
    except OverflowError:  # a window reaching before year 1: every event is in it
        first = dt.date.min
    recent: set[str] = set()
    for event in ctx.events.values():
        if participation.overlaps(event, first, ctx.on):
            recent.update(event.get("clusters") or ())
    for cluster_id, cluster in ctx.each_cluster():
        if cluster_id in recent or not ctx.active(cluster):
            continue
        yield Hit(
            f"took part in no recorded event from {first} to {ctx.on} ({window} days)",
            ("clusters", cluster_id),
            cluster_id,
        )
