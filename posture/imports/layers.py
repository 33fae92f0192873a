"""Import a user's own ACLED or UCDP export as a local layer (Parquet under POSTURE_USER_DIR).

Rows are read in batches with pyarrow, mapped to the imported-events schema, validated, and
written to a temporary Parquet file that replaces the layer only when the import succeeds.
Rows outside Iraq, Syria and Jordan are counted and left out; rows that fail validation go to a
rejects CSV with the reason. These files are the user's and are never redistributed.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from posture.data.dataset import REPO_ROOT
from schemas.imported_events import ImportedEventSchema

USER_DIR_ENV = "POSTURE_USER_DIR"
AREA = ("Iraq", "Syria", "Jordan")
EARTH_RADIUS_KM = 6371.0088
BLOCK_BYTES = 32 << 20

# Columns each origin must have (order and extra columns do not matter).
REQUIRED = {
    "acled": [
        "event_id_cnty",
        "event_date",
        "time_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "country",
        "admin1",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "fatalities",
    ],
    "ucdp": [
        "id",
        "date_start",
        "date_prec",
        "type_of_violence",
        "side_a",
        "country",
        "adm_1",
        "where_coordinates",
        "latitude",
        "longitude",
        "where_prec",
        "source_article",
        "best",
        "low",
        "high",
    ],
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
        ("source", pyarrow.string()),
        ("nearest_base_id", pyarrow.string()),
        ("distance_km", pyarrow.float64()),
    ]
)


class ImportError_(Exception):
    """The file cannot be imported; the message says what is wrong and how to fix it."""


@dataclass
class ImportReport:
    """What an import did: counts, timing and where its files are."""

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

    def summary(self) -> str:
        """One line of counts, as the command prints it."""
        return (
            f"{self.origin}: read {self.read:,}, kept {self.kept:,}, "
            f"out of area {self.out_of_area:,}, rejected {self.rejected:,} "
            f"in {self.seconds:.1f} s -> {self.layer}"
            + (f" (rejects: {self.rejects})" if self.rejected else "")
        )


def user_dir() -> Path:
    """Where imported layers live: ``$POSTURE_USER_DIR`` or ``.posture/`` in the repo."""
    return Path(os.environ.get(USER_DIR_ENV) or REPO_ROOT / ".posture")


def layer_path(origin: str, directory: Path | None = None) -> Path:
    """The Parquet file of an origin's layer."""
    return (directory or user_dir()) / f"{origin}.parquet"


def rejects_path(origin: str, directory: Path | None = None) -> Path:
    """The CSV of rows of the last import that failed validation, with reasons."""
    return (directory or user_dir()) / f"{origin}_rejects.csv"


def available_layers(directory: Path | None = None) -> list[str]:
    """Origins that have an imported layer."""
    return [o for o in REQUIRED if layer_path(o, directory).is_file()]


def read_layer(origin: str, directory: Path | None = None) -> pd.DataFrame:
    """The imported layer of ``origin`` as a frame."""
    return pq.read_table(layer_path(origin, directory)).to_pandas(types_mapper=_types)


def _types(dtype: pyarrow.DataType):
    if dtype == pyarrow.int64():
        return pd.Int64Dtype()
    return None


def _header(path: Path) -> list[str]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        try:
            return next(csv.reader(handle))
        except StopIteration:
            raise ImportError_(f"{path}: the file is empty; expected a CSV export") from None
        except (csv.Error, UnicodeDecodeError) as err:
            raise ImportError_(f"{path}: not a readable UTF-8 CSV file ({err})") from None


def check_columns(origin: str, path: Path) -> list[str]:
    """The file's header, after checking it has every column the origin needs."""
    header = [h.strip() for h in _header(path)]
    missing = [c for c in REQUIRED[origin] if c not in header]
    if missing:
        raise ImportError_(
            f"{path}: not a {origin.upper()} export: missing column(s) {', '.join(missing)}. "
            f"Export the standard {origin.upper()} columns (order and extra columns are fine)."
        )
    return header


def nearest_bases(lat: np.ndarray, lon: np.ndarray, bases: pd.DataFrame):
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
    """Trimmed text; empty cells become null."""
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pyarrow.scalar(None, pyarrow.string()), trimmed)


