"""The bad-input catalogue: each case fails the CLI with a located report, shows the app's
error panel without a traceback, and never modifies the input files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from posture.cli import main
from posture.data.dataset import REPO_ROOT, read_dataset
from tests.helpers import append_row, read_rows, set_cell, write_rows


def _text(directory: Path, table: str) -> str:
    return (directory / f"{table}.csv").read_text("utf-8")


def _write(directory: Path, table: str, text: str) -> None:
    (directory / f"{table}.csv").write_text(text, "utf-8")


def _replace(table: str, old: str, new: str):
    def mutate(d: Path) -> None:
        text = _text(d, table)
        assert old in text, old
        _write(d, table, text.replace(old, new, 1))

    return mutate


def _cell(table: str, row: int, column: str, value: str):
    return lambda d: set_cell(d, table, row, column, value)


def _drop_column(table: str, column: str):
    def mutate(d: Path) -> None:
        rows = read_rows(d / f"{table}.csv")
        write_rows(d / f"{table}.csv", [{k: v for k, v in r.items() if k != column} for r in rows])

    return mutate


def _big_file(d: Path) -> None:
    with (d / "nations.csv").open("a", encoding="utf-8") as handle:
        line = "XXX," + "x" * 1000 + "\n"
        for _ in range(105_000):
            handle.write(line)


def _million_rows(d: Path) -> None:
    lines = ["iso3,name"] + [f"N{i % 10}{i % 7}," + f"Nation {i}" for i in range(1_000_000)]
    _write(d, "nations", "\n".join(lines) + "\n")


# name, mutation, (file, line, column, rule) expected in the report (None: not checked)
CASES = [
    ("missing file", lambda d: (d / "bases.csv").unlink(), ("bases.csv", None, None, "file_exists")),
    ("empty file", lambda d: _write(d, "nations", ""), ("nations.csv", None, None, "not_empty")),
    ("header only", lambda d: _write(d, "nations", "iso3,name\n"), ("nations.csv", None, None, "has_rows")),
    ("missing column", _drop_column("troop_levels", "qualifier"),
     ("troop_levels.csv", 1, "qualifier", "column_in_dataframe")),
    ("extra column", _replace("nations", "iso3,name\n", "iso3,name,colour\n"),
     ("nations.csv", None, None, "field_count")),
    ("renamed header (case)", _replace("troop_levels", "as_of", "As_Of"),
     ("troop_levels.csv", 1, "As_Of", "column_in_schema")),
    ("renamed header (spaces)", _replace("troop_levels", "as_of", "as of"),
     ("troop_levels.csv", 1, "as of", "column_in_schema")),
    ("semicolon-delimited", lambda d: _write(d, "nations", "iso3;name\nUSA;United States\n"),
     ("nations.csv", 1, None, "comma_separated")),
    ("non-UTF-8 bytes", lambda d: (d / "nations.csv").write_bytes(b"iso3,name\nUSA,Unit\xe9d\n"),
     ("nations.csv", 2, None, "utf8_encoding")),
    ("unterminated quote", lambda d: _write(d, "nations", 'iso3,name\nUSA,"United States\n'),
     ("nations.csv", 2, None, "csv_syntax")),
    ("duplicate key", _cell("nations", 1, "iso3", "USA"), ("nations.csv", None, "iso3", "field_uniqueness")),
    ("dangling source_id", _cell("troop_levels", 0, "source_id", "nowhere"),
     ("troop_levels.csv", 2, "source_id", "source_id_resolves")),
    ("dangling base_id", _cell("base_events", 0, "base_id", "nowhere"),
     ("base_events.csv", 2, "base_id", "base_id_resolves")),
    ("dangling iso3", _cell("contributions", 0, "iso3", "FRA"),
     ("contributions.csv", 2, "iso3", "iso3_resolves")),
    ("unparseable date", _cell("incidents", 0, "date", "28/01/2024"),
     ("incidents.csv", 2, "date", "str_matches")),
    ("impossible date", _cell("incidents", 0, "date", "2024-02-30"), ("incidents.csv", 2, "date", "real_date")),
    ("actual event after newest source", _cell("incidents", 0, "date", "2026-12-24"),
     ("incidents.csv", 2, "date", "actual_not_after_newest_source")),
    ("negative count", _cell("incidents", 0, "wounded", "-4"),
     ("incidents.csv", 2, "wounded", "greater_than_or_equal_to")),
    ("low above best", _cell("troop_levels", 0, "low", "9000"),
     ("troop_levels.csv", 2, "low, best, high", "low_le_best_le_high")),
    ("latitude out of range", _cell("bases", 0, "latitude", "133.8"), ("bases.csv", 2, "latitude", "in_range")),
    ("latitude and longitude swapped", lambda d: (set_cell(d, "bases", 0, "latitude", "42.44"),
                                                   set_cell(d, "bases", 0, "longitude", "33.8")),
     ("bases.csv", 2, "country, latitude, longitude", "point_inside_country")),
    ("point outside its country", _cell("bases", 1, "longitude", "45.0"),
     ("bases.csv", 3, "country, latitude, longitude", "point_inside_country")),
    ("unknown enum value", _cell("incidents", 0, "weapon", "catapult"), ("incidents.csv", 2, "weapon", "isin")),
    ("leading or trailing spaces", _cell("incidents", 0, "location", " Base B "),
     ("incidents.csv", 2, "location", "no_surrounding_space")),
    ("over-long quote", _cell("milestones", 0, "quote", "q" * 301), ("milestones.csv", 2, "quote", "str_length")),
    ("URL without http(s)", _cell("sources", 0, "url", "www.example.org/x"),
     ("sources.csv", 2, "url", "str_matches")),
    ("javascript: URL", _cell("sources", 0, "url", "javascript:alert(document.cookie)"),
     ("sources.csv", 2, "url", "str_matches")),
    ("100 MB file", _big_file, ("nations.csv", None, None, "file_size")),
    ("a million rows", _million_rows, ("nations.csv", None, None, "row_count")),
    ("cell starting with =", _cell("incidents", 0, "summary", "=HYPERLINK(\"http://x\")"),
     ("incidents.csv", 2, "summary", "no_formula_prefix")),
    ("cell starting with +", _cell("incidents", 0, "summary", "+1 attack"),
     ("incidents.csv", 2, "summary", "no_formula_prefix")),
    ("cell starting with -", _cell("incidents", 0, "summary", "-1 attack"),
     ("incidents.csv", 2, "summary", "no_formula_prefix")),
    ("cell starting with @", _cell("incidents", 0, "summary", "@SUM(A1)"),
     ("incidents.csv", 2, "summary", "no_formula_prefix")),
    ("cell starting with a tab", _cell("incidents", 0, "claimed_by", "\tGroup X"),
     ("incidents.csv", 2, "claimed_by", "no_formula_prefix")),
    ("cell starting with a carriage return", _replace("incidents", ",Group X,", ',"\rGroup X",'),
     ("incidents.csv", 2, "claimed_by", "no_formula_prefix")),
    ("text where a number belongs", _cell("troop_levels", 0, "best", "about 2500"),
     ("troop_levels.csv", 2, "best", "integer")),
    ("unused source", lambda d: append_row(d, "sources", {
        "source_id": "orphan", "publisher": "P", "title": "T", "url": "https://e.org/o",
        "accessed": "2026-11-23", "kind": "press"}), ("sources.csv", 4, "source_id", "source_is_cited")),
    # Markup and deception: names never hold markup or addresses; no text holds invisible
    # characters that disguise it.
    ("link in a nation name", _cell("nations", 0, "name", '<a href="https://evil.example/phish">UK</a>'),
     ("nations.csv", 2, "name", "plain_name")),
    ("styled text in a base name", _cell("bases", 0, "name", '<span style="font-size:80px">A</span>'),
     ("bases.csv", 2, "name", "plain_name")),
    ("bare URL in a base name", _cell("bases", 1, "name", "Base B https://evil.example/login"),
     ("bases.csv", 3, "name", "plain_name")),
    ("image tag in a claimant", _cell("incidents", 0, "claimed_by", "<img src=http://evil.example/x.png>"),
     ("incidents.csv", 2, "claimed_by", "plain_name")),
    ("markup in a publisher", _cell("sources", 0, "publisher", "Example <b>Ministry</b>"),
     ("sources.csv", 2, "publisher", "plain_name")),
    ("bidi override in a quote", _cell("incidents", 0, "quote", "a drone \u202ekilled three"),
     ("incidents.csv", 2, "quote", "no_invisible_characters")),
    ("zero-width space in a name", _cell("nations", 1, "name", "United\u200bStates"),
     ("nations.csv", 3, "name", "no_invisible_characters")),
    ("control character in a note", _cell("troop_levels", 0, "note", "note\x07bell"),
     ("troop_levels.csv", 2, "note", "no_invisible_characters")),
]  # fmt: skip


def _hashes(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in directory.glob("*")}


@pytest.mark.parametrize(("name", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(name, mutate, expected, data_copy, monkeypatch, capsys):
    """A user saves a broken table: the CLI names file, line, column, rule and value and exits
    1; every page shows the error panel; the files are left exactly as they were."""
    mutate(data_copy)
    before = _hashes(data_copy)
    file, line, column, rule = expected

    assert main(["validate", "--data-dir", str(data_copy)]) == 1
    report = capsys.readouterr().err
    where = f"{file}:{line}:" if line else f"{file}:"
    lines = [text for text in report.splitlines() if text.startswith(where) and rule in text]
    assert lines, report
    if column:
        assert any(f"column {column!r}" in text for text in lines), lines

    monkeypatch.setenv("POSTURE_DATA_DIR", str(data_copy))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120).run()
    assert not at.exception
    assert "does not pass its checks" in at.error[0].value
    panel = at.dataframe[0].value
    assert ((panel["file"] == file) & panel["rule"].str.contains(rule, regex=False)).any()
    assert not at.get("plotly_chart")
    assert _hashes(data_copy) == before


def test_catalogue_size():
    """The catalogue covers at least 30 kinds of bad input."""
    assert len(CASES) >= 30


@pytest.mark.parametrize("change", ["bom", "crlf", "reordered columns"])
def test_accepted_variations(data_copy, change):
    """A byte-order mark, Windows line endings and reordered columns are accepted."""
    path = data_copy / "troop_levels.csv"
    if change == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    elif change == "crlf":
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    else:
        rows = read_rows(path)
        write_rows(path, rows, fieldnames=list(reversed(list(rows[0]))))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(read_dataset(data_copy).troop_levels) == 5
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_header_near_miss_hint(data_copy, capsys):
    """A header in the wrong case gets a 'did you mean' hint."""
    _replace("troop_levels", "as_of", "As_Of")(data_copy)
    main(["validate", "--data-dir", str(data_copy)])
    assert "did you mean 'as_of'?" in capsys.readouterr().err
