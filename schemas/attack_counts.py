"""Schema of attack_counts.csv: running tallies of attacks by officials, claimants and monitors."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    COUNT_COUNTRIES,
    QUALIFIER_LABELS,
    QUALIFIERS,
    CleanText,
    date_field,
    enum_field,
    note_field,
    parse_dates,
    quote_field,
    real_date,
    source_field,
)
from schemas._table import TableSpec, every_row

COUNTERS = ["official", "claimant", "monitor", "press"]

PRIMARY_KEY = ["period_start", "period_end", "country", "counted_by", "source_id"]
FOREIGN_KEYS = {"source_id": ("sources", "source_id")}


class AttackCountSchema(CleanText):
    """One count of attacks over one period, by one counter."""

    period_start: Series[str] = date_field(
        "First day the count covers (YYYY-MM-DD); empty when the source gives no start "
        "(for example 'since mid-October').",
        nullable=True,
    )
    period_end: Series[str] = date_field("Last day the count covers (YYYY-MM-DD).")
    country: Series[str] = enum_field(COUNT_COUNTRIES, "Where the counted attacks happened.")
    attacks: Series[int] = pa.Field(ge=0, description="Number of attacks counted.")
    qualifier: Series[str] = enum_field(
        QUALIFIERS,
        "How the source qualifies the number: about, exact, at_least, at_most, fewer_than or "
        "more_than ('over 160' is more_than 160).",
    )
    counted_by: Series[str] = enum_field(
        COUNTERS, "official (US government), claimant (armed group), monitor or press."
    )
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()
    note: Series[str] = note_field()

    @pa.check("period_start", "period_end", name="real_date")
    def _real_date(cls, values: Series[str]) -> pd.Series[bool]:
        return real_date(values)

    @pa.dataframe_check(name="period_start_not_after_end")
    def _ordered(cls, df: pd.DataFrame) -> pd.Series[bool]:
        start, end = parse_dates(df["period_start"]), parse_dates(df["period_end"])
        return ~(start > end).fillna(False).astype(bool)

    class Config:
        name = "attack_counts"
        description = "Counts of attacks on US and coalition forces over periods, by who counted."
        strict = True
        coerce = True
        unique = PRIMARY_KEY


TABLE = TableSpec(
    name="attack_counts",
    model=AttackCountSchema,
    title="Attack counts",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    country_column="country",
    date_column="period_end",
    actual_rows=every_row,
    labels={
        "qualifier": QUALIFIER_LABELS,
        "counted_by": {
            "official": "official",
            "claimant": "armed group (claimant)",
            "monitor": "monitor",
            "press": "press",
        },
    },
    check_columns={
        "period_start_not_after_end": ("period_start", "period_end"),
    },
    order=7,
)
