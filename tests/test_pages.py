"""AppTest: every page renders, the overview shows its figures, and filters change them."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from posture.io import REPO_ROOT
from tests.helpers import set_cell

PAGES = ["pages/overview.py"]


def _app(monkeypatch, data_dir=None) -> AppTest:
    if data_dir is not None:
        monkeypatch.setenv("POSTURE_DATA_DIR", str(data_dir))
    return AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_shipped_data(monkeypatch, page):
    """A user opens each page of the shipped dashboard; none raises an exception."""
    at = _app(monkeypatch).run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.title


def test_overview_shows_figures(monkeypatch, data_copy):
    """A user opens the overview; troop levels, bases, attacks and nations are shown."""
    at = _app(monkeypatch, data_copy).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "US troops in Iraq": "2,000–2,500",
        "US troops in Syria": "about 2,000",
        "Bases held": "1",
        "Attacks in the last 12 months of data": "1",
        "Nations present (reported in last 2 years)": "2",
    }
    captions = " ".join(c.value for c in at.caption)
    assert "[Example Daily, 01 Jun 2025](https://example.org/report)" in captions
    assert at.get("plotly_chart")


def test_country_filter_changes_figures(monkeypatch, data_copy):
    """A user picks Iraq; only Iraqi figures remain and the URL says so."""
    at = _app(monkeypatch, data_copy).run()
    at.radio(key="country").set_value("Iraq").run()
    metrics = {m.label: m.value for m in at.metric}
    assert "US troops in Syria" not in metrics
    assert metrics["Bases held"] == "0"
    assert metrics["Attacks in the last 12 months of data"] == "1"
    assert at.query_params.get("country") == "Iraq"


def test_country_from_url(monkeypatch, data_copy):
    """A copied link with ?country=Syria opens the Syria view."""
    at = _app(monkeypatch, data_copy)
    at.query_params["country"] = "Syria"
    at.run()
    assert at.radio(key="country").value == "Syria"
    assert "US troops in Iraq" not in {m.label for m in at.metric}


def test_broken_data_shows_error_panel(monkeypatch, data_copy):
    """With a broken CSV every page shows one error panel listing the failure, no traceback."""
    set_cell(data_copy, "troop_levels", 0, "best", "lots")
    at = _app(monkeypatch, data_copy).run()
    assert not at.exception
    assert "does not pass its checks" in at.error[0].value
    table = at.dataframe[0].value
    assert table.iloc[0][["file", "line", "column", "rule", "value"]].tolist() == [
        "troop_levels.csv",
        "2",
        "best",
        "integer",
        "lots",
    ]
    assert not at.metric


def test_invalid_url_parameter_falls_back(monkeypatch, data_copy):
    """A link with ?country=Mars opens the default view with a notice, not an error."""
    at = _app(monkeypatch, data_copy)
    at.query_params["country"] = "Mars"
    at.run()
    assert not at.exception
    assert at.radio(key="country").value == "Both"
    assert "Ignored ?country=Mars" in at.warning[0].value
