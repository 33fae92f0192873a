"""Schema of nations.csv: countries that contributed personnel."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas._common import CleanText, plain_name
from schemas._table import TableSpec

PRIMARY_KEY = ["iso3"]
FOREIGN_KEYS: dict[str, tuple[str, str]] = {}


class NationSchema(CleanText):
    """One contributing nation."""

    iso3: Series[str] = pa.Field(
        unique=True, str_matches=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code."
    )
    name: Series[str] = pa.Field(unique=True, description="Short English name.")

    @pa.check("name", name="plain_name")
    def _plain_name(cls, values: Series[str]) -> pd.Series[bool]:
        return plain_name(values)

    class Config:
        name = "nations"
        description = "Nations with personnel in the coalition or NATO Mission Iraq."
        strict = True
        coerce = True


TABLE = TableSpec(
    name="nations",
    model=NationSchema,
    title="Nations",
    primary_key=tuple(PRIMARY_KEY),
    foreign_keys=FOREIGN_KEYS,
    order=4,
)
