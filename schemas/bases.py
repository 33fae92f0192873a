"""Schema of bases.csv: sites used by US or coalition forces, with sourced coordinates."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    BASE_COUNTRIES,
    SLUG_PATTERN,
    CleanText,
    enum_field,
    inside_country,
    note_field,
    plain_name,
    quote_field,
    source_field,
)
from schemas._table import TableSpec

PRECISIONS = ["exact", "approximate"]

PRIMARY_KEY = ["base_id"]
FOREIGN_KEYS = {"source_id": ("sources", "source_id")}


class BaseSchema(CleanText):
    """One site; its history lives in base_events.csv."""

    base_id: Series[str] = pa.Field(
        unique=True, str_matches=SLUG_PATTERN, description="Unique slug, e.g. ain-al-asad."
    )
    name: Series[str] = pa.Field(description="Common English name of the site.")
    aliases: Series[str] = pa.Field(
        nullable=True, description="Other spellings seen in sources, separated by semicolons."
    )
    country: Series[str] = enum_field(BASE_COUNTRIES, "Country the site is in.")
    admin1: Series[str] = pa.Field(nullable=True, description="Governorate or province.")
    latitude: Series[float] = pa.Field(
        nullable=True,
        in_range={"min_value": -90, "max_value": 90},
        description="Latitude in decimal degrees (WGS84) from the cited source; empty when no "
        "source read gives coordinates (the site is then listed but not mapped).",
    )
    longitude: Series[float] = pa.Field(
        nullable=True,
        in_range={"min_value": -180, "max_value": 180},
        description="Longitude in decimal degrees (WGS84) from the cited source; empty as above.",
    )
    location_precision: Series[str] = enum_field(
        PRECISIONS,
        "exact: the source gives the site's own coordinates; approximate: those of a nearby "
        "place the source names; empty when there are no coordinates.",
        nullable=True,
    )
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()
    note: Series[str] = note_field()

    @pa.dataframe_check(name="point_inside_country")
    def _inside(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return inside_country(df)

    @pa.dataframe_check(name="coordinates_with_precision")
    def _located(cls, df: pd.DataFrame) -> pd.Series[bool]:
        has_lat, has_lon = df["latitude"].notna(), df["longitude"].notna()
        return ((has_lat == has_lon) & (has_lat == df["location_precision"].notna())).astype(bool)

    @pa.check("name", "aliases", name="plain_name")
    def _plain_name(cls, values: Series[str]) -> pd.Series[bool]:
        return plain_name(values)

    class Config:
        name = "bases"
        description = "Sites used by US or coalition forces in Iraq, Syria, Jordan and Kuwait."
        strict = True
        coerce = True


TABLE = TableSpec(
    name="bases",
    model=BaseSchema,
    title="Bases",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    country_column="country",
    check_columns={
        "point_inside_country": ("country", "latitude", "longitude"),
        "coordinates_with_precision": ("latitude", "longitude", "location_precision"),
    },
    labels={
        "location_precision": {
            "exact": "the site itself",
            "approximate": "a nearby place",
        }
    },
    order=2,
)
