"""Schema of an imported events layer: a user's own ACLED or UCDP export, mapped to one shape.

Not part of the curated dataset: these rows stay on the user's machine (``.posture/``).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import COUNTRY_BOUNDS, INCIDENT_COUNTRIES, inside_country

ORIGINS = ["acled", "ucdp"]
DATE_PRECISIONS = ["day", "week", "month", "year"]

PRIMARY_KEY = ["origin", "origin_id"]


class ImportedEventSchema(pa.DataFrameModel):
    """One event from a user's ACLED or UCDP export, in Iraq, Syria or Jordan."""

    origin: Series[str] = pa.Field(isin=ORIGINS, description="acled or ucdp.")
    origin_id: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="The event's id in its origin."
    )
    date: Series[pd.Timestamp] = pa.Field(description="Event date (UCDP: date_start).")
    date_precision: Series[str] = pa.Field(
        isin=DATE_PRECISIONS, description="day, week, month or year, from the origin's code."
    )
    country: Series[str] = pa.Field(isin=INCIDENT_COUNTRIES, description="Iraq, Syria or Jordan.")
    admin1: Series[str] = pa.Field(nullable=True, description="First-level region.")
    location: Series[str] = pa.Field(nullable=True, description="Place name as given.")
    latitude: Series[float] = pa.Field(
        in_range={"min_value": -90, "max_value": 90}, description="Latitude (WGS84)."
    )
    longitude: Series[float] = pa.Field(
        in_range={"min_value": -180, "max_value": 180}, description="Longitude (WGS84)."
    )
    geo_precision: Series[pd.Int64Dtype] = pa.Field(
        nullable=True,
        in_range={"min_value": 1, "max_value": 7},
        description="ACLED geo_precision (1–3) or UCDP where_prec (1–7).",
    )
    event_type: Series[str] = pa.Field(description="ACLED event_type, UCDP type of violence.")
    actor: Series[str] = pa.Field(nullable=True, description="ACLED actor1, UCDP side_a.")
    fatalities_low: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="UCDP low estimate; empty for ACLED."
    )
    fatalities_best: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="ACLED fatalities, UCDP best estimate."
    )
    fatalities_high: Series[pd.Int64Dtype] = pa.Field(
        nullable=True, ge=0, description="UCDP high estimate; empty for ACLED."
    )
    source: Series[str] = pa.Field(nullable=True, description="ACLED source, UCDP source_article.")
    nearest_base_id: Series[str] = pa.Field(
        nullable=True, description="Nearest curated base with coordinates."
    )
    distance_km: Series[float] = pa.Field(
        nullable=True, ge=0, description="Great-circle distance to that base, in km."
    )

    @pa.dataframe_check(name="point_inside_country")
    def _inside(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return inside_country(df)

    @pa.dataframe_check(name="low_le_best_le_high")
    def _ordered(cls, df: pd.DataFrame) -> pd.Series[bool]:
        low, best, high = df["fatalities_low"], df["fatalities_best"], df["fatalities_high"]
        bad = (low > best).fillna(False) | (best > high).fillna(False)
        return ~bad.astype(bool)

    class Config:
        name = "imported_events"
        description = "Events from a user's own ACLED or UCDP export (never redistributed)."
        strict = True
        coerce = True


__all__ = ["COUNTRY_BOUNDS", "ImportedEventSchema", "ORIGINS", "PRIMARY_KEY"]
