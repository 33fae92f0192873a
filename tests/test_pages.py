"""AppTest: every page renders, each filter changes what is shown, links round-trip."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from posture.data.dataset import REPO_ROOT
from tests.helpers import append_row, set_cell

PAGES = [
    "overview",
    "troops",
    "bases",
    "nations",
    "incidents",
    "compare",
    "plans",
    "data",
    "sources",
    "releases",
]


def _app(monkeypatch, data_dir=None, **params) -> AppTest:
    if data_dir is not None:
        monkeypatch.setenv("POSTURE_DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _open(monkeypatch, page, data_dir=None, **params) -> AppTest:
    at = _app(monkeypatch, data_dir, **params).run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def chart(at: AppTest, key: str) -> dict:
    """The plotly figure drawn with ``key``, as a dict."""
    [element] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return json.loads(element.proto.spec)


def values(field) -> list:
    """Plotly 7 sends numeric arrays as base64 typed arrays; decode them to a list."""
    if isinstance(field, dict) and "bdata" in field:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"]).tolist()
    return list(field)


def charts_drawn(at: AppTest) -> set[str]:
    """The keys of the plotly charts the run drew."""
    return {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def table(at: AppTest, key: str):
    """The table shown by ``app.show_table`` with ``key`` (matched through its download)."""
    buttons = [b.proto.id for b in at.get("download_button") if "data_zip" not in b.proto.id]
    index = [i for i, b in enumerate(buttons) if b.endswith(f"-{key}_download")]
    assert index, f"no table {key}; downloads: {buttons}"
    return at.dataframe[index[0]].value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_shipped_data(monkeypatch, page):
    """A user opens each page of the shipped dashboard; none raises an exception or errors."""
    at = _open(monkeypatch, page)
    assert at.title and not at.error


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_golden_data(monkeypatch, data_copy, page):
    """Each page also renders on the small golden dataset (few rows, edge cases)."""
    at = _open(monkeypatch, page, data_copy)
    assert at.title


def test_every_table_has_a_download(monkeypatch, data_copy):
    """Every table a user sees comes with a download button for exactly its rows."""
    for page in PAGES:
        at = _open(monkeypatch, page, data_copy)
        buttons = [b for b in at.get("download_button") if "data_zip" not in b.proto.id]
        assert len(at.dataframe) == len(buttons), page


def test_overview_shows_figures(monkeypatch, data_copy):
    """A user opens the overview; each figure says what it counts: troops with their reports,
    sites held (Base B's last report is from 2016, so it is unconfirmed, not held), attacks
    recorded in this dataset beside the outside tallies, and nations reported present."""
    at = _open(monkeypatch, "overview", data_copy)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "US troops in Iraq": "2,000–2,500",
        "US troops in Syria": "about 2,000",
        "Sites held": "0",
        "Attacks recorded in this dataset, last 12 months": "1",
        "Nations reported present in the last 2 years": "2",
    }
    captions = " ".join(c.value for c in at.caption)
    assert "1 more unconfirmed (no report for over 12 months)" in captions
    # No tally in the fixture overlaps the last 12 months (they end in January 2024).
    assert "No official, claimant, monitor or press tally" in captions
    reports = " ".join(m.value for m in at.markdown)
    assert "[Example Daily](https://example.org/report) (press)" in reports


def test_overview_shows_the_range_when_latest_reports_disagree(monkeypatch, data_copy):
    """Two reports of US troops in Syria within 90 days disagree: the headline is their range
    with the number of reports, and names the newest official or wire figure."""
    append_row(
        data_copy,
        "troop_levels",
        {
            "country": "Syria",
            "force": "us",
            "as_of": "2025-04-01",
            "best": "1500",
            "qualifier": "about",
            "kind": "official",
            "basis": "count",
            "scope": "country",
            "source_id": "fixture-official",
            "quote": "about 1500 in Syria",
        },
    )
    at = _open(monkeypatch, "overview", data_copy)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["US troops in Syria"] == "1,500–2,000"
    captions = " ".join(c.value for c in at.caption)
    assert "1,500–2,000 across 2 reports, Apr–Jun 2025." in captions
    assert "Newest from an official or wire source: about 1,500 (Example Ministry" in captions


def test_overview_counts_outside_tallies_beside_recorded_attacks(monkeypatch, data_copy):
    """An official tally overlapping the last 12 months is printed under the recorded count."""
    append_row(
        data_copy,
        "attack_counts",
        {
            "period_start": "2024-10-01",
            "period_end": "2025-05-01",
            "country": "Iraq",
            "attacks": "40",
            "qualifier": "at_least",
            "counted_by": "official",
            "source_id": "fixture-official",
            "quote": "at least 40 attacks",
        },
    )
    at = _open(monkeypatch, "overview", data_copy)
    captions = " ".join(c.value for c in at.caption)
    assert (
        "US officials: at least 40 attacks, 01 Oct 2024 – 01 May 2025, Iraq (Example Ministry)"
        in captions
    )


def test_country_filter_changes_figures(monkeypatch, data_copy):
    """A user picks Iraq; only Iraqi figures remain and the URL says so."""
    at = _open(monkeypatch, "overview", data_copy)
    at.radio(key="country").set_value("Iraq").run()
    metrics = {m.label: m.value for m in at.metric}
    assert "US troops in Syria" not in metrics
    assert metrics["Sites held"] == "0"
    assert at.query_params.get("country") == "Iraq"
    names = {t["name"] for t in chart(at, "overview_troops_chart")["data"]}
    assert names == {"Iraq: estimate", "Iraq: official", "Iraq: reported"}


def test_date_filter_changes_rows_and_url(monkeypatch, data_copy):
    """A user narrows the dates; tables lose rows outside them and the URL keeps the range."""
    from datetime import date

    at = _open(monkeypatch, "troops", data_copy)
    assert len(table(at, "troops_table")) == 5
    at.date_input(key="dates").set_value((date(2024, 1, 1), date(2025, 5, 31))).run()
    rows = table(at, "troops_table")
    assert sorted(rows["as_of"]) == ["2024-09-27", "2024-09-27"]
    assert at.query_params.get("dates") == ["2024-01-01", "2025-05-31"]


def test_pages_without_dates_keep_the_range_for_the_others(monkeypatch, data_copy):
    """The overview and sources pages show no date filter (nothing on them depends on dates);
    a range chosen on Troops is still in place after a visit to the overview."""
    from datetime import date

    at = _open(monkeypatch, "troops", data_copy)
    at.date_input(key="dates").set_value((date(2024, 1, 1), date(2025, 5, 31))).run()
    for page in ("overview", "sources"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        assert not [s for s in at.date_input if s.key == "dates"], page
    at.switch_page("pages/troops.py").run()
    assert at.date_input(key="dates").value == (date(2024, 1, 1), date(2025, 5, 31))
    assert sorted(table(at, "troops_table")["as_of"]) == ["2024-09-27", "2024-09-27"]


def test_dates_up_to_newest_keep_later_plans(monkeypatch, data_copy):
    """With the range ending at the newest data, plans with later deadlines stay in view."""
    from datetime import date

    at = _open(monkeypatch, "troops", data_copy)
    at.date_input(key="dates").set_value((date(2025, 1, 1), date(2025, 6, 1))).run()
    rows = table(at, "troops_table")
    assert sorted(rows["as_of"]) == ["2025-06-01", "2025-06-01", "2026-09-30"]


def test_troops_force_and_kinds(monkeypatch, data_copy):
    """A user hides planned figures, then picks partner forces (none in the golden data)."""
    at = _open(monkeypatch, "troops", data_copy)
    assert "Syria: planned" in {t["name"] for t in chart(at, "troops_chart")["data"]}
    at.multiselect(key="troops_kinds").set_value(["official", "reported"]).run()
    assert "Syria: planned" not in {t["name"] for t in chart(at, "troops_chart")["data"]}
    assert set(table(at, "troops_table")["kind"]) == {"official", "reported"}
    at.radio(key="troops_force").set_value("partners").run()
    assert len(table(at, "troops_table")) == 0
    assert at.query_params.get("troops_force") == "partners"


def test_posture_slider_changes_bases_shown(monkeypatch, data_copy):
    """Moving the posture date changes which bases are held on the map and in the table."""
    from datetime import date

    at = _open(monkeypatch, "bases", data_copy)
    status = table(at, "bases_status").set_index("name")["status"].to_dict()
    # Base B's only report is from March 2016: on 1 June 2025 it is unconfirmed, not held.
    assert status == {
        "Base A": "handed over or vacated",
        "Base B": "unconfirmed (no report in 12 months)",
    }
    traces = {t["name"]: t for t in chart(at, "bases_map")["data"]}
    assert values(traces["unconfirmed (no report in 12 months) (1)"]["lat"]) == [33.5]
    at.slider(key="bases_date").set_value(date(2015, 6, 1)).run()
    status = table(at, "bases_status").set_index("name")["status"].to_dict()
    assert status == {"Base A": "held (a report in the last 12 months)", "Base B": "no report yet"}
    assert at.query_params.get("bases_date") == "2015-06-01"
    at.slider(key="bases_date").set_value(date(2016, 6, 1)).run()
    status = table(at, "bases_status").set_index("name")["status"].to_dict()
    assert status == {
        "Base A": "unconfirmed (no report in 12 months)",
        "Base B": "held (a report in the last 12 months)",
    }


def test_bases_map_uses_offline_outlines(monkeypatch, data_copy):
    """The map asks plotly for country outlines from the app's own static folder."""
    at = _open(monkeypatch, "bases", data_copy)
    [element] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-bases_map")]
    assert json.loads(element.proto.config)["topojsonURL"] == "app/static/topojson/"
    assert (REPO_ROOT / "static" / "topojson" / "asia_50m.json").is_file()


def test_nations_mission_filter(monkeypatch, data_copy):
    """Picking NMI only keeps NATO Mission Iraq rows (none in the golden data)."""
    at = _open(monkeypatch, "nations", data_copy)
    assert len(table(at, "nations_table")) == 2
    at.multiselect(key="nations_missions").set_value(["NMI"]).run()
    assert len(table(at, "nations_table")) == 0


def test_incident_filters(monkeypatch, data_copy):
    """Filtering by weapon and status changes the table and the monthly chart."""
    at = _open(monkeypatch, "incidents", data_copy, incidents_tab="Every report")
    assert len(table(at, "incidents_table")) == 3
    at.multiselect(key="incidents_weapons").set_value(["rocket"]).run()
    rows = table(at, "incidents_table")
    assert rows["incident_id"].tolist() == ["20250301-base-a-rocket"]
    at.multiselect(key="incidents_weapons").set_value(["drone"]).run()
    at.multiselect(key="incidents_status").set_value(["confirmed"]).run()
    rows = table(at, "incidents_table")
    assert set(rows["variant_of"]) == {"", "20240128-base-b-drone"}
    # The same filters from a link, on the charts tab.
    at = _open(
        monkeypatch, "incidents", data_copy, incidents_weapons="drone", incidents_status="confirmed"
    )
    bars = chart(at, "incidents_monthly")["data"]
    assert [t["name"] for t in bars] == ["Syria"] and sum(values(bars[0]["y"])) == 1


def test_losses_are_listed_but_not_counted(monkeypatch, data_copy):
    """A crash the source calls non-hostile is in the table and named under the figures, but
    not in the attack count."""
    append_row(
        data_copy,
        "incidents",
        {
            "incident_id": "20250210-west-aircraft-loss",
            "date": "2025-02-10",
            "date_precision": "day",
            "country": "Iraq",
            "location": "western Iraq",
            "weapon": "aircraft_loss",
            "status": "confirmed",
            "hostile": "no",
            "source_id": "fixture-official",
            "summary": "A tanker went down; not hostile fire.",
            "quote": "the loss was not due to hostile fire",
        },
    )
    at = _open(monkeypatch, "incidents", data_copy, incidents_tab="Every report")
    assert at.metric[0].value == "2"
    assert len(table(at, "incidents_table")) == 4
    assert any(c.value.startswith("1 loss that the source says") for c in at.caption)


def test_incident_tabs_run_only_the_open_one(monkeypatch, data_copy):
    """Incidents opens on its charts; a link with ?incidents_tab=Map shows the map and
    nothing of the other tabs (their charts and tables are not even built)."""
    at = _open(monkeypatch, "incidents", data_copy)
    assert charts_drawn(at) == {
        "incidents_monthly",
        "incidents_weapon",
        "incidents_claimant",
        "incidents_casualties",
    }
    assert not at.dataframe
    at = _open(monkeypatch, "incidents", data_copy, incidents_tab="Map")
    # The map comes twice: names placed for a desktop and for a phone (the screen picks one).
    assert charts_drawn(at) == {"incidents_map", "incidents_map_phone", "incidents_per_base"}
    assert [t.label for t in at.tabs] == ["Over time", "Map", "Counts compared", "Every report"]


def test_bases_lifecycles_tab(monkeypatch, data_copy):
    """A link with ?bases_tab=Lifecycles and events opens on the lifecycle chart and the event
    table, without the map or the status table."""
    at = _open(monkeypatch, "bases", data_copy, bases_tab="Lifecycles and events")
    assert charts_drawn(at) == {"bases_lifecycle"}
    assert len(table(at, "bases_events")) > 0
    assert not [
        b for b in at.get("download_button") if b.proto.id.endswith("bases_status_download")
    ]


def test_counts_difference_is_stated(monkeypatch, data_copy):
    """The claimant count is set beside the official one with the difference in words."""
    at = _open(monkeypatch, "incidents", data_copy, incidents_tab="Counts compared")
    text = " ".join(m.value for m in at.markdown)
    assert "the claimant count (170) is 10 more than the official count (160" in text


def test_compare_panels_follow_dates(monkeypatch, data_copy):
    """The Iraq vs Syria panels cover exactly the months in the date filter."""
    from datetime import date

    at = _open(monkeypatch, "compare", data_copy)
    at.date_input(key="dates").set_value((date(2024, 1, 1), date(2024, 12, 31))).run()
    rows = table(at, "compare_table")
    assert len(rows) == 24 and set(rows["country"]) == {"Iraq", "Syria"}
    syria = rows[rows["country"] == "Syria"].set_index("month")
    assert syria.loc["2024-01-01", "recorded_attacks"] == 1


def test_plans_outcome_filter(monkeypatch, data_copy):
    """The ledger lists outcomes and the filter keeps only the chosen ones."""
    at = _open(monkeypatch, "plans", data_copy)
    ledger = table(at, "plans_table")
    assert set(ledger["outcome"]) == {"met", "pending"}
    at.multiselect(key="plans_outcomes").set_value(["pending"]).run()
    assert set(table(at, "plans_table")["outcome"]) == {"pending"}


def test_data_page_table_and_search(monkeypatch, data_copy):
    """A user picks a table and searches it; the preview shows the matching rows."""
    at = _open(monkeypatch, "data", data_copy, data_table="incidents")
    assert at.selectbox(key="data_table").value == "incidents"
    assert len(table(at, "data_preview")) == 3
    at.text_input(key="data_search").set_value("rocket").run()
    assert table(at, "data_preview")["incident_id"].tolist() == ["20250301-base-a-rocket"]
    assert at.query_params.get("data_search") == "rocket"


def test_sources_search(monkeypatch, data_copy):
    """Searching sources keeps the matching ones, with how many rows cite each."""
    at = _open(monkeypatch, "sources", data_copy)
    at.text_input(key="sources_search").set_value("Ministry").run()
    rows = table(at, "sources_table")
    assert rows["publisher"].tolist() == ["Example Ministry"]
    # 2 troop levels, 1 base, 2 base events, 2 contributions, 1 incident, 1 count, 2 milestones,
    # 1 coalition size, 1 period
    assert rows["rows_citing"].tolist() == [13]


@pytest.mark.parametrize(
    ("page", "params", "key", "expected"),
    [
        ("overview", {"country": "Syria"}, "country", "Syria"),
        ("troops", {"troops_force": "all"}, "troops_force", "all"),
        ("nations", {"nations_missions": ["OIR", "NMI"]}, "nations_missions", ["OIR", "NMI"]),
        ("incidents", {"incidents_status": "claimed"}, "incidents_status", ["claimed"]),
        ("plans", {"plans_outcomes": "met"}, "plans_outcomes", ["met"]),
        ("data", {"data_table": "bases"}, "data_table", "bases"),
    ],
)
def test_link_reopens_view(monkeypatch, data_copy, page, params, key, expected):
    """A copied link with query parameters reopens the page with the same widget values."""
    at = _open(monkeypatch, page, data_copy, **params)
    assert at.session_state[key] == expected


@pytest.mark.parametrize(
    ("page", "params", "notice"),
    [
        ("overview", {"country": "Mars"}, "?country=Mars"),
        ("troops", {"dates": ["2030-01-01", "2031-01-01"]}, "?dates=2030-01-01&dates=2031-01-01"),
        ("troops", {"dates": "yesterday"}, "?dates=yesterday"),
        ("troops", {"troops_force": "navy"}, "?troops_force=navy"),
        (
            "troops",
            {"troops_kinds": ["official", "rumour"]},
            "?troops_kinds=official&troops_kinds=rumour",
        ),
        ("bases", {"bases_date": "2024-02-30"}, "?bases_date=2024-02-30"),
        ("data", {"data_table": "secrets"}, "?data_table=secrets"),
    ],
)
def test_invalid_url_parameters_fall_back(monkeypatch, data_copy, page, params, notice):
    """A broken link opens the default view with a notice naming the ignored parameter."""
    at = _open(monkeypatch, page, data_copy, **params)
    assert not at.exception
    assert any(notice in w.value for w in at.warning), [w.value for w in at.warning]


def test_broken_data_shows_error_panel(monkeypatch, data_copy):
    """With a broken CSV every page shows one error panel listing the failure, no traceback."""
    set_cell(data_copy, "troop_levels", 0, "best", "lots")
    for page in PAGES:
        at = _app(monkeypatch, data_copy).run()
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, page
        assert "does not pass its checks" in at.error[0].value
        row = at.dataframe[0].value.iloc[0]
        assert row[["file", "line", "column", "rule", "value"]].tolist() == [
            "troop_levels.csv",
            "2",
            "best",
            "integer",
            "lots",
        ]
        assert not at.metric and not at.get("plotly_chart")


def test_troops_milestones_toggle(monkeypatch, data_copy):
    """Switching milestones off removes their lines from the chart, and the URL records it."""
    at = _open(monkeypatch, "troops", data_copy)
    assert len(chart(at, "troops_chart")["layout"]["shapes"]) == 3
    at.toggle(key="troops_milestones").set_value(False).run()
    assert not chart(at, "troops_chart")["layout"].get("shapes")
    assert at.query_params.get("troops_milestones") == "False"


def test_sources_kind_filter(monkeypatch, data_copy):
    """Picking one kind of source keeps only sources of that kind."""
    at = _open(monkeypatch, "sources", data_copy)
    assert len(table(at, "sources_table")) == 2
    at.multiselect(key="sources_kinds").set_value(["press"]).run()
    assert table(at, "sources_table")["publisher"].tolist() == ["Example Daily"]


def test_data_text_is_escaped(monkeypatch, data_copy):
    """A name with markdown in the data is shown as text, never as a link or formatting."""
    set_cell(data_copy, "bases", 1, "name", "[click](javascript:alert(1)) *x*")
    for column in ("latitude", "longitude", "location_precision"):
        set_cell(data_copy, "bases", 1, column, "")
    at = _open(monkeypatch, "bases", data_copy)
    caption = next(c.value for c in at.caption if "Not on the map" in c.value)
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\) \\*x\\*" in caption


