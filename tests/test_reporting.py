"""Reporting: charts that cite themselves, citations, releases, text alternatives and the
layout bugs readers met (each test here would have caught one)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from posture.analysis import charts, cite, incidents, summaries, transforms, views
from posture.data.dataset import read_dataset
from posture.data.release import Release, current_release, releases
from tests.helpers import VALID

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ds():
    return read_dataset(VALID)


# --- Citations ----------------------------------------------------------------------------


def test_source_note_names_release_sources_and_data_date(ds):
    """A chart's note says which release, how many sources (the top publishers) and how
    fresh the data is."""
    cited = cite.cited_sources([ds.troop_levels], ds.sources)
    note = cite.source_note(Release("0.4.0", date(2026, 12, 2)), cited, pd.Timestamp("2026-03-21"))
    # The fixture's troop levels cite its two sources, once the ministry and once the daily
    # more often: both publishers are named, most cited first.
    assert note.startswith("Source: Coalition Posture Dataset v0.4.0, 2 sources (")
    assert "Example Ministry" in note and "Example Daily" in note
    assert note.endswith("; data to 21 Mar 2026")


def test_source_note_counts_publishers_beyond_three():
    sources = pd.DataFrame(
        {"source_id": list("abcde"), "publisher": ["P1", "P1", "P2", "P3", "P4"]}
    )
    note = cite.source_note(Release("1.0.0"), sources, pd.Timestamp("2026-01-02"))
    assert "5 sources (P1, P2, P3 and 1 more publishers)" in note


def test_citation_styles_carry_release_link_and_access_date():
    release = Release("0.4.0", date(2026, 12, 2))
    link = "https://posture.example/bases?bases_mode=compare&country=Iraq"
    got = cite.citation(release, link, date(2026, 12, 3))
    assert got.apa == (
        "Coalition Posture Dashboard contributors. (2026). Coalition Posture in Iraq and Syria "
        "(Version 0.4.0, released 2026-12-02) [Data set and dashboard view]. Retrieved 3 "
        f"December 2026, from {link}"
    )
    assert got.bibtex.startswith("@misc{coalition_posture_0_4_0,\n")
    assert f"  url = {{{link}}}," in got.bibtex
    assert "view accessed 2026-12-03" in got.bibtex
    assert got.bibtex.count("{") == got.bibtex.count("}")


def test_cited_chart_carries_note_summary_and_link():
    """The note sits under the title; the page adds the view's link on its own line, escaped,
    without touching the cached figure."""
    import plotly.graph_objects as go

    fig = charts.apply_layout(go.Figure(go.Scatter(x=[1], y=[1])), "Title", "x", "y")
    charts.cited(fig, "Source: Coalition Posture Dataset v1.0.0", "One point.")
    frozen = fig.to_dict()
    shown = charts.linked(frozen, "http://h/?a=1&b=<x>")
    assert shown["layout"]["title"]["subtitle"]["text"] == (
        "Source: Coalition Posture Dataset v1.0.0<br>http://h/?a=1&amp;b=&lt;x&gt;"
    )
    assert (
        frozen["layout"]["title"]["subtitle"]["text"] == "Source: Coalition Posture Dataset v1.0.0"
    )
    assert charts.summary_of(frozen) == "One point."
    assert shown["data"] is frozen["data"]  # the data is shared, not copied


def test_image_export_is_named_and_print_sized():
    options = charts.image_options("incidents_counts", "0.4.0", 560)
    assert options == {
        "format": "png",
        "filename": "coalition-posture-incidents-counts-v0.4.0",
        "width": 1400,
        "height": 560,
        "scale": 2,
    }


@pytest.mark.parametrize(
    "name",
    [
        "overview",
        "troops",
        "bases",
        "bases_compare",
        "base_lifecycles",
        "nations",
        "attacks",
        "attacks_on_map",
        "attack_counts",
        "compare",
    ],
)
def test_every_view_figure_cites_itself(ds, name):
    """Every figure a page draws has a title, a source note with the release and the data
    date, and a one-sentence text alternative."""
    latest = transforms.latest_date(ds)
    span = {"start": None, "end": None}
    args = {
        "overview": {"country": "Both"},
        "troops": {"country": "Both", **span, "force": "us", "kinds": ["official", "reported"],
                   "show_milestones": True},
        "bases": {"country": "Both", **span, "on": latest},
        "bases_compare": {"country": "Both", "a": pd.Timestamp("2025-01-01"), "b": latest},
        "base_lifecycles": {"country": "Both", **span, "on": latest},
        "nations": {"country": "Both", **span, "missions": ["OIR", "NMI", "bilateral"]},
        "attacks": {"country": "Both", **span, "weapons": ["drone", "rocket"],
                    "statuses": ["confirmed", "claimed"]},
        "attacks_on_map": {"country": "Both", **span, "weapons": ["drone", "rocket"],
                           "statuses": ["confirmed", "claimed"]},
        "attack_counts": {"country": "Both", **span},
        "compare": {"start": pd.Timestamp("2023-01-01"), "end": latest, "start_bound": None,
                    "end_bound": None},
    }[name]  # fmt: skip
    view = getattr(views, name)(ds, **args)
    import plotly.graph_objects as go

    figures = [v for v in vars(view).values() if isinstance(v, go.Figure)]
    assert figures
    for fig in figures:
        layout = fig.to_dict()["layout"]
        assert layout["title"]["text"]
        note = layout["title"]["subtitle"]["text"]
        assert note.startswith("Source: Coalition Posture Dataset v"), note
        assert f"data to {latest:%-d %b %Y}" in note.replace("<br>", " ")
        summary = charts.summary_of(fig.to_dict())
        assert summary and summary.endswith("."), (name, summary)


# --- Releases -----------------------------------------------------------------------------


def test_releases_are_read_newest_first_with_their_notes():
    text = "# Changelog\n\n## 0.2.0 — 2026-02-01\n\nNew rows.\n\n## 0.1.0 — 2026-01-01\n\nFirst.\n"
    found = releases(text)
    assert [(r.version, r.date, r.notes) for r in found] == [
        ("0.2.0", date(2026, 2, 1), "New rows."),
        ("0.1.0", date(2026, 1, 1), "First."),
    ]
    assert found[0].label == "v0.2.0 (1 Feb 2026)"
    assert releases("no headings") == []


def test_citation_file_matches_the_current_release():
    """CITATION.cff names the version and date of the newest release in the changelog."""
    release = current_release(ROOT / "data")
    cff = (ROOT / "CITATION.cff").read_text("utf-8")
    assert re.search(rf"^version: {re.escape(release.version)}$", cff, re.M)
    assert re.search(rf"^date-released: {release.date:%Y-%m-%d}$", cff, re.M)


def test_the_current_release_bundles_its_row_changes():
    """The shipped release has its row-level changes under data/releases/ and every change
    names an existing table and a known kind of change."""
    from posture.data.release import read_changes
    from schemas import TABLES

    release = current_release(ROOT / "data")
    changes = read_changes(ROOT / "data", release.version)
    assert len(changes) > 0
    assert set(changes["table"]) <= set(TABLES)
    assert set(changes["change"]) <= {"added", "removed", "changed", "moved", "renamed", "merged"}


# --- Layout bugs --------------------------------------------------------------------------


def test_legend_sits_below_the_x_axis_title():
    """The legend is placed from the bottom of the whole figure: placed from the plot area it
    covered the x axis title on Counts compared."""
    import plotly.graph_objects as go

    fig = charts.apply_layout(go.Figure(go.Scatter(x=[1], y=[1])), "T", "End of period", "y")
    legend = fig.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")


def test_title_and_source_note_get_room_above_the_plot(ds):
    """The top margin holds every line of the title and of the source note with the view's
    link (plotly's automargin left the note over the plot); long titles and links wrap so they
    fit a 390 px phone."""
    import plotly.graph_objects as go

    fig = charts.apply_layout(
        go.Figure(go.Scatter(x=[1], y=[1])),
        "Attacks recorded in this dataset, per month and country",
        "x",
        "y",
    )
    assert fig.layout.title.text == "Attacks recorded in this dataset, per month<br>and country"
    one_line = charts.top_margin("T", None)
    assert fig.layout.margin.t == charts.top_margin("a<br>b", None) > one_line
    charts.cited(fig, "Source: " + "x " * 50, "summary")
    note = fig.layout.title.subtitle.text
    assert note.count("<br>") == 1 and fig.layout.margin.t == charts.top_margin("a<br>b", note)
    link = "http://127.0.0.1:8501/incidents?country=Both&dates=2023-10-17&dates=2024-02-04&a=b"
    shown = charts.linked(fig.to_dict(), link)
    lines = shown["layout"]["title"]["subtitle"]["text"].split("<br>")
    assert "".join(lines[2:]) == link.replace("&", "&amp;")
    assert all(len(line) <= charts.NOTE_WIDTH for line in charts.split_link(link))
    assert shown["layout"]["margin"]["t"] == fig.layout.margin.t + 15 * (len(lines) - 2)


def test_one_year_of_nations_has_whole_year_ticks(ds):
    """One year of contributions: whole-year ticks and a colour bar in whole reports."""
    actual = ds.contributions[ds.contributions["kind"] == "actual"]
    missions = charts.missions_chart(transforms.nations_by_mission_year(actual))
    assert (missions.layout.xaxis.dtick, missions.layout.xaxis.tickformat) == (1, "d")
    heat = charts.presence_heatmap(transforms.presence_by_year(actual, ds.nations))
    trace = heat.data[0]
    assert (trace.zmin, trace.zmax) == (1, 2)
    assert trace.colorbar.dtick == 1 and trace.colorbar.tickformat == "d"


def test_milestone_numbers_never_overlap():
    """Milestones a few days apart share one label ("1–3", each named on hover); labels on one
    row are apart; the list gives each number."""
    dates = pd.to_datetime(["2025-09-01", "2025-09-03", "2025-09-05", "2026-02-01", "2026-06-01"])
    milestones = pd.DataFrame(
        {"date": dates, "title": list("abcde"), "status": "actual", "country": "Iraq"}
    )
    numbered = charts.numbered_milestones(milestones)
    assert numbered["number"].tolist() == [1, 2, 3, 4, 5]
    labels = charts.milestone_labels(numbered, span=(pd.Timestamp("2019-01-01"), dates.max()))
    assert [a["text"] for a in labels] == ["1–3", "4", "5"]
    assert labels[0]["hovertext"].split("<br>") == [
        "1. 01 Sep 2025: a (actual)",
        "2. 03 Sep 2025: b (actual)",
        "3. 05 Sep 2025: c (actual)",
    ]
    placed = [(pd.Timestamp(a["x"]), a["y"]) for a in labels]
    width = (dates.max() - pd.Timestamp("2019-01-01")).total_seconds()
    for i, (x1, y1) in enumerate(placed):
        for x2, y2 in placed[i + 1 :]:
            if y1 == y2:
                assert abs((x2 - x1).total_seconds()) / width >= 2 * charts.MILESTONE_GAP


def test_milestone_clusters_group_runs_from_their_first():
    assert charts.milestone_clusters([0.0, 0.01, 0.029, 0.031, 0.5], 0.03) == [[0, 1, 2], [3], [4]]


def test_stagger_uses_rows_then_the_farthest():
    assert charts.stagger([0.0, 0.01, 0.02, 0.5], 0.03, 3) == [0, 1, 2, 0]
    # A fourth label with no free row goes where the last label is farthest away.
    assert charts.stagger([0.0, 0.01, 0.02, 0.025], 0.03, 3) == [0, 1, 2, 0]


def test_troop_chart_marks_milestones_with_numbers(ds):
    fig = charts.troop_levels_chart(ds.troop_levels, ds.sources, ["Iraq"], milestones=ds.milestones)
    texts = [a.text for a in fig.layout.annotations]
    assert texts == ["1", "2", "3"]


def test_casualty_bars_are_wide_enough_over_long_ranges(ds):
    """Over twelve years casualties are per year, over two years per month; each bar is 40% of
    its period wide (3 px monthly bars over 12 years were unreadable)."""
    assert incidents.casualty_period(pd.Timestamp("2014-01-01"), pd.Timestamp("2026-03-01")) == "Y"
    assert incidents.casualty_period(pd.Timestamp("2019-01-01"), pd.Timestamp("2024-12-01")) == "Q"
    assert incidents.casualty_period(pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31")) == "M"
    yearly = incidents.casualties_by_period(ds.incidents, freq="Y")
    assert yearly["period"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-01", "2025-01-01"]
    fig = charts.casualties_chart(yearly, "Y")
    assert fig.data[0].width == pytest.approx(365 * 86_400_000 * 0.4)
    assert "per year" in fig.layout.title.text.replace("<br>", " ")


def test_claimant_chart_leaves_out_unclaimed_attacks(ds):
    """The bar of attacks nobody claimed is left out (it flattened the others) and its count is
    stated in the title."""
    view = views.attacks(ds, "Both", None, None, ["drone", "rocket"], ["confirmed", "claimed"])
    bars = view.claimants.data[0]
    assert list(bars.y) == ["Group X"]
    assert "1 with no claim reported are not shown" in view.claimants.layout.title.text


def test_lifecycle_legend_has_few_entries(ds):
    """Events are grouped under three symbols (plus hollow plans): nine symbols made a legend
    readers could not decode; hover names the exact event."""
    view = views.base_lifecycles(ds, "Both", None, None, transforms.latest_date(ds))
    marks = [t for t in view.lifecycle.data if t.mode == "markers"]
    assert len(marks) <= 6
    assert all(t.name.split(" (planned)")[0] in charts.EVENT_GROUPS for t in marks)


def test_weapons_chart_shows_words_not_codes(ds):
    view = views.attacks(ds, "Both", None, None, ["drone", "rocket"], ["confirmed", "claimed"])
    assert set(view.weapons.data[0].y) == {"drone", "rocket"}
    table = pd.DataFrame({"weapon": ["small_arms"], "attacks": [3]})
    assert summaries.ranking(table, "weapon", "attacks", "attacks by weapon") == (
        "Attacks by weapon, most first: small arms 3 (1 in all)."
    )
