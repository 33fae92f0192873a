"""Import a user's own ACLED or UCDP export as a local layer (Parquet under POSTURE_USER_DIR).

What the file is (vintage, separator, decimal mark, encoding, date format) is detected from its
first megabyte (``formats``). Rows are then read in blocks with pyarrow, mapped to the
imported-events schema and validated; a row the layer cannot place (no id, date or coordinates,
or a point outside its country) is rejected, a cell that cannot be read otherwise is left empty
and the row kept, and the source's fatality estimates are kept as given (``estimate_order``
says when low ≤ best ≤ high does not hold). The layer is written to a uniquely named temporary
file that replaces it only when the import succeeds and keeps rows, with the user directory
locked so that imports never overlap (``storage``). Rows outside Iraq, Syria and Jordan are
counted and left out. These files are the user's and are never redistributed.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from posture.data.dataset import REPO_ROOT
from posture.data.export import neutralise_formulas
from posture.imports import formats, storage
from posture.imports.formats import COLUMNS, MISSING, DateFormat, DateStyle, FileFormat
from schemas.imported_events import COUNTRY_BOUNDS, ImportedEventSchema, estimate_order

if TYPE_CHECKING:
    from _csv import Writer

USER_DIR_ENV = "POSTURE_USER_DIR"
AREA = ("Iraq", "Syria", "Jordan")
EARTH_RADIUS_KM = 6371.0088
BLOCK_BYTES = 32 << 20
ORIGINS = list(COLUMNS)
# What the page calls each layer, and the terms it is under (one place for every page).
LABEL = {"acled": "ACLED events (imported)", "ucdp": "UCDP GED events (imported)"}
TERMS = {
    "acled": "your own ACLED export, under ACLED's terms of use",
    "ucdp": "your own UCDP GED download, CC BY 4.0 (cite UCDP)",
}
LICENCE = {
    "acled": "ACLED data: your own export under ACLED's terms of use; kept on this machine and "
    "never included in the dataset downloads.",
    "ucdp": "UCDP GED data: your own download (CC BY 4.0, cite UCDP); kept on this machine and "
    "never included in the dataset downloads.",
}
UCDP_VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
UCDP_DATE_PREC = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
ACLED_TIME_PREC = {"1": "day", "2": "week", "3": "month"}
CODES = {
    ("acled", "date_precision"): ACLED_TIME_PREC,
    ("ucdp", "date_precision"): UCDP_DATE_PREC,
    ("ucdp", "event_type"): UCDP_VIOLENCE,
}
GEO_PRECISION = {"acled": (1, 3), "ucdp": (1, 7)}
# Dates a layer can hold (nanosecond timestamps reach 1677-09-21 to 2262-04-11).
FIRST_DATE, LAST_DATE = np.datetime64("1678-01-01", "s"), np.datetime64("2261-12-31", "s")
OUTPUT_COLUMNS = list(ImportedEventSchema.to_schema().columns)
ARROW_SCHEMA = pyarrow.schema(
    [
        ("origin", pyarrow.string()),
        ("origin_id", pyarrow.string()),
        ("date", pyarrow.timestamp("ns")),
        ("date_precision", pyarrow.string()),
        ("country", pyarrow.string()),
        ("admin1", pyarrow.string()),
        ("location", pyarrow.string()),
        ("latitude", pyarrow.float64()),
        ("longitude", pyarrow.float64()),
        ("geo_precision", pyarrow.int64()),
        ("event_type", pyarrow.string()),
        ("actor", pyarrow.string()),
        ("fatalities_low", pyarrow.int64()),
        ("fatalities_best", pyarrow.int64()),
        ("fatalities_high", pyarrow.int64()),
        ("estimate_order", pyarrow.string()),
        ("source", pyarrow.string()),
        ("nearest_base_id", pyarrow.string()),
        ("distance_km", pyarrow.float64()),
    ]
)
REJECTS_HEADER = ["record", "line", "outcome", "column", "value", "reason"]


class ImportError_(Exception):
    """The file cannot be imported; the message says what is wrong and how to fix it."""


@dataclass
class ImportReport:
    """What an import did: what the file was, counts, timing and where its files are."""

    origin: str
    source_file: str
    read: int = 0
    kept: int = 0
    out_of_area: int = 0
    rejected: int = 0
    seconds: float = 0.0
    layer: str = ""
    rejects: str = ""
    reasons: dict[str, int] = field(default_factory=dict)
    detected: list[str] = field(default_factory=list)
    emptied: int = 0
    notes: dict[str, int] = field(default_factory=dict)
    estimates_out_of_order: int = 0
    stale_removed: int = 0
    origin_column: str = ""
    # Data records (0-based) written to the rejects file, to find their text lines.
    reject_rows: list[int] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        """One line of counts, as the command prints it."""
        return (
            f"{self.origin}: read {self.read:,}, kept {self.kept:,}, "
            f"out of area {self.out_of_area:,}, rejected {self.rejected:,} "
            f"in {self.seconds:.1f} s -> {self.layer}"
            + (
                f" (rows rejected or with a cell left empty: {self.rejects})"
                if self.rejects
                else ""
            )
        )

    def details(self) -> list[str]:
        """Why rows were rejected or cells left empty (most first), and what was cleaned up."""
        lines = []
        if self.stale_removed:
            lines.append(f"removed {self.stale_removed} temporary file(s) of an interrupted import")
        for reason, count in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"  rejected {count:,}: {reason}")
        for reason, count in sorted(self.notes.items(), key=lambda kv: -kv[1]):
            lines.append(f"  kept {count:,} with a cell left empty: {reason}")
        if self.estimates_out_of_order:
            lines.append(
                f"  kept {self.estimates_out_of_order:,} whose low/best/high estimates are out "
                "of order in the source (flagged in column estimate_order)"
            )
        return lines


def user_dir() -> Path:
    """Where imported layers live: ``$POSTURE_USER_DIR`` or ``.posture/`` in the repo."""
    return Path(os.environ.get(USER_DIR_ENV) or REPO_ROOT / ".posture")


def layer_path(origin: str, directory: Path | None = None) -> Path:
    """The Parquet file of an origin's layer."""
    return (directory or user_dir()) / f"{origin}.parquet"


