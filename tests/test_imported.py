"""Imported layers end to end on 10k synthetic events: aggregation, pages, never shipped."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from posture.data import export
from posture.data.dataset import REPO_ROOT, read_dataset
from posture.imports import imported
from posture.imports.layers import import_events, read_layer
from posture.imports.synthetic import write_synthetic
from tests.helpers import VALID


@pytest.fixture(scope="module")
def user_dir(tmp_path_factory):
    """A user folder holding a 10k-event synthetic ACLED layer (curated bases: shipped data)."""
    work = tmp_path_factory.mktemp("layers")
    source = write_synthetic("acled", work / "acled.csv", 10_000)
    report = import_events("acled", source, read_dataset().bases, work / "user", progress=False)
    assert report.read == 10_000 and report.rejected == 0
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


def test_incidents_page_shows_imported_layer(monkeypatch, user_dir, events):
    """A user picks the imported ACLED layer; its counts, map and licence note are shown."""
    at = _app(monkeypatch, user_dir)
    at.switch_page("pages/incidents.py").run()
    at.radio(key="incidents_layer").set_value("acled").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} == {"ACLED events in view": f"{len(events):,}"}
    assert "never included in the dataset downloads" in at.info[0].value
    [geo] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-incidents_layer_map")]
    spec = json.loads(geo.proto.spec)
    assert spec["layout"]["title"]["text"] == "ACLED events and curated bases"
    assert sum(len(t["lat"]) if isinstance(t["lat"], list) else 1 for t in spec["data"]) > 0
    assert at.query_params.get("incidents_layer") == "acled"
    assert len(at.dataframe[-1].value) == 1000  # preview of the first 1,000 events


def test_compare_page_with_imported_layer(monkeypatch, user_dir):
    """Iraq vs Syria can count imported events per month and per 1,000 troops."""
    at = _app(monkeypatch, user_dir, compare_layer="acled")
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["yaxis5"]["title"]["text"] == "ACLED events per month"


def test_imported_layers_are_never_in_the_dataset_zip(user_dir):
    """The whole-dataset download holds curated tables only, even with a layer imported."""
    dataset = read_dataset(VALID)
    archive = zipfile.ZipFile(io.BytesIO(export.dataset_zip(dataset, VALID)))
    assert not [n for n in archive.namelist() if "acled" in n or n.endswith(".parquet")]
    assert (user_dir / "acled.parquet").is_file()