MARKUP = (
    '<a href="https://evil.example/phish">link</a> <img src="http://evil.example/x.png"> '
    '<span style="font-size:80px">big</span>'
)


def _with_markup(directory) -> None:
    """Markup in every free-text cell where the contract allows it (quotes, notes, summaries,
    titles): it must reach the pages as text."""
    from tests.helpers import read_rows, write_rows

    for path in sorted(directory.glob("*.csv")):
        rows = read_rows(path)
        for row in rows:
            for column in ("quote", "note", "summary", "title"):
                if column in row and not (path.stem == "milestones" and column == "title"):
                    row[column] = f"{row[column] or 'x'} {MARKUP}"[:300]
        write_rows(path, rows)


@pytest.mark.parametrize("page", PAGES)
def test_no_markup_from_the_data_reaches_a_chart(monkeypatch, data_copy, page):
    """Quotes and notes holding links, images and styled spans are drawn as plain text: no
    figure of any page carries an <a>, <img> or <span> made from the data."""
    _with_markup(data_copy)
    at = _open(monkeypatch, page, data_copy)
    assert not at.error
    for element in at.get("plotly_chart"):
        spec = element.proto.spec
        assert "<a " not in spec and "<img" not in spec and "<span" not in spec, page
        if "evil.example" in spec:
            assert "&lt;a href" in spec or "&lt;img" in spec or "&lt;span" in spec


