"""The events as an iCalendar file (RFC 5545), written by the ``icalendar`` library.

One all-day VEVENT per event: ``UID`` ``<event id>@clusters`` (stable across runs),
DTSTART and the exclusive DTEND as DATE values, SUMMARY, LOCATION, URL (http and https
only), CATEGORIES = the kind, DESCRIPTION = the notes; DTSTAMP is the start of ``on`` in
UTC, so the same registry on the same date gives the same bytes. The library escapes
every text value, so no registry text can add a property or an event.
"""

from __future__ import annotations

import datetime as dt
import re

from ..programme import events as activities
from ..registry.records import Event, Registry

CALENDAR_NAME = "FI&E network events"
PRODUCT = "-//clusters//FI&E cluster registry//EN"
_HTTP = re.compile(r"^https?://\S+$")


def ics_bytes(
    data: Registry,
    on: dt.date,
    records: dict[str, Event] | None = None,
    name: str = CALENDAR_NAME,
) -> bytes:
    """The calendar of ``records`` (event id → event, in the order given), by default of
    every event of ``data`` by start."""
    if records is None:
        found = activities.events(data)
        records = {key: found[key] for key in sorted(found, key=lambda k: (found[k]["start"], k))}
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime(on.year, on.month, on.day, tzinfo=dt.UTC)
    for event_id, event in records.items():
        entry = CalendarEvent()
        entry.add("uid", f"{event_id}@clusters")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event["start"])
        entry.add("dtend", activities.end(event) + dt.timedelta(days=1))  # exclusive
        entry.add("summary", event["title"])
        if event.get("place"):
            entry.add("location", event["place"])
        url = event.get("url")
        if url and _HTTP.match(url):
            entry.add("url", url)
        entry.add("categories", [event["kind"]])
        if event.get("notes"):
            entry.add("description", event["notes"])
        calendar.add_component(entry)
    return calendar.to_ical()
