"""Figures are inspected as objects: traces, names, data and titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from posture.analysis import charts
from posture.data.dataset import read_dataset
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
        "Iraq: estimate",
        "Iraq: official",
        "Iraq: reported",
        "Syria: estimate",
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


def test_troop_chart_milestones_and_band(ds):
    """Milestones become labelled vertical lines; planned ones are dashed."""
    fig = charts.troop_levels_chart(
        ds.troop_levels, ds.sources, ["Iraq"], milestones=ds.milestones, band=True
    )
    dashes = [s.line.dash for s in fig.layout.shapes]
    assert dashes == ["dot", "dot", "dash"]
    assert [a.text for a in fig.layout.annotations][:1] == ["Joint statement"]


def test_bases_map_colours_status(ds):
    """The map has one trace per status, open markers for approximate locations."""
    import pandas as pd

    from posture.analysis import transforms

    status = transforms.base_status_at(ds.bases, ds.base_events, pd.Timestamp("2025-06-01"))
    fig = charts.bases_map(status, pd.Timestamp("2025-06-01"))
    assert [t.name for t in fig.data] == [
        "unconfirmed (last report older) (1)",
        "handed over or vacated (1)",
    ]
    assert list(fig.data[0].marker.symbol) == ["circle-open"]
    assert fig.data[0].marker.color == charts.STATUS_COLORS["unconfirmed"]
    assert fig.layout.geo.showcountries is True
    assert fig.layout.title.text == "Bases on 01 June 2025"


def test_lifecycle_chart(ds):
    """One bar per located base and a marker trace per kind of event, plans hollow."""
    from posture.analysis import transforms

    lifecycle = transforms.base_lifecycle(ds.bases, ds.base_events)
    fig = charts.lifecycle_chart(lifecycle, ds.base_events, ds.base_events["date"].max())
    names = [t.name for t in fig.data]
    assert "Iraq: first to last report" in names and "vacated (planned)" in names
    planned = next(t for t in fig.data if t.name == "vacated (planned)")
    assert planned.marker.symbol == "x-open"  # hollow like every plan, unlike an actual "x"


def test_presence_heatmap_and_missions(ds):
    """The heatmap counts reports per nation and year; the mission chart counts nations."""
    from posture.analysis import transforms

    table = transforms.presence_by_year(ds.contributions, ds.nations)
    fig = charts.presence_heatmap(table)
    assert list(fig.data[0].y) == ["United Kingdom", "United States"]
    assert fig.data[0].z.tolist() == [[1], [1]]
    missions = charts.missions_chart(transforms.nations_by_mission_year(ds.contributions))
    assert [t.name for t in missions.data] == ["OIR"] and list(missions.data[0].y) == [2]


def test_casualties_chart_whiskers(ds):
    """Bars reach the highest report and whiskers reach down to the lowest."""
    from posture.analysis import incidents

    fig = charts.casualties_chart(incidents.casualties_by_month(ds.incidents))
    wounded = fig.data[0]
    assert wounded.name == "wounded"
    assert list(wounded.error_y.arrayminus)[0] == 7.0


def test_attack_counts_chart(ds):
    """Each counter and scope is its own trace, official drawn as a line."""
    fig = charts.attack_counts_chart(ds.attack_counts, ds.sources)
    assert [(t.name, t.mode) for t in fig.data] == [
        ("claimant: Iraq and Syria", "markers"),
        ("official: Iraq and Syria", "lines+markers"),
    ]


def test_comparison_chart_panels(ds):
    """Four rows of panels per country share one time axis; milestones are drawn in each."""
    import pandas as pd

    from posture.analysis import incidents, transforms

    months = transforms.month_range(pd.Timestamp("2024-01-01"), pd.Timestamp("2025-06-01"))
    held = transforms.held_by_month(ds.bases, ds.base_events, months)
    counts = incidents.monthly_counts(ds.incidents, months=months)
    panels = {}
    for country in ("Iraq", "Syria"):
        levels = transforms.levels_by_month(ds.troop_levels, country, months)
        panels[country] = {
            "levels": levels,
            "held": held[held["country"] == country],
            "attacks": counts[country].rename("attacks").reset_index(),
            "rate": incidents.per_thousand_troops(counts[country], levels),
        }
    fig = charts.comparison_chart(panels, ds.milestones)
    assert len(fig.data) == 2 * (3 + 3 + 1 + 1)
    assert fig.layout.yaxis.title.text == "US troops present (persons)"
    # The golden milestones are all Iraqi: lines in the Iraq column (axes 1, 3, 5, 7) only.
    assert {s.xref for s in fig.layout.shapes} == {"x", "x3", "x5", "x7"}


def test_troop_lines_never_join_two_counting_bases(ds):
    """A headcount and an authorised level (FML) of the same months are two lines, each
    holding only its own basis's values."""
    import pandas as pd

    rows = pd.concat(
        [
            ds.troop_levels,
            ds.troop_levels.iloc[[0]].assign(
                as_of=pd.Timestamp("2024-12-01"), best=5000, basis="fml", kind="reported"
            ),
        ]
    )
    fig = charts.troop_levels_chart(rows, ds.sources, ["Iraq"])
    lines = {t.name: list(t.y) for t in fig.data if t.mode == "lines"}
    assert lines == {"Iraq: estimate": [2500], "Iraq: authorised level (FML)": [5000]}
    assert next(t for t in fig.data if t.name == "Iraq: authorised level (FML)").line.dash == "dash"
