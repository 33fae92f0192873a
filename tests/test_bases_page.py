"""AppTest: the Bases page's maps name places, and its compare-two-dates mode works from the
widgets and from a shared link (widgets found by key; golden data, see test_compare_dates)."""

from __future__ import annotations

from datetime import date

from tests.test_pages import _app, _open, chart, table


def _open_link(monkeypatch, data_dir, **params):
    """The Bases page opened from a link with ``params`` (as a browser opens /bases?...)."""
    at = _app(monkeypatch, data_dir, **params)
    at.switch_page("pages/bases.py").run()
    assert not at.exception, at.exception
    return at


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _names(figure: dict) -> list[str]:
    """Every site name drawn on a map figure (its text traces)."""
    return [
        text
        for trace in figure["data"]
        if trace.get("name", "").endswith(": names") and trace.get("legendgroup") != "places"
        for text in trace.get("text", [])
    ]


def test_three_actions_compare_iraq_bases_on_two_dates(monkeypatch, data_copy):
    """A user picks Iraq, switches to Compare two dates and types date B: the map names the
    site and the table says what changed (A defaults to 1 Jan 2025, when Base A's only report
    was ten years old, so it was unconfirmed; by 1 June 2025 it was vacated)."""
    at = _open(monkeypatch, "bases", data_copy)
    at.radio(key="country").set_value("Iraq").run()  # 1
    at.radio(key="bases_mode").set_value("compare").run()  # 2
    assert at.date_input(key="bases_a").value == date(2025, 1, 1)
    at.date_input(key="bases_b").set_value(date(2025, 6, 1)).run()  # 3
    assert not at.exception
    assert _metrics(at) == {
        "Gained": "0",
        "Lost": "0",
        "Held at both dates": "0",
        "Unconfirmed at A or B": "1",
    }
    figure = chart(at, "bases_compare_map")
    assert "Base A" in _names(figure) and "Base B" not in _names(figure)
    rows = table(at, "bases_changes")
    assert rows[["name", "status_at_a", "status_at_b"]].values.tolist() == [
        ["Base A", "unconfirmed", "left"]
    ]
    assert rows["explanation"].tolist() == ["vacated on 01 Jun 2025 (Example Daily)"]
    # Both dates are in the link, also B at its default (the newest data date), which moves
    # when the data grows.
    assert dict(at.query_params) == {
        "country": "Iraq",
        "bases_mode": "compare",
        "bases_a": "2025-01-01",
        "bases_b": "2025-06-01",
    }


def test_a_shared_link_reopens_the_comparison(monkeypatch, data_copy):
    """A link with the mode, both dates and the country reopens the same comparison: Base A
    held on 1 April 2025 (the attack of 1 March) and vacated by 1 June."""
    at = _open_link(
        monkeypatch,
        data_copy,
        bases_mode="compare",
        bases_a="2025-04-01",
        bases_b="2025-06-01",
        country="Iraq",
    )
    assert at.radio(key="bases_mode").value == "compare"
    assert at.radio(key="country").value == "Iraq"
    assert at.date_input(key="bases_a").value == date(2025, 4, 1)
    assert at.date_input(key="bases_b").value == date(2025, 6, 1)
    assert _metrics(at)["Lost"] == "1"
    assert table(at, "bases_changes")["change"].tolist() == ["lost"]
    events = table(at, "bases_change_events")
    assert events[["name", "event", "publisher"]].values.tolist() == [
        ["Base A", "vacated", "Example Daily"]
    ]
    # The date mode's slider and map are not drawn in this mode.
    assert not [s for s in at.slider if s.key == "bases_date"]
    assert "bases_map" not in {c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")}


def test_a_date_outside_the_data_falls_back_with_a_notice(monkeypatch, data_copy):
    """A link with a date B after the newest data opens B at the newest data date and says
    which parameter it ignored."""
    at = _open_link(monkeypatch, data_copy, bases_mode="compare", bases_b="2031-01-01")
    assert any("?bases_b=2031-01-01" in w.value for w in at.warning)
    assert at.date_input(key="bases_b").value == date(2025, 6, 1)


def test_switching_back_keeps_the_posture_date(monkeypatch, data_copy):
    """Back in the date mode, the posture slider and its map return, with names drawn."""
    at = _open(monkeypatch, "bases", data_copy, bases_date="2016-06-01")
    at.radio(key="bases_mode").set_value("compare").run()
    at.radio(key="bases_mode").set_value("date").run()
    assert at.slider(key="bases_date").value == date(2016, 6, 1)
    assert {"Base A", "Base B"} <= set(_names(chart(at, "bases_map")))
    assert "bases_mode" not in at.query_params


def test_maps_are_sized_to_their_box(monkeypatch, data_copy):
    """Each map is drawn with a style that sets its height from the page width and the map's
    shape, once for desktops and once for phones."""
    at = _open(monkeypatch, "bases", data_copy, country="Syria")
    styles = " ".join(h.proto.body for h in at.get("html"))
    assert ".st-key-bases_map_box" in styles and ".st-key-bases_map_phone_box" in styles
    assert "100cqw" in styles
    assert {"bases_map", "bases_map_phone"} <= {
        c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")
    }
