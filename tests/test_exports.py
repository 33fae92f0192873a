"""Derived views as data: `python -m posture export plans|posture|monthly|headlines` writes the
same bytes as the page's download button for the same filters."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from posture.analysis import plans, transforms, views
from posture.cli import main
from posture.data.dataset import read_dataset
from posture.data.export import csv_bytes
from tests.test_pages import _open, table

CASES = [
    # (CLI arguments, the view call the page makes, page, page parameters, table key)
    (
        ["plans"],
        lambda ds: views.ledger(ds, "Both", None, plans.OUTCOMES).table,
        "plans",
        {},
        "plans_table",
    ),
    (
        ["posture", "--on", "2016-06-01"],
        lambda ds: views.bases(ds, "Both", None, None, pd.Timestamp("2016-06-01")).status_table,
        "bases",
        {"bases_date": "2016-06-01"},
        "bases_status",
    ),
    (
        ["monthly"],
        lambda ds: (
            views.compare(ds, views.FIRST_MONTH, transforms.latest_date(ds), None, None).table
        ),
        "compare",
        {},
        "compare_table",
    ),
    (
        ["headlines"],
        lambda ds: views.overview(ds, "Both").table,
        "overview",
        {},
        "overview_headlines",
    ),
]


def _export(capsysbinary, data_dir, *args: str) -> bytes:
    assert main(["export", *args, "--data-dir", str(data_dir)]) == 0
    return capsysbinary.readouterr().out


@pytest.mark.parametrize(("args", "view", "page", "params", "key"), CASES)
def test_export_equals_the_page_download(
    monkeypatch, capsysbinary, data_copy, args, view, page, params, key
):
    """A user downloads a derived table from its page; the command line writes the same bytes,
    and they parse back to the rows the page shows."""
    data = _export(capsysbinary, data_copy, *args)
    assert data == csv_bytes(view(read_dataset(data_copy)))
    shown = table(_open(monkeypatch, page, data_copy, **params), key)
    back = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert back.columns.tolist() == shown.columns.tolist()
    assert len(back) == len(shown) > 0


def test_posture_export_needs_a_date(capsys, data_copy):
    """Without --on the posture export says what is missing and exits 2."""
    assert main(["export", "posture", "--data-dir", str(data_copy)]) == 2
    assert "--on YYYY-MM-DD" in capsys.readouterr().err


def test_posture_export_statuses(capsysbinary, data_copy):
    """The posture export has one row per site with the four statuses' vocabulary."""
    data = _export(capsysbinary, data_copy, "posture", "--on", "2025-06-01")
    rows = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert rows.columns[:6].tolist() == [
        "base_id",
        "name",
        "country",
        "status",
        "last_event",
        "last_reported",
    ]
    assert dict(zip(rows["base_id"], rows["status"], strict=True)) == {
        "base-a": "left",
        "base-b": "unconfirmed",
    }


def test_export_never_writes_into_the_data_directory(capsys, data_copy):
    """Writing an export over a shipped table is refused with a message; the table is intact."""
    target = data_copy / "troop_levels.csv"
    before = target.read_bytes()
    args = ["export", "troop_levels", "--country", "Iraq", "-o", str(target)]
    assert main([*args, "--data-dir", str(data_copy)]) == 2
    assert "inside the data directory" in capsys.readouterr().err
    assert main([*args, "--force", "--data-dir", str(data_copy)]) == 2
    assert target.read_bytes() == before


def test_export_replaces_an_existing_file_only_with_force(capsys, data_copy, tmp_path):
    """An existing output file is kept unless --force is given."""
    out = tmp_path / "out.csv"
    out.write_text("mine", "utf-8")
    args = ["export", "bases", "-o", str(out), "--data-dir", str(data_copy)]
    assert main(args) == 2 and out.read_text("utf-8") == "mine"
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0 and out.read_text("utf-8").startswith("base_id,")
