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


def test_base_status_follows_events_and_their_age(ds):
    """On a date, a site is held while its last report of forces there is at most 12 months
    old, unconfirmed after that, left after vacating, not yet before any report."""
    status = {
        date: transforms.base_status_at(ds.bases, ds.base_events, date)
        .set_index("base_id")["status"]
        .to_dict()
        for date in ("2014-06-01", "2015-06-01", "2016-06-01", "2025-06-01")
    }
    assert status["2014-06-01"] == {"base-a": "not yet", "base-b": "not yet"}
    assert status["2015-06-01"] == {"base-a": "held", "base-b": "not yet"}
    # Base A's only report of presence is from January 2015: a year and more later it is
    # unconfirmed, not held; Base B was reported in March 2016.
    assert status["2016-06-01"] == {"base-a": "unconfirmed", "base-b": "held"}
    assert status["2025-06-01"] == {"base-a": "left", "base-b": "unconfirmed"}


def test_a_five_year_old_report_gives_unconfirmed_with_its_date(ds):
    """Base B, last reported in March 2016, is unconfirmed in 2021 and says since when."""
    status = transforms.base_status_at(ds.bases, ds.base_events, "2021-03-01").set_index("base_id")
    assert status.at["base-b", "status"] == "unconfirmed"
    assert status.at["base-b", "last_reported"] == pd.Timestamp("2016-03-01")


def test_planned_events_do_not_change_status(ds):
    """A planned vacating date does not count as the base being left."""
    status = transforms.base_status_at(ds.bases, ds.base_events, "2025-05-31")
    assert status.set_index("base_id").at["base-a", "status"] == "unconfirmed"


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


def test_nations_present_count_each_nation_once_with_its_latest_report(ds):
    """Nations count once each when reported present in the window, with their latest date."""
    from posture.analysis import headlines

    recent = headlines.nations_present(ds.contributions, ds.nations, pd.Timestamp("2024-01-01"))
    assert recent.nations["iso3"].tolist() == ["GBR", "USA"]
    assert set(recent.nations["latest_report"]) == {pd.Timestamp("2024-09-27")}
    assert recent.nations.set_index("iso3").at["USA", "latest_figure"] == (
        "about 2,500 in Iraq (OIR, 27 Sep 2024)"
    )
    assert (
        headlines.nations_present(ds.contributions, ds.nations, pd.Timestamp("2025-01-01")).count
        == 0
    )


def test_a_nation_whose_contribution_ended_is_not_present(ds):
    """A later report that Britain's contribution ended removes it from the nations present."""
    from posture.analysis import headlines

    ended = ds.contributions[ds.contributions["iso3"] == "GBR"].assign(
        as_of=pd.Timestamp("2025-01-01"), kind="ended"
    )
    rows = pd.concat([ds.contributions, ended])
    present = headlines.nations_present(rows, ds.nations, pd.Timestamp("2024-01-01"))
    assert present.nations["iso3"].tolist() == ["USA"]


def test_a_recorded_attack_on_a_site_keeps_its_status_current(ds):
    """Base B's last event is from 2016, but an attack on it was recorded in January 2024: on
    1 June 2024 it is held (a report of forces there in the last 12 months), without the
    attack it would be unconfirmed; an attack never undoes a departure."""
    on = pd.Timestamp("2024-06-01")
    plain = transforms.base_status_at(ds.bases, ds.base_events, on).set_index("base_id")
    with_attacks = transforms.base_status_at(ds.bases, ds.base_events, on, ds.incidents).set_index(
        "base_id"
    )
    assert plain.at["base-b", "status"] == "unconfirmed"
    assert with_attacks.at["base-b", "status"] == "held"
    assert with_attacks.at["base-b", "last_reported"] == pd.Timestamp("2024-01-28")
    late = transforms.base_status_at(ds.bases, ds.base_events, "2025-06-01", ds.incidents)
    assert late.set_index("base_id").at["base-a", "status"] == "left"
