"""Read the CSV tables, validate them against the schemas and return one typed dataset."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from posture.data.failures import DataValidationError, Failure
from posture.data.release import Release, current_release
from posture.data.rules import cross_table_failures
from schemas import TABLES, table_spec

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR_ENV = "POSTURE_DATA_DIR"
# Limits that keep a shared server responsive; the curated tables are far smaller.
MAX_FILE_BYTES = 50 << 20
MAX_ROWS = 100_000


def data_dir() -> Path:
    """Return the data directory: ``$POSTURE_DATA_DIR`` if set, else the repo's ``data/``."""
    return Path(os.environ.get(DATA_DIR_ENV) or REPO_ROOT / "data")


@dataclass(frozen=True)
class Dataset:
    """Every validated table (date columns parsed), read as ``dataset.<table>``."""

    tables: Mapping[str, pd.DataFrame]
    data_dir: str = ""
    # The release the files belong to (from the directory's CHANGELOG.md).
    release: Release = field(default_factory=Release)
    # Results derived from the whole dataset (not from any filter), computed once: see derived.
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables: Mapping[str, pd.DataFrame] = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(f"the dataset has no table {name!r}; tables are: {', '.join(tables)}")

    def derived(self, name: str, compute: Callable[[Dataset], Any]) -> Any:
        """``compute(self)``, computed on the first call for ``name`` and remembered with
        this dataset (which is never changed). Callers must not change the result."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        return self._derived[name]

    def table(self, name: str) -> pd.DataFrame:
        """Return the table called ``name``."""
        table_spec(name)  # a KeyError naming the tables that exist
        return self.tables[name]

    def row_counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: len(frame) for name, frame in self.tables.items()}

    @property
    def newest_source(self) -> pd.Timestamp:
        """The most recent date any source was published (or read, if none shows a date)."""
        published = self.sources["published"].dropna()
        newest = published.max() if len(published) else self.sources["accessed"].max()
        return pd.Timestamp(newest)


@dataclass
class RawTable:
    """A parsed CSV before validation: text cells and the file line each record starts on."""

    frame: pd.DataFrame
    lines: list[int]


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_csv(path: Path, name: str) -> tuple[RawTable | None, list[Failure]]:
    """Parse one CSV file into text cells, reporting problems the schema cannot see."""
    file = path.name
    if not path.is_file():
        return None, [Failure(file, None, None, "file_exists", "missing", f"expected {path}")]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        hint = f"the limit is {MAX_FILE_BYTES >> 20} MB; is this the right file?"
        return None, [Failure(file, None, None, "file_size", f"{size / 2**20:.0f} MB", hint)]
    data = path.read_bytes()
    try:
        # utf-8-sig accepts (and drops) a byte-order mark written by spreadsheet programs.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = _line_of_offset(data, err.start)
        bad = data[err.start : err.start + 4]
        hint = "save the file as UTF-8"
        return None, [Failure(file, line, None, "utf8_encoding", repr(bad), hint)]
    if not text.strip():
        return None, [Failure(file, None, None, "not_empty", "empty file", "add a header row")]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    failures: list[Failure] = []
    start = 1
    try:
        for record in reader:
            if record:
                records.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        failures.append(Failure(file, start, None, "csv_syntax", str(err), "check quotes"))
        return None, failures

    header, rows, lines = records[0], records[1:], lines[1:]
    expected = table_spec(name).columns
    if len(header) == 1 and len(expected) > 1 and ";" in header[0]:
        hint = "the file is separated by semicolons; use commas"
        return None, [Failure(file, 1, None, "comma_separated", header[0][:80], hint)]
    width = len(header)
    for record, line in zip(rows, lines, strict=True):
        if len(record) != width:
            value = f"{len(record)} fields, header has {width}"
            failures.append(Failure(file, line, None, "field_count", value, "check commas"))
    if failures:
        return None, failures
    if not rows:
        return None, [Failure(file, None, None, "has_rows", "header only", "add data rows")]
    if len(rows) > MAX_ROWS:
        hint = f"the limit is {MAX_ROWS:,} rows per table; is this the right file?"
        return None, [Failure(file, None, None, "row_count", f"{len(rows):,} rows", hint)]
    frame = pd.DataFrame(rows, columns=header, dtype="str")
    frame = frame.mask(frame == "")
    return RawTable(frame, lines), []


def _schema_failures(
    err: pa.errors.SchemaErrors, name: str, file: str, lines: list[int]
) -> list[Failure]:
    expected = table_spec(name).columns
    check_columns = table_spec(name).check_columns
    cases = err.failure_cases
    failures: set[Failure] = set()
    for case in cases.itertuples(index=False):
        check, column, value = str(case.check), case.column, case.failure_case
        if isinstance(value, str) and value.startswith("TypeError("):
            continue
        index = case.index
        row = int(index) if index is not None and not pd.isna(index) else None
        line = lines[row] if row is not None else None
        hint = ""
        if check == "column_in_schema":
            hint = _near_miss(str(value), expected) or (
                "not a column of this table; columns are: " + ", ".join(expected)
            )
            column, value, line = str(value), "unexpected column", 1
        elif check == "column_in_dataframe":
            hint = "add this column to the header"
            column, value, line = str(value), "missing column", 1
        elif case.schema_context == "DataFrameSchema":
            # pandera repeats a failing dataframe check once per column: report it once,
            # showing the cells the rule is about.
            shown = list(check_columns.get(check, ()))
            column = ", ".join(shown) or None
            if row is not None and shown:
                frame = err.data
                value = "; ".join(f"{c}={_show(frame.iloc[row][c])}" for c in shown if c in frame)
        failures.add(Failure(file, line, column, check, _show(value), hint))
    return sorted(failures, key=lambda f: (f.line or 0, f.column or "", f.rule))


def _near_miss(name: str, expected: list[str]) -> str:
    """A hint when a header differs from an expected column only in case, spaces or dashes."""
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    for column in expected:
        if column == key:
            return f"did you mean {column!r}? Headers are lower case, with underscores"
    return ""


def _show(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "empty"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _numeric_columns(name: str) -> dict[str, str]:
    columns = table_spec(name).model.to_schema().columns
    kinds = {}
    for column, spec in columns.items():
        dtype = str(spec.dtype).lower()
        if "int" in dtype:
            kinds[column] = "integer"
        elif "float" in dtype:
            kinds[column] = "number"
    return kinds


def _coerce_numbers(
    name: str, frame: pd.DataFrame, file: str, lines: list[int]
) -> tuple[pd.DataFrame, list[Failure]]:
    """Turn numeric columns into numbers, reporting (and blanking) cells that are not numbers.

    Doing this before pandera lets every other rule run on the rest of the column, so one
    typo does not hide the other problems.
    """
    failures = []
    frame = frame.copy()
    for column, kind in _numeric_columns(name).items():
        if column not in frame:
            continue
        text = frame[column]
        numbers = pd.to_numeric(text.str.strip(), errors="coerce")
        bad = text.notna() & numbers.isna()
        if kind == "integer":
            bad |= numbers.notna() & (numbers % 1 != 0)
        for index in frame.index[bad]:
            hint = "write a whole number without separators" if kind == "integer" else ""
            failures.append(Failure(file, lines[index], column, kind, _show(text[index]), hint))
        numbers = numbers.mask(bad)
        frame[column] = numbers.astype("Int64") if kind == "integer" else numbers
    return frame, failures


def validate_table(
    name: str, raw: RawTable, file: str
) -> tuple[pd.DataFrame | None, list[Failure]]:
    """Validate one parsed table with its schema, collecting every failure."""
    schema = table_spec(name).model
    frame, failures = _coerce_numbers(name, raw.frame, file, raw.lines)
    blanked = {(f.line, f.column) for f in failures}
    try:
        frame = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        found = _schema_failures(err, name, file, raw.lines)
        failures += [f for f in found if (f.line, f.column) not in blanked]
    return (None if failures else frame), failures


def read_table(name: str, directory: Path | None = None) -> pd.DataFrame:
    """Read and validate one table on its own (no cross-table rules); raise on failure."""
    path = (directory or data_dir()) / f"{name}.csv"
    raw, failures = parse_csv(path, name)
    frame = None
    if raw is not None:
        frame, failures = validate_table(name, raw, path.name)
    if failures or frame is None:
        raise DataValidationError(failures)
    return _typed(name, frame)


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in table_spec(name).date_columns():
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    return frame.reset_index(drop=True)


def read_dataset(directory: Path | str | None = None) -> Dataset:
    """Read, validate and cross-check every table; raise ``DataValidationError`` on problems."""
    directory = Path(directory) if directory else data_dir()
    frames: dict[str, pd.DataFrame] = {}
    lines: dict[str, list[int]] = {}
    failures: list[Failure] = []
    for name in TABLES:
        path = directory / f"{name}.csv"
        raw, parse_failures = parse_csv(path, name)
        failures += parse_failures
        if raw is None:
            continue
        frame, table_failures = validate_table(name, raw, path.name)
        failures += table_failures
        if frame is not None:
            frames[name] = _typed(name, frame)
            lines[name] = raw.lines
    # Cross-table rules run on every table that passed its own checks.
    failures += cross_table_failures(frames, lines)
    if failures:
        raise DataValidationError(failures)
    return Dataset(frames, data_dir=str(directory), release=current_release(directory))
