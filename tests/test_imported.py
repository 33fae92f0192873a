"""Imported layers end to end on synthetic events (10k ACLED, 3k UCDP GED): aggregation, pages
named after the layer with its terms, never shipped."""

from __future__ import annotations

import base64
import io
import json
import shutil
import zipfile

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from posture.analysis import charts
from posture.data import export
from posture.data.dataset import REPO_ROOT, read_dataset
from posture.imports import imported
from posture.imports.layers import import_events, read_layer
from posture.imports.synthetic import write_synthetic
from tests.helpers import VALID


@pytest.fixture(scope="module")
def user_dir(tmp_path_factory):
    """A user folder holding a 10k-event synthetic ACLED layer and a 3k-event UCDP GED layer
    whose every 50th row has low above best, as some real GED rows do (curated bases: shipped
    data)."""
    work = tmp_path_factory.mktemp("layers")
    bases = read_dataset().bases
    source = write_synthetic("acled", work / "acled.csv", 10_000)
    report = import_events("acled", source, bases, work / "user", progress=False)
    assert report.read == 10_000 and report.rejected == 0
    ucdp = write_synthetic("ucdp", work / "ucdp.csv", 3_000)
    rows = pd.read_csv(ucdp, dtype=str, keep_default_na=False)
    swapped = rows.index % 50 == 0
    rows.loc[swapped, "low"] = (rows.loc[swapped, "best"].astype(int) + 1).astype(str)
    rows.to_csv(ucdp, index=False)
    report = import_events("ucdp", ucdp, bases, work / "user", progress=False)
    assert report.read == 3_000 and report.rejected == 0 and report.estimates_out_of_order > 0
    return work / "user"


@pytest.fixture(scope="module")
def events(user_dir):
    return read_layer("acled", user_dir)


def test_map_points_are_bounded(events):
    """More events than the limit are merged into grid cells, and the note says so."""
    points, note = imported.map_points(events, max_points=3000)
    assert len(points) <= 3000 and points["events"].sum() == len(events)
    assert "aggregated" in note and f"{len(events):,} events" in note
    few, note = imported.map_points(events.head(50), max_points=3000)
    assert len(few) == 50 and note == "50 events, one point each"


def test_filter_and_monthly_counts(events):
    """Country and date filters select rows; monthly counts add up to them."""
    syria = imported.filter_events(
        events, ["Syria"], pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31")
    )
    assert set(syria["country"]) == {"Syria"}
    assert syria["date"].between("2020-01-01", "2020-12-31").all()
    monthly = imported.monthly_counts(syria)
    assert int(monthly.to_numpy().sum()) == len(syria) and len(monthly) <= 12


def test_near_bases_uses_distance(events):
    """Only events within the distance count towards a base."""
    near = imported.near_bases(events, read_dataset().bases, within_km=25)
    assert near["events"].sum() == int((events["distance_km"] <= 25).sum())
    assert near["events"].is_monotonic_decreasing


def _app(monkeypatch, user_dir, **params) -> AppTest:
    monkeypatch.setenv("POSTURE_USER_DIR", str(user_dir))
    at = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


LAYERS = [
    ("acled", "ACLED events (imported)", "ACLED's terms of use"),
    ("ucdp", "UCDP GED events (imported)", "CC BY 4.0"),
]


