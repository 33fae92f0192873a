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


def test_a_merged_site_is_reported_as_a_merge_and_its_events_as_moved(tmp_path):
    """A curator merges base-b into base-a: the diff says base-b was merged into base-a and its
    events moved, instead of listing them as removed and added."""
    new = copy_data(tmp_path / "new")
    bases = [r for r in read_rows(new / "bases.csv") if r["base_id"] != "base-b"]
    write_rows(new / "bases.csv", bases)
    for name in ("base_events", "incidents"):
        rows = read_rows(new / f"{name}.csv")
        for row in rows:
            if row["base_id"] == "base-b":
                row["base_id"] = "base-a"
        write_rows(new / f"{name}.csv", rows)
    diffs = {d.table: d for d in diff_dirs(VALID, new)}
    assert diffs["bases"].renamed == {"base-b": "base-a"}
    assert diffs["bases"].merged == {"base-b"}
    events = diffs["base_events"]
    assert not events.added and not events.removed
    assert [(old[0], moved[0]) for old, moved, _ in events.moved] == [("base-b", "base-a")]


def test_cli_reports_a_rename(tmp_path, capsys):
    """Renaming base-b to base-c everywhere prints one rename line, not a removal."""
    new = copy_data(tmp_path / "new")
    for name in ("bases", "base_events", "incidents"):
        rows = read_rows(new / f"{name}.csv")
        for row in rows:
            if row["base_id"] == "base-b":
                row["base_id"] = "base-c"
        write_rows(new / f"{name}.csv", rows)
    assert main(["diff", str(VALID), str(new)]) == 0
    out = capsys.readouterr().out
    assert "bases: 1 added, 1 removed, 0 changed (1 renamed, 0 merged)" in out
    assert "> base-b renamed to base-c" in out
    assert "base_events: 0 added, 0 removed, 0 changed, 1 moved" in out
