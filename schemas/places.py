"""Schema of places.csv: reference cities drawn on the maps, with sourced coordinates."""

from __future__ import annotations

import re

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

PRIMARY_KEY = ["place_id"]
FOREIGN_KEYS = {"source_id": ("sources", "source_id")}
# How far (in degrees, about 100 m) a coordinate may lie from one its quote states: room for
# converting degrees, minutes and seconds to decimals, never for an estimate.
QUOTE_TOLERANCE = 0.001
# Degrees with optional minutes and seconds and a hemisphere ("36°11′27.96″N", "44° 24′ O":
# O is the German Ost), or a decimal number ("33.312806", "36.34000°N").
_DMS = re.compile(
    r"(\d{1,3})\s*°\s*(?:(\d{1,2}(?:\.\d+)?)\s*[′']\s*)?(?:(\d{1,2}(?:\.\d+)?)\s*[″\"]\s*)?"
    r"([NSEWO])"
)
_DECIMAL = re.compile(r"-?\d{1,3}\.\d+")


def stated_coordinates(quote: str) -> list[float]:
    """Every coordinate a quote states, in decimal degrees (south and west negative)."""
    found = []
    for degrees, minutes, seconds, hemisphere in _DMS.findall(quote):
        value = float(degrees) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
        found.append(-value if hemisphere in "SW" else value)
    found += [float(number) for number in _DECIMAL.findall(quote)]
    return found


def coordinates_in_quote(df: pd.DataFrame) -> pd.Series[bool]:
    """True where the quote states both the latitude and the longitude of the row."""

    def stated(row: pd.Series) -> bool:
        values = stated_coordinates(str(row["quote"]))
        return all(
            any(abs(value - row[column]) <= QUOTE_TOLERANCE for value in values)
            for column in ("latitude", "longitude")
        )

    return df.apply(stated, axis=1).astype(bool)


class PlaceSchema(CleanText):
    """One reference place (a city) drawn on the maps to help readers find their way."""

    place_id: Series[str] = pa.Field(
        unique=True, str_matches=SLUG_PATTERN, description="Unique slug, e.g. baghdad."
    )
    name: Series[str] = pa.Field(
        str_length={"min_value": 1, "max_value": 40},
        description="Common English name, as drawn on the maps.",
    )
    country: Series[str] = enum_field(BASE_COUNTRIES, "Country the place is in.")
    latitude: Series[float] = pa.Field(
        in_range={"min_value": -90, "max_value": 90},
        description="Latitude in decimal degrees (WGS84) as the cited source states it "
        "(converted from degrees, minutes and seconds where it gives those).",
    )
    longitude: Series[float] = pa.Field(
        in_range={"min_value": -180, "max_value": 180},
        description="Longitude in decimal degrees (WGS84), as above.",
    )
    source_id: Series[str] = source_field()
    quote: Series[str] = quote_field()
    note: Series[str] = note_field()

    @pa.check("name", name="plain_name")
    def _plain_name(cls, values: Series[str]) -> pd.Series[bool]:
        return plain_name(values)

    @pa.dataframe_check(name="point_inside_country")
    def _inside(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return inside_country(df)

    @pa.dataframe_check(name="coordinates_in_quote")
    def _stated(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return coordinates_in_quote(df)

    class Config:
        name = "places"
        description = (
            "Reference cities drawn on the maps, each with the coordinates its source states."
        )
        strict = True
        coerce = True


TABLE = TableSpec(
    name="places",
    model=PlaceSchema,
    title="Reference places",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    country_column="country",
    check_columns={
        "point_inside_country": ("country", "latitude", "longitude"),
        "coordinates_in_quote": ("latitude", "longitude", "quote"),
    },
    order=11,
)
