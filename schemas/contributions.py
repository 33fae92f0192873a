"""Schema of contributions.csv: a nation's dated deployment, role and size."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import (
    QUALIFIER_LABELS,
    QUALIFIERS,
    CleanText,
    count_field,
    date_field,
    enum_field,
    note_field,
    plain_name,
    quote_field,
    range_ordered,
    real_date,
    source_field,
)
from schemas._table import TableSpec

DEPLOYED_TO = ["Iraq", "Syria", "Kuwait", "Jordan"]
MISSIONS = ["OIR", "NMI", "bilateral"]
CONTRIBUTION_KINDS = ["actual", "reduced", "ended", "planned", "cap"]

PRIMARY_KEY = ["iso3", "deployed_to", "mission", "as_of", "kind", "source_id", "role"]
FOREIGN_KEYS = {"iso3": ("nations", "iso3"), "source_id": ("sources", "source_id")}


class ContributionSchema(CleanText):
    """One dated contribution by one nation."""

    iso3: Series[str] = pa.Field(description="The nation, as iso3 in nations.csv.")
    deployed_to: Series[str] = enum_field(DEPLOYED_TO, "Country the personnel are in.")
    mission: Series[str] = enum_field(
        MISSIONS,
        "OIR (Operation Inherent Resolve), NMI (NATO Mission Iraq) or bilateral.",
    )
    role: Series[str] = pa.Field(description="What the personnel do, in a few words.")
    as_of: Series[str] = date_field("Date the contribution is reported for (YYYY-MM-DD).")
    low: Series[pd.Int64Dtype] = count_field("Lower end of a personnel range; empty if none.")
    best: Series[pd.Int64Dtype] = count_field("Personnel figure the source gives; empty if none.")
    high: Series[pd.Int64Dtype] = count_field("Upper end of a personnel range; empty if none.")
    qualifier: Series[str] = enum_field(
        QUALIFIERS, "How the source qualifies the figure; empty without a figure.", nullable=True
    )
    kind: Series[str] = enum_field(
        CONTRIBUTION_KINDS,
        "actual (reported as there or done), reduced (some personnel reported leaving; the "
        "figure counts those leaving), ended (the contribution reported ended or all its "
        "personnel gone), planned (announced or pledged, not yet there) or cap (an authorised "
        "maximum, such as a parliamentary mandate ceiling).",
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

    @pa.dataframe_check(name="qualifier_with_figure")
    def _qualified(cls, df: pd.DataFrame) -> pd.Series[bool]:
        has_figure = df["low"].notna() | df["best"].notna() | df["high"].notna()
        return (has_figure == df["qualifier"].notna()).astype(bool)

    @pa.check("role", name="plain_name")
    def _plain_name(cls, values: Series[str]) -> pd.Series[bool]:
        return plain_name(values)

    class Config:
        name = "contributions"
        description = "Dated contributions of personnel by nation, mission and deployment country."
        strict = True
        coerce = True
        unique = PRIMARY_KEY


TABLE = TableSpec(
    name="contributions",
    model=ContributionSchema,
    title="Contributions",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    country_column="deployed_to",
    date_column="as_of",
    actual_rows=lambda frame: frame["kind"] == "actual",
    check_columns={
        "low_le_best_le_high": ("low", "best", "high"),
        "qualifier_with_figure": ("qualifier", "low", "best", "high"),
    },
    labels={
        "kind": {
            "actual": "actual",
            "reduced": "reduced (figure = leaving)",
            "ended": "ended",
            "planned": "planned",
            "cap": "authorised maximum",
        },
        "mission": {"OIR": "OIR", "NMI": "NATO Mission Iraq", "bilateral": "bilateral"},
        "qualifier": QUALIFIER_LABELS,
    },
    order=5,
)
