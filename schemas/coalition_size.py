"""Schema of coalition_size.csv: how many members the Global Coalition to Defeat ISIS had."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    QUALIFIER_LABELS,
    QUALIFIERS,
    CleanText,
    date_field,
    enum_field,
    note_field,
    quote_field,
    real_date,
    source_field,
)
from schemas._table import TableSpec, every_row

PRIMARY_KEY = ["as_of", "members", "source_id"]
FOREIGN_KEYS = {"source_id": ("sources", "source_id")}


class CoalitionSizeSchema(CleanText):
    """One count of the coalition's members (countries and organisations) at a date."""

    as_of: Series[str] = date_field(
        "Date the count describes (YYYY-MM-DD); the publication date when the source gives "
        "no other (the note says which)."
    )
    members: Series[int] = pa.Field(
        ge=1, description="Number of members (partner countries and organisations) given."
    )
    qualifier: Series[str] = enum_field(
        QUALIFIERS, "How the source qualifies the number (about, more_than, exact, ...)."
    )
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()
    note: Series[str] = note_field()

    @pa.check("as_of", name="real_date")
    def _real_date(cls, values: Series[str]) -> pd.Series[bool]:
        return real_date(values)

    class Config:
        name = "coalition_size"
        description = "Members of the Global Coalition to Defeat ISIS over time, as reported."
        strict = True
        coerce = True
        unique = PRIMARY_KEY


TABLE = TableSpec(
    name="coalition_size",
    model=CoalitionSizeSchema,
    title="Coalition size",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    date_column="as_of",
    actual_rows=every_row,
    labels={"qualifier": QUALIFIER_LABELS},
    order=9,
)
