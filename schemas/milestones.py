"""Schema of milestones.csv: agreements, deadlines, drawdowns and other dated turning points."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    MILESTONE_COUNTRIES,
    SLUG_PATTERN,
    CleanText,
    date_field,
    enum_field,
    note_field,
    plain_name,
    quote_field,
    real_date,
    source_field,
)
from schemas._table import TableSpec

MILESTONE_KINDS = ["agreement", "deadline", "drawdown", "announcement", "attack", "other"]
MILESTONE_STATUSES = ["actual", "planned"]

PRIMARY_KEY = ["milestone_id"]
FOREIGN_KEYS = {
    "source_id": ("sources", "source_id"),
    "fulfils": ("milestones", "milestone_id"),
    "contradicted_by": ("sources", "source_id"),
}


class MilestoneSchema(CleanText):
    """One dated milestone, actual or planned."""

    milestone_id: Series[str] = pa.Field(
        unique=True, str_matches=SLUG_PATTERN, description="Unique slug."
    )
    date: Series[str] = date_field("Date it happened or, for plans, the deadline.")
    title: Series[str] = pa.Field(
        str_length={"min_value": 1, "max_value": 90}, description="Short label shown on charts."
    )
    kind: Series[str] = enum_field(
        MILESTONE_KINDS, "agreement, deadline, drawdown, announcement, attack or other."
    )
    status: Series[str] = enum_field(MILESTONE_STATUSES, "actual or planned.")
    country: Series[str] = enum_field(MILESTONE_COUNTRIES, "Where it applies.")
    fulfils: Series[str] = pa.Field(
        nullable=True,
        description="For an actual milestone that carries out a planned one: that one's id.",
    )
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()
    contradicted_by: Series[str] = pa.Field(
        nullable=True,
        description="source_id of a later source that contradicts this actual milestone; it "
        "stays listed but no verdict rests on it. Empty otherwise.",
    )
    note: Series[str] = note_field()

    @pa.check("date", name="real_date")
    def _real_date(cls, values: Series[str]) -> pd.Series[bool]:
        return real_date(values)

    @pa.check("title", name="plain_name")
    def _plain_name(cls, values: Series[str]) -> pd.Series[bool]:
        return plain_name(values)

    class Config:
        name = "milestones"
        description = "Dated milestones of the campaign and the transition, actual and planned."
        strict = True
        coerce = True


TABLE = TableSpec(
    name="milestones",
    model=MilestoneSchema,
    title="Milestones",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    country_column="country",
    date_column="date",
    actual_rows=lambda frame: frame["status"] == "actual",
    labels={
        "kind": {
            "agreement": "agreement",
            "deadline": "deadline",
            "drawdown": "drawdown",
            "announcement": "announcement",
            "attack": "attack",
            "other": "other",
        },
        "status": {"actual": "actual", "planned": "planned"},
    },
    order=8,
)
