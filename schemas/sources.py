"""Schema of sources.csv: every publication a row of the dataset cites."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import SLUG_PATTERN, CleanText, date_field, real_date
from schemas._table import TableSpec

SOURCE_KINDS = ["official", "wire", "press", "think_tank", "claimant", "reference"]

PRIMARY_KEY = ["source_id"]
FOREIGN_KEYS: dict[str, tuple[str, str]] = {}


class SourceSchema(CleanText):
    """One row per source document that was read."""

    source_id: Series[str] = pa.Field(
        unique=True,
        str_matches=SLUG_PATTERN,
        description="Unique slug naming the source, e.g. reuters-20240927-us-iraq-coalition-end.",
    )
    publisher: Series[str] = pa.Field(
        description="Who published it; a repost of wire copy names the wire (Reuters via X)."
    )
    title: Series[str] = pa.Field(
        description="Title of the page; a bracketed description where the page shows none."
    )
    url: Series[str] = pa.Field(
        str_matches=r"^https?://[^\s]+$",
        description="Address of the page as it was read (http or https only).",
    )
    published: Series[str] = date_field(
        "Publication date (YYYY-MM-DD); empty if the page shows none.", nullable=True
    )
    accessed: Series[str] = date_field("Date the page was read (YYYY-MM-DD).")
    kind: Series[str] = pa.Field(
        isin=SOURCE_KINDS,
        description="official, wire, press, think_tank, claimant (armed group) or reference.",
    )

    @pa.check("published", "accessed", name="real_date")
    def _real_date(cls, values: Series[str]) -> Series[bool]:
        return real_date(values)

    @pa.dataframe_check(name="published_not_after_accessed")
    def _published_before_accessed(cls, df: pd.DataFrame) -> Series[bool]:
        published = pd.to_datetime(df["published"], format="%Y-%m-%d", errors="coerce")
        accessed = pd.to_datetime(df["accessed"], format="%Y-%m-%d", errors="coerce")
        return ~(published > accessed).fillna(False).astype(bool)

    class Config:
        name = "sources"
        description = "Every publication cited by a row of the dataset."
        strict = True
        coerce = True


TABLE = TableSpec(
    name="sources",
    model=SourceSchema,
    title="Sources",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    check_columns={
        "published_not_after_accessed": ("published", "accessed"),
    },
    order=0,
)
