"""Figures are inspected as objects: traces, names, data and titles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from posture import charts
from posture.io import read_dataset
from tests.helpers import VALID

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ds():
    return read_dataset(VALID)


def test_troop_chart_traces(ds):
    """The chart has a step line per country and a marker trace per kind of report."""
    fig = charts.troop_levels_chart(ds.troop_levels, ds.sources, ["Iraq", "Syria"])
    names = [t.name for t in fig.data]
    assert names == [
        "Iraq: level",
        "Iraq: official",
        "Iraq: reported",
        "Syria: level",
        "Syria: official",
        "Syria: reported",
        "Syria: planned",
    ]
    iraq_line = fig.data[0]
    assert iraq_line.line.shape == "hv" and iraq_line.connectgaps is False
    assert list(iraq_line.y) == [2500]  # the range-only report is a marker, not a line point
    assert fig.layout.title.text == "US troops in Iraq and Syria"
    assert fig.layout.yaxis.title.text == "Troops (persons)"


def test_troop_chart_one_country(ds):
    """Picking Syria draws only Syria, in Syria's colour."""
    fig = charts.troop_levels_chart(ds.troop_levels, ds.sources, ["Syria"])
    assert {t.legendgroup for t in fig.data} == {"Syria"}
    assert fig.data[0].line.color == charts.COUNTRY_COLORS["Syria"]


def test_range_is_drawn_as_error_bar(ds):
    """A range-only report sits at its low end with a bar up to its high end."""
    fig = charts.troop_levels_chart(ds.troop_levels, ds.sources, ["Iraq"])
    reported = next(t for t in fig.data if t.name == "Iraq: reported")
    assert list(reported.y) == [2000]
    assert list(reported.error_y.array) == [500.0]


def test_hover_carries_source_and_quote(ds):
    """Hovering a marker shows the figure, its publisher and the quote."""
    fig = charts.troop_levels_chart(ds.troop_levels, ds.sources, ["Iraq"])
    official = next(t for t in fig.data if t.name == "Iraq: official")
    assert list(official.customdata[0][:3]) == ["about 2,500", "official", "Example Ministry"]
    assert "about 2500 troops in Iraq" in official.customdata[0][4]


@pytest.mark.parametrize(
    "module", ["posture/transforms.py", "posture/charts.py", "posture/io.py", "posture/rules.py"]
)
def test_library_modules_do_not_import_streamlit(module):
    """Transforms and charts stay pure: they never import streamlit."""
    tree = ast.parse((ROOT / module).read_text("utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert "streamlit" not in imported