def _numbers(array: pyarrow.Array) -> tuple[pyarrow.Array, np.ndarray]:
    """Floats from text; second value marks cells that had text but no number."""
    text = _text(array)
    ok = pc.fill_null(pc.match_substring_regex(text, NUMBER), False)
    cleaned = pc.if_else(ok, pc.utf8_trim_whitespace(text), pyarrow.scalar(None, pyarrow.string()))
    bad = pc.and_(pc.is_valid(text), pc.invert(ok))
    return pc.cast(cleaned, pyarrow.float64()), bad.to_numpy(zero_copy_only=False)


def _ints(array: pyarrow.Array) -> tuple[pd.Series, np.ndarray]:
    values, bad = _numbers(array)
    floats = values.to_numpy(zero_copy_only=False)
    fractional = ~np.isnan(floats) & (np.mod(floats, 1) != 0)
    out = pd.array(np.where(fractional, np.nan, floats), dtype="Float64").astype("Int64")
    return out, bad | fractional


def _dates(array: pyarrow.Array) -> tuple[pd.Series, np.ndarray]:
    """Dates as YYYY-MM-DD (first ten characters) or, from older ACLED files, '28 January 2024'."""
    text = _text(array)
    iso = pc.strptime(pc.utf8_slice_codeunits(text, 0, 10), "%Y-%m-%d", "s", error_is_null=True)
    if pc.any(pc.and_(pc.is_null(iso), pc.is_valid(text))).as_py():
        long = pc.strptime(text, "%d %B %Y", "s", error_is_null=True)
        iso = pc.coalesce(iso, long)
    bad = pc.and_(pc.is_valid(text), pc.is_null(iso)).to_numpy(zero_copy_only=False)
    return pd.Series(iso.to_numpy(zero_copy_only=False), dtype="datetime64[ns]"), bad


def _coded(array: pyarrow.Array, codes: dict[str, str]) -> pd.Series:
    keys = pyarrow.array(list(codes))
    index = pc.index_in(_text(array), value_set=keys)
    return pd.Series(pc.take(pyarrow.array(list(codes.values())), index).to_pandas())


def _series(array: pyarrow.Array) -> pd.Series:
    return pd.Series(array.to_pandas(types_mapper=pd.ArrowDtype), dtype="str")


FIELDS = {
    "acled": {
        "origin_id": "event_id_cnty",
        "date": "event_date",
        "date_precision": ("time_precision", ACLED_TIME_PREC),
        "country": "country",
        "admin1": "admin1",
        "location": "location",
        "latitude": "latitude",
        "longitude": "longitude",
        "geo_precision": "geo_precision",
        "event_type": "event_type",
        "actor": "actor1",
        "fatalities_low": None,
        "fatalities_best": "fatalities",
        "fatalities_high": None,
        "source": "source",
    },
    "ucdp": {
        "origin_id": "id",
        "date": "date_start",
        "date_precision": ("date_prec", UCDP_DATE_PREC),
        "country": "country",
        "admin1": "adm_1",
        "location": "where_coordinates",
        "latitude": "latitude",
        "longitude": "longitude",
        "geo_precision": "where_prec",
        "event_type": ("type_of_violence", UCDP_VIOLENCE),
        "actor": "side_a",
        "fatalities_low": "low",
        "fatalities_best": "best",
        "fatalities_high": "high",
        "source": "source_article",
    },
}
INT_FIELDS = {"geo_precision", "fatalities_low", "fatalities_best", "fatalities_high"}
# Free text with no rule beyond 'may be empty' stays in Arrow: converting a million strings to
# pandas and back costs more than everything the schema checks on the other columns.
FREE_TEXT = ("admin1", "location", "actor", "source")
CHECKED_SCHEMA = ImportedEventSchema.to_schema().remove_columns(list(FREE_TEXT))


