"""The events as an iCalendar file (RFC 5545), written by the ``icalendar`` library.

Every calendar holds the VTIMEZONE of Europe/Brussels, the programme's zone, so that an
empty selection is still a calendar with a component, as RFC 5545 requires; the zone is
written from fixed values (the EU rules: summer time from the last Sunday of March to the
last Sunday of October), not from the machine's time-zone data, so its bytes never change.
Then one all-day VEVENT per event: ``UID`` ``<event id>@clusters`` (stable across runs),
DTSTART and the exclusive DTEND as DATE values (an all-day event has no zone), SUMMARY,
LOCATION, URL (http and https only), CATEGORIES = the kind, DESCRIPTION = the notes;
DTSTAMP is the start of ``on`` in UTC, so the same registry on the same date gives the
same bytes. The library escapes every text value, and line breaks (CRLF, a lone CR) are
made LF before it sees them, so no registry text can add a property or an event.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from ..programme import participation
from ..registry.records import Event, Registry

if TYPE_CHECKING:
    from icalendar import Timezone

CALENDAR_NAME = "FI&E network events"
PRODUCT = "-//clusters//FI&E cluster registry//EN"
ZONE = "Europe/Brussels"  # the programme's zone
_HTTP = re.compile(r"^https?://\S+$")


def ics_bytes(
    data: Registry,
    on: dt.date,
    records: dict[str, Event] | None = None,
    name: str = CALENDAR_NAME,
    refresh: bool = False,
) -> bytes:
    """The calendar of ``records`` (event id → event, in the order given), by default of
    every event of ``data`` by start. ``refresh``: a calendar to subscribe to, which
    names itself (RFC 7986 ``NAME`` beside ``X-WR-CALNAME``) and asks to be fetched
    again daily (``REFRESH-INTERVAL`` and ``X-PUBLISHED-TTL``)."""
    if records is None:
        found = participation.events(data)
        records = {key: found[key] for key in sorted(found, key=lambda k: (found[k]["start"], k))}
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if refresh:
        calendar.add("name", name)
        calendar.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "P1D")
    calendar.add_component(_brussels())
    stamp = dt.datetime(on.year, on.month, on.day, tzinfo=dt.UTC)
    for event_id, event in records.items():
        entry = CalendarEvent()
        entry.add("uid", f"{event_id}@clusters")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event["start"])
        entry.add("dtend", participation.end(event) + dt.timedelta(days=1))  # exclusive
        entry.add("summary", _text(event["title"]))
        if event.get("place"):
            entry.add("location", _text(event["place"]))
        url = event.get("url")
        if url and _HTTP.match(url):
            entry.add("url", url)
        entry.add("categories", [event["kind"]])
        if event.get("notes"):
            entry.add("description", _text(event["notes"]))
        calendar.add_component(entry)
    return calendar.to_ical()


def _text(value: str) -> str:
    """Text with its line breaks as LF, the one a TEXT value escapes (``\\n``): RFC 5545
    has no escape for a lone CR, and a library that wrote it raw would end the line."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _brussels() -> Timezone:
    """The VTIMEZONE of Europe/Brussels, from fixed values (same bytes everywhere)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    zone = Timezone()
    zone.add("tzid", ZONE)
    for part, name, before, after, start, month in (
        (TimezoneDaylight(), "CEST", 1, 2, dt.datetime(1981, 3, 29, 2, 0), 3),
        (TimezoneStandard(), "CET", 2, 1, dt.datetime(1996, 10, 27, 3, 0), 10),
    ):
        part.add("tzname", name)
        part.add("tzoffsetfrom", dt.timedelta(hours=before))
        part.add("tzoffsetto", dt.timedelta(hours=after))
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(part)
    return zone