def test_a_link_value_is_quoted_as_code_and_cut(monkeypatch, data_copy):
    """A crafted link value (a markdown link, an image, 100 KB) is named in the notice as
    inline code of at most 80 characters, never rendered."""
    for value in (
        "[Session expired - log in again](https://evil.example/login)",
        "![x](http://evil.example/x.png)",
        "x" * 100_000,
    ):
        at = _open(monkeypatch, "overview", data_copy, country=value)
        [warning] = at.warning
        assert warning.value.startswith("Ignored `?country=") and len(warning.value) < 200
        assert "](" not in warning.value.split("`")[2]  # nothing outside the code span
        assert at.radio(key="country").value == "Both"


def test_an_edited_file_is_seen_within_a_second(monkeypatch, data_copy):
    """Editing a CSV while the dashboard runs: the next run after the signature period reads
    the files again (here the edit breaks a rule, so the error panel replaces the page)."""
    from posture.app import cache

    now = [1000.0]
    monkeypatch.setattr(cache.FILE_CHECKS, "clock", lambda: now[0])
    at = _open(monkeypatch, "troops", data_copy)
    assert not at.error
    set_cell(data_copy, "troop_levels", 0, "best", "lots")
    now[0] += cache.FILE_CHECKS.seconds / 2
    at.run()
    assert not at.error  # within the period, the files are not looked at again
    now[0] += cache.FILE_CHECKS.seconds
    at.run()
    assert "does not pass its checks" in at.error[0].value


