"""A small least-recently-used map shared by every session of the server.

Streamlit's caches hash their arguments with Streamlit's own hasher on every call (about
0.5-1 ms for a view's filters and the data signature); a page reruns for every click, so the
views, the dataset and the displayed tables are looked up here by plain Python keys first.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

import pandas as pd


class Memo:
    """Thread-safe (sessions run in threads of their own), bounded to ``size`` entries."""

    def __init__(self, size: int):
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default=None):
        """The value stored for ``key`` (now the most recently used), else ``default``."""
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value) -> None:
        """Store ``value`` for ``key``, dropping the least recently used beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


class Recent:
    """Values looked up again at most once every ``seconds``: for checks of the file system,
    whose system calls each let the server's other thread take over in the middle of a run."""

    def __init__(self, seconds: float, size: int = 16):
        self.seconds = seconds
        self._memo = Memo(size)

    def get(self, key: Hashable, compute):
        """``compute()``, reused for ``key`` until it is ``seconds`` old."""
        now = time.monotonic()
        seen = self._memo.get(key)
        if seen is None or now - seen[1] >= self.seconds:
            seen = (compute(), now)
            self._memo.put(key, seen)
        return seen[0]

    def clear(self) -> None:
        """Forget everything: the next lookups compute again."""
        self._memo.clear()


def hashable(value):
    """``value`` as a dictionary key: lists, tuples and dicts become (sorted) tuples, and a
    pandas table its columns and a digest of its contents (index included)."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        digest = hashlib.blake2b(pd.util.hash_pandas_object(value).to_numpy().tobytes())
        columns = tuple(value.columns) if isinstance(value, pd.DataFrame) else (value.name,)
        return (type(value).__name__, columns, digest.hexdigest())
    if isinstance(value, dict):
        return tuple(sorted((k, hashable(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(hashable(v) for v in value)
    return value
