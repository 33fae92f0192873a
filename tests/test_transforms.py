"""Pure transforms, checked against the hand-made golden fixture."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

from posture.analysis import transforms
from posture.data.dataset import read_dataset
from tests.helpers import VALID


@pytest.fixture(scope="module")
def ds():
    return read_dataset(VALID)


def test_latest_date_is_newest_actual_fact(ds):
    """'Today' for every view is the newest actual date in the data, not the clock."""
    assert transforms.latest_date(ds) == pd.Timestamp("2025-06-01")


def test_latest_levels_prefers_official(ds):
    """The headline shows the newest report; planned targets never count as levels."""
    syria = transforms.latest_levels(ds.troop_levels, "Syria")
    assert syria["as_of"].tolist() == [pd.Timestamp("2025-06-01")]
    assert syria["best"].tolist() == [2000]


@pytest.mark.parametrize(
    ("row", "text"),
    [
        ({"qualifier": "about", "best": 2500, "low": None, "high": None}, "about 2,500"),
        ({"qualifier": "range", "best": None, "low": 2000, "high": 2500}, "2,000–2,500"),
        ({"qualifier": "fewer_than", "best": 1000, "low": None, "high": None}, "fewer than 1,000"),
        (
            {"qualifier": "about", "best": 2000, "low": None, "high": 2500},
            "about 2,000 (up to 2,500)",
        ),
        ({"qualifier": "exact", "best": None, "low": None, "high": None}, "unknown"),
    ],
)
def test_format_level_keeps_qualifier(row, text):
    """A figure is shown with its qualifier and range, and unknown stays unknown."""
    assert transforms.format_level(pd.Series(row)) == text


def test_base_status_follows_events(ds):
    """On a date, a base is held after presence events and left after vacating."""
    before = transforms.base_status_at(ds.bases, ds.base_events, "2025-01-01")
    after = transforms.base_status_at(ds.bases, ds.base_events, "2025-06-01")
    early = transforms.base_status_at(ds.bases, ds.base_events, "2014-06-01")
    assert before.set_index("base_id")["status"].to_dict() == {"base-a": "held", "base-b": "held"}
    assert after.set_index("base_id")["status"].to_dict() == {"base-a": "left", "base-b": "held"}
    assert set(early["status"]) == {"no record yet"}


def test_planned_events_do_not_change_status(ds):
    """A planned vacating date does not count as the base being left."""
    status = transforms.base_status_at(ds.bases, ds.base_events, "2025-05-31")
    assert status.set_index("base_id").at["base-a", "status"] == "held"


def test_incidents_last_months_counts_first_reports(ds):
    """Two reports of one attack count once."""
    rows = transforms.incidents_in_last_months(ds.incidents, pd.Timestamp("2025-06-01"), 24)
    assert rows["incident_id"].tolist() == ["20240128-base-b-drone", "20250301-base-a-rocket"]


def test_step_series_breaks_long_gaps():
    """Reports far apart are not joined: a break row sits between them."""
    points = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2015-01-01", "2015-06-01", "2020-01-01"]),
            "best": [100, 200, 300],
        }
    )
    expected = pd.DataFrame(
        {
            "as_of": pd.to_datetime(["2015-01-01", "2015-06-01", "2015-06-02", "2020-01-01"]),
            "best": [100, 200, None, 300],
        }
    )
    pdt.assert_frame_equal(
        transforms.step_series(points), expected, check_dtype=False, check_exact=True
    )


def test_primary_levels_one_per_date(ds):
    """Conflicting reports on one date give one line point, official first."""
    troops = pd.concat(
        [ds.troop_levels, ds.troop_levels.iloc[[0]].assign(kind="reported", best=3000)]
    )
    primary = transforms.primary_levels(troops)
    iraq = primary[primary["country"] == "Iraq"]
    assert iraq["best"].tolist() == [2500]


def test_filters(ds):
    """Country and date filters keep exactly the matching rows."""
    iraq = transforms.filter_countries(ds.incidents, ["Iraq"])
    assert iraq["incident_id"].tolist() == ["20250301-base-a-rocket"]
    assert transforms.filter_countries(ds.incidents, None) is ds.incidents
    dated = transforms.filter_dates(ds.incidents, pd.Timestamp("2025-01-01"), None, "date")
    assert dated["incident_id"].tolist() == ["20250301-base-a-rocket"]


def test_nations_reported_since(ds):
    """Nations count once each when reported in the window."""
    recent = transforms.nations_reported_since(ds.contributions, pd.Timestamp("2024-01-01"))
    assert sorted(recent["iso3"]) == ["GBR", "USA"]
    assert transforms.nations_reported_since(ds.contributions, pd.Timestamp("2025-01-01")).empty
