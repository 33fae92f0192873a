"""Every cache the served dashboard keeps, in one place: what each saves, how big it may grow,
and ``clear_all()`` for tests.

A page reruns on every click, so what it shows is computed once per data version and filter
values and shared by every session; the caches below hold those results. Each is bounded by
bytes as well as entries, and what it drops is freed (nothing is moved out of the garbage
collector's reach), so a server that runs for weeks stays within its bounds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, cast

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pyarrow as pa

MB = 1 << 20


def nbytes(value: Any) -> int:
    """Approximate memory held by ``value``: tables by their buffers, figures by their JSON,
    containers and dataclasses by their contents."""
    if isinstance(value, FrozenFigure):
        return value.frozen_bytes
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(deep=True).sum())
    if isinstance(value, pd.Series):
        return int(value.memory_usage(deep=True))
    if isinstance(value, pa.Table):
        return int(value.nbytes)
    if isinstance(value, go.Figure):
        return len(pio.to_json(value, validate=False))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sum(nbytes(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(nbytes(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sys.getsizeof(value) + sum(nbytes(v) for v in value)
    return sys.getsizeof(value)


class Bounded:
    """A least-recently-used map bounded by entries and by bytes (``nbytes`` of each value),
    shared by every session (sessions run in threads of their own)."""

    def __init__(self, name: str, *, max_items: int, max_bytes: int):
        self.name = name
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}  # keys being computed now

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value stored for ``key`` (now the most recently used), else ``default``."""
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key: Hashable, value: Any, size: int | None = None) -> None:
        """Store ``value``; drop the least recently used entries beyond either bound. A value
        larger than the whole bound is not stored."""
        size = nbytes(value) if size is None else size
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            if size > self.max_bytes:
                return
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_items or self._bytes > self.max_bytes:
                self._bytes -= self._items.popitem(last=False)[1][1]

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The stored value for ``key``, computing and storing it when missing. Sessions that
        ask for the same missing key at once wait for one computation: readers arriving
        together at a fresh server would otherwise each read the dataset and build every view
        (20 readers on two fresh replicas waited 50 s instead of a few)."""
        found = self.get(key, _MISSING)
        if found is not _MISSING:
            return found
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        try:
            with computing:
                found = self.get(key, _MISSING)
                if found is _MISSING:
                    found = compute()
                    self.put(key, found)
        finally:
            with self._lock:
                if self._computing.get(key) is computing and not computing.locked():
                    del self._computing[key]
        return found

    @property
    def bytes(self) -> int:
        """Bytes held now."""
        return self._bytes

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)


class Timed:
    """Values looked up again at most once every ``seconds``: checks of the file system, so an
    edited file is seen within that time without a dozen system calls on every click."""

    def __init__(self, seconds: float, max_items: int = 64):
        self.seconds = seconds
        self.clock: Callable[[], float] = time.monotonic  # tests move time forward here
        self._seen = Bounded("file checks", max_items=max_items, max_bytes=MB)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """``compute()``, reused for ``key`` until it is ``seconds`` old."""
        now = self.clock()
        seen = self._seen.get(key)
        if seen is None or now - seen[1] >= self.seconds:
            seen = (compute(), now)
            self._seen.put(key, seen, size=256)
        return seen[0]

    def clear(self) -> None:
        """Forget everything: the next lookups compute again."""
        self._seen.clear()


_MISSING = object()


class FrozenFigure(go.Figure):  # type: ignore[misc]  # plotly ships no type information
    """A finished figure that holds its JSON-ready dict, made once, not on every draw.

    Drawing a plain figure converts it (deep copy, typed arrays, date cleaning) on every rerun;
    a cached view's figure never changes, so :func:`freeze` converts it once and ``to_dict``
    (what ``st.plotly_chart`` calls) returns the result. Do not change a frozen figure.
    """

    _frozen: dict[str, Any]
    _frozen_bytes: int

    def to_dict(self) -> dict[str, Any]:
        return self._frozen

    @property
    def frozen_bytes(self) -> int:
        """Length of the figure's JSON: what it costs to keep."""
        return self._frozen_bytes


def freeze(figure: go.Figure) -> FrozenFigure:
    """Freeze ``figure`` in place (no copy of a large figure) and return it."""
    if not isinstance(figure, FrozenFigure):
        text = pio.to_json(figure, validate=False)
        figure.__class__ = FrozenFigure
        figure._frozen = json.loads(text)
        figure._frozen_bytes = len(text)
    return cast(FrozenFigure, figure)


def refreeze(figure: FrozenFigure, frozen: dict[str, Any]) -> FrozenFigure:
    """A shallow twin of ``figure`` that draws ``frozen`` (a variant of its dict, for one
    draw): a microsecond, where building a new figure takes about half a millisecond."""
    out = object.__new__(FrozenFigure)
    out.__dict__.update(figure.__dict__)
    out._frozen = frozen
    return out


def freeze_figures(view: Any) -> Any:
    """Freeze every figure a view (a dataclass or dict) holds, in place; return the view."""
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        for f in dataclasses.fields(view):
            value = getattr(view, f.name)
            if isinstance(value, go.Figure):
                object.__setattr__(view, f.name, freeze(value))
    elif isinstance(view, dict):
        for key, value in view.items():
            if isinstance(value, go.Figure):
                view[key] = freeze(value)
    return view


def hashable(value: Any) -> Hashable:
    """``value`` as a dictionary key: lists, tuples and dicts become (sorted) tuples, and a
    pandas table its columns and a digest of its contents (index included)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        digest = hashlib.blake2b(pd.util.hash_pandas_object(value).to_numpy().tobytes())
        columns = tuple(value.columns) if isinstance(value, pd.DataFrame) else (value.name,)
        return (type(value).__name__, columns, digest.hexdigest())
    if isinstance(value, dict):
        return tuple(sorted((k, hashable(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(hashable(v) for v in value)
    return cast(Hashable, value)


# Data files and imported layers are looked at once a second: an edit is seen on the next
# click after that, and a rerun makes no file-system calls in between.
FILE_CHECKS = Timed(seconds=1.0)
# The validated dataset per data version (or the DataValidationError its files raised, so
# broken files are not checked again on every click until they change).
DATASETS = Bounded("datasets", max_items=2, max_bytes=256 * MB)
# Every page's view (figures frozen, tables, figures) per data version and filter values:
# a warm click only draws. The bound holds a few hundred typical views; POSTURE_VIEW_CACHE_MB
# sets it (the short soak test uses a small one).
VIEWS = Bounded(
    "views", max_items=512, max_bytes=int(os.environ.get("POSTURE_VIEW_CACHE_MB", "96")) * MB
)
# A view's tables converted to Arrow for display, per table object (Streamlit would convert
# the same frame again on every rerun).
SHOWN_TABLES = Bounded("shown tables", max_items=256, max_bytes=48 * MB)
# Imported ACLED/UCDP layers per file version, and their monthly counts per date range.
LAYERS = Bounded("imported layers", max_items=2, max_bytes=1024 * MB)
LAYER_MONTHS = Bounded("imported monthly counts", max_items=32, max_bytes=8 * MB)

ALL = (DATASETS, VIEWS, SHOWN_TABLES, LAYERS, LAYER_MONTHS)


def clear_all() -> None:
    """Forget every cached value and file check (tests call this between runs)."""
    FILE_CHECKS.clear()
    for cache in ALL:
        cache.clear()


def usage() -> dict[str, tuple[int, int]]:
    """Entries and bytes per cache: what the soak benchmark reports."""
    return {cache.name: (len(cache), cache.bytes) for cache in ALL}
