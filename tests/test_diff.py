"""`python -m posture diff`: rows added, removed and changed per table, by key."""

from __future__ import annotations

from posture.cli import main
from posture.data.diff import diff_dirs
from tests.helpers import VALID, append_row, copy_data, read_rows, set_cell, write_rows


def test_identical_copies_have_no_differences(tmp_path):
    """Comparing the data with a copy of itself reports nothing."""
    copy = copy_data(tmp_path / "new")
    assert all(d.empty for d in diff_dirs(VALID, copy))


def test_added_removed_changed(tmp_path):
    """A reviewer sees one added source, one removed event and one changed figure."""
    new = copy_data(tmp_path / "new")
    set_cell(new, "troop_levels", 0, "quote", "about 2,500 US troops in Iraq")
    append_row(
        new,
        "sources",
        {"source_id": "fixture-new", "publisher": "P", "title": "T", "url": "https://e.org/n"},
    )
    events = read_rows(new / "base_events.csv")
    write_rows(new / "base_events.csv", events[:-1])
    diffs = {d.table: d for d in diff_dirs(VALID, new)}
    assert [r["source_id"] for r in diffs["sources"].added] == ["fixture-new"]
    assert [r["base_id"] for r in diffs["base_events"].removed] == ["base-b"]
    [(key, changes)] = diffs["troop_levels"].changed
    assert key == (
        "Iraq",
        "us",
        "2024-09-27",
        "official",
        "estimate",
        "country",
        "fixture-official",
        "2500",
    )
    assert changes == [("quote", "about 2500 troops in Iraq", "about 2,500 US troops in Iraq")]
    assert diffs["bases"].empty


def test_changed_key_value_is_a_removal_and_an_addition(tmp_path):
    """Changing a value that is part of the key shows the old row removed and the new added."""
    new = copy_data(tmp_path / "new")
    set_cell(new, "incidents", 2, "incident_id", "20250301-base-a-rockets")
    [d] = [d for d in diff_dirs(VALID, new) if d.table == "incidents"]
    assert [r["incident_id"] for r in d.added] == ["20250301-base-a-rockets"]
    assert [r["incident_id"] for r in d.removed] == ["20250301-base-a-rocket"]


def test_cli_prints_report(tmp_path, capsys):
    """The command prints a summary line per table and the changed rows."""
    new = copy_data(tmp_path / "new")
    set_cell(new, "nations", 1, "name", "Britain")
    assert main(["diff", str(VALID), str(new)]) == 0
    out = capsys.readouterr().out
    assert "nations: 0 added, 0 removed, 1 changed" in out
    assert "  ~ GBR: name: 'United Kingdom' -> 'Britain'" in out
    assert main(["diff", str(VALID), str(tmp_path / "missing")]) == 2
