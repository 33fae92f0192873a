"""What an export file is: its origin's vintage, separator, decimal mark, encoding and dates.

Everything here looks at the first megabyte of the file only (the header line is read with a
bound, so a file without line breaks is refused at once rather than read whole).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAX_FIRST_LINE = 1 << 20
SAMPLE_RECORDS = 2000
# Cells that mean 'missing' as pandas, R and spreadsheets write them.
MISSING = ("", "NA", "N/A", "NaN", "nan", "#N/A")
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
ENCODING_HINT = "--encoding cp1252 (Windows-1252, Excel on Windows) or --encoding latin-1"


class FormatError(Exception):
    """The file is not one this import can read; the message says how to fix it."""


@dataclass(frozen=True)
class Column:
    """A column the layer reads from an origin's export."""

    name: str
    required: bool = True
    aliases: tuple[str, ...] = ()


# The columns each origin's layer uses (every other column of the export is ignored).
COLUMNS = {
    "acled": {
        "origin_id": Column("event_id_cnty"),
        "date": Column("event_date"),
        "date_precision": Column("time_precision"),
        "country": Column("country"),
        "admin1": Column("admin1", required=False),
        "location": Column("location", required=False),
        "latitude": Column("latitude"),
        "longitude": Column("longitude"),
        "geo_precision": Column("geo_precision", required=False),
        "event_type": Column("event_type"),
        "actor": Column("actor1", required=False),
        "fatalities_best": Column("fatalities"),
        "source": Column("source", required=False),
    },
    "ucdp": {
        "origin_id": Column("id"),
        "date": Column("date_start"),
        "date_precision": Column("date_prec"),
        "country": Column("country"),
        "admin1": Column("adm_1", required=False),
        "location": Column("where_coordinates", required=False),
        "latitude": Column("latitude"),
        "longitude": Column("longitude"),
        "geo_precision": Column("where_prec", required=False),
        "event_type": Column("type_of_violence"),
        "actor": Column("side_a", required=False),
        "fatalities_low": Column("low", aliases=("low_est",)),
        "fatalities_best": Column("best", aliases=("best_est",)),
        "fatalities_high": Column("high", aliases=("high_est",)),
        "source": Column("source_article", required=False),
    },
}
NAMES = {"acled": "ACLED", "ucdp": "UCDP GED"}


@dataclass(frozen=True)
class Vintage:
    """A public layout of an origin's export, told apart by columns only it has."""

    name: str
    marks: tuple[str, ...]
    absent: tuple[str, ...] = ()

    def matches(self, header: set[str]) -> bool:
        return set(self.marks) <= header and not set(self.absent) & header


# Newest first; the first that matches names the file.
VINTAGES = {
    "acled": [
        Vintage(
            "ACLED current export (disorder_type, civilian_targeting, tags)", ("disorder_type",)
        ),
        Vintage(
            "ACLED 2019–2020 export (data_id, iso, event_id_no_cnty)",
            ("sub_event_type", "event_id_no_cnty"),
            ("disorder_type",),
        ),
        Vintage(
            "ACLED 2016-style file (gwno, ally_actor_1; no sub_event_type)",
            ("ally_actor_1",),
            ("sub_event_type",),
        ),
    ],
    "ucdp": [
        Vintage("UCDP GED with relid and code_status (recent releases)", ("relid", "code_status")),
        Vintage(
            "UCDP GED without relid and code_status (19.1-style)",
            ("date_start", "where_prec"),
            ("relid",),
        ),
    ],
}
# Columns that only the other origin has: a file with them was given to the wrong command.
SIGNS = {"acled": ("event_id_cnty", "event_date"), "ucdp": ("date_start", "type_of_violence")}


@dataclass(frozen=True)
class DateStyle:
    """A way exports write dates: a strptime format and how to name it to a user."""

    key: str
    format: str
    label: str
    shape: str
    # ISO styles parse the first ten characters, so any time after the date is ignored.
    first_ten: bool = False


