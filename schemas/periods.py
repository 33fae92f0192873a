"""Schema of periods.csv: named periods a reader can pick as the date range."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    SLUG_PATTERN,
    CleanText,
    date_field,
    enum_field,
    note_field,
    parse_dates,
    plain_name,
    quote_field,
    real_date,
    source_field,
)
from schemas._table import TableSpec

PERIOD_COUNTRIES = ["Iraq", "Syria", "Iraq and Syria", "Region"]
PRIMARY_KEY = ["period_id"]
FOREIGN_KEYS = {
    "source_id": ("sources", "source_id"),
    "end_source_id": ("sources", "source_id"),
}


class PeriodSchema(CleanText):
    """One named period with the sources that date its start and end."""

    period_id: Series[str] = pa.Field(
        unique=True, str_matches=SLUG_PATTERN, description="Unique slug."
    )
    name: Series[str] = pa.Field(
        str_length={"min_value": 1, "max_value": 70},
        description="Short name shown in the period picker.",
    )
    start: Series[str] = date_field("First day of the period (YYYY-MM-DD).")
    end: Series[str] = date_field("Last day of the period (YYYY-MM-DD).")
    country: Series[str] = enum_field(PERIOD_COUNTRIES, "Where it applies.")
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()
    end_source_id: Series[str] = pa.Field(
        nullable=True,
        description="When the quote does not state the end: the source that dates it; empty "
        "otherwise.",
    )
    end_quote: Series[str] = pa.Field(
        nullable=True,
        str_length={"min_value": 1, "max_value": 300},
        description="The words that date the end, when the quote does not (with or without "
        "end_source_id: the end may come from the same page).",
    )
    note: Series[str] = note_field()

    @pa.check("start", "end", name="real_date")
    def _real_date(cls, values: Series[str]) -> pd.Series[bool]:
        return real_date(values)

    @pa.check("name", name="plain_name")
    def _plain_name(cls, values: Series[str]) -> pd.Series[bool]:
        return plain_name(values)

    @pa.dataframe_check(name="start_not_after_end")
    def _ordered(cls, df: pd.DataFrame) -> pd.Series[bool]:
        start, end = parse_dates(df["start"]), parse_dates(df["end"])
        return ~(start > end).fillna(False).astype(bool)

    @pa.dataframe_check(name="end_source_with_end_quote")
    def _end_source(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return ~(df["end_source_id"].notna() & df["end_quote"].isna()).astype(bool)

    class Config:
        name = "periods"
        description = "Named periods (campaigns, transitions, wars) readers can pick as a range."
        strict = True
        coerce = True


TABLE = TableSpec(
    name="periods",
    model=PeriodSchema,
    title="Named periods",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    check_columns={
        "start_not_after_end": ("start", "end"),
        "end_source_with_end_quote": ("end_source_id", "end_quote"),
    },
    order=10,
)