def rejects_path(origin: str, directory: Path | None = None) -> Path:
    """The CSV of the last import's rejected rows and rows kept with a cell left empty."""
    return (directory or user_dir()) / f"{origin}_rejects.csv"


def available_layers(directory: Path | None = None) -> list[str]:
    """Origins that have a readable imported layer."""
    return [
        o
        for o in ORIGINS
        if layer_path(o, directory).is_file() and not _unreadable_layer(o, directory)
    ]


def broken_layers(directory: Path | None = None) -> dict[str, str]:
    """Origin -> why its layer file cannot be read (a file damaged outside the importer)."""
    found = {}
    for origin in ORIGINS:
        if layer_path(origin, directory).is_file():
            error = _unreadable_layer(origin, directory)
            if error:
                found[origin] = error
    return found


def _unreadable_layer(origin: str, directory: Path | None) -> str:
    """'' when the layer's Parquet footer reads (cheap: the footer only), else the error."""
    try:
        pq.read_metadata(layer_path(origin, directory))
    except (OSError, pyarrow.ArrowException) as err:
        return str(err) or type(err).__name__
    return ""


def read_layer(origin: str, directory: Path | None = None) -> pd.DataFrame:
    """The imported layer of ``origin`` as a frame (layers of older imports gain new columns)."""
    table = pq.read_table(layer_path(origin, directory))
    for index, column in enumerate(ARROW_SCHEMA):
        if column.name not in table.column_names:
            table = table.add_column(index, column, pyarrow.nulls(table.num_rows, column.type))
    frame: pd.DataFrame = table.to_pandas(types_mapper=_types)
    return frame


def _types(dtype: pyarrow.DataType) -> pd.Int64Dtype | None:
    if dtype == pyarrow.int64():
        return pd.Int64Dtype()
    return None


