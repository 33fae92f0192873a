"""Importing a user's own ACLED or UCDP export: mapping, rejects, replacement, no leftovers."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from posture.cli import main
from posture.data.dataset import read_dataset
from posture.imports.layers import (
    ARROW_SCHEMA,
    ImportError_,
    available_layers,
    import_events,
    layer_path,
    read_layer,
    rejects_path,
)
from posture.imports.synthetic import ACLED_COLUMNS, UCDP_COLUMNS, write_synthetic
from tests.helpers import FIXTURES, VALID

MESSY = FIXTURES / "imports"


@pytest.fixture(scope="module")
def bases():
    return read_dataset(VALID).bases


def _rejects(origin: str, directory: Path) -> dict[str, tuple[str, str, str]]:
    """Record number -> (text line, outcome, reason) of each row in the rejects file."""
    with rejects_path(origin, directory).open(newline="", encoding="utf-8") as handle:
        return {
            row["record"]: (row["line"], row["outcome"], row["reason"])
            for row in csv.DictReader(handle)
        }


def test_acled_messy_file(bases, tmp_path):
    """A user imports a messy ACLED export; rows that cannot be placed are rejected with the value
    and both record and line, rows with an unreadable cell are kept with that cell empty."""
    report = import_events("acled", MESSY / "acled_messy.csv", bases, tmp_path, progress=False)
    assert (report.read, report.kept, report.out_of_area, report.rejected) == (13, 7, 1, 5)
    assert report.emptied == 3
    assert _rejects("acled", tmp_path) == {
        "5": (
            "5",
            "rejected",
            "event_date: cannot read '2024-13-45' as a date (this file's dates: YYYY-MM-DD, "
            "e.g. 2024-01-28)",
        ),
        "6": ("6", "rejected", "latitude: 'abc' is not a number"),
        "7": (
            "7",
            "rejected",
            "latitude, longitude: the point 35.0, 38.0 (Iraq) lies outside that country",
        ),
        "8": ("8", "kept", "fatalities: -2 is below 0; left empty"),
        "9": ("9", "rejected", "event_id_cnty: 'IRQ1' repeats the id of record 2"),
        "10": ("10", "rejected", "event_id_cnty: empty (the row has no id)"),
        "11": ("11", "kept", "time_precision: unknown code '9' (known: 1, 2, 3); left empty"),
        # Record 13 starts on line 14: record 12 holds a line break inside a quoted cell.
        "13": ("14", "kept", "fatalities: '1.5' is not a whole number; left empty"),
    }
    layer = read_layer("acled", tmp_path).set_index("origin_id")
    assert list(layer.index) == ["IRQ1", "SYR1", "IRQ5", "IRQ6", "JOR1", "IRQ7", "IRQ8"]
    assert layer.loc["SYR1", "date"] == pd.Timestamp("2024-01-28")  # '28 January 2024'
    assert layer.loc["IRQ8", ["country", "location"]].tolist() == ["Iraq", "Spaced place"]
    assert layer.loc["IRQ1", ["nearest_base_id", "distance_km"]].tolist() == ["base-a", 0.0]
    assert layer.loc["SYR1", "fatalities_best"] == 3
    assert pd.isna(layer.loc["SYR1", "fatalities_low"])
    assert pd.isna(layer.loc["IRQ5", "fatalities_best"]) and pd.isna(
        layer.loc["IRQ7", "fatalities_best"]
    )
    assert pd.isna(layer.loc["IRQ6", "date_precision"])
    assert layer["estimate_order"].isna().all()  # ACLED gives one estimate


def test_ucdp_messy_file(bases, tmp_path):
    """A user imports a UCDP file whose low is above best; the row is kept as given and flagged."""
    report = import_events("ucdp", MESSY / "ucdp_messy.csv", bases, tmp_path, progress=False)
    assert (report.read, report.kept, report.out_of_area, report.rejected) == (6, 5, 1, 0)
    assert report.estimates_out_of_order == 1
    assert _rejects("ucdp", tmp_path) == {
        "6": ("6", "kept", "where_prec: 9 is not a precision code (1–7); left empty"),
        "7": ("7", "kept", "type_of_violence: unknown code '7' (known: 1, 2, 3); left empty"),
    }
    layer = read_layer("ucdp", tmp_path).set_index("origin_id")
    estimates = ["fatalities_low", "fatalities_best", "fatalities_high", "estimate_order"]
    assert layer.loc["101", estimates].tolist() == [1, 2, 4, "in order"]
    assert layer.loc["102", estimates].tolist() == [5, 2, 4, "low > best"]
    assert layer.loc["101", "event_type"] == "one-sided violence"
    assert pd.isna(layer.loc["106", "event_type"])
    assert layer.loc["104", "date_precision"] == "month"


def test_missing_column_is_named(bases, tmp_path):
    """A file without a required column is refused with the column's name."""
    path = tmp_path / "bad.csv"
    path.write_text("event_id_cnty,event_date\nX,2024-01-01\n", "utf-8")
    with pytest.raises(ImportError_, match="missing column\\(s\\) time_precision, country, lat"):
        import_events("acled", path, bases, tmp_path / "user", progress=False)
    assert not (tmp_path / "user" / "acled.parquet").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not a readable CSV file"),
    ],
)
def test_unreadable_files(bases, tmp_path, content, message):
    """A missing, empty or binary file gets a clear error."""
    path = tmp_path / "input.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportError_, match=message):
        import_events("acled", path, bases, tmp_path / "user", progress=False)


