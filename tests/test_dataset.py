"""The shipped dataset: coverage minimums and the sourcing rules hold."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from posture.data.dataset import REPO_ROOT, read_dataset
from schemas import TABLES

DATA = REPO_ROOT / "data"


@pytest.fixture(scope="module")
def ds():
    return read_dataset(DATA)


def test_every_row_has_a_resolvable_source_and_a_quote(ds):
    """A reader can follow any row to its source and the words that support it."""
    known = set(ds.sources["source_id"])
    for table in TABLES:
        frame = ds.table(table)
        if "source_id" in frame:
            assert frame["source_id"].isin(known).all(), table
        if "quote" in frame:
            assert frame["quote"].str.strip().str.len().gt(0).all(), table


def test_no_exact_duplicate_rows():
    """No table repeats a row word for word."""
    for table in TABLES:
        with (DATA / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            rows = [tuple(r) for r in csv.reader(handle)]
        assert len(rows) == len(set(rows)), table


def test_unknown_casualties_stay_empty(ds):
    """An empty killed/wounded cell is loaded as unknown, never as zero."""
    with (DATA / "incidents.csv").open(newline="", encoding="utf-8") as handle:
        raw = list(csv.DictReader(handle))
    for column in ("killed", "wounded"):
        empty = [i for i, row in enumerate(raw) if row[column] == ""]
        assert empty, f"expected some unreported {column} counts"
        assert ds.incidents.loc[empty, column].isna().all()
        zeros = [i for i, row in enumerate(raw) if row[column] == "0"]
        assert (ds.incidents.loc[zeros, column] == 0).all()


def test_troop_level_coverage(ds):
    """At least 40 troop rows; a US figure for Iraq and Syria in most years; plans included."""
    troops = ds.troop_levels
    assert len(troops) >= 40
    us = troops[(troops["force"] == "us") & (troops["kind"] != "planned")]
    # Syria 2015 has only the announced deployment (planned rows): no source read gives a level.
    for country, first in (("Iraq", 2014), ("Syria", 2016)):
        years = set(us.loc[us["country"] == country, "as_of"].dt.year)
        assert set(range(first, 2027)) <= years, (country, sorted(years))
    assert (troops["kind"] == "planned").sum() >= 5
    assert set(troops["force"]) >= {"us", "partners", "all"}


def test_bases_and_events_coverage(ds):
    """20+ located sites in Iraq, Syria and Jordan; every base has a dated event."""
    located = ds.bases[ds.bases["latitude"].notna()]
    assert len(located) >= 20
    assert {"Iraq", "Syria", "Jordan"} <= set(located["country"])
    assert set(ds.bases["base_id"]) == set(ds.base_events["base_id"])
    events = ds.base_events
    assert {"handed_over", "vacated", "retained"} <= set(events["event"])
    assert (events["kind"] == "planned").any()
    assert events.loc[events["kind"] == "actual", "date"].max() >= pd.Timestamp("2026-01-01")


def test_nations_coverage(ds):
    """At least 15 nations besides the US, each with a dated contribution; NMI included."""
    with_rows = set(ds.contributions["iso3"])
    assert len(with_rows - {"USA"}) >= 15
    assert set(ds.nations["iso3"]) == with_rows
    assert (ds.contributions["mission"] == "NMI").sum() >= 5


def test_incident_coverage(ds):
    """At least 60 attacks from 2015 to 2026, in Iraq, Syria and Jordan."""
    firsts = ds.incidents[ds.incidents["variant_of"].isna()]
    assert len(firsts) >= 60
    years = set(firsts["date"].dt.year)
    assert {2015, 2019, 2020, 2021, 2023, 2024, 2025, 2026} <= years
    assert set(firsts["country"]) == {"Iraq", "Syria", "Jordan"}
    assert (ds.incidents["status"] == "claimed").any()


def test_attack_counts_coverage(ds):
    """Official tallies at many dates since 17 October 2023, plus claimant and monitor counts."""
    counts = ds.attack_counts
    official = counts[counts["counted_by"] == "official"]
    assert official["period_end"].nunique() >= 8
    assert official["period_end"].min() >= pd.Timestamp("2023-10-17")
    assert {"claimant", "monitor"} <= set(counts["counted_by"])


def test_milestones_coverage(ds):
    """At least 20 milestones from 2014, with the 2024 joint statement's planned deadlines."""
    milestones = ds.milestones
    assert len(milestones) >= 20
    assert milestones["date"].min().year == 2014
    planned = milestones[milestones["status"] == "planned"]
    assert {2025, 2026} <= set(planned["date"].dt.year)


def test_site_ids_are_one_per_site_with_documented_exceptions(ds):
    """No two site ids lie within 3 km or share a name unless the accepted lint list gives the
    source that says they are distinct."""
    from posture.data import lint

    accepted = {(a["key"], a["rule"]) for a in lint.read_accepted(DATA)}
    for warning in lint.duplicate_sites(ds):
        assert (warning.key, warning.rule) in accepted, str(warning)


def test_no_presence_after_a_departure_without_a_return(ds):
    """Every site's standing events hold together (the validation rule finds nothing)."""
    from posture.data.rules import lifecycle_contradictions

    lines = {"base_events": list(range(2, len(ds.base_events) + 2))}
    assert lifecycle_contradictions({"base_events": ds.base_events}, lines) == []


def test_the_revised_toll_is_the_one_counted(ds):
    """Tower 22: the first report said 25 wounded; the Army's investigation (over 100) revises
    the chain of later tolls, and only it is counted."""
    from posture.analysis import incidents, transforms

    ranges = incidents.casualty_ranges(transforms.attacks_only(ds.incidents))
    tower = ranges.set_index("incident_id").loc["20240128-tower-22-drone"]
    assert (tower["killed_low"], tower["killed_high"]) == (3, 3)
    assert (tower["wounded_low"], tower["wounded_high"]) == (100, 100)


def test_no_planned_row_is_counted_as_actual(ds):
    """Plans and caps never reach a count of what happened: the latest date, the nations
    present and the presence heatmap use actual rows only."""
    from posture.analysis import headlines, transforms, views

    latest = transforms.latest_date(ds)
    assert latest <= ds.sources["accessed"].max()
    planned = ds.contributions[ds.contributions["kind"].isin(["planned", "cap"])]
    present = headlines.nations_present(ds.contributions, ds.nations, pd.Timestamp("2014-01-01"))
    only_planned = set(planned["iso3"]) - set(
        ds.contributions.loc[ds.contributions["kind"] != "planned", "iso3"]
    )
    assert not only_planned & set(present.nations["iso3"])
    view = views.nations(ds, "Both", None, None, ["OIR", "NMI", "bilateral"])
    actual = ds.contributions[ds.contributions["kind"] == "actual"]
    assert view.nations == actual["iso3"].nunique()


def test_shipped_data_passes_the_lint_with_reasons():
    """`python -m posture lint --strict` passes: every warning is fixed or accepted with a
    reason in data/lint-accepted.csv, and no acceptance is stale."""
    from posture.cli import main

    assert main(["lint", "--strict", "--data-dir", str(DATA)]) == 0
