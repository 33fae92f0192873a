"""Exports as people have them: every public vintage, date style, separator, decimal mark,
missing-value spelling, index column and encoding is read, or refused with the fix."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from posture.cli import main
from posture.data.dataset import read_dataset
from posture.imports import formats
from posture.imports.layers import ImportError_, import_events, read_layer, rejects_path
from posture.imports.synthetic import (
    ACLED_2016_COLUMNS,
    ACLED_2020_COLUMNS,
    ACLED_COLUMNS,
    UCDP_19_COLUMNS,
    UCDP_COLUMNS,
    write_synthetic,
)
from tests.helpers import VALID

ROWS = 400
# The columns the layer reads from ACLED, and one event of each country's good shape.
GOOD = {
    "event_id_cnty": "IRQ1",
    "event_date": "2024-01-28",
    "time_precision": "1",
    "event_type": "Explosions/Remote violence",
    "actor1": "Unidentified Armed Group",
    "country": "Iraq",
    "admin1": "Al Anbar",
    "location": "Test place",
    "latitude": "33.8",
    "longitude": "42.44",
    "geo_precision": "1",
    "source": "Test source",
    "fatalities": "0",
}


@pytest.fixture(scope="module")
def bases():
    return read_dataset(VALID).bases


@pytest.fixture(scope="module")
def reference(bases, tmp_path_factory):
    """The layers of current-layout exports of the same synthetic events, to compare with."""
    work = tmp_path_factory.mktemp("reference")
    out = {}
    for origin in ("acled", "ucdp"):
        path = write_synthetic(origin, work / f"{origin}.csv", ROWS)
        import_events(origin, path, bases, work, progress=False)
        out[origin] = read_layer(origin, work)
    return out


def _write(path: Path, rows: list[dict], columns: list[str] | None = None, **options) -> Path:
    """A small ACLED-shaped file holding ``rows`` (missing cells empty)."""
    columns = columns or list(GOOD)
    with path.open("w", newline="", encoding=options.pop("encoding", "utf-8")) as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, lineterminator="\n", extrasaction="ignore", **options
        )
        writer.writeheader()
        writer.writerows({**dict.fromkeys(columns, ""), **GOOD, **row} for row in rows)
    return path


def _same_events(layer: pd.DataFrame, reference: pd.DataFrame, ignore=()) -> None:
    columns = [c for c in reference.columns if c not in ignore]
    pd.testing.assert_frame_equal(layer[columns], reference[columns])


VINTAGES = [
    ("acled", "2016", ACLED_2016_COLUMNS,
     "ACLED 2016-style file (gwno, ally_actor_1; no sub_event_type)"),
    ("acled", "2020", ACLED_2020_COLUMNS,
     "ACLED 2019–2020 export (data_id, iso, event_id_no_cnty)"),
    ("acled", "current", ACLED_COLUMNS,
     "ACLED current export (disorder_type, civilian_targeting, tags)"),
    ("ucdp", "19.1", UCDP_19_COLUMNS, "UCDP GED without relid and code_status (19.1-style)"),
    ("ucdp", "current", UCDP_COLUMNS, "UCDP GED with relid and code_status (recent releases)"),
]  # fmt: skip


@pytest.mark.parametrize(("origin", "vintage", "columns", "recognised"), VINTAGES)
def test_every_vintage_is_recognised_and_read(
    bases, reference, tmp_path, capsys, origin, vintage, columns, recognised
):
    """A user imports an export of any public vintage; the command names it and keeps every
    in-area event, mapped as from a current export."""
    path = write_synthetic(origin, tmp_path / "export.csv", ROWS, vintage=vintage)
    assert path.read_text("utf-8").splitlines()[0].replace('"', "").split(",") == columns
    args = ["import", origin, str(path), "--user-dir", str(tmp_path), "--data-dir", str(VALID)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert f"recognised: {recognised}\n" in out
    assert "rejected 0" in out and not rejects_path(origin, tmp_path).exists()
    # ACLED's 2016 files used the event type names of their time.
    ignore = ("event_type",) if vintage == "2016" else ()
    _same_events(read_layer(origin, tmp_path), reference[origin], ignore)


DATES = [
    ("iso", "YYYY-MM-DD, e.g. 2024-01-28"),
    ("long", "day month year, e.g. 28 January 2024"),
    ("dash_long", "day-month-year, e.g. 01-January-2015 or 09-May-2020"),
    ("dash_month", "day-month-year, e.g. 01-January-2015 or 09-May-2020"),
    ("dash_short", "day-month-yy, e.g. 9-May-20 (a spreadsheet's re-save)"),
    ("iso_time", "YYYY-MM-DD with a time, e.g. 2020-05-09 00:00:00 (the time is ignored)"),
    ("dmy", "%d/%m/%Y, day first"),
    ("mdy", "%m/%d/%Y, month first"),
]


@pytest.mark.parametrize(("style", "found"), DATES)
def test_every_date_style_is_read_and_named(bases, reference, tmp_path, style, found):
    """A user imports a file whose dates are written in any of the exported or re-saved styles;
    the import says which it found and reads the same dates."""
    path = write_synthetic("acled", tmp_path / "export.csv", ROWS, dates=style)
    report = import_events("acled", path, bases, tmp_path, progress=False)
    assert found in report.detected[1]
    assert report.rejected == 0
    _same_events(read_layer("acled", tmp_path), reference["acled"])


@pytest.mark.parametrize(
    ("separator", "decimal", "read_as"),
    [
        (";", ",", "semicolon-separated, decimal comma"),
        ("\t", ".", "tab-separated, decimal point"),
        ("\t", ",", "tab-separated, decimal comma"),
        (",", ",", "comma-separated, decimal comma"),
    ],
)
def test_separators_and_decimal_commas(bases, reference, tmp_path, separator, decimal, read_as):
    """A user imports a European spreadsheet's export (semicolons or tabs, decimal commas); the
    import says what it detected and reads the same coordinates."""
    path = write_synthetic(
        "acled", tmp_path / "export.csv", ROWS, vintage="2020", separator=separator,
        decimal=decimal, dates="dash_short",
    )  # fmt: skip
    report = import_events("acled", path, bases, tmp_path, progress=False)
    assert report.detected[1].startswith(f"read as: {read_as}, encoding UTF-8")
    _same_events(read_layer("acled", tmp_path), reference["acled"])


@pytest.mark.parametrize(
    ("options", "note"),
    [
        ({"index": "pandas"}, "ignored: an index column written by pandas or R (first column)"),
        (
            {"index": "r", "missing": "NA"},
            "ignored: an index column written by pandas or R (first column)",
        ),
        ({"upper": True, "bom": True}, None),
    ],
)
def test_index_columns_na_case_and_bom(bases, reference, tmp_path, options, note):
    """A user imports a file written by pandas or R (index column, NA), or with upper-case
    headers after a byte-order mark; the events are the same."""
    path = write_synthetic("ucdp", tmp_path / "export.csv", ROWS, **options)
    report = import_events("ucdp", path, bases, tmp_path, progress=False)
    assert (note in report.detected) if note else len(report.detected) == 2
    _same_events(read_layer("ucdp", tmp_path), reference["ucdp"])


def test_uppercase_regional_file_with_line_breaks_in_notes(bases, reference, tmp_path):
    """A user imports an old regional ACLED file (upper-case headers, notes over two lines); the
    events are read, and a bad row is reported on the line an editor shows."""
    path = write_synthetic("acled", tmp_path / "asia.csv", ROWS, vintage="2016", upper=True)
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows["NOTES"] = "line one\nline two"
    bad = int(rows.index[(rows.index >= 100) & rows["COUNTRY"].isin(["Iraq", "Syria"])][0])
    rows.loc[bad, "LATITUDE"] = "abc"
    rows.to_csv(path, index=False)
    report = import_events("acled", path, bases, tmp_path, progress=False)
    assert report.detected[0] == (
        "recognised: ACLED 2016-style file (gwno, ally_actor_1; no sub_event_type)"
    )
    with rejects_path("acled", tmp_path).open(newline="", encoding="utf-8") as handle:
        [rejected] = list(csv.DictReader(handle))
    # Every record before it spans two lines, so its record number and line differ.
    expected_place = (str(bad + 2), str(2 * bad + 2), "abc")
    assert (rejected["record"], rejected["line"], rejected["LATITUDE"]) == expected_place
    events = reference["acled"]
    expected = events[events["origin_id"] != f"SYN{bad}"].reset_index(drop=True)
    _same_events(read_layer("acled", tmp_path), expected, ignore=("event_type",))


def test_header_one_short_and_spaced_names(bases, tmp_path):
    """A user imports a file whose header names have spaces and odd case, written by R's
    write.table (row names without a header cell); the rows are read."""
    path = tmp_path / "export.csv"
    header = ",".join(f" {c.title()} " for c in GOOD)
    rows = [f'"{i}",' + ",".join({**GOOD, "event_id_cnty": f"IRQ{i}"}.values()) for i in (1, 2)]
    path.write_text("\n".join([header, *rows]) + "\n", "utf-8")
    report = import_events("acled", path, bases, tmp_path, progress=False)
    assert (report.read, report.kept) == (2, 2)
    assert "ignored: an index column written by pandas or R (first column)" in report.detected
    assert list(read_layer("acled", tmp_path)["origin_id"]) == ["IRQ1", "IRQ2"]


@pytest.mark.parametrize("missing", ["NA", "NaN", "N/A", ""])
def test_missing_values(bases, tmp_path, missing):
    """A user imports a file that writes missing cells as NA, NaN, N/A or nothing; they are empty
    in the layer, and a row without coordinates is rejected saying so."""
    path = _write(
        tmp_path / "export.csv",
        [
            {"fatalities": missing, "admin1": missing, "geo_precision": missing},
            {"event_id_cnty": "IRQ2", "latitude": missing},
        ],
    )
    report = import_events("acled", path, bases, tmp_path, progress=False)
    assert (report.kept, report.rejected, report.emptied) == (1, 1, 0)
    layer = read_layer("acled", tmp_path)
    assert layer[["fatalities_best", "admin1", "geo_precision"]].isna().all(axis=None)
    assert report.reasons == {"latitude: empty": 1}


def test_only_the_columns_the_layer_uses_are_required(bases, tmp_path):
    """A user imports a file with only the columns the layer needs (no sub_event_type, admin1,
    location, actor, source, geo_precision); it imports and says which were absent."""
    required = [c.name for c in formats.COLUMNS["acled"].values() if c.required]
    path = _write(tmp_path / "export.csv", [{}], columns=required)
    report = import_events("acled", path, bases, tmp_path, progress=False)
    assert report.kept == 1
    assert (
        "not in this file (left empty): admin1, location, geo_precision, actor1, source"
        in report.detected
    )
    assert "sub_event_type" not in required


def test_ambiguous_numeric_dates_need_the_option(bases, tmp_path, capsys):
    """A user imports dates like 05/09/2020; the import names the format and --date-format, and
    with that option reads them."""
    path = _write(
        tmp_path / "export.csv",
        [{"event_date": "05/09/2020"}, {"event_id_cnty": "IRQ2", "event_date": "03/04/2021"}],
    )
    args = ["import", "acled", str(path), "--user-dir", str(tmp_path), "--data-dir", str(VALID)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "event_date: dates like '05/09/2020' are ambiguous" in err
    assert "--date-format %d/%m/%Y (day first) or --date-format %m/%d/%Y (month first)" in err
    assert not (tmp_path / "acled.parquet").exists()
    assert main([*args, "--date-format", "%d/%m/%Y"]) == 0
    assert "dates %d/%m/%Y (as given by --date-format)" in capsys.readouterr().out
    dates = read_layer("acled", tmp_path)["date"].tolist()
    assert dates == [pd.Timestamp("2020-09-05"), pd.Timestamp("2021-04-03")]


def test_unknown_date_format_lists_the_accepted_ones(bases, tmp_path):
    """A user imports dates like 2020.05.09; the error lists the formats accepted and the
    option, and with --date-format the dates are read."""
    path = _write(tmp_path / "export.csv", [{"event_date": "2020.05.09"}])
    with pytest.raises(ImportError_) as refused:
        import_events("acled", path, bases, tmp_path, progress=False)
    message = str(refused.value)
    assert message.startswith(f"{path}: event_date: dates like '2020.05.09' are in no format")
    for example in ("2024-01-28", "28 January 2024", "01-January-2015", "9-May-20"):
        assert example in message
    assert "--date-format" in message
    import_events("acled", path, bases, tmp_path, progress=False, date_format="%Y.%m.%d")
    assert read_layer("acled", tmp_path)["date"].tolist() == [pd.Timestamp("2020-05-09")]


def test_dates_outside_the_range_are_rejected_rows(bases, tmp_path):
    """A user imports a file with a date in 1500 and one in 9999; those rows are rejected with
    the value, the others kept."""
    path = _write(
        tmp_path / "export.csv",
        [{}, {"event_id_cnty": "IRQ2", "event_date": "1500-01-01"},
         {"event_id_cnty": "IRQ3", "event_date": "9999-12-31"}],
    )  # fmt: skip
    report = import_events("acled", path, bases, tmp_path, progress=False)
    assert (report.kept, report.rejected) == (1, 2)
    with rejects_path("acled", tmp_path).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["record"], r["line"], r["value"]) for r in rows] == [
        ("3", "3", "1500-01-01"),
        ("4", "4", "9999-12-31"),
    ]
    assert rows[0]["reason"] == (
        "event_date: '1500-01-01' is outside the dates a layer can hold (1678 to 2261)"
    )


@pytest.mark.parametrize(("encoding", "option"), [("cp1252", "cp1252"), ("latin-1", "latin-1")])
def test_windows_files_need_the_encoding_option(bases, tmp_path, capsys, encoding, option):
    """A user imports a Windows-1252 or Latin-1 file; the error names the byte, its line and
    --encoding, and with that option the names are read right."""
    rows = [{"event_id_cnty": f"IRQ{i}"} for i in range(1, 40)]
    rows[30]["location"] = "Raqqa café"
    path = _write(tmp_path / "export.csv", rows, encoding=encoding)
    args = ["import", "acled", str(path), "--user-dir", str(tmp_path), "--data-dir", str(VALID)]
    assert main(args) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("import failed: ") and len(err.splitlines()) == 1
    assert "byte 0xE9 on line 32" in err and "is not valid UTF-8" in err
    assert "--encoding cp1252 (Windows-1252, Excel on Windows) or --encoding latin-1" in err
    assert main([*args, "--encoding", option]) == 0
    layer = read_layer("acled", tmp_path).set_index("origin_id")
    assert layer.loc["IRQ31", "location"] == "Raqqa café"


def test_bad_byte_after_the_first_block(bases, tmp_path, monkeypatch):
    """A user imports a file whose first bad byte comes after the first block read; the error
    still names the byte, the line and the option (not 'after 0 rows')."""
    import posture.imports.layers as layers

    monkeypatch.setattr(layers, "BLOCK_BYTES", 4096)
    rows = [{"event_id_cnty": f"IRQ{i}"} for i in range(1, 400)]
    rows[350]["admin1"] = "Ninaw\xe1"
    path = _write(tmp_path / "export.csv", rows, encoding="cp1252")
    with pytest.raises(ImportError_, match="byte 0xE1 on line 352 .*--encoding cp1252"):
        import_events("acled", path, bases, tmp_path, progress=False)


def test_wrong_origin_is_named(bases, tmp_path):
    """A user imports a file with the other origin's command; the error says which to use."""
    path = write_synthetic("ucdp", tmp_path / "ged.csv", 5)
    with pytest.raises(ImportError_, match="looks like a UCDP GED export, not an ACLED one"):
        import_events("acled", path, bases, tmp_path, progress=False)
    acled = write_synthetic("acled", tmp_path / "acled.csv", 5)
    with pytest.raises(ImportError_, match="looks like an ACLED export, not a UCDP GED one"):
        import_events("ucdp", acled, bases, tmp_path, progress=False)


def test_record_lines_count_breaks_inside_cells(tmp_path):
    """A rejected record after cells with line breaks and empty lines is reported on the line an
    editor shows."""
    path = tmp_path / "f.csv"
    path.write_bytes(b'a,b\n1,2\n\n3,"x\ny"\r\n4,"say ""hi""\n"\r\n\r\n6,7')
    assert formats.record_lines(path, [0, 1, 2, 3]) == {0: 2, 1: 4, 2: 6, 3: 9}
