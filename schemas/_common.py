"""Shared vocabularies, field builders and checks for the table schemas."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
QUOTE_MAX = 300

TROOP_COUNTRIES = ["Iraq", "Syria"]
BASE_COUNTRIES = ["Iraq", "Syria", "Jordan", "Kuwait"]
INCIDENT_COUNTRIES = ["Iraq", "Syria", "Jordan"]
COUNT_COUNTRIES = [
    "Iraq",
    "Syria",
    "Iraq and Syria",
    "Iraq, Syria and Jordan",
    "Iraq and the region",
]
MILESTONE_COUNTRIES = ["Iraq", "Syria", "Iraq and Syria", "Jordan", "Region"]
QUALIFIERS = ["about", "exact", "at_least", "at_most", "fewer_than", "more_than", "range"]
QUALIFIER_LABELS = {
    "about": "about",
    "exact": "exact",
    "at_least": "at least",
    "at_most": "up to",
    "fewer_than": "fewer than",
    "more_than": "more than",
    "range": "range",
}

# Generous boxes around each country's territory; a point outside its box is a typo or a swap.
COUNTRY_BOUNDS = {
    "Iraq": {"lat": (29.0, 37.5), "lon": (38.7, 48.8)},
    "Syria": {"lat": (32.3, 37.4), "lon": (35.6, 42.5)},
    "Jordan": {"lat": (29.1, 33.4), "lon": (34.9, 39.4)},
    "Kuwait": {"lat": (28.5, 30.2), "lon": (46.5, 48.5)},
}


def parse_dates(values: pd.Series[str]) -> pd.Series[pd.Timestamp]:
    """Parse ``YYYY-MM-DD`` strings; anything else (including 2024-02-30) becomes NaT."""
    return pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")


def real_date(values: pd.Series[str]) -> pd.Series[bool]:
    """True where a date cell is empty or a real calendar date."""
    return values.isna() | parse_dates(values).notna()


def date_field(description: str, *, nullable: bool = False, title: str | None = None) -> Any:
    """A ``YYYY-MM-DD`` text column; the loader turns it into a datetime after validation."""
    return pa.Field(
        str_matches=DATE_PATTERN,
        nullable=nullable,
        description=description,
        title=title,
        metadata={"format": "date"},
    )


def enum_field(values: list[str], description: str, *, nullable: bool = False) -> Any:
    """A text column restricted to ``values``."""
    return pa.Field(isin=values, nullable=nullable, description=description)


def count_field(description: str, *, nullable: bool = True) -> Any:
    """A non-negative integer column; empty means unknown, never zero."""
    return pa.Field(ge=0, nullable=nullable, description=description)


def source_field() -> Any:
    """The ``source_id`` column every fact table carries."""
    return pa.Field(
        str_matches=SLUG_PATTERN,
        description="Identifier of the supporting source in sources.csv.",
    )


def quote_field() -> Any:
    """The ``quote`` column: the exact supporting words from the source."""
    return pa.Field(
        str_length={"min_value": 1, "max_value": QUOTE_MAX},
        description=f"Exact supporting words from the source (1 to {QUOTE_MAX} characters).",
    )


def note_field() -> Any:
    """A free-text curator's note."""
    return pa.Field(
        nullable=True, description="Curator's note: counting method, caveats, date resolution."
    )


def range_ordered(df: pd.DataFrame) -> pd.Series[bool]:
    """True where ``low <= best <= high`` for the cells that are present."""
    low, best, high = df["low"], df["best"], df["high"]
    ok = pd.Series(True, index=df.index)
    ok &= ~(low.notna() & best.notna() & (low > best)).astype(bool)
    ok &= ~(best.notna() & high.notna() & (best > high)).astype(bool)
    ok &= ~(low.notna() & high.notna() & (low > high)).astype(bool)
    return ok


def best_present(df: pd.DataFrame) -> pd.Series[bool]:
    """True where ``best`` is given, or the row is a pure range with both ends given."""
    pure_range = (df["qualifier"] == "range") & df["low"].notna() & df["high"].notna()
    return (df["best"].notna() | pure_range).astype(bool)


def inside_country(df: pd.DataFrame, country_col: str = "country") -> pd.Series[bool]:
    """True where the point is empty or inside its country's bounding box."""
    ok = pd.Series(True, index=df.index)
    for country, box in COUNTRY_BOUNDS.items():
        rows = (df[country_col] == country) & df["latitude"].notna() & df["longitude"].notna()
        lat_ok = df["latitude"].between(*box["lat"])
        lon_ok = df["longitude"].between(*box["lon"])
        ok &= ~(rows & ~(lat_ok & lon_ok)).fillna(False).astype(bool)
    return ok


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters no text cell may hold: control characters (other than tab and line breaks),
# bidirectional embeddings, overrides and isolates (which can make text display reversed or
# disguised), and zero-width characters (invisible).
INVISIBLE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]"
# A name (of a site, nation, publisher, group or place) is plain text: no markup, no address.
NOT_A_NAME = r"[<>]|https?://|www\."


def plain_name(values: pd.Series[str]) -> pd.Series[bool]:
    """True where a name holds no ``<``, ``>`` or web address (names are drawn in charts and
    captions, where such text could turn into markup or a link)."""
    return values.isna() | ~values.str.contains(NOT_A_NAME, regex=True).fillna(False).astype(bool)


def _is_text(values: pd.Series[Any]) -> bool:
    return values.dtype == object or str(values.dtype) in ("str", "string")


class CleanText(pa.DataFrameModel):
    """Rules for every text cell of every table, inherited by each table's model."""

    @pa.check(".+", regex=True, name="no_surrounding_space")
    def no_surrounding_space(cls, values: pd.Series[Any]) -> pd.Series[bool]:
        if not _is_text(values):
            return pd.Series(True, index=values.index)
        return values.isna() | (values == values.str.strip())

    @pa.check(".+", regex=True, name="no_invisible_characters")
    def no_invisible_characters(cls, values: pd.Series[Any]) -> pd.Series[bool]:
        if not _is_text(values):
            return pd.Series(True, index=values.index)
        return ~values.str.contains(INVISIBLE, regex=True).fillna(False).astype(bool)

    @pa.check(".+", regex=True, name="no_formula_prefix")
    def no_formula_prefix(cls, values: pd.Series[Any]) -> pd.Series[bool]:
        # A cell a spreadsheet would run as a formula is almost surely a paste accident.
        if not _is_text(values):
            return pd.Series(True, index=values.index)
        return ~values.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
