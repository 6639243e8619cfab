"""The edit commands, one row each: what they take and the change they make.

A row (``Edit``) names its command and says what a user passes: the ids (``CLUSTER``,
``PARTNER``, ``EVENT``), the records whose fields give its options (each field's option
comes from its declaration in ``registry/records.py``), and whether it takes ``--unset``
or ``--drop-cluster``. Its change is a named function of the registry's data and the
``Request`` (what the command line asked, with typed attributes), returning the edit's
JSON. ``edit_commands.py`` builds a Click command from each row and runs its change in
the transaction of every edit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, cast

from ..changes import event_edits, label_edits, record_edits
from ..changes.record_edits import Outcome
from ..registry.fields import order
from ..registry.records import (
    Cluster,
    Event,
    Funding,
    Label,
    Member,
    Participant,
    Partner,
    Registry,
)

R = TypeVar("R")


@dataclass(frozen=True)
class Request:
    """What the command line asks of an edit: the records it names and the values given
    (``given``: field key → value, only the options given)."""

    cluster: str = ""
    partner: str = ""
    event: str = ""
    given: Mapping[str, Any] = field(default_factory=dict)
    unset: tuple[str, ...] = ()
    drop_clusters: tuple[str, ...] = ()

    def fields(self, record: type, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
        """The values given for ``record``'s fields, in its declared order."""
        return {
            key: self.given[key]
            for key in order(record)
            if key in self.given and key not in leave_out
        }

    def typed(self, record: type[R]) -> R:
        """The values given for ``record``'s fields, typed as the record, so that a key
        is checked: ``request.typed(Label)["scheme"]``."""
        return cast(R, self.fields(record))


Change = Callable[[Registry, Request], Outcome]


@dataclass(frozen=True)
class IdArgument:
    """An id the command takes as an argument (the Request attribute it fills)."""

    noun: Literal["cluster", "partner", "event"]
    help: str


@dataclass(frozen=True)
class RecordOptions:
    """The options of a record's fields: all, or ``only`` these; ``required`` ones."""

    record: type
    required: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Edit:
    """One edit command."""

    name: str
    help: str
    examples: tuple[str, ...]
    ids: tuple[IdArgument, ...]
    options: tuple[RecordOptions, ...]
    change: Change
    done: str  # the message when the file changed, formatted with the edit's JSON
    same: str  # the message when it did not ("unchanged: " comes first)
    unset: bool = False  # --unset FIELD: the fields of the first record it may lack
    drop_cluster: bool = False  # --drop-cluster CLUSTER: out of an event's clusters

    def message(self, outcome: Outcome) -> str:
        return (self.done if outcome["changed"] else "unchanged: " + self.same).format(**outcome)


CLUSTER = IdArgument("cluster", "Cluster id.")
PARTNER = IdArgument("partner", "Partner id.")
EVENT = IdArgument("event", "Event id.")
LABEL_IDENTITY = ("scheme", "awarded")  # with the cluster, what names a label


def _new(noun: Literal["cluster", "partner", "event"]) -> IdArgument:
    return IdArgument(noun, f"New {noun} id (lowercase letters, digits, '-').")


# -- the changes ---------------------------------------------------------------------------


def add_cluster(data: Registry, r: Request) -> Outcome:
    return record_edits.add_cluster(data, r.cluster, r.fields(Cluster))


def update_cluster(data: Registry, r: Request) -> Outcome:
    return record_edits.update_cluster(data, r.cluster, r.fields(Cluster), r.unset)


def remove_cluster(data: Registry, r: Request) -> Outcome:
    return record_edits.remove_cluster(data, r.cluster)


def add_partner(data: Registry, r: Request) -> Outcome:
    return record_edits.add_partner(data, r.partner, r.fields(Partner))


def update_partner(data: Registry, r: Request) -> Outcome:
    return record_edits.update_partner(data, r.partner, r.fields(Partner), r.unset)


def remove_partner(data: Registry, r: Request) -> Outcome:
    return record_edits.remove_partner(data, r.partner)


def add_member(data: Registry, r: Request) -> Outcome:
    return record_edits.add_member(data, r.cluster, r.partner, r.fields(Member), r.fields(Partner))


def update_member(data: Registry, r: Request) -> Outcome:
    return record_edits.update_member(data, r.cluster, r.partner, r.fields(Member), r.unset)


def remove_member(data: Registry, r: Request) -> Outcome:
    return record_edits.remove_member(data, r.cluster, r.partner)


def add_funding(data: Registry, r: Request) -> Outcome:
    return record_edits.add_funding(data, r.cluster, r.fields(Funding))


def remove_funding(data: Registry, r: Request) -> Outcome:
    return record_edits.remove_funding(data, r.cluster, r.typed(Funding)["start"])


def add_label(data: Registry, r: Request) -> Outcome:
    return label_edits.add_label(data, r.cluster, r.fields(Label))


def update_label(data: Registry, r: Request) -> Outcome:
    named = r.typed(Label)
    changes = r.fields(Label, leave_out=LABEL_IDENTITY)
    return label_edits.update_label(
        data, r.cluster, named["scheme"], named["awarded"], changes, r.unset
    )


