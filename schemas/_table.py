"""What the code knows about one table, declared once beside its schema (``TABLE`` in each
``schemas/<table>.py``); readers, filters, rules, exports and documentation derive from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

# Values of a country column that name several countries, and the countries each one covers:
# a row about "Iraq and Syria" concerns Iraq and Syria, so picking either keeps it.
SHARED_SCOPES: dict[str, tuple[str, ...]] = {
    "Iraq and Syria": ("Iraq", "Syria"),
    "Iraq, Syria and Jordan": ("Iraq", "Syria", "Jordan"),
    # Claims of attacks "on bases in Iraq and across the region": of the countries shown here,
    # only Iraq is named.
    "Iraq and the region": ("Iraq",),
}


def covered_countries(value: object) -> tuple[str, ...]:
    """The countries a country cell concerns (itself, or those of a shared scope)."""
    if not isinstance(value, str):
        return ()
    return SHARED_SCOPES.get(value, (value,))


@dataclass(frozen=True)
class TableSpec:
    """One table of the dataset: its model and every fact the code needs about it.

    ``actual_rows`` marks the rows that report something that happened (not a plan) on
    ``date_column``; None means the table holds no dated facts. ``labels`` maps a column's
    codes to the words shown to readers (CSV downloads keep the codes). ``check_columns``
    names the cells an error report shows for each table-wide check.
    """

    name: str
    model: type[pa.DataFrameModel]
    title: str
    primary_key: tuple[str, ...]
    foreign_keys: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    country_column: str | None = None
    date_column: str | None = None
    actual_rows: Callable[[pd.DataFrame], pd.Series] | None = None
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    check_columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    order: int = 100

    @property
    def cites_sources(self) -> bool:
        """Whether every row names its source in ``source_id``."""
        return self.foreign_keys.get("source_id") == ("sources", "source_id")

    @property
    def description(self) -> str:
        """The model's one-line description."""
        return self.model.to_schema().description or ""

    @property
    def columns(self) -> list[str]:
        """Column names, in file order."""
        return list(self.model.to_schema().columns)

    def date_columns(self) -> list[str]:
        """Columns that hold YYYY-MM-DD dates."""
        columns = self.model.to_schema().columns
        return [n for n, c in columns.items() if (c.metadata or {}).get("format") == "date"]

    def enum_values(self, column: str) -> list[str]:
        """The allowed values of an enumerated column (empty if it is not one)."""
        spec = self.model.to_schema().columns[column]
        for check in spec.checks:
            if check.name == "isin":
                return list((check.statistics or {})["allowed_values"])
        return []


def every_row(frame: pd.DataFrame) -> pd.Series:
    """``actual_rows`` of a table whose rows all report what happened."""
    return pd.Series(True, index=frame.index)
