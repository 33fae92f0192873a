"""Filtered tables and the bytes users download: CSV, the dataset zip, the data dictionary."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd

from posture.data.dataset import Dataset
from schemas import REGISTRY

# Cells a spreadsheet would run as a formula start with one of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


def bundle_readme(dataset: Dataset, version: str, citation: str, view_url: str = "") -> str:
    """README.md placed in the dataset zip: coverage, licence, citation, how to cite sources."""
    from posture.data.docs import coverage_markdown

    link = f"\nView this came from: {view_url}\n" if view_url else ""
    return (
        f"# Coalition Posture in Iraq and Syria — dataset {version}\n\n"
        "Curated records of the US-led coalition's military posture in Iraq and Syria. "
        "Every row cites a source in `sources.csv` (publisher, title, URL, dates) and carries "
        "the supporting `quote`. Empty cells mean unknown, never zero.\n\n"
        "## Coverage\n\n"
        f"{coverage_markdown(dataset)}\n"
        "## Files\n\n"
        + "".join(f"- `{name}.csv`: {spec.description}\n" for name, spec in REGISTRY.items())
        + "- `datapackage.json`: Frictionless Data Package (v2) describing every column.\n"
        "- `CHANGELOG.md`: what each release changed; `releases/<version>.csv`: every row "
        "added, removed or changed in this release.\n"
        "- `CITATION.cff`: how to cite the dataset (Citation File Format).\n\n"
        "## Licence and citation\n\n"
        "Data: CC BY 4.0. Quotes are short excerpts of the cited publications, which remain "
        "their authors'. Cite the original source of each figure (see `sources.csv`) and this "
        f"dataset as:\n\n> {citation}\n{link}"
    )


def zip_name(version: str) -> str:
    """The dataset zip's file name, with its release: coalition-posture-dataset-v0.4.0.zip."""
    return f"coalition-posture-dataset-v{version}.zip"


def dataset_zip(
    dataset: Dataset, data_dir: Path, view_url: str = "", citation_file: Path | None = None
) -> bytes:
    """Every curated table (as downloaded: formula-safe), datapackage.json, a README, the
    changelog, the release's row-level changes (``releases/<version>.csv``) and CITATION.cff."""
    from posture.data.datapackage import citation, dataset_version, render_datapackage
    from posture.data.dataset import REPO_ROOT

    version = dataset_version(data_dir)
    extras = {
        "CHANGELOG.md": data_dir / "CHANGELOG.md",
        f"releases/{version}.csv": data_dir / "releases" / f"{version}.csv",
        "CITATION.cff": citation_file or REPO_ROOT / "CITATION.cff",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in REGISTRY:
            archive.writestr(f"{table}.csv", csv_bytes(dataset.table(table)))
        archive.writestr("datapackage.json", render_datapackage(data_dir))
        archive.writestr("README.md", bundle_readme(dataset, version, citation(version), view_url))
        for name, path in extras.items():
            if path.is_file():
                archive.write(path, name)
    return buffer.getvalue()