def nearest_bases(
    lat: np.ndarray, lon: np.ndarray, bases: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest located base id and great-circle distance (km) for each point.

    The nearest base is picked on a local flat projection (exact enough at these distances),
    then its distance is computed with the haversine formula.
    """
    located = bases[bases["latitude"].notna()]
    if located.empty or len(lat) == 0:
        return np.full(len(lat), None, dtype=object), np.full(len(lat), np.nan)
    blat = located["latitude"].to_numpy(float)
    blon = located["longitude"].to_numpy(float)
    lat32, lon32 = np.nan_to_num(lat).astype(np.float32), np.nan_to_num(lon).astype(np.float32)
    scale = np.cos(np.radians(lat32))[:, None]
    dlat = lat32[:, None] - blat.astype(np.float32)[None, :]
    dlon = (lon32[:, None] - blon.astype(np.float32)[None, :]) * scale
    best = np.argmin(dlat * dlat + dlon * dlon, axis=1)
    p1, p2 = np.radians(lat), np.radians(blat[best])
    dl = np.radians(blon[best] - lon)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    ids = located["base_id"].to_numpy(object)[best]
    invalid = np.isnan(lat) | np.isnan(lon)
    ids[invalid] = None
    distance[invalid] = np.nan
    return ids, np.round(distance, 1)


NUMBER = r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$"


def _text(array: pyarrow.Array) -> pyarrow.Array:
    """Trimmed text; empty cells become null (the reader already made 'NA' and the like null)."""
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pyarrow.scalar(None, pyarrow.string()), trimmed)


def _numbers(text: pyarrow.Array, decimal: str = ".") -> tuple[pyarrow.Array, np.ndarray]:
    """Floats from trimmed text; second value marks cells that had text but no number."""
    if decimal == ",":
        text = pc.replace_substring(text, ",", ".")
    ok = pc.fill_null(pc.match_substring_regex(text, NUMBER), False)
    cleaned = pc.if_else(ok, text, pyarrow.scalar(None, pyarrow.string()))
    bad = pc.and_(pc.is_valid(text), pc.invert(ok))
    return pc.cast(cleaned, pyarrow.float64()), bad.to_numpy(zero_copy_only=False)


def _ints(text: pyarrow.Array) -> tuple[pd.api.extensions.ExtensionArray, np.ndarray]:
    """Whole numbers from trimmed text; second value marks text that is not a whole number."""
    values, bad = _numbers(text)
    floats = values.to_numpy(zero_copy_only=False)
    fractional = ~np.isnan(floats) & (np.mod(floats, 1) != 0)
    out = pd.array(np.where(fractional, np.nan, floats), dtype="Float64").astype(pd.Int64Dtype())
    return out, bad | fractional


def _parse_dates(text: pyarrow.Array, style: DateStyle) -> pyarrow.Array:
    source = pc.utf8_slice_codeunits(text, 0, 10) if style.first_ten else text
    parsed = pc.strptime(source, style.format, "s", error_is_null=True)
    # A two-digit year read by a four-digit format ('9-May-20' as year 20) is not a reading.
    return pc.if_else(pc.less(pc.year(parsed), 100), pyarrow.scalar(None, parsed.type), parsed)


def _dates(text: pyarrow.Array, dates: DateFormat) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Dates in the file's format (others tried on cells it does not read).

    Returns the dates, cells that are no date, and dates a layer cannot hold (out of range).
    """
    parsed = _parse_dates(text, dates.primary)
    for style in dates.fallbacks:
        if not pc.any(pc.and_(pc.is_null(parsed), pc.is_valid(text))).as_py():
            break
        parsed = pc.coalesce(parsed, _parse_dates(text, style))
    outside = pc.fill_null(
        pc.or_(
            pc.less(parsed, pyarrow.scalar(FIRST_DATE, parsed.type)),
            pc.greater(parsed, pyarrow.scalar(LAST_DATE, parsed.type)),
        ),
        False,
    )
    parsed = pc.if_else(outside, pyarrow.scalar(None, parsed.type), parsed)
    unread = pc.and_(pc.is_valid(text), pc.is_null(parsed))
    outside_np = outside.to_numpy(zero_copy_only=False)
    bad = unread.to_numpy(zero_copy_only=False) & ~outside_np
    values = pd.Series(parsed.cast(pyarrow.timestamp("ns")).to_numpy(zero_copy_only=False))
    return values.astype("datetime64[ns]"), bad, outside_np


def _coded(text: pyarrow.Array, codes: dict[str, str]) -> tuple[pd.Series, np.ndarray]:
    """Words for an origin's codes ('1.0' reads as '1'); second value marks unknown codes."""
    keys = pyarrow.array(list(codes))
    index = pc.index_in(text, value_set=keys)
    unknown = pc.and_(pc.is_valid(text), pc.is_null(index))
    if pc.any(unknown).as_py():
        # Codes written as decimals by a spreadsheet or R ('1.0'): read them as whole codes.
        text = pc.replace_substring_regex(text, r"^(\d+)\.0*$", r"\1")
        index = pc.index_in(text, value_set=keys)
        unknown = pc.and_(pc.is_valid(text), pc.is_null(index))
    words = pc.take(pyarrow.array(list(codes.values())), index)
    return (
        pd.Series(words.to_pandas(types_mapper=pd.ArrowDtype), dtype="str"),
        unknown.to_numpy(zero_copy_only=False),
    )


def _series(array: pyarrow.Array) -> pd.Series:
    return pd.Series(array.to_pandas(types_mapper=pd.ArrowDtype), dtype="str")


@dataclass
class Problem:
    """Rows of a batch with one kind of bad cell; rejected rows, or kept with the cell empty."""

    column: str
    kind: str
    mask: np.ndarray
    template: str
    reject: bool
    values: pyarrow.Array | None = None
    # Per-row words for the sentence beside the value (the record a duplicate repeats).
    extra: np.ndarray | None = None

    def texts(self, positions: np.ndarray) -> dict[int, tuple[str, str]]:
        """Position -> (the cell's value, a plain sentence naming it) for flagged rows."""
        hits = positions[self.mask[positions]]
        if not len(hits):
            return {}
        cells = (
            self.values.take(pyarrow.array(hits)).to_pylist()
            if self.values is not None
            else [""] * len(hits)
        )
        extras = self.extra[hits] if self.extra is not None else [""] * len(hits)
        return {
            int(i): (
                "" if v is None else str(v),
                self.template.format(column=self.column, value=v, extra=e),
            )
            for i, v, e in zip(hits, cells, extras, strict=True)
        }


# Free text with no rule beyond 'may be empty' stays in Arrow: converting a million strings to
# pandas and back costs more than everything the schema checks on the other columns. The
# origin and estimate_order are the import's own values, and its table-wide rules (a point
# inside its country, estimate_order matching the estimates) are applied by the mapping itself
# with plain reasons, so the schema that checks each batch leaves them out.
FREE_TEXT = ("admin1", "location", "actor", "source")
OWN_VALUES = ("origin", "estimate_order")
_FULL_SCHEMA = ImportedEventSchema.to_schema().remove_columns([*FREE_TEXT, *OWN_VALUES])
CHECKED_SCHEMA = pa.DataFrameSchema(
    _FULL_SCHEMA.columns,
    checks=[],
    strict=_FULL_SCHEMA.strict,
    coerce=_FULL_SCHEMA.coerce,
    name=_FULL_SCHEMA.name,
)
EMPTY = " left empty"


def map_batch(
    fmt: FileFormat, raw: pyarrow.Table
) -> tuple[pd.DataFrame, list[Problem], dict[str, pyarrow.Array]]:
    """Map an export's raw text columns to the imported shape.

    Second value: the problems found, each a mask of rows; rejected ones the layer cannot place,
    the others are kept with the cell left empty.
    """
    origin, n = fmt.origin, raw.num_rows
    names = fmt.columns

    def text(field_name: str) -> pyarrow.Array:
        if field_name not in names:
            return pyarrow.nulls(n, pyarrow.string())
        return _text(raw.column(names[field_name]).combine_chunks())

    columns: dict[str, object] = {}
    problems: list[Problem] = []
    free: dict[str, pyarrow.Array] = {}

    ids = text("origin_id")
    columns["origin_id"] = _series(ids)
    id_col = fmt.show(names["origin_id"])
    problems.append(
        Problem(id_col, "empty", pc.is_null(ids).to_numpy(zero_copy_only=False),
                "{column}: empty (the row has no id)", True)
    )  # fmt: skip

    dates = text("date")
    columns["date"], unread, outside = _dates(dates, fmt.dates)
    date_col = fmt.show(names["date"])
    problems += [
        Problem(date_col, "empty", pc.is_null(dates).to_numpy(zero_copy_only=False),
                "{column}: empty (the row has no date)", True),
        Problem(date_col, "not a date", unread,
                f"{{column}}: cannot read {{value!r}} as a date (this file's dates: "
                f"{fmt.dates.found})", True, dates),
        Problem(date_col, "outside the dates a layer can hold (1678 to 2261)", outside,
                "{column}: {value!r} is outside the dates a layer can hold (1678 to 2261)",
                True, dates),
    ]  # fmt: skip

    for field_name, limit in (("latitude", 90), ("longitude", 180)):
        cells = text(field_name)
        values, bad = _numbers(cells, fmt.decimal)
        floats = values.to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore"):
            far = np.abs(floats) > limit
        floats = np.where(far, np.nan, floats)
        columns[field_name] = floats
        column = fmt.show(names[field_name])
        problems += [
            Problem(column, "empty", pc.is_null(cells).to_numpy(zero_copy_only=False),
                    "{column}: empty (the row has no coordinates)", True),
            Problem(column, "not a number", bad, "{column}: {value!r} is not a number", True,
                    cells),
            Problem(column, f"beyond ±{limit}", far,
                    f"{{column}}: {{value}} is not a {field_name} (beyond ±{limit})", True,
                    cells),
        ]  # fmt: skip

    for field_name in ("date_precision", "event_type"):
        cells = text(field_name)
        codes = CODES.get((origin, field_name))
        if codes is None:
            columns[field_name] = _series(cells)
            continue
        columns[field_name], unknown = _coded(cells, codes)
        known = ", ".join(codes)
        problems.append(
            Problem(fmt.show(names[field_name]), "unknown code", unknown,
                    f"{{column}}: unknown code {{value!r}} (known: {known});" + EMPTY, False,
                    cells)
        )  # fmt: skip

    low_high = GEO_PRECISION[origin]
    for field_name in ("geo_precision", "fatalities_low", "fatalities_best", "fatalities_high"):
        if field_name not in names:
            columns[field_name] = pd.array([pd.NA] * n, dtype="Int64")
            continue
        cells = text(field_name)
        values, bad = _ints(cells)
        column = fmt.show(names[field_name])
        # As floats, an empty cell is NaN, which no comparison flags.
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        if field_name == "geo_precision":
            wrong = (numbers < low_high[0]) | (numbers > low_high[1])
            rule = f"not a precision code ({low_high[0]}–{low_high[1]})"
        else:
            wrong = numbers < 0
            rule = "below 0"
        values[wrong] = pd.NA
        columns[field_name] = values
        problems += [
            Problem(column, "not a whole number", bad,
                    "{column}: {value!r} is not a whole number;" + EMPTY, False, cells),
            Problem(column, rule, wrong, f"{{column}}: {{value}} is {rule};" + EMPTY, False, cells),
        ]  # fmt: skip

    columns["country"] = _series(text("country"))
    for field_name in FREE_TEXT:
        free[field_name] = text(field_name)
    frame = pd.DataFrame(columns)
    free["origin"] = pc.fill_null(pyarrow.nulls(n, pyarrow.string()), origin)
    if origin == "ucdp":
        order = estimate_order(
            frame["fatalities_low"], frame["fatalities_best"], frame["fatalities_high"]
        )
        free["estimate_order"] = pyarrow.array(order.astype(object).where(order.notna(), None))
    else:
        free["estimate_order"] = pyarrow.nulls(n, pyarrow.string())
    return frame, [p for p in problems if p.mask.any()], free


def outside_country(frame: pd.DataFrame) -> np.ndarray:
    """Rows whose point lies outside their country's bounding box."""
    out = np.zeros(len(frame), dtype=bool)
    lat, lon = frame["latitude"].to_numpy(float), frame["longitude"].to_numpy(float)
    country = frame["country"].to_numpy(object)
    for name, box in COUNTRY_BOUNDS.items():
        rows = country == name
        if rows.any():
            with np.errstate(invalid="ignore"):
                inside = (lat >= box["lat"][0]) & (lat <= box["lat"][1])
                inside &= (lon >= box["lon"][0]) & (lon <= box["lon"][1])
            out |= rows & ~inside & ~np.isnan(lat) & ~np.isnan(lon)
    return out


def validate_batch(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Validate mapped rows; return the valid ones and a reason per invalid row.

    The mapping has already emptied or rejected every cell the layer cannot hold, so a failure
    here is a safety net: such rows are rejected, naming the check.
    """
    reasons = pd.Series("", index=frame.index)
    try:
        CHECKED_SCHEMA.validate(frame, lazy=True)
        return frame, reasons.iloc[:0]
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
        for index, group in cases.groupby("index"):
            parts = set()
            for context, column, check in group[["schema_context", "column", "check"]].itertuples(
                index=False
            ):
                # A table-wide check is reported once per column by pandera: name it once.
                parts.add(f"row: {check}" if context == "DataFrameSchema" else f"{column}: {check}")
            reasons.at[int(index)] = "; ".join(sorted(parts))
        bad = reasons != ""
        if not bad.any():
            # A failure that names no row (a dtype problem) rejects nothing silently: raise it.
            raise ImportError_(f"the mapped rows do not fit the schema: {err}") from None
        return frame[~bad], reasons[bad]


def _progress(done_rows: int, estimate: int, started: float, origin: str) -> None:
    share = min(done_rows / estimate, 0.99) if estimate else 0
    bar = "#" * int(share * 30)
    print(
        f"\rimporting {origin}: [{bar:<30}] {share:4.0%} {done_rows:,} rows, "
        f"{time.monotonic() - started:.0f} s",
        end="",
        file=sys.stderr,
        flush=True,
    )


def read_batches(path: Path, fmt: FileFormat) -> pacsv.CSVStreamingReader:
    """Record batches of the columns the layer uses, as text, streamed block by block (bounded
    memory); the cells pandas, R and spreadsheets write for 'missing' come back null."""
    needed = [c for c in fmt.names if c in set(fmt.columns.values())]
    return pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            block_size=BLOCK_BYTES,
            column_names=fmt.names,
            skip_rows=1,
            encoding="utf8" if fmt.encoding == "utf-8" else fmt.encoding,
        ),
        parse_options=pacsv.ParseOptions(delimiter=fmt.separator, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            include_columns=needed,
            column_types={c: pyarrow.string() for c in needed},
            null_values=list(MISSING),
            strings_can_be_null=True,
        ),
    )


@dataclass
class BatchResult:
    """One batch, mapped and validated: rows to write, problem rows, counts."""

    table: pyarrow.Table
    # Rows of the rejects file: record, line, outcome, column, value, reason, raw cells.
    rejects: list[list[Any]]
    out_of_area: int
    ids: pyarrow.Array
    rows: np.ndarray
    rejected: int = 0
    emptied: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)
    estimates_out_of_order: int = 0


def _point_problem(fmt: FileFormat, frame: pd.DataFrame, far: np.ndarray) -> Problem:
    where = np.full(len(frame), None, dtype=object)
    rows = frame.iloc[np.flatnonzero(far)]
    where[far] = [
        f"{lat}, {lon} ({country})"
        for lat, lon, country in zip(
            rows["latitude"], rows["longitude"], rows["country"], strict=True
        )
    ]
    return Problem(
        f"{fmt.show(fmt.columns['latitude'])}, {fmt.show(fmt.columns['longitude'])}",
        "point outside its country",
        far,
        "{column}: the point {value} lies outside that country",
        True,
        pyarrow.array(where, pyarrow.string()),
    )


def _duplicate_problem(fmt: FileFormat, ids: pd.Series, rows: np.ndarray) -> Problem | None:
    """Rows repeating the id of an earlier row of the batch (the first one is kept)."""
    repeated = (ids.duplicated() & ids.notna()).to_numpy()
    if not repeated.any():
        return None
    firsts = (~ids.duplicated() & ids.notna()).to_numpy()
    first_record = pd.Series(rows[firsts] + 2, index=ids[firsts].to_numpy())
    extra = np.full(len(ids), "", dtype=object)
    extra[repeated] = first_record.loc[ids[repeated].to_numpy()].astype(str).to_numpy()
    return Problem(
        fmt.show(fmt.columns["origin_id"]),
        "repeats an earlier row's id",
        repeated,
        "{column}: {value!r} repeats the id of record {extra}",
        True,
        pyarrow.array(ids.astype(object).where(ids.notna(), None).to_numpy(), pyarrow.string()),
        extra,
    )


def process_batch(
    fmt: FileFormat, batch: pyarrow.RecordBatch, first: int, bases: pd.DataFrame
) -> BatchResult:
    """Keep the batch's rows in the area, map, match bases and validate them.

    ``first`` is the 0-based data record of the batch's first row, for reject record numbers.
    """
    raw_columns = [c for c in fmt.names if c in set(fmt.columns.values())]
    table = pyarrow.Table.from_batches([batch])
    country = _text(table.column(fmt.columns["country"]).combine_chunks())
    area = pc.fill_null(pc.is_in(country, value_set=pyarrow.array(AREA)), False)
    area = area.to_numpy(zero_copy_only=False)
    table = table.filter(pyarrow.array(area))
    rows = np.flatnonzero(area) + first
    frame, problems, free = map_batch(fmt, table)
    reject = np.zeros(len(frame), dtype=bool)
    for problem in problems:
        if problem.reject:
            reject |= problem.mask
    far = outside_country(frame) & ~reject
    if far.any():
        problems.append(_point_problem(fmt, frame, far))
        reject |= far
    duplicate = _duplicate_problem(fmt, frame["origin_id"].where(~reject), rows)
    if duplicate is not None:
        problems.append(duplicate)
        reject |= duplicate.mask
    placed = frame[~reject]
    ids_near, km = nearest_bases(
        placed["latitude"].to_numpy(float), placed["longitude"].to_numpy(float), bases
    )
    valid, failed = validate_batch(placed.assign(nearest_base_id=ids_near, distance_km=km))
    result = BatchResult(pyarrow.table({}), [], int((~area).sum()), pyarrow.array([]), rows[:0])
    if len(failed):
        reject[failed.index.to_numpy()] = True
    noted = np.zeros(len(frame), dtype=bool)
    for problem in problems:
        counts = result.reasons if problem.reject else result.notes
        mask = problem.mask if problem.reject else problem.mask & ~reject
        noted |= problem.mask
        if mask.any():
            key = f"{problem.column}: {problem.kind}"
            counts[key] = counts.get(key, 0) + int(mask.sum())
    for reason in failed:
        key = f"fails the layer's check {reason}"
        result.reasons[key] = result.reasons.get(key, 0) + 1
    result.rejected = int(reject.sum())
    result.emptied = int((noted & ~reject).sum())
    flagged = np.flatnonzero(noted | reject)
    if len(flagged):
        texts = [problem.texts(flagged) for problem in problems]
        raws = table.select(raw_columns).take(pyarrow.array(flagged)).to_pylist()
        for position, raw in zip(flagged, raws, strict=True):
            found = [t[int(position)] for t in texts if position in t]
            columns = [p.column for p, t in zip(problems, texts, strict=True) if position in t]
            if position in failed.index:
                found.append(("", f"fails the layer's check {failed[position]}"))
                columns.append("row")
            result.rejects.append(
                [
                    int(rows[position]) + 2,
                    "",
                    "rejected" if reject[position] else "kept",
                    "; ".join(columns),
                    "; ".join(value for value, _ in found),
                    "; ".join(sentence for _, sentence in found),
                    *(raw[c] for c in raw_columns),
                ]
            )
    checked = [f for f in ARROW_SCHEMA if f.name not in free]
    out = pyarrow.Table.from_pandas(
        valid[[f.name for f in checked]], schema=pyarrow.schema(checked), preserve_index=False
    )
    keep = pyarrow.array(valid.index.to_numpy())
    for name, values in free.items():
        out = out.append_column(name, pc.take(values, keep).cast(pyarrow.string()))
    result.table = out.select(ARROW_SCHEMA.names).cast(ARROW_SCHEMA)
    result.ids = result.table.column("origin_id").combine_chunks()
    result.rows = rows[valid.index.to_numpy()]
    order = result.table.column("estimate_order")
    result.estimates_out_of_order = int(pc.sum(pc.not_equal(order, "in order")).as_py() or 0)
    return result


def _drop_repeated_ids(
    layer: Path,
    ids: list[pyarrow.Array],
    rows: list[np.ndarray],
    out: Writer,
    report: ImportReport,
) -> None:
    """Reject the second and later rows that repeat an origin_id kept from an earlier batch.

    ``ids`` and ``rows`` are the kept ids and their data records, batch by batch; the layer is
    only rewritten when an id repeats.
    """
    if not ids:
        return
    counts = pc.value_counts(pyarrow.chunked_array(ids, pyarrow.string()))
    if not pc.any(pc.greater(counts.field("counts"), 1)).as_py():
        return
    table = pq.read_table(layer)
    kept_ids = table.column("origin_id").to_pandas()
    later = kept_ids.duplicated().to_numpy()
    records = np.concatenate(rows) + 2
    first_record = pd.Series(records[~later], index=kept_ids[~later].to_numpy())
    key = f"{report.origin_column}: repeats an earlier row's id"
    for position in np.flatnonzero(later):
        value = kept_ids.iloc[position]
        out.writerow(
            [
                int(records[position]),
                "",
                "rejected",
                report.origin_column,
                value,
                f"{report.origin_column}: {value!r} repeats the id of record {first_record[value]}",
            ]
        )
        report.rejected += 1
        report.reasons[key] = report.reasons.get(key, 0) + 1
        report.reject_rows.append(int(records[position]) - 2)
    report.kept -= int(later.sum())
    pq.write_table(table.filter(pyarrow.array(~later)), layer)


def _finish_rejects(source: Path, rejects: Path, target: Path, rows: list[int]) -> None:
    """Add each record's text line, neutralise formulas and write the rejects file."""
    lines = formats.record_lines(source, np.asarray(rows, dtype=np.int64))
    with target.open("w", newline="", encoding="utf-8") as handle:
        chunks = pd.read_csv(rejects, dtype=str, keep_default_na=False, chunksize=100_000)
        for number, chunk in enumerate(chunks):
            record = chunk["record"].astype("int64")
            chunk["record"] = record
            chunk["line"] = (record - 2).map(lines).astype("Int64")
            neutralise_formulas(chunk).to_csv(
                handle, index=False, header=number == 0, lineterminator="\n"
            )


def import_events(
    origin: str,
    path: Path,
    bases: pd.DataFrame,
    directory: Path | None = None,
    progress: bool = True,
    on_batch: Callable[[int], None] | None = None,
    *,
    encoding: str | None = None,
    date_format: str | None = None,
    wait: bool = True,
    allow_empty: bool = False,
    on_wait: Callable[[], None] | None = None,
) -> ImportReport:
    """Import an export file as ``origin``'s layer, replacing any earlier import of it.

    The user directory is locked for the whole import: another import waits (``wait``) or is
    refused. An import that keeps no row leaves the existing layer as it was unless
    ``allow_empty``. ``encoding`` and ``date_format`` override what is detected.
    """
    if origin not in ORIGINS:
        raise ImportError_(f"unknown origin {origin!r}; use acled or ucdp")
    path = Path(path)
    if not path.is_file():
        raise ImportError_(f"{path}: no such file")
    try:
        fmt = formats.detect(origin, path, encoding, date_format)
    except formats.FormatError as err:
        raise ImportError_(str(err)) from None
    directory = Path(directory or user_dir())
    try:
        storage.prepare(directory)
        with storage.import_lock(directory, wait, on_wait):
            removed = storage.remove_stale(directory)
            report = _import(fmt, path, bases, directory, progress, on_batch, allow_empty)
    except storage.StorageError as err:
        raise ImportError_(str(err)) from None
    report.stale_removed = len(removed)
    return report


def _import(
    fmt: FileFormat,
    path: Path,
    bases: pd.DataFrame,
    directory: Path,
    progress: bool,
    on_batch: Callable[[int], None] | None,
    allow_empty: bool,
) -> ImportReport:
    """The import proper, run with the user directory locked."""
    origin = fmt.origin
    target, rejects = layer_path(origin, directory), rejects_path(origin, directory)
    report = ImportReport(
        origin, str(path), detected=fmt.describe(), origin_column=fmt.show(fmt.columns["origin_id"])
    )
    started = time.monotonic()
    raw_columns = [c for c in fmt.names if c in set(fmt.columns.values())]
    tmp_layer = storage.temporary(directory, origin, ".parquet")
    tmp_rejects = storage.temporary(directory, f"{origin}_rejects", ".csv")
    writer = background = workers = pending = None
    size = path.stat().st_size
    try:
        batches = read_batches(path, fmt)
        # ``writer`` is cleared once closed; ``consume`` runs before that and writes through
        # ``layer_writer``, which is never None.
        layer_writer = writer = pq.ParquetWriter(tmp_layer, ARROW_SCHEMA)
        background = ThreadPoolExecutor(max_workers=1)
        workers = ThreadPoolExecutor(max_workers=2)
        with tmp_rejects.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow([*REJECTS_HEADER, *(fmt.show(c) for c in raw_columns)])
            estimate = 0
            # Two batches are mapped and validated at a time (pyarrow, numpy and pandas release
            # the GIL for most of the work) while a third thread encodes Parquet; results are
            # consumed in file order, so the layer and the rejects keep the file's order.
            in_flight: deque[Future[BatchResult]] = deque()
            kept_ids: list[pyarrow.Array] = []
            kept_rows: list[np.ndarray] = []

            def consume(result: BatchResult) -> None:
                nonlocal pending
                report.out_of_area += result.out_of_area
                report.rejected += result.rejected
                report.emptied += result.emptied
                report.estimates_out_of_order += result.estimates_out_of_order
                for counts, new in ((report.reasons, result.reasons), (report.notes, result.notes)):
                    for key, count in new.items():
                        counts[key] = counts.get(key, 0) + count
                for row in result.rejects:
                    out.writerow(row)
                    report.reject_rows.append(row[0] - 2)
                if pending is not None:
                    pending.result()
                pending = background.submit(layer_writer.write_table, result.table)
                report.kept += result.table.num_rows
                kept_ids.append(result.ids)
                kept_rows.append(result.rows)

            for batch in batches:
                first = report.read
                report.read += batch.num_rows
                if not estimate:
                    per_row = max(batch.nbytes / max(batch.num_rows, 1), 1)
                    estimate = max(int(size / per_row * 0.5), 1)
                in_flight.append(workers.submit(process_batch, fmt, batch, first, bases))
                while len(in_flight) > 2:
                    consume(in_flight.popleft().result())
                if on_batch:
                    on_batch(report.read)
                if progress and time.monotonic() - started > 2:
                    _progress(report.read, max(estimate, report.read), started, origin)
            while in_flight:
                consume(in_flight.popleft().result())
            if pending is not None:
                pending.result()
            writer.close()
            writer = None
            _drop_repeated_ids(tmp_layer, kept_ids, kept_rows, out, report)
        if report.reject_rows or report.rejected:
            final = storage.temporary(directory, f"{origin}_rejects", ".csv")
            _finish_rejects(path, tmp_rejects, final, report.reject_rows)
            os.replace(final, tmp_rejects)
        if report.kept == 0 and not allow_empty:
            raise ImportError_(_nothing_kept(path, report, rejects, tmp_rejects))
    except pyarrow.ArrowInvalid as err:
        raise ImportError_(_unreadable(path, fmt, report, str(err))) from None
    except UnicodeDecodeError:
        raise ImportError_(formats.locate_bad_byte(path, fmt.encoding)) from None
    finally:
        if pending is not None:
            pending.exception()
        if background is not None:
            background.shutdown(wait=True)
        if workers is not None:
            workers.shutdown(wait=True, cancel_futures=True)
        if writer is not None:
            writer.close()
        if sys.exc_info()[0] is not None:
            tmp_layer.unlink(missing_ok=True)
            tmp_rejects.unlink(missing_ok=True)
    os.replace(tmp_layer, target)
    if report.reject_rows:
        os.replace(tmp_rejects, rejects)
    else:
        tmp_rejects.unlink(missing_ok=True)
        rejects.unlink(missing_ok=True)
    if progress and time.monotonic() - started > 2:
        print(file=sys.stderr)
    report.seconds = time.monotonic() - started
    report.layer, report.rejects = str(target), str(rejects) if report.reject_rows else ""
    return report


def _nothing_kept(path: Path, report: ImportReport, rejects: Path, written: Path) -> str:
    """Why an import kept no row; its rejects (if any) are kept for the user to read."""
    if report.read == 0:
        what = "the file has a header but no rows"
    else:
        what = (
            f"no row kept (read {report.read:,}, out of area {report.out_of_area:,}, "
            f"rejected {report.rejected:,})"
        )
        if report.reasons:
            reason, count = max(report.reasons.items(), key=lambda kv: kv[1])
            what += f"; most rejected rows: {reason} ({count:,})"
        if report.reject_rows:
            os.replace(written, rejects)
            what += f"; every rejected row and why: {rejects}"
    return (
        f"{path}: {what}. The existing layer is left as it was; pass --allow-empty to replace "
        "it with an empty one."
    )


def _unreadable(path: Path, fmt: FileFormat, report: ImportReport, error: str) -> str:
    """A plain message for a file the CSV reader stops on."""
    if "UTF8" in error or "UTF-8" in error or "decode" in error.lower():
        return formats.locate_bad_byte(path, fmt.encoding)
    detail = error.replace("\n", " ")
    if len(detail) > 300:
        detail = detail[:300] + "…"
    return (
        f"{path}: the CSV cannot be read after {report.read:,} records ({detail}). Is the file "
        f"complete, and {formats.SEPARATORS[fmt.separator]}-separated throughout?"
    )
