"""Schema of sources.csv: every publication a row of the dataset cites."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import SLUG_PATTERN, CleanText, date_field, plain_name, real_date
from schemas._table import TableSpec

# Source classes; see the README's "How to read the figures".
SOURCE_KINDS = [
    "official",
    "wire",
    "press",
    "monitor",
    "think_tank",
    "state_media",
    "partisan",
    "claimant",
    "reference",
]

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
        description="Who wrote it: the original outlet, also when the page read is a copy of it "
        "on another site (that site is in via)."
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
        description="Source class of the publisher: official (a government, armed force, "
        "parliament or international organisation speaking for itself), wire (AP, Reuters, AFP "
        "and similar agencies), press (independent outlets), monitor (systematic trackers such "
        "as SOHR or Crisis Group), think_tank, state_media (outlets a state party to the "
        "conflict or a partner of one controls; state says which), partisan (advocacy, "
        "militia-aligned or openly partisan outlets and blogs), claimant (an armed group "
        "speaking for itself) or reference (encyclopedias, maps).",
    )
    state: Series[str] = pa.Field(
        nullable=True,
        str_matches=r"^[A-Z]{3}$",
        description="For state_media: ISO 3166-1 alpha-3 code of the state that controls the "
        "outlet; empty otherwise.",
    )
    via: Series[str] = pa.Field(
        nullable=True,
        description="The site the page was read on when it is a copy of the publisher's work "
        "(a repost or syndication); empty when read on the publisher's own site.",
    )

    @pa.check("published", "accessed", name="real_date")
    def _real_date(cls, values: Series[str]) -> pd.Series[bool]:
        return real_date(values)

    @pa.dataframe_check(name="published_not_after_accessed")
    def _published_before_accessed(cls, df: pd.DataFrame) -> pd.Series[bool]:
        published = pd.to_datetime(df["published"], format="%Y-%m-%d", errors="coerce")
        accessed = pd.to_datetime(df["accessed"], format="%Y-%m-%d", errors="coerce")
        return ~(published > accessed).fillna(False).astype(bool)

    @pa.dataframe_check(name="state_with_state_media")
    def _state(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return ((df["kind"] == "state_media") == df["state"].notna()).astype(bool)

    @pa.check("publisher", "via", name="plain_name")
    def _plain_name(cls, values: Series[str]) -> pd.Series[bool]:
        return plain_name(values)

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
        "state_with_state_media": ("kind", "state"),
    },
    labels={
        "kind": {
            "official": "official",
            "wire": "wire agency",
            "press": "press",
            "monitor": "monitor",
            "think_tank": "think tank",
            "state_media": "state media",
            "partisan": "partisan outlet",
            "claimant": "armed group (claimant)",
            "reference": "reference work",
        }
    },
    order=0,
)