def map_batch(
    origin: str, raw: pyarrow.Table
) -> tuple[pd.DataFrame, pd.Series, dict[str, pyarrow.Array]]:
    """Map an origin's raw text columns to the imported shape.

    Second value: a reason for each row with a cell that had text but did not parse (the
    cell becomes empty; the row is rejected by the caller). Other rows get ''.
    """
    columns: dict[str, object] = {"origin": pd.Series([origin] * raw.num_rows, dtype="str")}
    free: dict[str, pyarrow.Array] = {}
    bad_cells: list[tuple[str, np.ndarray, str]] = []
    for field_name, spec in FIELDS[origin].items():
        if spec is None:
            columns[field_name] = pd.array([pd.NA] * raw.num_rows, dtype="Int64")
        elif isinstance(spec, tuple):
            columns[field_name] = _coded(raw.column(spec[0]), spec[1])
        elif field_name == "date":
            columns[field_name], bad = _dates(raw.column(spec))
            bad_cells.append((spec, bad, "cannot read a date"))
        elif field_name in ("latitude", "longitude"):
            values, bad = _numbers(raw.column(spec))
            columns[field_name] = values.to_numpy(zero_copy_only=False)
            bad_cells.append((spec, bad, "cannot read a number"))
        elif field_name in INT_FIELDS:
            columns[field_name], bad = _ints(raw.column(spec))
            bad_cells.append((spec, bad, "cannot read a whole number"))
        else:
            text = _text(raw.column(spec))
            if field_name in FREE_TEXT:
                free[field_name] = text
            else:
                columns[field_name] = _series(text)
    frame = pd.DataFrame(columns)
    reasons = pd.Series("", index=frame.index)
    for original, bad, text in bad_cells:
        if bad.any():
            reasons[bad] = reasons[bad] + f"{original}: {text}; "
    return frame, reasons, free