DATE_STYLES = [
    DateStyle("iso", "%Y-%m-%d", "YYYY-MM-DD, e.g. 2024-01-28", r"\d{4}-\d\d-\d\d", True),
    DateStyle(
        "iso_time",
        "%Y-%m-%d",
        "YYYY-MM-DD with a time, e.g. 2020-05-09 00:00:00 (the time is ignored)",
        r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?Z?",
        True,
    ),
    DateStyle(
        "long", "%d %B %Y", "day month year, e.g. 28 January 2024", r"\d{1,2} [A-Za-z]+ \d{4}"
    ),
    DateStyle(
        "dash_short",
        "%d-%b-%y",
        "day-month-yy, e.g. 9-May-20 (a spreadsheet's re-save)",
        r"\d{1,2}-[A-Za-z]+-\d\d",
    ),  # fmt: skip
    DateStyle(
        "dash_long",
        "%d-%B-%Y",
        "day-month-year, e.g. 01-January-2015 or 09-May-2020",
        r"\d{1,2}-[A-Za-z]+-\d{4}",
    ),  # fmt: skip
    DateStyle("ymd_slash", "%Y/%m/%d", "YYYY/MM/DD, e.g. 2020/05/09", r"\d{4}/\d{1,2}/\d{1,2}"),
    DateStyle("dmy_dot", "%d.%m.%Y", "DD.MM.YYYY, e.g. 09.05.2020", r"\d{1,2}\.\d{1,2}\.\d{4}"),
]
# Numeric dates with slashes: day or month first cannot be told from the shape.
AMBIGUOUS = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")


@dataclass(frozen=True)
class DateFormat:
    """The file's date format (first tried) and the others tried on cells it does not read."""

    primary: DateStyle
    found: str
    fallbacks: tuple[DateStyle, ...] = ()


@dataclass
class FileFormat:
    """How to read one export file, as detected from its first megabyte."""

    origin: str
    encoding: str
    separator: str
    decimal: str
    names: list[str]
    columns: dict[str, str]
    absent: list[str]
    vintage: str
    dates: DateFormat
    index_column: bool = False
    notes: list[str] = field(default_factory=list)
    # Column name as read -> as the file writes it (for messages and the rejects file).
    shown: dict[str, str] = field(default_factory=dict)

    def show(self, name: str) -> str:
        """A column's name as the file writes it."""
        return self.shown.get(name) or name

    def describe(self) -> list[str]:
        """What was recognised and detected, one line each, as the command prints it."""
        read_as = [
            f"{SEPARATORS[self.separator]}-separated",
            "decimal comma" if self.decimal == "," else "decimal point",
            f"encoding {self.encoding.upper()}",
            f"dates {self.dates.found}",
        ]
        lines = [f"recognised: {self.vintage}", "read as: " + ", ".join(read_as)]
        return lines + self.notes


def normalise(name: str) -> str:
    """A header cell as matched: no BOM, no surrounding spaces or quotes, lower case."""
    return name.replace("\ufeff", "").strip().strip('"').strip().lower()


def _is_index(name: str) -> bool:
    """Index columns pandas (``''``, ``Unnamed: 0``) and R (``''``, ``X``) write first."""
    return name in ("", "x", "...1") or re.fullmatch(r"unnamed: ?\d+", name) is not None


def check_encoding(encoding: str | None) -> str:
    """The codec name to use (UTF-8 unless given); an unknown name is refused."""
    if not encoding:
        return "utf-8"
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise FormatError(
            f"unknown encoding {encoding!r}; for Windows files use {ENCODING_HINT}"
        ) from None


def read_head(path: Path) -> bytes:
    """The first megabyte of the file; refused at once when its first line is longer."""
    with path.open("rb") as handle:
        head = handle.read(MAX_FIRST_LINE + 1)
    if not head:
        raise FormatError(f"{path}: the file is empty; expected a CSV export")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FormatError(
            f"{path}: the file is UTF-16 (a spreadsheet's 'Unicode text'); save it as "
            "'CSV UTF-8' and import that file"
        )
    end = head.find(b"\n")
    if end < 0 and len(head) > MAX_FIRST_LINE:
        raise FormatError(
            f"{path}: the first line is longer than {MAX_FIRST_LINE >> 20} MB: not a CSV "
            "export (a CSV export starts with a short header line of column names)"
        )
    if b"\x00" in head:
        raise FormatError(f"{path}: not a readable CSV file (binary content near the start)")
    return head


