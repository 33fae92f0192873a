"""The shared lookups behind cached views: bounded LRU, keys for filter values, timed checks."""

from __future__ import annotations

import pandas as pd

from posture.memo import Memo, Recent, hashable


def test_memo_keeps_the_most_recently_used():
    memo = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # "a" is now the most recently used
    memo.put("c", 3)
    assert memo.get("b") is None and memo.get("a") == 1 and memo.get("c") == 3
    assert len(memo) == 2
    memo.clear()
    assert memo.get("a", "gone") == "gone"


def test_hashable_filter_values():
    assert hashable({"b": [1, 2], "a": None}) == (("a", None), ("b", (1, 2)))
    assert hash(hashable({"weapons": ["rocket", "drone"]}))
    frame = pd.DataFrame({"month": ["2024-01", "2024-02"], "n": [1, 2]})
    same = frame.copy()
    changed = frame.assign(n=[1, 3])
    assert hashable(frame) == hashable(same)
    assert hashable(frame) != hashable(changed)
    assert hashable(frame["n"]) != hashable(frame)


def test_recent_looks_again_only_after_its_period(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("posture.memo.time.monotonic", lambda: clock[0])
    calls = []
    recent = Recent(seconds=1.0)

    def compute():
        calls.append(clock[0])
        return len(calls)

    assert recent.get("k", compute) == 1
    clock[0] += 0.5
    assert recent.get("k", compute) == 1  # within the period: not looked at again
    clock[0] += 0.6
    assert recent.get("k", compute) == 2
    recent.clear()
    assert recent.get("k", compute) == 3
    assert calls == [100.0, 101.1, 101.1]