def remove_label(data: Registry, r: Request) -> Outcome:
    named = r.typed(Label)
    return label_edits.remove_label(data, r.cluster, named["scheme"], named["awarded"])


def add_event(data: Registry, r: Request) -> Outcome:
    return event_edits.add_event(data, r.event, r.fields(Event))


def update_event(data: Registry, r: Request) -> Outcome:
    return event_edits.update_event(data, r.event, r.fields(Event), r.unset, r.drop_clusters)


def remove_event(data: Registry, r: Request) -> Outcome:
    return event_edits.remove_event(data, r.event)


def add_participant(data: Registry, r: Request) -> Outcome:
    return event_edits.add_participant(
        data, r.event, r.partner, r.fields(Participant), r.fields(Partner)
    )


def update_participant(data: Registry, r: Request) -> Outcome:
    return event_edits.update_participant(data, r.event, r.partner, r.fields(Participant), r.unset)


def remove_participant(data: Registry, r: Request) -> Outcome:
    return event_edits.remove_participant(data, r.event, r.partner)


# -- the table ----------------------------------------------------------------------------

TABLE: tuple[Edit, ...] = (
    Edit(
        name="add-cluster",
        help="Add a cluster (name, type and domain are required).",
        examples=(
            'clusters add-cluster acme-network --name "Acme Network" --type icn --domain Robotics',
        ),
        ids=(_new("cluster"),),
        options=(RecordOptions(Cluster, required=("name", "type", "domain")),),
        change=add_cluster,
        done="added cluster {cluster}",
        same="cluster {cluster} exists with these values",
    ),
    Edit(
        name="update-cluster",
        help="Change a cluster's fields (--FIELD VALUE) or remove them (--unset FIELD).",
        examples=(
            'clusters update-cluster vil --domain "Logistics and supply chain" --dry-run',
            "clusters update-cluster flag --unset reported-members --dry-run",
        ),
        ids=(CLUSTER,),
        options=(RecordOptions(Cluster),),
        change=update_cluster,
        done="updated cluster {cluster}",
        same="cluster {cluster} already has these values",
        unset=True,
    ),
    Edit(
        name="remove-cluster",
        help="Remove a cluster with its funding periods and memberships.",
        examples=("clusters remove-cluster bouwindustrialisatie --dry-run",),
        ids=(CLUSTER,),
        options=(),
        change=remove_cluster,
        done="removed cluster {cluster}",
        same="",
    ),
    Edit(
        name="add-partner",
        help="Add a partner (name and kind are required).",
        examples=(
            'clusters add-partner acme --name "Acme NV" --kind company --size sme '
            "--postal-code 2000",
        ),
        ids=(_new("partner"),),
        options=(RecordOptions(Partner, required=("name", "kind")),),
        change=add_partner,
        done="added partner {partner}",
        same="partner {partner} exists with these values",
    ),
    Edit(
        name="update-partner",
        help="Change a partner's fields (--FIELD VALUE) or remove them (--unset FIELD).",
        examples=(
            "clusters update-partner vito --website https://vito.be --dry-run",
            "clusters update-partner imec --unset network-role --dry-run",
        ),
        ids=(PARTNER,),
        options=(RecordOptions(Partner),),
        change=update_partner,
        done="updated partner {partner}",
        same="partner {partner} already has these values",
        unset=True,
    ),
    Edit(
        name="remove-partner",
        help="Remove a partner (refused while it is a member of a cluster).",
        examples=(
            'clusters add-partner acme --name "Acme NV" --kind company',
            "clusters remove-partner acme",
        ),
        ids=(PARTNER,),
        options=(),
        change=remove_partner,
        done="removed partner {partner}",
        same="",
    ),
    Edit(
        name="add-member",
        help="Add a membership; creates the partner when --name and --kind are given.",
        examples=(
            'clusters add-member vil acme --name "Acme NV" --kind company --role member',
            "clusters add-member vil voka --role member --since 2024-01-01 --dry-run",
        ),
        ids=(CLUSTER, PARTNER),
        options=(RecordOptions(Partner), RecordOptions(Member)),
        change=add_member,
        done="added {partner} to {cluster}",
        same="{partner} is already a member of {cluster}",
    ),
    Edit(
        name="update-member",
        help="Change a membership's role or dates, or remove them (--unset FIELD).",
        examples=(
            "clusters update-member vil vito --role member --dry-run",
            "clusters update-member blue-cluster flemish-government --unset since --dry-run",
        ),
        ids=(CLUSTER, PARTNER),
        options=(RecordOptions(Member),),
        change=update_member,
        done="updated {partner} in {cluster}",
        same="{partner} in {cluster} already has these values",
        unset=True,
    ),
    Edit(
        name="remove-member",
        help="Remove a membership.",
        examples=("clusters remove-member vil vito --dry-run",),
        ids=(CLUSTER, PARTNER),
        options=(),
        change=remove_member,
        done="removed {partner} from {cluster}",
        same="{partner} is not a member of {cluster}",
    ),
    Edit(
        name="add-funding",
        help="Add a funding period (--start and --end are required).",
        examples=(
            "clusters add-funding bouwindustrialisatie --start 2024-01-01 --end 2026-12-31 "
            "--annual-support-eur 150000 --dry-run",
        ),
        ids=(CLUSTER,),
        options=(RecordOptions(Funding, required=("start", "end")),),
        change=add_funding,
        done="added to {cluster} the funding period starting {start}",
        same="{cluster} has the funding period starting {start}",
    ),
    Edit(
        name="remove-funding",
        help="Remove the funding period that starts on --start.",
        examples=("clusters remove-funding euka --start 2017-01-01 --dry-run",),
        ids=(CLUSTER,),
        options=(RecordOptions(Funding, required=("start",), only=("start",)),),
        change=remove_funding,
        done="removed from {cluster} the funding period starting {start}",
        same="{cluster} has no funding period starting {start}",
    ),
    Edit(
        name="add-label",
        help="Add a quality label (--scheme, --level and --awarded are required).",
        examples=(
            "clusters add-label flux50 --scheme esca --level bronze --awarded 2025-06-01 --dry-run",
        ),
        ids=(CLUSTER,),
        options=(RecordOptions(Label, required=("scheme", "level", "awarded")),),
        change=add_label,
        done="added the {scheme} label awarded {awarded} to {cluster}",
        same="{cluster} has this {scheme} label awarded {awarded}",
    ),
    Edit(
        name="update-label",
        help="Change the label named by --scheme and --awarded (--FIELD VALUE, --unset FIELD).",
        examples=(
            "clusters add-label flux50 --scheme esca --level bronze --awarded 2025-06-01",
            "clusters update-label flux50 --scheme esca --awarded 2025-06-01 --level silver",
        ),
        ids=(CLUSTER,),
        options=(RecordOptions(Label, required=LABEL_IDENTITY),),
        change=update_label,
        done="updated the {scheme} label awarded {awarded} of {cluster}",
        same="the {scheme} label awarded {awarded} of {cluster} already has these values",
        unset=True,
    ),
    Edit(
        name="remove-label",
        help="Remove the label named by --scheme and --awarded.",
        examples=(
            "clusters add-label flux50 --scheme esca --level bronze --awarded 2025-06-01",
            "clusters remove-label flux50 --scheme esca --awarded 2025-06-01",
        ),
        ids=(CLUSTER,),
        options=(RecordOptions(Label, required=LABEL_IDENTITY, only=LABEL_IDENTITY),),
        change=remove_label,
        done="removed the {scheme} label awarded {awarded} of {cluster}",
        same="{cluster} has no {scheme} label awarded {awarded}",
    ),
    Edit(
        name="add-event",
        help="Add an event (title, kind and start are required).",
        examples=(
            'clusters add-event acme-demo-day-2026 --title "Acme demo day" --kind workshop '
            "--start 2026-05-04 --cluster vil",
        ),
        ids=(_new("event"),),
        options=(RecordOptions(Event, required=("title", "kind", "start")),),
        change=add_event,
        done="added event {event}",
        same="event {event} exists with these values",
    ),
    Edit(
        name="update-event",
        help="Change an event's fields (--FIELD VALUE), drop clusters, or remove fields (--unset).",
        examples=(
            "clusters update-event innovfest-2024 --cluster sim --dry-run",
            "clusters update-event innovfest-2022 --drop-cluster sim --dry-run",
        ),
        ids=(EVENT,),
        options=(RecordOptions(Event),),
        change=update_event,
        done="updated event {event}",
        same="event {event} already has these values",
        unset=True,
        drop_cluster=True,
    ),
    Edit(
        name="remove-event",
        help="Remove an event with its participations.",
        examples=("clusters remove-event learning-network-2017 --dry-run",),
        ids=(EVENT,),
        options=(),
        change=remove_event,
        done="removed event {event}",
        same="",
    ),
    Edit(
        name="add-participant",
        help="Add an organisation that took part; creates the partner when --name and "
        "--kind are given.",
        examples=(
            'clusters add-participant innovfest-2024 acme --name "Acme NV" --kind company '
            "--role exhibitor",
            "clusters add-participant innovfest-2024 imec --role speaker --dry-run",
        ),
        ids=(EVENT, PARTNER),
        options=(RecordOptions(Partner), RecordOptions(Participant)),
        change=add_participant,
        done="added {partner} to {event}",
        same="{partner} already takes part in {event}",
    ),
    Edit(
        name="update-participant",
        help="Change a participant's role.",
        examples=("clusters update-participant innovfest-2024 vub --role speaker --dry-run",),
        ids=(EVENT, PARTNER),
        options=(RecordOptions(Participant),),
        change=update_participant,
        done="updated {partner} in {event}",
        same="{partner} in {event} already has these values",
        unset=True,
    ),
    Edit(
        name="remove-participant",
        help="Remove an organisation from an event's participants.",
        examples=("clusters remove-participant innovfest-2024 vub --dry-run",),
        ids=(EVENT, PARTNER),
        options=(),
        change=remove_participant,
        done="removed {partner} from {event}",
        same="{partner} does not take part in {event}",
    ),
)