@pytest.mark.parametrize("page", ["overview", "incidents", "compare"])
def test_every_count_of_incidents_names_what_it_counts(monkeypatch, page):
    """On the shipped data, every headline count and chart title about attacks says the attacks
    are those recorded in this dataset, not a total."""
    at = _open(monkeypatch, page)
    labels = [m.label for m in at.metric if "ttack" in m.label]
    assert all("recorded" in label for label in labels), labels
    titles = [
        json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
        for c in at.get("plotly_chart")
    ]
    attack_titles = [t for t in titles if "ttack" in t]
    assert all("ecorded" in t for t in attack_titles), attack_titles
    assert page == "compare" or labels


def test_named_period_sets_the_dates(monkeypatch, data_copy):
    """A user picks a named period; the dates take its range and the link keeps them, and a
    link with those dates reopens the period in the picker."""
    from datetime import date

    at = _open(monkeypatch, "incidents", data_copy)
    assert at.selectbox(key="dates_period").value == "custom"
    at.selectbox(key="dates_period").set_value("campaign-2024").run()
    # The fixture period runs 17 Oct 2023 to 28 Jan 2024 (tests/fixtures/valid/periods.csv).
    assert at.date_input(key="dates").value == (date(2023, 10, 17), date(2024, 1, 28))
    assert at.query_params.get("dates") == ["2023-10-17", "2024-01-28"]
    assert not at.exception
    # Of the fixture's attacks only the Base B drone attack (28 Jan 2024) is in the period.
    [recorded] = [m for m in at.metric if m.label == "Attacks recorded in this dataset"]
    assert recorded.value == "1"
    reopened = _open(monkeypatch, "incidents", data_copy, dates=["2023-10-17", "2024-01-28"])
    assert reopened.selectbox(key="dates_period").value == "campaign-2024"


