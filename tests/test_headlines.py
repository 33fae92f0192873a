"""Headline figures: the latest figure with its disagreements, outside tallies beside recorded
incidents, revised tolls, and rates hidden for small troop numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from posture.analysis import headlines, incidents
from posture.data.dataset import read_dataset
from tests.helpers import VALID


@pytest.fixture(scope="module")
def ds():
    return read_dataset(VALID)


def _with(ds, *rows: dict) -> pd.DataFrame:
    base = ds.troop_levels.iloc[[0]]
    extra = [
        base.assign(**{k: pd.Timestamp(v) if k == "as_of" else v for k, v in row.items()})
        for row in rows
    ]
    return pd.concat([ds.troop_levels, *extra], ignore_index=True)


def test_agreeing_reports_give_one_figure(ds):
    """Syria's only report in the last 90 days is 'about 2,000': the headline is that figure."""
    figure = headlines.latest_figure(ds.troop_levels, ds.sources, "Syria")
    assert (figure.value, figure.agree, len(figure.reports)) == ("about 2,000", True, 1)
    assert figure.summary == "as of 01 Jun 2025"


def test_disagreeing_reports_give_their_range_and_the_preferred_source(ds):
    """A report of fewer than 1,000 a month before the newest 'about 2,000' makes the headline
    the range 1,000–2,000 across 2 reports, naming the official figure."""
    troops = _with(
        ds,
        {
            "country": "Syria",
            "as_of": "2025-05-01",
            "best": 1000,
            "qualifier": "fewer_than",
            "kind": "official",
            "basis": "estimate",
        },
    )
    figure = headlines.latest_figure(troops, ds.sources, "Syria")
    assert (figure.value, figure.agree) == ("1,000–2,000", False)
    assert figure.summary == "1,000–2,000 across 2 reports, May–Jun 2025"
    assert figure.preferred.startswith("Newest from an official or wire source: fewer than 1,000")
    assert figure.reports["as_of"].tolist() == [
        pd.Timestamp("2025-06-01"),
        pd.Timestamp("2025-05-01"),
    ]


def test_reports_outside_the_window_or_of_another_measure_are_left_out(ds):
    """A cap (fml), a partial count and a report over 90 days older do not widen the range."""
    troops = _with(
        ds,
        {"country": "Syria", "as_of": "2025-05-20", "best": 5000, "basis": "fml"},
        {"country": "Syria", "as_of": "2025-05-20", "best": 200, "scope": "part"},
        {"country": "Syria", "as_of": "2025-01-01", "best": 500},
    )
    figure = headlines.latest_figure(troops, ds.sources, "Syria")
    assert (figure.value, len(figure.reports)) == ("about 2,000", 1)


def test_only_state_media_disagreeing_is_said(ds):
    """When the disagreeing reports come from no official or wire source, the headline says so."""
    sources = ds.sources.assign(kind="state_media", state="IRN")
    troops = _with(ds, {"country": "Syria", "as_of": "2025-05-01", "best": 1500})
    figure = headlines.latest_figure(troops, sources, "Syria")
    assert figure.preferred == "No official or wire source gives a figure in this window."


def test_tallies_overlapping_a_window(ds):
    """The fixture's tallies end on 28 Jan 2024: they overlap 2024 but not 2025."""
    found = headlines.tallies_overlapping(
        ds.attack_counts, ds.sources, pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"), None
    )
    assert found["counted_by"].tolist() == ["official", "claimant"]
    lines = headlines.tally_lines(found)
    assert lines[0] == (
        "US officials: more than 160 attacks, 17 Oct 2023 – 28 Jan 2024, Iraq and Syria "
        "(Example Ministry)"
    )
    later = headlines.tallies_overlapping(
        ds.attack_counts, ds.sources, pd.Timestamp("2025-01-01"), None, None
    )
    assert later.empty


def test_a_later_toll_replaces_the_one_it_revises(ds):
    """Base B's drone attack: the first report says 40 wounded, another 47. When the second
    revises the first, the count is 47; as two disagreeing reports it is 40–47."""
    rows = ds.incidents
    disagreeing = incidents.casualty_ranges(rows).set_index("incident_id")
    assert disagreeing.loc["20240128-base-b-drone", ["wounded_low", "wounded_high"]].tolist() == [
        40,
        47,
    ]
    revised = rows.assign(
        revises=rows["incident_id"].map({"20240128-base-b-drone-b": "20240128-base-b-drone"})
    )
    latest = incidents.casualty_ranges(revised).set_index("incident_id")
    assert latest.loc["20240128-base-b-drone", ["wounded_low", "wounded_high"]].tolist() == [47, 47]


def test_rates_are_hidden_below_the_troop_floor():
    """A month with 50 troops and one attack gets no rate (not 20 per 1,000), and says why;
    a month with no known level says so too."""
    months = pd.date_range("2017-01-01", periods=3, freq="MS")
    levels = pd.DataFrame(
        {
            "month": months,
            "low": pd.array([50, 900, None], dtype="Float64"),
            "best": pd.array([50, 900, None], dtype="Float64"),
            "high": pd.array([50, 900, None], dtype="Float64"),
        }
    )
    rate = incidents.per_thousand_troops(pd.Series([1, 9, 2], index=months), levels)
    assert rate["rate"].isna().tolist() == [True, False, True]
    assert rate.loc[1, "rate"] == 10
    assert rate["rate_note"].tolist() == [
        f"fewer than {incidents.RATE_FLOOR} troops",
        "",
        "troop level unknown",
    ]
