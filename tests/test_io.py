"""Reading files: problems the schemas cannot see, accepted normalisations, and the CLI."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from posture.cli import main
from posture.data.dataset import read_dataset, read_table
from posture.data.failures import DataValidationError


def _fail(directory) -> list:
    with pytest.raises(DataValidationError) as caught:
        read_dataset(directory)
    return caught.value.failures


def test_missing_file(data_copy):
    """A user deletes a table; the report names the missing file."""
    (data_copy / "bases.csv").unlink()
    assert [(f.file, f.rule) for f in _fail(data_copy)] == [("bases.csv", "file_exists")]


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"", "not_empty"),
        (b"iso3,name\n", "has_rows"),
        (b"iso3;name\nUSA;United States\nGBR;United Kingdom\n", "comma_separated"),
        (b"iso3,name\nUSA,United States,extra\nGBR,United Kingdom\n", "field_count"),
        (b'iso3,name\nUSA,"United States\nGBR,United Kingdom\n', "csv_syntax"),
        (b"iso3,name\nUSA,United States\nGBR,United \xff Kingdom\n", "utf8_encoding"),
        (b"iso3,nom\nUSA,United States\nGBR,United Kingdom\n", "column_in_schema"),
        (b"iso3\nUSA\nGBR\n", "column_in_dataframe"),
    ],
)
def test_unreadable_files(data_copy, content, rule):
    """A user saves nations.csv in a broken form; the report names the rule."""
    (data_copy / "nations.csv").write_bytes(content)
    failures = _fail(data_copy)
    assert rule in {f.rule for f in failures if f.file == "nations.csv"}


def test_bad_byte_is_located(data_copy):
    """Non-UTF-8 bytes are reported on the line where they are."""
    (data_copy / "nations.csv").write_bytes(b"iso3,name\nUSA,United States\nGBR,United \xff\n")
    [failure] = _fail(data_copy)
    assert (failure.line, failure.rule) == (3, "utf8_encoding")


def test_line_numbers_count_embedded_newlines(data_copy):
    """A quoted cell spanning two lines does not shift the line numbers of later rows."""
    path = data_copy / "nations.csv"
    path.write_text('iso3,name\nUSA,"United\nStates"\nGBR,United Kingdom\nxx,Bad\n', "utf-8")
    failures = [f for f in _fail(data_copy) if f.file == "nations.csv"]
    assert [(f.line, f.rule.split("(")[0]) for f in failures] == [(5, "str_matches")]


@pytest.mark.parametrize("transform", ["bom", "crlf"])
def test_accepted_normalisations(data_copy, transform):
    """A file saved by a spreadsheet with a byte-order mark or Windows line endings is read."""
    path = data_copy / "troop_levels.csv"
    data = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + data if transform == "bom" else data.replace(b"\n", b"\r\n"))
    assert len(read_table("troop_levels", data_copy)) == 5


def test_dates_are_parsed(data_copy):
    """Loaded tables carry real dates, not text."""
    table = read_table("troop_levels", data_copy)
    assert str(table["as_of"].dtype).startswith("datetime64")
    assert table["best"].dtype.name == "Int64"


def test_validate_cli_ok(data_copy, capsys):
    """`python -m posture validate` prints a one-line summary and exits 0 on good data."""
    assert main(["validate", "--data-dir", str(data_copy)]) == 0
    out = capsys.readouterr().out.strip()
    files = sorted(data_copy.glob("*.csv"))
    rows = sum(len(path.read_text("utf-8").splitlines()) - 1 for path in files)
    assert out.startswith(f"OK: {len(files)} tables, {rows} rows") and "\n" not in out


def test_validate_cli_reports_and_exits_1(data_copy, capsys):
    """On broken data the CLI prints file, line, column, rule and value, and exits 1."""
    path = data_copy / "troop_levels.csv"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    text = path.read_text("utf-8").replace("Iraq,us,2024-09-27,,2500", "Iraq,us,2024-09-27,,-3")
    path.write_text(text, "utf-8")
    changed = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    err = capsys.readouterr().err
    assert "troop_levels.csv:2: column 'best' breaks greater_than_or_equal_to(0): -3" in err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == changed != before


def test_data_dir_from_environment(data_copy, monkeypatch):
    """POSTURE_DATA_DIR points the loader at another copy of the data."""
    monkeypatch.setenv("POSTURE_DATA_DIR", str(data_copy))
    assert read_dataset().data_dir == str(data_copy)


def test_export_cli_matches_page_download(data_copy, capsysbinary):
    """`python -m posture export` writes the same bytes as the Data page's download."""
    from posture.analysis import transforms
    from posture.data import export

    dataset = read_dataset(data_copy)
    args = ["export", "incidents", "--country", "Syria", "--data-dir", str(data_copy)]
    assert main([*args, "--to", "2024-12-31"]) == 0
    out = capsysbinary.readouterr().out
    expected = export.csv_bytes(
        transforms.filter_table(dataset, "incidents", ["Syria"], None, pd.Timestamp("2024-12-31"))
    )
    assert out == expected and out.count(b"\n") == 3
    assert main([*args, "--from", "not-a-date"]) == 2


def test_derived_results_are_computed_once_per_dataset(data_copy):
    """A result derived from the whole dataset (the plans ledger) is computed on first use and
    then reused; another read of the files starts afresh."""
    dataset = read_dataset(data_copy)
    calls = []

    def count_rows(whole):
        calls.append(whole)
        return sum(whole.row_counts().values())

    first = dataset.derived("rows", count_rows)
    assert dataset.derived("rows", count_rows) == first
    assert len(calls) == 1 and calls[0] is dataset
    read_dataset(data_copy).derived("rows", count_rows)
    assert len(calls) == 2