def test_typed_dates_change_the_range(monkeypatch, data_copy):
    """A user types a one-month range; only rows of that month remain."""
    from datetime import date

    at = _open(monkeypatch, "troops", data_copy)
    at.date_input(key="dates").set_value((date(2024, 9, 1), date(2024, 9, 30))).run()
    assert sorted(table(at, "troops_table")["as_of"]) == ["2024-09-27", "2024-09-27"]
    assert at.selectbox(key="dates_period").value == "custom"


@pytest.mark.parametrize("page", PAGES)
def test_every_acronym_on_a_page_is_explained_on_it(monkeypatch, data_copy, page):
    """A reader meeting an acronym on a page finds it explained in the page title's tooltip
    (or in the tooltip beside it, or on Sources & method in the glossary section)."""
    import re

    from posture.analysis import glossary
    from tests.test_glossary import ACRONYM, NOT_TERMS

    at = _open(monkeypatch, page, data_copy)
    texts = [
        e.value for kind in ("markdown", "caption", "subheader", "header") for e in at.get(kind)
    ]
    texts += [m.label for m in at.metric]
    [title] = at.title
    # The title's tooltip, and any caption's (the sidebar's citation box explains its own).
    help_text = "\n".join([title.proto.help, *(c.proto.help for c in at.caption)])
    used = {w for text in texts for w in ACRONYM.findall(str(text))} - NOT_TERMS
    used |= {w for w in ACRONYM.findall(title.value)} - NOT_TERMS
    explained = {t for t in glossary.GLOSSARY if re.search(rf"\*\*{re.escape(t)}\*\*", help_text)}
    if page == "sources":
        explained |= set(glossary.GLOSSARY)
    assert used <= explained, sorted(used - explained)
