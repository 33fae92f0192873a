"""The caches' owner: bounds by bytes and entries, eviction, timed file checks, frozen figures."""

from __future__ import annotations

import gc
import json
import threading
import time
import weakref

import pandas as pd
import plotly.io as pio
import pytest

from posture.analysis import charts
from posture.app import cache
from posture.data.dataset import read_dataset
from tests.helpers import VALID


def _frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"value": range(rows)})


def test_entries_beyond_the_byte_bound_are_dropped_oldest_first():
    """Three 8 KB tables in a 20 KB cache: the least recently used one goes."""
    bounded = cache.Bounded("test", max_items=10, max_bytes=20_000)
    for key in "abc":
        bounded.put(key, _frame(1000))  # 8,000 bytes of int64 each, plus the index
        if key == "b":
            assert bounded.get("a") is not None  # touching a makes b the oldest
    assert bounded.get("b") is None
    assert bounded.get("a") is not None and bounded.get("c") is not None
    assert bounded.bytes <= 20_000


def test_entries_beyond_the_count_bound_are_dropped():
    """A cache of two entries keeps the two most recently used."""
    bounded = cache.Bounded("test", max_items=2, max_bytes=10**9)
    for key in range(3):
        bounded.put(key, key)
    assert len(bounded) == 2 and bounded.get(0) is None


def test_a_value_larger_than_the_bound_is_not_kept():
    """A value bigger than the whole cache is returned by the caller but never stored."""
    bounded = cache.Bounded("test", max_items=10, max_bytes=1_000)
    assert bounded.get_or_compute("big", lambda: _frame(10_000)) is not None
    assert len(bounded) == 0 and bounded.bytes == 0


def test_readers_asking_at_once_share_one_computation():
    """Eight sessions ask a fresh server for the same view at the same moment: it is built
    once and all eight get it."""
    bounded = cache.Bounded("test", max_items=10, max_bytes=10**9)
    calls, results = [], []
    start = threading.Barrier(8)

    def compute():
        calls.append(1)
        time.sleep(0.2)  # long enough for every other session to ask meanwhile
        return _frame(10)

    def session():
        start.wait()
        results.append(bounded.get_or_compute("view", compute))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)
    assert bounded.get_or_compute("other", lambda: 2) == 2  # other keys are not held up


def test_an_evicted_view_is_freed():
    """Once a view leaves the cache nothing else holds it: the garbage collector frees it
    (a server that ran for weeks would otherwise grow without bound)."""
    bounded = cache.Bounded("test", max_items=1, max_bytes=10**9)
    view = {"table": _frame(10)}
    watch = weakref.ref(view["table"])
    bounded.put("first", view)
    del view
    bounded.put("second", {"table": _frame(10)})
    gc.collect()
    assert watch() is None


def test_file_checks_are_repeated_only_after_their_period(monkeypatch):
    """A file check is reused within its period and made again after it."""
    timed = cache.Timed(seconds=1.0)
    now = [100.0]
    monkeypatch.setattr(timed, "clock", lambda: now[0])
    calls = []
    assert timed.get("k", lambda: calls.append(1) or len(calls)) == 1
    now[0] += 0.5
    assert timed.get("k", lambda: calls.append(1) or len(calls)) == 1
    now[0] += 0.6
    assert timed.get("k", lambda: calls.append(1) or len(calls)) == 2


def test_clear_all_empties_every_cache():
    """Tests start from nothing: clear_all leaves every cache empty."""
    cache.VIEWS.put("k", _frame(3))
    cache.DATASETS.put("k", _frame(3))
    cache.clear_all()
    assert all(entries == 0 and size == 0 for entries, size in cache.usage().values())


@pytest.fixture(scope="module")
def ds():
    return read_dataset(VALID)


def test_frozen_figure_draws_the_same_json(ds):
    """A cached view's figure, frozen once, sends exactly what the plain figure would."""
    plain = charts.troop_levels_chart(ds.troop_levels, ds.sources, ["Iraq", "Syria"])
    expected = json.loads(pio.to_json(plain, validate=False))
    frozen = cache.freeze(plain)
    assert isinstance(frozen, cache.FrozenFigure)
    assert frozen.to_dict() == expected
    assert json.loads(pio.to_json(frozen, validate=False)) == expected
    assert cache.freeze(frozen) is frozen
    assert frozen.frozen_bytes == len(pio.to_json(plain, validate=False))
    view = cache.freeze_figures(
        {"figure": charts.troop_levels_chart(ds.troop_levels, ds.sources, ["Iraq"]), "n": 3}
    )
    assert isinstance(view["figure"], cache.FrozenFigure) and view["n"] == 3