def _decode(head: bytes, encoding: str) -> str:
    """The head as text, cut at its last complete line (a character may straddle the cut)."""
    if encoding == "utf-8" and head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    if len(head) > MAX_FIRST_LINE:
        cut = head.rfind(b"\n")
        head = head[: cut + 1] if cut >= 0 else head
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(head, final=True)


def _records(text: str, separator: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records = []
    try:
        for record in reader:
            if record:
                records.append(record)
            if len(records) > SAMPLE_RECORDS:
                break
    except csv.Error:
        pass  # a quoted cell cut by the end of the sample: what was read is enough
    return records


def _lookup(origin: str, names: list[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Field -> column name found; required columns missing; optional columns absent."""
    present = set(names)
    found, missing, absent = {}, [], []
    for name, column in COLUMNS[origin].items():
        match = next((c for c in (column.name, *column.aliases) if c in present), None)
        if match is not None:
            found[name] = match
        elif column.required:
            missing.append(column.name)
        else:
            absent.append(column.name)
    return found, missing, absent


def _unique(names: list[str]) -> tuple[list[str], bool]:
    """Column names as passed to the reader: index columns renamed, repeats numbered."""
    out: list[str] = []
    index = False
    for position, name in enumerate(names):
        if _is_index(name) and position == 0:
            name, index = "_index", True
        elif not name:
            name = f"_unnamed_{position}"
        while name in out:
            name = f"{name}_"
        out.append(name)
    return out, index


def detect(
    origin: str, path: Path, encoding: str | None = None, date_format: str | None = None
) -> FileFormat:
    """How to read ``path`` as an export of ``origin``; a clear error when it cannot be."""
    codec = check_encoding(encoding)
    text = _decode(read_head(path), codec)
    header_line = text.split("\n", 1)[0]
    best = None
    for separator in SEPARATORS:
        try:
            header = next(csv.reader([header_line.rstrip("\r")], delimiter=separator))
        except (csv.Error, StopIteration):
            continue
        names = [normalise(h) for h in header]
        shown = [h.replace("\ufeff", "").strip() for h in header]
        found, missing, _ = _lookup(origin, names)
        score = (-len(missing), len(names))
        if best is None or score > best[0]:
            best = (score, separator, names, missing, shown)
    assert best is not None
    _, separator, names, missing, shown = best
    if missing:
        raise FormatError(_missing_message(origin, path, names, missing, separator))
    records = _records(text, separator)
    data = records[1:]
    if data and len(data[0]) == len(names) + 1:
        # R's write.table writes row names without a header cell: the header is one short.
        names, shown = ["", *names], ["", *shown]
    names, index = _unique(names)
    found, _, absent = _lookup(origin, names)
    header_names = set(names)
    vintage = next((v.name for v in VINTAGES[origin] if v.matches(header_names)), None)
    notes = []
    if vintage is None:
        vintage = f"{NAMES[origin]} export of another layout (the columns the layer uses are there)"
    if index:
        notes.append("ignored: an index column written by pandas or R (first column)")
    if absent:
        notes.append(f"not in this file (left empty): {', '.join(absent)}")
    position = {name: i for i, name in enumerate(names)}

    def sample(field_name: str) -> list[str]:
        i = position[found[field_name]]
        cells = (r[i].strip() for r in data if len(r) > i)
        return [c for c in cells if c not in MISSING]

    decimal = _decimal(sample("latitude") + sample("longitude"))
    try:
        dates = date_format_of(sample("date"), date_format, found["date"])
    except FormatError as err:
        raise FormatError(f"{path}: {err}") from None
    return FileFormat(
        origin,
        codec,
        separator,
        decimal,
        names,
        found,
        absent,
        vintage,
        dates,
        index,
        notes,
        dict(zip(names, shown, strict=True)),
    )


def _missing_message(
    origin: str, path: Path, names: list[str], missing: list[str], separator: str
) -> str:
    other = next(o for o in SIGNS if o != origin)
    if set(SIGNS[other]) <= set(names):
        return (
            f"{path}: this looks like {_a(NAMES[other])} export, not {_a(NAMES[origin])} one: "
            f"import it with `python -m posture import {other} FILE`"
        )
    hint = ""
    if len(names) < 3:
        hint = (
            " The header has only "
            f"{len(names)} column(s) with comma, semicolon or tab as separator: is this a CSV "
            "export?"
        )
    return (
        f"{path}: not {_a(NAMES[origin])} export: missing column(s) {', '.join(missing)} "
        f"(header read as {SEPARATORS[separator]}-separated; names are matched ignoring case "
        f"and spaces). Export the standard {NAMES[origin]} columns (order and extra columns "
        f"are fine).{hint}"
    )


def _a(name: str) -> str:
    """The name with its article, as it is read aloud ('an ACLED', 'a UCDP GED')."""
    return f"{'an' if name.startswith('ACLED') else 'a'} {name}"


def _decimal(values: list[str]) -> str:
    """',' when the coordinates are written with a decimal comma (a European spreadsheet)."""
    comma = sum(bool(re.fullmatch(r"-?\d+,\d+", v)) for v in values)
    point = sum(bool(re.fullmatch(r"-?\d+(\.\d*)?", v)) for v in values)
    return "," if comma and comma >= point else "."


def date_format_of(values: list[str], given: str | None, column: str) -> DateFormat:
    """The date format of the sampled ``values`` (or the one the user gave), with fallbacks."""
    unambiguous = tuple(DATE_STYLES)
    if given:
        if "%" not in given:
            raise FormatError(
                f"--date-format {given!r} is not a strptime format; use for example "
                "--date-format %d/%m/%Y (day first) or --date-format %m/%d/%Y (month first)"
            )
        style = DateStyle("given", given, f"{given} (as given by --date-format)", "")
        return DateFormat(style, style.label, unambiguous)
    counts: Counter[str] = Counter()
    numeric: list[tuple[int, int]] = []
    for value in values:
        shaped = next((s for s in DATE_STYLES if re.fullmatch(s.shape, value)), None)
        if shaped is not None:
            counts[shaped.key] += 1
            continue
        ambiguous = AMBIGUOUS.fullmatch(value)
        if ambiguous:
            counts["numeric"] += 1
            numeric.append((int(ambiguous.group(1)), int(ambiguous.group(2))))
    if not counts and values:
        accepted = "; ".join(s.label for s in DATE_STYLES)
        raise FormatError(
            f"{column}: dates like {values[0]!r} are in no format this import knows ({accepted}; "
            "or DD/MM/YYYY and MM/DD/YYYY): give theirs with --date-format, for example "
            "--date-format %Y.%m.%d"
        )
    if not counts:
        first = DATE_STYLES[0]
        return DateFormat(first, first.label + " (no date in the first rows)", unambiguous[1:])
    key, _ = counts.most_common(1)[0]
    if key == "numeric":
        return _numeric(values, numeric, column, unambiguous)
    primary = next(s for s in DATE_STYLES if s.key == key)
    return DateFormat(primary, primary.label, tuple(s for s in unambiguous if s != primary))


def _numeric(
    values: list[str], numeric: list[tuple[int, int]], column: str, others: tuple[DateStyle, ...]
) -> DateFormat:
    """Slash dates: day first if a first number is above 12, month first if a second is."""
    day_first = any(a > 12 for a, _ in numeric)
    month_first = any(b > 12 for _, b in numeric)
    example = next(v for v in values if AMBIGUOUS.fullmatch(v))
    year = "%Y" if len(example.rsplit("/", 1)[1]) == 4 else "%y"
    options = f"--date-format %d/%m/{year} (day first) or --date-format %m/%d/{year} (month first)"
    if day_first == month_first:
        why = "both orders appear" if day_first else "day and month cannot be told apart"
        raise FormatError(
            f"{column}: dates like {example!r} are ambiguous ({why} in the first rows): "
            f"say which with {options}"
        )
    fmt = f"%d/%m/{year}" if day_first else f"%m/%d/{year}"
    order = "day first" if day_first else "month first"
    style = DateStyle(
        "numeric", fmt, f"{fmt}, {order}, e.g. {example} (told by a number above 12)", ""
    )
    return DateFormat(style, style.label, others)


def locate_bad_byte(path: Path, encoding: str) -> str:
    """Where the file stops being valid ``encoding``: the byte, its line and how to fix it."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, lines = 0, 1
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                position = max(err.start, 0)
                # The bad byte may have begun in the previous chunk (a cut character).
                lines += chunk.count(b"\n", 0, position)
                byte = chunk[position] if position < len(chunk) else 0
                return (
                    f"{path}: byte 0x{byte:02X} on line {lines:,} (byte {offset + position:,} "
                    f"of the file) is not valid {encoding.upper()}. If the file comes from "
                    f"Excel or another Windows program, import it with {ENCODING_HINT}"
                )
            lines += chunk.count(b"\n")
            offset += len(chunk)
    return f"{path}: the file is not valid {encoding.upper()} text; import it with {ENCODING_HINT}"


def record_lines(path: Path, rows: np.ndarray) -> dict[int, int]:
    """Text line (1-based, as an editor shows it) on which each data record starts.

    ``rows`` are 0-based data records (the header excluded), as the CSV reader counts them:
    line breaks inside quoted cells do not end a record, and empty lines are not records.
    The file is scanned in 16 MB chunks with numpy (bounded memory).
    """
    wanted = np.unique(np.asarray(rows, dtype=np.int64))
    out: dict[int, int] = {}
    if not len(wanted):
        return out
    quotes_before = newlines_before = 0  # quote parity tells whether a break is inside a cell
    records_done = 0  # records ended so far, the header included
    previous_end, previous_ordinal = -2, -1  # last break outside quotes: position, line - 1
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            buf = np.frombuffer(chunk, dtype=np.uint8)
            quotes = np.flatnonzero(buf == 34)
            newlines = np.flatnonzero(buf == 10)
            outside = (np.searchsorted(quotes, newlines) + quotes_before) % 2 == 0
            ends = newlines[outside] + offset
            ordinals = np.flatnonzero(outside) + newlines_before
            # A break right after another (or after one and a '\r') closes an empty line.
            gap = ends - np.concatenate(([previous_end], ends[:-1]))
            blank = (gap == 1) | ((gap == 2) & _is_cr(buf, ends - offset - 1))
            # A record starts on the line after the break before its own end.
            starts = np.concatenate(([previous_ordinal], ordinals[:-1]))[~blank] + 2
            # The k-th record to end (header = 0) is data record k - 1.
            data = records_done - 1 + np.arange(len(starts))
            hit = np.isin(data, wanted)
            out.update(zip(data[hit].tolist(), starts[hit].tolist(), strict=True))
            records_done += len(starts)
            if len(ends):
                previous_end, previous_ordinal = int(ends[-1]), int(ordinals[-1])
            quotes_before += len(quotes)
            newlines_before += len(newlines)
            offset += len(chunk)
            if records_done - 1 > wanted[-1]:
                return out
    if records_done - 1 in set(wanted.tolist()) and offset - 1 > previous_end:
        out[records_done - 1] = previous_ordinal + 2  # the last record has no line break
    return out


def _is_cr(buf: np.ndarray, positions: np.ndarray) -> np.ndarray:
    inside = positions >= 0
    out = np.zeros(len(positions), dtype=bool)
    out[inside] = buf[positions[inside]] == 13
    return out
