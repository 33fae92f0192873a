"""Schema of incidents.csv: attacks on, or losses of, coalition personnel and facilities."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    INCIDENT_COUNTRIES,
    SLUG_PATTERN,
    CleanText,
    count_field,
    date_field,
    enum_field,
    inside_country,
    note_field,
    plain_name,
    quote_field,
    real_date,
    source_field,
)
from schemas._table import TableSpec, every_row

DATE_PRECISIONS = ["day", "week", "month"]
WEAPONS = [
    "rocket",
    "drone",
    "ballistic_missile",
    "cruise_missile",
    "mortar",
    "ied",
    "small_arms",
    "aircraft_loss",
    "other",
    "unknown",
]
STATUSES = ["confirmed", "claimed"]
HOSTILE = ["yes", "no"]

PRIMARY_KEY = ["incident_id"]
FOREIGN_KEYS = {
    "base_id": ("bases", "base_id"),
    "source_id": ("sources", "source_id"),
    "variant_of": ("incidents", "incident_id"),
    "revises": ("incidents", "incident_id"),
}


class IncidentSchema(CleanText):
    """One report of one attack; another report of it names the first in ``variant_of``."""

    incident_id: Series[str] = pa.Field(
        unique=True,
        str_matches=SLUG_PATTERN,
        description="Unique slug, YYYYMMDD-place-weapon (a -b suffix for another report).",
    )
    date: Series[str] = date_field("Date of the attack (YYYY-MM-DD).")
    date_precision: Series[str] = enum_field(
        DATE_PRECISIONS, "How precise the date is: day, week or month."
    )
    country: Series[str] = enum_field(INCIDENT_COUNTRIES, "Country where it happened.")
    location: Series[str] = pa.Field(description="Place as the source names it.")
    base_id: Series[str] = pa.Field(
        nullable=True, description="The targeted base, as base_id in bases.csv; empty if none."
    )
    latitude: Series[float] = pa.Field(
        nullable=True,
        in_range={"min_value": -90, "max_value": 90},
        description="Latitude given by the source; empty if none (the base's is used on maps).",
    )
    longitude: Series[float] = pa.Field(
        nullable=True,
        in_range={"min_value": -180, "max_value": 180},
        description="Longitude given by the source; empty if none.",
    )
    weapon: Series[str] = enum_field(
        WEAPONS,
        "rocket, drone, ballistic_missile, cruise_missile, mortar, ied, small_arms, "
        "aircraft_loss, other or unknown.",
    )
    claimed_by: Series[str] = pa.Field(
        nullable=True, description="Group that claimed it, as reported; empty if no claim."
    )
    killed: Series[pd.Int64Dtype] = count_field(
        "Coalition personnel killed as reported; empty when not reported (never 0 for unknown)."
    )
    wounded: Series[pd.Int64Dtype] = count_field(
        "Coalition personnel wounded or injured as reported; empty when not reported."
    )
    status: Series[str] = enum_field(
        STATUSES, "confirmed (by an official or independent source) or claimed (only a claim)."
    )
    hostile: Series[str] = enum_field(
        HOSTILE,
        "yes: an attack; no: a loss the source says hostile action did not cause (a crash, an "
        "accidental blast). Losses are listed but not counted as attacks.",
    )
    source_id: Series[str] = source_field()
    summary: Series[str] = pa.Field(description="One-sentence summary in the curators' words.")
    quote: Series[str] = quote_field()
    variant_of: Series[str] = pa.Field(
        nullable=True,
        description="incident_id of the first report of the same attack when this row is "
        "another report of it; empty otherwise. Counts use first reports only.",
    )
    revises: Series[str] = pa.Field(
        nullable=True,
        description="incident_id of an earlier report of the same attack whose casualty toll "
        "this later report updates; counts use the latest toll, and the earlier one stays "
        "listed. Empty otherwise.",
    )
    note: Series[str] = note_field()

    @pa.check("date", name="real_date")
    def _real_date(cls, values: Series[str]) -> pd.Series[bool]:
        return real_date(values)

    @pa.dataframe_check(name="point_inside_country")
    def _inside(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return inside_country(df)

    @pa.dataframe_check(name="latitude_and_longitude_together")
    def _paired(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return (df["latitude"].isna() == df["longitude"].isna()).astype(bool)

    @pa.check("location", "claimed_by", name="plain_name")
    def _plain_name(cls, values: Series[str]) -> pd.Series[bool]:
        return plain_name(values)

    class Config:
        name = "incidents"
        description = "Attacks on, or losses of, coalition personnel and facilities."
        strict = True
        coerce = True


TABLE = TableSpec(
    name="incidents",
    model=IncidentSchema,
    title="Incidents",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    country_column="country",
    date_column="date",
    actual_rows=every_row,
    check_columns={
        "point_inside_country": ("country", "latitude", "longitude"),
        "latitude_and_longitude_together": ("latitude", "longitude"),
    },
    labels={
        "weapon": {
            "rocket": "rocket",
            "drone": "drone",
            "ballistic_missile": "ballistic missile",
            "cruise_missile": "cruise missile",
            "mortar": "mortar",
            "ied": "roadside bomb (IED)",
            "small_arms": "small arms",
            "aircraft_loss": "aircraft lost",
            "other": "other",
            "unknown": "not reported",
        },
        "status": {"confirmed": "confirmed", "claimed": "claimed only"},
        "hostile": {"yes": "hostile action", "no": "not hostile (accident, crash)"},
        "date_precision": {"day": "day", "week": "week", "month": "month"},
    },
    order=6,
)
