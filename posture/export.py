"""Filtered tables and the bytes users download: CSV, the dataset zip, the data dictionary."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from posture.io import TABLES, Dataset, date_columns
from schemas import SCHEMAS

# Column holding each table's country and date (None: the table has none).
COUNTRY_COLUMN = {
    "troop_levels": "country",
    "bases": "country",
    "base_events": None,  # through its base
    "nations": None,
    "contributions": "deployed_to",
    "incidents": "country",
    "attack_counts": "country",
    "milestones": "country",
    "sources": None,
}
DATE_COLUMN = {
    "troop_levels": "as_of",
    "base_events": "date",
    "contributions": "as_of",
    "incidents": "date",
    "attack_counts": "period_end",
    "milestones": "date",
}
# Cells a spreadsheet would run as a formula start with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _country_mask(values: pd.Series, countries: list[str]) -> pd.Series:
    """Rows about any of ``countries``; a combined scope such as 'Iraq and Syria' counts."""
    mask = pd.Series(False, index=values.index)
    for country in countries:
        mask |= values.fillna("").str.contains(country, regex=False)
    return mask


def filter_table(
    dataset: Dataset,
    table: str,
    countries: list[str] | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    search: str | None = None,
) -> pd.DataFrame:
    """One table restricted to countries, a date range and a free-text search.

    Tables without a country or date follow the rows that refer to them: base events by their
    base, nations by their contributions, sources by the filtered rows that cite them.
    """
    if table == "sources":
        cited: set[str] = set()
        for other in TABLES:
            if other != "sources" and "source_id" in dataset.table(other):
                rows = filter_table(dataset, other, countries, start, end)
                cited |= set(rows["source_id"])
        frame = dataset.sources
        if countries is not None or start is not None or end is not None:
            frame = frame[frame["source_id"].isin(cited)]
    elif table == "nations":
        contributions = filter_table(dataset, "contributions", countries, start, end)
        frame = dataset.nations
        if countries is not None or start is not None or end is not None:
            frame = frame[frame["iso3"].isin(set(contributions["iso3"]))]
    else:
        frame = dataset.table(table)
        if countries is not None:
            column = COUNTRY_COLUMN[table]
            if column:
                frame = frame[_country_mask(frame[column], countries)]
            elif table == "base_events":
                bases = dataset.bases
                keep = set(bases.loc[bases["country"].isin(countries), "base_id"])
                frame = frame[frame["base_id"].isin(keep)]
        column = DATE_COLUMN.get(table)
        if column and start is not None:
            frame = frame[frame[column] >= pd.Timestamp(start)]
        if column and end is not None:
            frame = frame[frame[column] <= pd.Timestamp(end)]
    if search:
        frame = search_rows(frame, search)
    return frame.reset_index(drop=True)


def search_rows(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any text cell contains ``text`` (case-insensitive)."""
    needle = text.strip().lower()
    if not needle:
        return frame
    mask = pd.Series(False, index=frame.index)
    for column in frame.columns:
        if frame[column].dtype == object or str(frame[column].dtype) in ("str", "string"):
            mask |= (
                frame[column].fillna("").astype(str).str.lower().str.contains(needle, regex=False)
            )
    return frame[mask]


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells a spreadsheet would run as a formula with an apostrophe.

    Only text columns are touched; numbers, including negative ones, stay numbers.
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype == object or str(values.dtype) in ("str", "string"):
            text = values.astype("string")
            risky = text.str.startswith(FORMULA_PREFIXES).fillna(False).astype(bool)
            if risky.any():
                out[column] = text.mask(risky, "'" + text)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The CSV a user downloads: UTF-8, dates as YYYY-MM-DD, empty for unknown, safe to open."""
    out = neutralise_formulas(frame)
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].dt.strftime("%Y-%m-%d")
    # CRLF (RFC 4180) line ends make the writer quote any cell holding a carriage return.
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def export_table(
    dataset: Dataset,
    table: str,
    countries: list[str] | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    search: str | None = None,
) -> bytes:
    """Bytes of ``python -m posture export`` and of the Data page's download button."""
    return csv_bytes(filter_table(dataset, table, countries, start, end, search))


def data_dictionary() -> pd.DataFrame:
    """Every column of every table with its type, rule and meaning, from the schemas."""
    from posture.datapackage import table_fields
    from posture.docs import _constraint_text

    rows = []
    for table in TABLES:
        for field in table_fields(table):
            rows.append(
                {
                    "table": table,
                    "column": field["name"],
                    "type": field["type"],
                    "rule": _constraint_text(field),
                    "meaning": field["description"],
                }
            )
    return pd.DataFrame(rows)


def bundle_readme(dataset: Dataset, version: str, citation: str, view_url: str = "") -> str:
    """README.md placed in the dataset zip: coverage, licence, citation, how to cite sources."""
    from posture.docs import coverage_markdown

    link = f"\nView this came from: {view_url}\n" if view_url else ""
    return (
        f"# Coalition Posture in Iraq and Syria — dataset {version}\n\n"
        "Curated records of the US-led coalition's military posture in Iraq and Syria. "
        "Every row cites a source in `sources.csv` (publisher, title, URL, dates) and carries "
        "the supporting `quote`. Empty cells mean unknown, never zero.\n\n"
        "## Coverage\n\n"
        f"{coverage_markdown(dataset)}\n"
        "## Files\n\n"
        + "".join(f"- `{t}.csv`: {SCHEMAS[t].to_schema().description}\n" for t in TABLES)
        + "- `datapackage.json`: Frictionless Data Package (v2) describing every column.\n\n"
        "## Licence and citation\n\n"
        "Data: CC BY 4.0. Quotes are short excerpts of the cited publications, which remain "
        "their authors'. Cite the original source of each figure (see `sources.csv`) and this "
        f"dataset as:\n\n> {citation}\n{link}"
    )


def dataset_zip(dataset: Dataset, data_dir: Path, view_url: str = "") -> bytes:
    """Every curated table (as downloaded: formula-safe), datapackage.json and a README."""
    from posture.datapackage import citation, dataset_version, render_datapackage

    version = dataset_version(data_dir)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            archive.writestr(f"{table}.csv", csv_bytes(dataset.table(table)))
        archive.writestr("datapackage.json", render_datapackage(data_dir))
        archive.writestr("README.md", bundle_readme(dataset, version, citation(version), view_url))
    return buffer.getvalue()


__all__ = [
    "COUNTRY_COLUMN",
    "DATE_COLUMN",
    "bundle_readme",
    "csv_bytes",
    "data_dictionary",
    "dataset_zip",
    "date_columns",
    "export_table",
    "filter_table",
    "neutralise_formulas",
    "search_rows",
]
