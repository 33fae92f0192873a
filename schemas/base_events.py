"""Schema of base_events.csv: dated changes in a base's status, actual or planned."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    CleanText,
    date_field,
    enum_field,
    note_field,
    quote_field,
    real_date,
    source_field,
)
from schemas._table import TableSpec

EVENTS = [
    "established",
    "presence_reported",
    "expanded",
    "reduced",
    "withdrawal_announced",
    "handed_over",
    "vacated",
    "retained",
    "reoccupied",
]
EVENT_KINDS = ["actual", "planned"]
# What each event says about presence: after a departure the site is not held; a re-entry
# (a new start or a return) must come before any later report of presence.
LEFT_EVENTS = frozenset({"handed_over", "vacated"})
REENTRY_EVENTS = frozenset({"established", "reoccupied"})
HELD_EVENTS = frozenset(set(EVENTS) - LEFT_EVENTS)

PRIMARY_KEY = ["base_id", "date", "event", "kind", "source_id"]
FOREIGN_KEYS = {
    "base_id": ("bases", "base_id"),
    "source_id": ("sources", "source_id"),
    "contradicted_by": ("sources", "source_id"),
}


class BaseEventSchema(CleanText):
    """One event in a base's life."""

    base_id: Series[str] = pa.Field(description="The base, as base_id in bases.csv.")
    date: Series[str] = date_field("Date of the event or, for plans, the planned date.")
    event: Series[str] = enum_field(
        EVENTS,
        "established, presence_reported, expanded, reduced, withdrawal_announced, handed_over, "
        "vacated, retained or reoccupied.",
    )
    kind: Series[str] = enum_field(EVENT_KINDS, "actual (reported as done) or planned.")
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()
    contradicted_by: Series[str] = pa.Field(
        nullable=True,
        description="source_id of a later source that contradicts this reported event (for "
        "example forces reported still there after a reported departure); a contradicted event "
        "stays listed but no status or verdict rests on it. Empty otherwise.",
    )
    note: Series[str] = note_field()

    @pa.check("date", name="real_date")
    def _real_date(cls, values: Series[str]) -> pd.Series[bool]:
        return real_date(values)

    class Config:
        name = "base_events"
        description = "Dated events in the life of each base, actual or planned."
        strict = True
        coerce = True
        unique = PRIMARY_KEY


TABLE = TableSpec(
    name="base_events",
    model=BaseEventSchema,
    title="Base events",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    date_column="date",
    actual_rows=lambda frame: frame["kind"] == "actual",
    labels={
        "event": {
            "established": "established",
            "presence_reported": "presence reported",
            "expanded": "expanded",
            "reduced": "reduced",
            "withdrawal_announced": "withdrawal announced",
            "handed_over": "handed over",
            "vacated": "vacated",
            "retained": "retained",
            "reoccupied": "reoccupied",
        },
        "kind": {"actual": "actual", "planned": "planned"},
    },
    order=3,
)