def test_failed_import_keeps_previous_layer(bases, tmp_path):
    """A truncated file fails without touching the earlier layer or leaving temporary files."""
    import_events("acled", MESSY / "acled_messy.csv", bases, tmp_path, progress=False)
    before = hashlib.sha256(layer_path("acled", tmp_path).read_bytes()).hexdigest()
    good = (MESSY / "acled_messy.csv").read_text("utf-8")
    truncated = tmp_path / "truncated.csv"
    truncated.write_text(good + 'IRQ9,"unterminated', "utf-8")
    with pytest.raises(ImportError_, match="cannot be read"):
        import_events("acled", truncated, bases, tmp_path, progress=False)
    assert hashlib.sha256(layer_path("acled", tmp_path).read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "acled.parquet",
        "acled_rejects.csv",
        "truncated.csv",
    ]
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_reimport_replaces_and_origins_coexist(bases, tmp_path):
    """Importing again replaces that origin's layer; ACLED and UCDP layers live side by side."""
    synthetic = write_synthetic("acled", tmp_path / "acled.csv", 500)
    import_events("acled", MESSY / "acled_messy.csv", bases, tmp_path / "user", progress=False)
    import_events("ucdp", MESSY / "ucdp_messy.csv", bases, tmp_path / "user", progress=False)
    report = import_events("acled", synthetic, bases, tmp_path / "user", progress=False)
    assert available_layers(tmp_path / "user") == ["acled", "ucdp"]
    assert len(read_layer("acled", tmp_path / "user")) == report.kept
    assert report.read == 500 and report.kept + report.out_of_area == 500
    assert not rejects_path("acled", tmp_path / "user").exists()  # no rejects this time
    assert len(read_layer("ucdp", tmp_path / "user")) == 5


def test_synthetic_files_are_deterministic(tmp_path):
    """The same size and seed give the same bytes; the columns are the exports' own."""
    one = write_synthetic("ucdp", tmp_path / "a.csv", 300)
    two = write_synthetic("ucdp", tmp_path / "b.csv", 300)
    assert one.read_bytes() == two.read_bytes()
    acled = write_synthetic("acled", tmp_path / "c.csv", 10)
    assert acled.read_text("utf-8").splitlines()[0].replace('"', "").split(",") == ACLED_COLUMNS
    assert len(ACLED_COLUMNS) == 31 and len(UCDP_COLUMNS) == 49
    assert len(one.read_text("utf-8").splitlines()) == 301


def test_import_cli_prints_counts(tmp_path, capsys):
    """`python -m posture import` prints read, kept, out of area and rejected counts."""
    args = ["import", "ucdp", str(MESSY / "ucdp_messy.csv"), "--user-dir", str(tmp_path)]
    assert main([*args, "--data-dir", str(VALID)]) == 0
    out = capsys.readouterr().out
    assert "ucdp: read 6, kept 5, out of area 1, rejected 0" in out
    assert "recognised: UCDP GED with relid and code_status (recent releases)" in out
    assert "kept 1 with a cell left empty: where_prec: not a precision code (1–7)" in out
    assert "kept 1 whose low/best/high estimates are out of order in the source" in out
    assert main(["import", "acled", str(tmp_path / "nope.csv"), "--data-dir", str(VALID)]) == 1
    assert "no such file" in capsys.readouterr().err


def test_duplicates_across_batches(bases, tmp_path, monkeypatch):
    """An id repeated in a later block is rejected, just as within one block."""
    import posture.imports.layers as layers

    monkeypatch.setattr(layers, "BLOCK_BYTES", 2048)  # a few rows per block
    report = import_events("acled", MESSY / "acled_messy.csv", bases, tmp_path, progress=False)
    assert (report.read, report.kept, report.out_of_area, report.rejected) == (13, 7, 1, 5)
    assert sorted(read_layer("acled", tmp_path)["origin_id"]) == [
        "IRQ1", "IRQ5", "IRQ6", "IRQ7", "IRQ8", "JOR1", "SYR1"
    ]  # fmt: skip
    assert _rejects("acled", tmp_path)["9"] == (
        "9",
        "rejected",
        "event_id_cnty: 'IRQ1' repeats the id of record 2",
    )


def test_layer_of_an_older_import_gains_new_columns(bases, tmp_path):
    """A user upgrades with a layer imported before estimate_order existed; it still opens, the
    new column empty."""
    import pyarrow.parquet as pq

    import_events("ucdp", MESSY / "ucdp_messy.csv", bases, tmp_path, progress=False)
    path = layer_path("ucdp", tmp_path)
    pq.write_table(pq.read_table(path).drop_columns(["estimate_order"]), path)
    layer = read_layer("ucdp", tmp_path)
    assert list(layer.columns) == [f.name for f in ARROW_SCHEMA]
    assert layer["estimate_order"].isna().all() and len(layer) == 5


def test_layers_meet_the_whole_contract(bases, tmp_path):
    """A user's imported layers pass the full imported-events schema, whose estimate_order rule
    fails a value that does not match the estimates."""
    import pandera.errors

    from schemas.imported_events import ImportedEventSchema

    for origin in ("acled", "ucdp"):
        import_events(origin, MESSY / f"{origin}_messy.csv", bases, tmp_path, progress=False)
        ImportedEventSchema.validate(read_layer(origin, tmp_path), lazy=True)
    wrong = read_layer("ucdp", tmp_path)
    wrong.loc[0, "estimate_order"] = "low > best"  # row 101: 1, 2, 4 is in order
    with pytest.raises(pandera.errors.SchemaErrors, match="estimate_order_matches_estimates"):
        ImportedEventSchema.validate(wrong, lazy=True)