def validate_batch(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Validate mapped rows; return the valid ones and a reason per invalid row."""
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
            reasons.loc[int(index)] = "; ".join(sorted(parts))
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


def read_batches(path: Path, header: list[str], needed: list[str]):
    """Record batches of the needed columns, as text, streamed block by block (bounded memory)."""
    return pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, column_names=header, skip_rows=1),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            include_columns=needed,
            column_types={c: pyarrow.string() for c in needed},
            strings_can_be_null=False,
        ),
    )


@dataclass
class BatchResult:
    """One batch, mapped and validated: rows to write, rows rejected, rows out of area."""

    table: pyarrow.Table
    rejects: list[tuple[int, str, list]]
    out_of_area: int
    ids: pyarrow.Array


def process_batch(
    origin: str, batch: pyarrow.RecordBatch, first: int, bases: pd.DataFrame
) -> BatchResult:
    """Keep the batch's rows in the area, map, match bases and validate them.

    ``first`` is the 0-based data row of the batch's first row, for reject row numbers.
    """
    needed = REQUIRED[origin]
    table = pyarrow.Table.from_batches([batch])
    area = pc.fill_null(
        pc.is_in(_text(table.column("country")), value_set=pyarrow.array(AREA)), False
    ).to_numpy(zero_copy_only=False)
    table = table.filter(pyarrow.array(area))
    rows = np.flatnonzero(area) + first
    frame, reasons, free = map_batch(origin, table)
    frame.index = reasons.index = rows
    # Duplicates within the batch here; across batches after the last one.
    duplicate = frame["origin_id"].duplicated() & frame["origin_id"].notna()
    reasons[duplicate] = reasons[duplicate] + "origin_id: duplicate; "
    parsed_bad = (reasons != "").to_numpy()
    frame_ok = frame[~parsed_bad]
    ids_near, km = nearest_bases(
        frame_ok["latitude"].to_numpy(float), frame_ok["longitude"].to_numpy(float), bases
    )
    frame_ok = frame_ok.assign(nearest_base_id=ids_near, distance_km=km)
    valid, schema_reasons = validate_batch(frame_ok)
    bad = pd.concat([reasons[parsed_bad], schema_reasons])
    rejects = []
    if len(bad):
        positions = pd.Series(np.arange(len(rows)), index=rows)
        raws = table.take(pyarrow.array(positions[bad.index].to_numpy()))
        for (row, reason), values in zip(bad.items(), raws.to_pylist(), strict=True):
            rejects.append((row, reason, [values[c] for c in needed]))
    checked = [f for f in ARROW_SCHEMA if f.name not in FREE_TEXT]
    out = pyarrow.Table.from_pandas(
        valid[[f.name for f in checked]], schema=pyarrow.schema(checked), preserve_index=False
    )
    keep = pyarrow.array(np.searchsorted(rows, valid.index.to_numpy()))
    for name in FREE_TEXT:
        out = out.append_column(name, pc.take(free[name], keep).cast(pyarrow.string()))
    out = out.select(ARROW_SCHEMA.names).cast(ARROW_SCHEMA)
    return BatchResult(out, rejects, int((~area).sum()), out.column("origin_id").combine_chunks())


def _reject(out, report: ImportReport, row: int | None, reason: str, values: list) -> None:
    """Write one rejected row (file row number counting the header as row 1) and count it."""
    reason = reason.strip("; ")
    out.writerow(["" if row is None else row + 2, reason, *values])
    report.rejected += 1
    for part in reason.split("; "):
        column, _, rule = part.partition(":")
        key = f"{column}: {rule.strip()}"
        report.reasons[key] = report.reasons.get(key, 0) + 1


def _drop_repeated_ids(layer: Path, ids: list[pyarrow.Array], out, report: ImportReport) -> None:
    """Reject the second and later rows that repeat an origin_id seen in an earlier batch.

    ``ids`` are the kept ids of every batch; the layer is only rewritten when one repeats.
    """
    if not ids:
        return
    counts = pc.value_counts(pyarrow.chunked_array(ids))
    if not pc.any(pc.greater(counts.field("counts"), 1)).as_py():
        return
    table = pq.read_table(layer)
    later = table.select(["origin_id"]).to_pandas()["origin_id"].duplicated().to_numpy()
    for values in table.filter(pyarrow.array(later)).to_pylist():
        # Found after the blocks were written: the file row is no longer known.
        _reject(out, report, None, "origin_id: duplicate", [values["origin_id"]])
    report.kept -= int(later.sum())
    pq.write_table(table.filter(pyarrow.array(~later)), layer)


def import_events(
    origin: str,
    path: Path,
    bases: pd.DataFrame,
    directory: Path | None = None,
    progress: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import an export file as ``origin``'s layer, replacing any earlier import of it."""
    if origin not in REQUIRED:
        raise ImportError_(f"unknown origin {origin!r}; use acled or ucdp")
    path = Path(path)
    if not path.is_file():
        raise ImportError_(f"{path}: no such file")
    header = check_columns(origin, path)
    directory = directory or user_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target, rejects = layer_path(origin, directory), rejects_path(origin, directory)
    tmp_layer = target.with_suffix(".parquet.tmp")
    tmp_rejects = rejects.with_suffix(".csv.tmp")
    report = ImportReport(origin, str(path))
    started = time.monotonic()
    needed = REQUIRED[origin]
    writer = background = workers = pending = None
    size = path.stat().st_size
    try:
        batches = read_batches(path, header, needed)
        writer = pq.ParquetWriter(tmp_layer, ARROW_SCHEMA)
        background = ThreadPoolExecutor(max_workers=1)
        workers = ThreadPoolExecutor(max_workers=2)
        pending = None
        with tmp_rejects.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(["row", "reason", *needed])
            estimate = 0
            # Two batches are mapped and validated at a time (pyarrow, numpy and pandas release
            # the GIL for most of the work) while a third thread encodes Parquet; results are
            # consumed in file order, so the layer and the rejects keep the file's order.
            in_flight: deque = deque()
            kept_ids: list[pyarrow.Array] = []

            def consume(result: BatchResult) -> None:
                nonlocal pending
                report.out_of_area += result.out_of_area
                for row, reason, values in result.rejects:
                    _reject(out, report, row, reason, values)
                if pending is not None:
                    pending.result()
                pending = background.submit(writer.write_table, result.table)
                report.kept += result.table.num_rows
                kept_ids.append(result.ids)

            for batch in batches:
                first = report.read
                report.read += batch.num_rows
                if not estimate:
                    per_row = max(batch.nbytes / max(batch.num_rows, 1), 1)
                    estimate = max(int(size / per_row * 0.5), 1)
                in_flight.append(workers.submit(process_batch, origin, batch, first, bases))
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
            _drop_repeated_ids(tmp_layer, kept_ids, out, report)

    except pyarrow.ArrowInvalid as err:
        raise ImportError_(
            f"{path}: the CSV cannot be read after {report.read:,} rows ({err}). Is the file "
            "complete and comma-separated?"
        ) from None
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
    if report.rejected:
        os.replace(tmp_rejects, rejects)
    else:
        tmp_rejects.unlink(missing_ok=True)
        rejects.unlink(missing_ok=True)
    if progress and time.monotonic() - started > 2:
        print(file=sys.stderr)
    report.seconds = time.monotonic() - started
    report.layer, report.rejects = str(target), str(rejects) if report.rejected else ""
    return report
