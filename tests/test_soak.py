"""A short soak: a served dashboard with a small view cache answers a few hundred different
views (random pages, countries and date ranges, one websocket session each); its memory must
level off once the cache is full, and no view may fail. ``make soak`` is the long version."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.support.local_server import streamlit_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import soak  # noqa: E402

RUNS, EARLY, EVERY = 400, 200, 50
# A 4 MB view cache holds a few dozen views: it is full long before EARLY views.
VIEW_CACHE_MB = 4


def test_memory_levels_off_and_every_view_answers():
    with streamlit_server(env=soak.server_env(VIEW_CACHE_MB)) as (process, url):
        result = soak.soak(url, process.pid, RUNS, EVERY, workers=2, seed=7)
    failed = soak.verdict(result, EARLY, limit_mb=600, growth=1.15)
    assert not failed, (failed, result["rss_mb"])
    # Most random views draw a chart or a table (a narrow range on Incidents may have none,
    # and the page then says so): a view that drew nothing everywhere would hide a failure.
    assert result["with_chart_or_table"] >= 0.8 * RUNS, result
