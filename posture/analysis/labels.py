"""The words readers see for the codes in the data: one mapping per column, from the schemas.

Each table declares its codes' labels beside its schema (``TableSpec.labels``); this module
merges them into one vocabulary per column name, adds the codes the analysis derives (a
site's status on a date), and applies it to what is shown on screen: tables, legends and
filters. CSV downloads keep the codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from schemas import REGISTRY, TableSpec

# Codes made by the analysis, not stored in a table.
DERIVED: dict[str, dict[str, str]] = {
    "status": {
        "held": "held (a report in the last 12 months)",
        "unconfirmed": "unconfirmed (no report in 12 months)",
        "left": "handed over or vacated",
        "not yet": "no report yet",
    },
}


class VocabularyConflict(ValueError):
    """Two tables give one code of the same column different words."""


def merge(
    specs: Iterable[TableSpec], derived: Mapping[str, Mapping[str, str]]
) -> dict[str, dict[str, str]]:
    """One ``{column: {code: label}}`` from every table's labels and the derived ones.

    Raises :class:`VocabularyConflict` when a column's code is labelled two ways (a reader
    would see one code under two names), naming both tables and how to fix it.
    """
    merged: dict[str, dict[str, str]] = {}
    origin: dict[tuple[str, str], str] = {}
    tables = [(spec.name, spec.labels) for spec in specs] + [("derived", derived)]
    for table, labels in tables:
        for column, codes in labels.items():
            into = merged.setdefault(column, {})
            for code, label in codes.items():
                if code in into and into[code] != label:
                    raise VocabularyConflict(
                        f"Column {column!r}: code {code!r} is labelled {into[code]!r} in "
                        f"{origin[column, code]} and {label!r} in {table}. Give the code one "
                        "label in both schemas' TABLE labels."
                    )
                into[code] = label
                origin.setdefault((column, code), table)
    return merged


VOCABULARY: dict[str, dict[str, str]] = merge(REGISTRY.values(), DERIVED)
# Views show a source's class next to each row under these names.
for _column in ("source_class", "plan_source_class", "outcome_source_class"):
    VOCABULARY[_column] = dict(REGISTRY["sources"].labels["kind"])


def label(column: str, code: object) -> str:
    """The words for ``code`` in ``column`` (the code itself when it has no label)."""
    if not isinstance(code, str):
        return "" if code is None or (isinstance(code, float) and pd.isna(code)) else str(code)
    return VOCABULARY.get(column, {}).get(code, code)


def formatter(column: str) -> Callable[[str], str]:
    """A ``format_func`` for a filter over ``column``'s codes."""
    return lambda code: label(column, code)


def humanize(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every labelled column's codes replaced by their words."""
    out = frame.copy()
    for column in out.columns:
        codes = VOCABULARY.get(str(column))
        if codes and not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(lambda v, c=codes: c.get(v, v))
    return out
