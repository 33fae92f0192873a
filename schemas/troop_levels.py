"""Schema of troop_levels.csv: troop numbers per country and date, as low/best/high."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    QUALIFIER_LABELS,
    QUALIFIERS,
    TROOP_COUNTRIES,
    CleanText,
    best_present,
    count_field,
    date_field,
    enum_field,
    note_field,
    quote_field,
    range_ordered,
    real_date,
    source_field,
)
from schemas._table import TableSpec

FORCES = ["us", "partners", "all"]
LEVEL_KINDS = ["official", "reported", "planned"]
# How a figure was counted. Values of different bases are never joined into one line.
BASES = ["fml", "count", "estimate", "target"]
SCOPES = ["country", "part"]

PRIMARY_KEY = ["country", "force", "as_of", "kind", "basis", "scope", "source_id", "best"]
FOREIGN_KEYS = {"source_id": ("sources", "source_id")}


class TroopLevelSchema(CleanText):
    """One reported, official or planned troop level."""

    country: Series[str] = enum_field(TROOP_COUNTRIES, "Country the troops are in: Iraq or Syria.")
    force: Series[str] = enum_field(
        FORCES, "Whose troops: us (United States), partners (non-US coalition) or all."
    )
    as_of: Series[str] = date_field(
        "Date the figure describes (YYYY-MM-DD); for plans, the target date."
    )
    low: Series[pd.Int64Dtype] = count_field(
        "Lower end of the range the source gives; empty if none."
    )
    best: Series[pd.Int64Dtype] = count_field(
        "The figure the source gives; empty only for a pure range (qualifier range)."
    )
    high: Series[pd.Int64Dtype] = count_field(
        "Upper end of the range the source gives; empty if none."
    )
    qualifier: Series[str] = enum_field(
        QUALIFIERS,
        "How the source qualifies the figure: about, exact, at_least, at_most, fewer_than, "
        "more_than or range.",
    )
    kind: Series[str] = enum_field(
        LEVEL_KINDS,
        "official (on-record government figure), reported (press, unnamed officials) or planned.",
    )
    basis: Series[str] = enum_field(
        BASES,
        "How the figure was counted: fml (force management level or another authorised "
        "ceiling: how many may be there), count (a headcount of personnel actually there, such "
        "as Defense Manpower Data Center data), estimate (a figure that does not say how it was "
        "counted) or target (a planned level; every planned row and only those).",
    )
    scope: Series[str] = enum_field(
        SCOPES,
        "country (all of that force in the country) or part (only a region, site, unit or "
        "role; the note says which).",
    )
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()
    note: Series[str] = note_field()

    @pa.check("as_of", name="real_date")
    def _real_date(cls, values: Series[str]) -> pd.Series[bool]:
        return real_date(values)

    @pa.dataframe_check(name="low_le_best_le_high")
    def _ordered(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return range_ordered(df)

    @pa.dataframe_check(name="target_basis_for_plans")
    def _target(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return ((df["kind"] == "planned") == (df["basis"] == "target")).astype(bool)

    @pa.dataframe_check(name="best_given_unless_range")
    def _best(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return best_present(df)

    class Config:
        name = "troop_levels"
        description = "Troop levels in Iraq and Syria with their uncertainty and source."
        strict = True
        coerce = True
        unique = PRIMARY_KEY


TABLE = TableSpec(
    name="troop_levels",
    model=TroopLevelSchema,
    title="Troop levels",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    country_column="country",
    date_column="as_of",
    actual_rows=lambda frame: frame["kind"] != "planned",
    check_columns={
        "low_le_best_le_high": ("low", "best", "high"),
        "best_given_unless_range": ("qualifier", "low", "best", "high"),
        "target_basis_for_plans": ("kind", "basis"),
    },
    labels={
        "force": {"us": "US", "partners": "partners (non-US)", "all": "whole coalition"},
        "basis": {
            "fml": "authorised level (FML)",
            "count": "headcount",
            "estimate": "estimate",
            "target": "planned target",
        },
        "scope": {"country": "whole country", "part": "part only"},
        "kind": {"official": "official", "reported": "reported", "planned": "planned"},
        "qualifier": QUALIFIER_LABELS,
    },
    order=1,
)
