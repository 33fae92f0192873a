"""Schema of an imported events layer: a user's own ACLED or UCDP export, mapped to one shape.

Not part of the curated dataset: these rows stay on the user's machine (``.posture/``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import COUNTRY_BOUNDS, INCIDENT_COUNTRIES, inside_country

ORIGINS = ["acled", "ucdp"]
DATE_PRECISIONS = ["day", "week", "month", "year"]
# How the origin's low/best/high fatality estimates relate, as the source gives them.
ESTIMATE_ORDERS = ["in order", "low > best", "best > high", "low > best > high", "low > high"]

PRIMARY_KEY = ["origin", "origin_id"]


class ImportedEventSchema(pa.DataFrameModel):
    """One event from a user's ACLED or UCDP export, in Iraq, Syria or Jordan."""

    origin: Series[str] = pa.Field(isin=ORIGINS, description="acled or ucdp.")
    origin_id: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="The event's id in its origin."
    )
    date: Series[pd.Timestamp] = pa.Field(description="Event date (UCDP: date_start).")
    date_precision: Series[str] = pa.Field(
        nullable=True,
        isin=DATE_PRECISIONS,
        description="day, week, month or year, from the origin's code (empty: unknown code).",
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
    event_type: Series[str] = pa.Field(
        nullable=True, description="ACLED event_type, UCDP type of violence (empty: unknown)."
    )
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
    estimate_order: Series[str] = pa.Field(
        nullable=True,
        isin=ESTIMATE_ORDERS,
        description="Whether low ≤ best ≤ high holds in the source ('in order') or which "
        "estimate is above the next ('low > best'): kept as given, never corrected. Empty "
        "when fewer than two estimates are given (ACLED).",
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

    @pa.dataframe_check(name="estimate_order_matches_estimates")
    def _ordered(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return df["estimate_order"].isna() | (
            df["estimate_order"]
            == estimate_order(df["fatalities_low"], df["fatalities_best"], df["fatalities_high"])
        ).fillna(False).astype(bool)

    class Config:
        name = "imported_events"
        description = "Events from a user's own ACLED or UCDP export (never redistributed)."
        strict = True
        coerce = True


def estimate_order(low: pd.Series, best: pd.Series, high: pd.Series) -> pd.Series:
    """``estimate_order`` of each row: empty when fewer than two estimates are given."""
    given = low.notna().astype(int) + best.notna().astype(int) + high.notna().astype(int)
    low_best = (low > best).fillna(False).astype(bool).to_numpy()
    best_high = (best > high).fillna(False).astype(bool).to_numpy()
    low_high = (low > high).fillna(False).astype(bool).to_numpy()
    order = np.select(
        [low_best & best_high, low_best, best_high, low_high],
        ["low > best > high", "low > best", "best > high", "low > high"],
        "in order",
    )
    return pd.Series(order, index=low.index, dtype="str").where(given.to_numpy() >= 2)


__all__ = [
    "COUNTRY_BOUNDS",
    "ESTIMATE_ORDERS",
    "ImportedEventSchema",
    "ORIGINS",
    "PRIMARY_KEY",
    "estimate_order",
]
