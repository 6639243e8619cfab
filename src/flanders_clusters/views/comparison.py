"""``clusters diff``: what changed between two registries, record by record.

Pure: two registries in, the changes and the findings that appeared or disappeared out,
as data (the JSON shape); ``formats.markdown`` writes them for a pull request,
``terminal.comparison_tables`` for a terminal, and ``formats.textconv`` writes a
registry as the one-fact-a-line text git compares.

A registry is seen as records, each with an id and fields:

    registry  registry             top-level keys other than the tables (schema_version)
    policy    policy               the [policy] table
    cluster   vil                  a cluster's fields but its lists of records
    funding   vil/2017-01-01       a funding period, by its start
    label     vil/esca/2022-01-10  a label, by scheme and award date
    membership vil/acme            a membership, by partner
    partner   acme
    event     innovfest-2022       an event's fields but its participants
    participant innovfest-2022/acme

Records are matched by id. A record whose id changed is *renamed* when it can be told
apart: a partner whose enterprise number did not change, or a cluster, partner or event
whose content did not (once its references follow the other renames), the one such
record each way (what ``rename-partner`` and the other renames make). The memberships,
participations, organisers and event clusters that follow a rename are not changes
(ids and references of the old side are read after the renames). A funding
period whose start changed is paired with the one unmatched period of the other side it
overlaps, when there is exactly one each way. Two records with one id (a partner listed
twice) are told apart as ``vil/acme``, ``vil/acme#2``, in the order of their content.

Files with schema problems are compared as they are: a table or list that does not hold
records is compared as one value, a field of its parent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeGuard

from ..external import enterprise_numbers
from ..programme import rules
from ..registry import records, value_text
from ..registry.canonical import canonical_record
from ..registry.fields import order
from ..registry.store import Document
from ..registry.vocabulary import JSON_ESCAPES

Fields = dict[str, Any]
Entries = dict[tuple[str, str], Fields]  # (record, id) → fields

# The tables of records by id: table → record name, record type.
TABLES = {
    "clusters": ("cluster", records.Cluster),
    "partners": ("partner", records.Partner),
    "events": ("event", records.Event),
}
# Lists of records inside a record: record → list field → (record name, record type, key).
LISTS: dict[str, dict[str, tuple[str, type, Callable[[Fields], str]]]] = {
    "cluster": {
        "funding": ("funding", records.Funding, lambda p: _id_part(p.get("start"))),
        "labels": (
            "label",
            records.Label,
            lambda x: f"{_id_part(x.get('scheme'))}/{_id_part(x.get('awarded'))}",
        ),
        "members": ("membership", records.Member, lambda m: _id_part(m.get("partner"))),
    },
    "event": {
        "participants": ("participant", records.Participant, lambda p: _id_part(p.get("partner"))),
    },
}
RECORD_TYPES: dict[str, type] = {
    "registry": records.Registry,
    "policy": records.Policy,
    **{name: kind for name, kind in TABLES.values()},
    **{name: kind for lists in LISTS.values() for name, kind, _ in lists.values()},
}
# The order of the output: the registry, the policy, then each cluster with its funding,
# labels and memberships, each partner, each event with its participants.
_SECTION = {"registry": 0, "policy": 1, "cluster": 2, "partner": 3, "event": 4}
_SECTION.update({"funding": 2, "label": 2, "membership": 2, "participant": 4})
_RANK = {"cluster": 0, "funding": 1, "label": 2, "membership": 3, "event": 0, "participant": 1}
OPS = ("added", "removed", "changed", "renamed")


# -- records and their ids -------------------------------------------------------------


def _id_part(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _is_table(value: Any) -> bool:
    """A table of records: a table whose every value is a table."""
    return isinstance(value, dict) and all(map(_is_dict, value.values()))


def _is_list(value: Any) -> TypeGuard[list[Fields]]:
    """A list of records: a list whose every item is a table."""
    return isinstance(value, list) and all(map(_is_dict, value))


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _split(data: Mapping[str, Any]) -> tuple[Fields, Fields, dict[str, dict[str, Fields]]]:
    """The registry record (top-level keys that are not tables of records), the policy
    (empty when absent) and the tables of records."""
    tables = {table: data[table] for table in TABLES if _is_table(data.get(table))}
    policy = data.get("policy")
    policy = policy if _is_dict(policy) else None
    top = {
        key: value
        for key, value in data.items()
        if key not in tables and not (key == "policy" and policy is not None)
    }
    return top, policy or {}, tables


Follow = Callable[[str, Any], Any]  # (table referred to, id) → the id after renames


def explode(name: str, rid: str, record: Fields, follow: Follow | None = None) -> Entries:
    """A record and the records in its lists (a cluster's, an event's), by (record, id).

    ``follow`` maps the ids a record refers to through renames (the old side of a
    comparison).
    """
    lists = LISTS.get(name, {})
    if follow is not None:
        record = _followed(name, record, follow)
    record = canonical_record(record, RECORD_TYPES[name])  # an event's clusters sorted, …
    own = {k: v for k, v in record.items() if not (k in lists and _is_list(v))}
    out: Entries = {(name, rid): own}
    for key, (child, _, key_of) in lists.items():
        items = record.get(key)
        if key not in own and items:
            out.update(_numbered(child, rid, items, key_of))
    return out


def _followed(name: str, record: Fields, follow: Follow) -> Fields:
    """A copy of ``record`` whose references (an event's organiser and clusters, a
    cluster's successor, the partner of each membership and participation) follow."""
    out = dict(record)
    if name == "event":
        if "organiser" in out:
            out["organiser"] = follow("partners", out["organiser"])
        if isinstance(out.get("clusters"), list):
            out["clusters"] = [follow("clusters", c) for c in out["clusters"]]
    if name == "cluster" and "successor" in out:
        out["successor"] = follow("clusters", out["successor"])
    for key in LISTS.get(name, {}):
        items = out.get(key)
        if key in ("members", "participants") and isinstance(items, list) and _is_list(items):
            out[key] = [
                {**item, "partner": follow("partners", item.get("partner"))} for item in items
            ]
    return out


def _numbered(
    child: str, parent: str, items: list[Fields], key_of: Callable[[Fields], str]
) -> Entries:
    """Each item under ``parent/key``; repeated keys as ``key#2``… in content order."""
    groups: dict[str, list[Fields]] = {}
    for item in items:
        groups.setdefault(key_of(item), []).append(item)
    out: Entries = {}
    for key, group in groups.items():
        if len(group) > 1:
            group = sorted(group, key=json_line)
        for number, item in enumerate(group, 1):
            suffix = f"#{number}" if number > 1 else ""
            out[(child, f"{parent}/{key}{suffix}")] = item
    return out


def entries(data: Mapping[str, Any]) -> Entries:
    """Every record of a registry by (record, id)."""
    top, policy, tables = _split(data)
    out: Entries = {("registry", "registry"): top} if top else {}
    if policy:  # an empty [policy] says nothing (the canonical form drops it)
        out[("policy", "policy")] = policy
    for table, rows in tables.items():
        name = TABLES[table][0]
        for rid, record in rows.items():
            out.update(explode(name, rid, record))
    return out


# -- comparing ---------------------------------------------------------------------------


def _same(a: Any, b: Any) -> bool:
    """Equal values, as Python compares them (``500000`` is ``500000.0``); ``nan`` is
    itself, so that a value nobody changed is never a change."""
    return a == b or (a != a and b != b)


def field_order(name: str, keys: Iterable[str]) -> list[str]:
    declared = order(RECORD_TYPES[name])
    rank = {key: index for index, key in enumerate(declared)}
    return sorted(keys, key=lambda key: (rank.get(key, len(rank)), key))


def _change(name: str, rid: str, op: str, old: Fields | None, new: Fields | None) -> dict | None:
    old, new = old or {}, new or {}
    keys = field_order(name, old.keys() | new.keys())
    fields = {
        key: {"old": old.get(key), "new": new.get(key)}
        for key in keys
        if op != "changed" or key not in old or key not in new or not _same(old[key], new[key])
    }
    if op == "changed" and not fields:
        return None
    return {"record": name, "id": rid, "op": op, "fields": fields}


def _compare(old: Entries, new: Entries) -> list[dict]:
    _pair_funding(old, new)
    out = []
    for key in old.keys() | new.keys():
        before, after = old.get(key), new.get(key)
        op = "added" if before is None else "removed" if after is None else "changed"
        found = _change(*key, op, before, after)
        if found is not None:
            out.append(found)
    return out


def _pair_funding(old: Entries, new: Entries) -> None:
    """Give an old period whose start changed the id of the one new period it overlaps
    (and that overlaps no other unmatched old period)."""
    lonely_old = [k for k in old if k[0] == "funding" and k not in new]
    lonely_new = [k for k in new if k[0] == "funding" and k not in old]
    if not lonely_old or not lonely_new:
        return

    def overlaps(a: Fields, b: Fields) -> bool:
        dates = [
            d
            for d in (a.get("start"), a.get("end"), b.get("start"), b.get("end"))
            if isinstance(d, dt.date)
        ]
        if len(dates) < 4:
            return False
        return dates[0] <= dates[3] and dates[2] <= dates[1]

    def parent(key: tuple[str, str]) -> str:
        return key[1].rsplit("/", 1)[0]

    links = {
        o: [n for n in lonely_new if parent(n) == parent(o) and overlaps(old[o], new[n])]
        for o in lonely_old
    }
    back: dict[tuple[str, str], int] = {}
    for found in links.values():
        for n in found:
            back[n] = back.get(n, 0) + 1
    for o, found in links.items():
        if len(found) == 1 and back[found[0]] == 1:
            old[found[0]] = old.pop(o)


def _by_number(old: dict[str, Fields], new: dict[str, Fields]) -> dict[str, str]:
    """Old partner id → new id, for partners whose id changed and number did not."""

    def by_number(side: dict[str, Fields], ids: set[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for pid in ids:
            number = side[pid].get("enterprise_number")
            if isinstance(number, str) and number.strip():
                normal = enterprise_numbers.normalise_enterprise_number(number) or number
                found.setdefault(normal, []).append(pid)
        return found

    gone = by_number(old, old.keys() - new.keys())
    came = by_number(new, new.keys() - old.keys())
    return {
        ids[0]: came[number][0]
        for number, ids in gone.items()
        if len(ids) == 1 and len(came.get(number, ())) == 1
    }


def _by_content(
    name: str,
    old: dict[str, Fields],
    new: dict[str, Fields],
    taken: dict[str, str],
    follow: Follow,
) -> dict[str, str]:
    """Old id → new id, for records gone and come whose content is the same (the old
    side's references followed), one each way."""
    gone = [rid for rid in old.keys() - new.keys() if rid not in taken and _is_dict(old[rid])]
    came = set(taken.values())
    fresh = [rid for rid in new.keys() - old.keys() if rid not in came and _is_dict(new[rid])]
    if not gone or not fresh:
        return {}

    def content(record: Fields, follow_: Follow | None) -> str:
        exploded = explode(name, "", record, follow_)
        return json_line(sorted([list(key), value] for key, value in exploded.items()))

    olds: dict[str, list[str]] = {}
    for rid in gone:
        olds.setdefault(content(old[rid], follow), []).append(rid)
    news: dict[str, list[str]] = {}
    for rid in fresh:
        news.setdefault(content(new[rid], None), []).append(rid)
    return {
        ids[0]: news[key][0]
        for key, ids in olds.items()
        if len(ids) == 1 and len(news.get(key, ())) == 1
    }


def renames(old: dict[str, dict], new: dict[str, dict]) -> dict[str, dict[str, str]]:
    """Table → old id → new id: the renamed records of two registries' tables."""
    moved: dict[str, dict[str, str]] = {table: {} for table in TABLES}

    def follow(table: str, value: Any) -> Any:
        return moved[table].get(value, value) if isinstance(value, str) else value

    for table in ("partners", "clusters", "events"):  # an event refers to both others
        before, after = old.get(table, {}), new.get(table, {})
        if table == "partners":
            moved[table].update(_by_number(before, after))
        moved[table].update(_by_content(TABLES[table][0], before, after, moved[table], follow))
    return moved


def changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict]:
    """The changes from ``old`` to ``new``, in output order."""
    out: list[dict] = []
    old_top, old_policy, old_tables = _split(old)
    new_top, new_policy, new_tables = _split(new)
    for name, before, after in (
        ("registry", old_top, new_top),
        ("policy", old_policy, new_policy),
    ):
        out.extend(
            _compare(
                {(name, name): before} if before else {}, {(name, name): after} if after else {}
            )
        )
    moved = renames(old_tables, new_tables)
    any_moved = any(moved.values())

    def follow(table: str, value: Any) -> Any:
        return moved[table].get(value, value) if isinstance(value, str) else value

    for table, (name, _) in TABLES.items():
        before, after = old_tables.get(table, {}), new_tables.get(table, {})
        arrived = set(moved[table].values())
        for rid in before.keys() | after.keys():
            o, n = before.get(rid), after.get(rid)
            if rid in moved[table]:
                out.extend(
                    _renamed(
                        name, rid, moved[table][rid], before[rid], after[moved[table][rid]], follow
                    )
                )
                continue
            if o is None and rid in arrived:
                continue  # the new side of a rename
            if o == n and not (any_moved and o is not None and _followed(name, o, follow) != o):
                continue  # the same, and naming no renamed record
            out.extend(
                _compare(
                    explode(name, rid, o, follow) if o is not None else {},
                    explode(name, rid, n) if n is not None else {},
                )
            )
    return sorted(out, key=position)


def _renamed(
    name: str, old_id: str, new_id: str, old: Fields, new: Fields, follow: Follow
) -> list[dict]:
    """The rename of a record (its id and any field that changed with it), and the
    changes of the records in its lists."""
    before = explode(name, new_id, old, follow)
    after = explode(name, new_id, new)
    found = _change(name, new_id, "changed", before.pop((name, new_id)), after.pop((name, new_id)))
    fields = {"id": {"old": old_id, "new": new_id}, **(found["fields"] if found else {})}
    return [
        {"record": name, "id": new_id, "op": "renamed", "fields": fields},
        *_compare(before, after),
    ]


def position(change: dict) -> tuple:
    name, rid = change["record"], change["id"]
    return (_SECTION[name], rid.split("/", 1)[0], _RANK.get(name, 0), rid)


# -- findings ------------------------------------------------------------------------------


def scope_of(found: list[dict]) -> rules.Scope | None:
    """The records a set of changes can affect (None: the whole registry, when the
    policy or the registry's own keys changed)."""
    clusters: set[str] = set()
    partners: set[str] = set()
    events: set[str] = set()
    for change in found:
        name, rid = change["record"], change["id"]
        if name in ("registry", "policy"):
            return None
        top = rid.split("/", 1)[0]
        renamed = change["fields"]["id"]["old"] if change["op"] == "renamed" else None
        if _SECTION[name] == 2:
            clusters.update(filter(None, [top, renamed]))
        elif name == "partner":
            partners.update(filter(None, [rid, renamed]))
        else:
            events.update(filter(None, [top, renamed]))
            named = change["fields"].get("clusters", {})
            for side in (named.get("old"), named.get("new")):
                if isinstance(side, list):
                    clusters.update(c for c in side if isinstance(c, str))
    return rules.Scope(frozenset(clusters), frozenset(partners), frozenset(events))


def _reach(
    scope: rules.Scope | None, old: Mapping[str, Any], new: Mapping[str, Any]
) -> rules.Scope | None:
    """The scope widened to what its records reach beyond themselves: an event reaches
    the clusters it names on either side; the first event recorded (or the last one
    removed) reaches every cluster, whose activity is judged only when there are events."""
    if scope is None or bool(old.get("events")) != bool(new.get("events")):
        return None
    reached = _event_clusters(old, scope.events) | _event_clusters(new, scope.events)
    return dataclasses.replace(scope, clusters=scope.clusters | reached)


def _event_clusters(data: Mapping[str, Any], events: frozenset[str]) -> set[str]:
    found: set[str] = set()
    for eid in events:
        event = (data.get("events") or {}).get(eid)
        named = event.get("clusters") if isinstance(event, dict) else None
        if isinstance(named, list):
            found.update(c for c in named if isinstance(c, str))
    return found


def findings(
    old: Document, new: Document, on: dt.date, scope: rules.Scope | None
) -> tuple[list[rules.Finding], list[rules.Finding], list[str]]:
    """The findings that appear (``added``) and disappear (``removed``), profile decree.

    Only the records the changes can affect are judged (and the registry-wide rules).
    A finding is the same on both sides when its identity and severity are: one that turns
    graver is removed at its old severity and added at its new one.
    """
    notes = []
    scope = _reach(scope, old.data, new.data)
    broken = [name for name, doc in (("old", old), ("new", new)) if doc.problems]
    judged = []
    for doc in (old, new):
        # With schema problems a side gets FC001 only, and a side without any has no FC001
        # to compare: when either side is broken, a clean one need not be judged.
        found = (
            rules.run(doc.data, on, problems=doc.problems, scope=scope, profile="decree")
            if doc.problems or not broken
            else []
        )
        judged.append({(f.identity, f.severity): f for f in found})
    if broken:
        notes.append(
            f"only schema findings (FC001) are compared: the {' and the '.join(broken)} "
            f"side{'s have' if len(broken) > 1 else ' has'} schema problems, so the other "
            "rules cannot judge it"
        )
    before, after = judged
    added = [_located(f, new) for key, f in after.items() if key not in before]
    removed = [_located(f, old) for key, f in before.items() if key not in after]
    return added, removed, notes


def _located(finding: rules.Finding, doc: Document) -> rules.Finding:
    return dataclasses.replace(finding, line=doc.line(finding.path))


# -- the comparison --------------------------------------------------------------------


def compare(old: Document, new: Document, on: dt.date) -> dict[str, Any]:
    """``diff --json``: the changes from ``old`` to ``new`` and the findings on ``on``."""
    if old.text == new.text:
        found: list[dict] = []
        added: list[rules.Finding] = []
        removed: list[rules.Finding] = []
        notes: list[str] = []
    else:
        found = changes(old.data, new.data)
        added, removed, notes = findings(old, new, on, scope_of(found))
    return {
        "old": old.source.display,
        "new": new.source.display,
        "on": on,
        "changes": found,
        "findings": {
            "added": [f.as_json() for f in added],
            "removed": [f.as_json() for f in removed],
        },
        "warnings": notes,
    }


def differs(result: dict[str, Any]) -> bool:
    found = result["findings"]
    return bool(result["changes"] or found["added"] or found["removed"])


def counts(result: dict[str, Any]) -> dict[str, int]:
    """Changes by op, and findings added and removed."""
    out = dict.fromkeys(OPS, 0)
    for change in result["changes"]:
        out[change["op"]] += 1
    out["findings_added"] = len(result["findings"]["added"])
    out["findings_removed"] = len(result["findings"]["removed"])
    return out


def summary(result: dict[str, Any]) -> str:
    """``records: 2 added, 1 changed; findings: 1 added, 0 removed``."""
    tally = counts(result)
    said = ", ".join(f"{tally[op]} {op}" for op in OPS if tally[op]) or "no changes"
    return (
        f"records: {said}; findings: {tally['findings_added']} added, "
        f"{tally['findings_removed']} removed"
    )


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)  # pragma: no cover - TOML holds no other kind of value


def json_line(value: Any) -> str:
    """A value as one line of JSON (dates as ISO text), invisible characters escaped."""
    text = json.dumps(value, ensure_ascii=False, default=_default, sort_keys=True)
    return text.translate(JSON_ESCAPES)


def shown(value: Any) -> str:
    """A value as the registry writes it (``"VIL"``, ``2026-12-31``, ``[…]``); empty for
    an absent one. Strings are quoted with their line breaks escaped: one line each."""
    return "" if value is None else value_text.shown(value).translate(JSON_ESCAPES)


def change_rows(result: dict[str, Any]) -> list[tuple[str, str, str, str, Any, Any]]:
    """One row per changed field: record, id, op (on a record's first row only), field,
    old, new."""
    rows = []
    for change in result["changes"]:
        head = (change["record"], change["id"], change["op"])
        fields = change["fields"] or {"": {"old": None, "new": None}}
        for index, (field, values) in enumerate(fields.items()):
            shown_head = head if index == 0 else ("", "", "")
            rows.append((*shown_head, field, values["old"], values["new"]))
    return rows


def where(finding: dict[str, Any]) -> str:
    """The records a finding names: ``vil``, ``vil/acme``, ``innovfest-2022``, ``registry``."""
    names = [finding[key] for key in ("cluster", "partner", "event") if finding[key]]
    return "/".join(names) or "registry"