def _values(array) -> list:
    """A figure array as plain numbers (plotly sends large numeric arrays as typed bytes)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _chart(at: AppTest, key: str) -> dict:
    [chart] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return json.loads(chart.proto.spec)


@pytest.mark.parametrize(("origin", "label", "terms"), LAYERS)
def test_incidents_page_shows_imported_layer(monkeypatch, user_dir, origin, label, terms):
    """A user picks an imported layer; title, metric, captions and axes name it and its terms."""
    layer = read_layer(origin, user_dir)
    at = _app(monkeypatch, user_dir)
    at.switch_page("pages/incidents.py").run()
    at.radio(key="incidents_layer").set_value(origin).run()
    assert not at.exception
    assert at.title[0].value == label
    assert {m.label: m.value for m in at.metric} == {f"{label} in view": f"{len(layer):,}"}
    assert "never included in the dataset downloads" in at.info[0].value
    captions = [c.value for c in at.caption]
    assert all(label in c and terms in c for c in captions[:3]), captions
    monthly = _chart(at, "incidents_layer_monthly")
    assert (
        monthly["layout"]["title"]["text"].replace("<br>", " ") == f"{label} per month, by country"
    )
    assert monthly["layout"]["yaxis"]["title"]["text"] == label
    # Ten years of events: a tick a year, and the axis title says so.
    assert monthly["layout"]["xaxis"]["dtick"] == "M12"
    assert monthly["layout"]["xaxis"]["title"]["text"] == "Month (a tick every year)"
    assert _chart(at, "incidents_layer_types")["layout"]["xaxis"]["title"]["text"] == label
    deaths = _chart(at, "incidents_layer_deaths")["layout"]
    assert (
        deaths["title"]["text"].replace("<br>", " ")
        == f"Reported fatalities per month (all victims), {label}"
    )
    geo = _chart(at, "incidents_layer_map")
    assert geo["layout"]["title"]["text"] == f"{label} and curated bases"
    sizes = [s for t in geo["data"][:-1] for s in _values(t["marker"]["size"])]
    assert min(sizes) >= 6 and len(sizes) == sum(len(_values(t["lat"])) for t in geo["data"][:-1])
    assert at.query_params.get("incidents_layer") == origin
    assert len(at.dataframe[-1].value) == 1000  # preview of the first 1,000 events
    flagged = int((layer["estimate_order"].notna() & (layer["estimate_order"] != "in order")).sum())
    out_of_order = [c for c in captions if "out of order in the source" in c]
    assert (out_of_order[0].startswith("Fatalities") and f"{flagged:,} events" in out_of_order[0]
            if origin == "ucdp" else not out_of_order)  # fmt: skip


def test_short_span_gets_monthly_ticks(events):
    """A user filters two months of events; the time axes tick each month under 'Month'."""
    two_months = imported.filter_events(
        events, None, pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-29")
    )
    monthly = charts.imported_monthly_chart(imported.monthly_counts(two_months), "X (imported)")
    deaths = charts.imported_fatalities_chart(imported.fatalities_by_month(two_months), "X")
    for figure in (monthly, deaths):
        axis = figure.layout.xaxis
        assert (axis.dtick, axis.tickformat, axis.title.text) == ("M1", "%b %Y", "Month")
    assert len(monthly.data[0].x) == 2


def test_compare_page_with_imported_layer(monkeypatch, user_dir):
    """Iraq vs Syria can count imported events per month and per 1,000 troops."""
    at = _app(monkeypatch, user_dir, compare_layer="acled")
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis5"]["title"]["text"] == "ACLED events (imported) per month"


def test_imported_layers_are_never_in_the_dataset_zip(user_dir):
    """The whole-dataset download holds curated tables only, even with a layer imported."""
    dataset = read_dataset(VALID)
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_zip(dataset, VALID)))
    assert not [n for n in archive.namelist() if "acled" in n or n.endswith(".parquet")]
    assert (user_dir / "acled.parquet").is_file()


def test_damaged_layer_is_named_not_a_traceback(monkeypatch, user_dir, tmp_path):
    """A user's ACLED layer file was damaged outside the importer; the page says which file and
    how to fix it, and still offers the UCDP GED layer."""
    shutil.copy(user_dir / "ucdp.parquet", tmp_path / "ucdp.parquet")
    (tmp_path / "acled.parquet").write_bytes(b"PAR1 not a whole file")
    at = _app(monkeypatch, tmp_path)
    at.switch_page("pages/incidents.py").run()
    assert not at.exception
    assert at.radio(key="incidents_layer").options == [
        "Curated incidents",
        "UCDP GED events (imported)",
    ]
    [warning] = [w.value for w in at.warning if "cannot be read" in w.value]
    assert warning.startswith(f"ACLED events (imported): {tmp_path / 'acled.parquet'} cannot")
    assert warning.endswith("import the file again (python -m posture import acled FILE).")
