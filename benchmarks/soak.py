"""Soak test: a served dashboard answers thousands of different views, one websocket session
each; its memory is sampled as it goes and must level off.

``make soak`` runs 5,000 views and checks the targets: RSS after 5,000 runs at most 1.2 times
RSS after 1,000, and at most 600 MB. ``tests/test_soak.py`` runs a short version with a small
cache bound, so growth beyond the bound fails ``make test``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posture.app.navigation import PAGES as PAGE_SPECS  # noqa: E402
from tests.support.local_server import streamlit_server  # noqa: E402
from tests.support.ws_client import Session  # noqa: E402

# Every page of the dashboard by its URL path (the first is the home page, at "").
PAGES = ["", *(page.name for page in PAGE_SPECS[1:])]
COUNTRIES = ["Both", "Iraq", "Syria"]
FIRST, LAST = dt.date(2014, 1, 1), dt.date(2026, 3, 21)
MB = 1 << 20


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def random_view(rng: random.Random) -> tuple[str, str]:
    """A page and a query string with a random country and date range (most never seen)."""
    page = rng.choice(PAGES)
    days = (LAST - FIRST).days
    a, b = sorted(rng.sample(range(days + 1), 2))
    start, end = FIRST + dt.timedelta(days=a), FIRST + dt.timedelta(days=b)
    query = f"country={rng.choice(COUNTRIES)}&dates={start}&dates={end}"
    if page == "bases":
        query += f"&bases_date={FIRST + dt.timedelta(days=rng.randint(0, days))}"
    return page, query


# What shows a view's answer: a chart or a table (a page with nothing in range says so instead).
ANSWERS = {"plotly_chart", "dataframe"}


def one_view(url: str, page: str, query: str) -> tuple[list[str], bool]:
    """Open a new session on ``page`` with ``query``; return the exceptions and error boxes
    it showed, and whether it drew a chart or a table."""
    with Session(url, query) as session:
        run = session.run()
        if page:
            run = session.run(page=page)
        problems = run.exceptions() + [f"error box: {e}" for e in run.error_panels()]
        return problems, bool(ANSWERS & set(run.kinds()))


def soak(url: str, pid: int, runs: int, every: int, workers: int, seed: int) -> dict:
    """``runs`` views over ``workers`` clients; RSS sampled every ``every`` views."""
    rng = random.Random(seed)
    views = [random_view(rng) for _ in range(runs)]
    samples = [(0, rss_bytes(pid))]
    errors: list[str] = []
    done = answered = 0
    lock = threading.Lock()
    started = time.perf_counter()

    def work(view: tuple[str, str]) -> None:
        nonlocal done, answered
        drew = False
        try:
            problems, drew = one_view(url, *view)
        except Exception as err:  # a failed session is an error to report, not a crash
            problems = [f"{type(err).__name__}: {err}"]
        with lock:
            errors.extend(problems)
            answered += drew
            done += 1
            if done % every == 0:
                samples.append((done, rss_bytes(pid)))

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, views))
    return {
        "runs": runs,
        "workers": workers,
        "seconds": round(time.perf_counter() - started, 1),
        "errors": errors[:10],
        "error_count": len(errors),
        "with_chart_or_table": answered,
        "rss_mb": [(n, round(b / MB, 1)) for n, b in samples],
    }


def rss_at(result: dict, runs: int) -> float:
    """RSS (MB) at the first sample taken at or after ``runs`` views."""
    return next(mb for n, mb in result["rss_mb"] if n >= runs)


def verdict(result: dict, early: int, limit_mb: float, growth: float) -> list[str]:
    """The targets that failed (empty when all hold)."""
    failed = []
    last = result["rss_mb"][-1][1]
    if result["error_count"]:
        failed.append(f"{result['error_count']} errors, e.g. {result['errors'][:2]}")
    if last > limit_mb:
        failed.append(f"RSS {last} MB after {result['runs']} runs > {limit_mb} MB")
    if last > growth * rss_at(result, early):
        failed.append(
            f"RSS grew from {rss_at(result, early)} MB after {early} runs to {last} MB "
            f"(> {growth}x)"
        )
    return failed


def server_env(view_cache_mb: int | None = None) -> dict[str, str]:
    """The served dashboard's settings: the shipped data, and a view cache bound if given."""
    env = {"POSTURE_DATA_DIR": str(ROOT / "data")}
    if view_cache_mb is not None:
        env["POSTURE_VIEW_CACHE_MB"] = str(view_cache_mb)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--every", type=int, default=250, help="sample RSS every N runs")
    parser.add_argument("--workers", type=int, default=4, help="concurrent client sessions")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--early", type=int, default=1000, help="the run count compared with")
    parser.add_argument("--limit-mb", type=float, default=600)
    parser.add_argument("--growth", type=float, default=1.2)
    parser.add_argument(
        "--view-cache-mb", type=int, default=None, help="the server's view cache bound (MB)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "soak.json")
    args = parser.parse_args(argv)
    with streamlit_server(env=server_env(args.view_cache_mb)) as (process, url):
        result = soak(url, process.pid, args.runs, args.every, args.workers, args.seed)
    result["failed"] = verdict(result, args.early, args.limit_mb, args.growth)
    result["date"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    history = json.loads(args.out.read_text()) if args.out.is_file() else []
    args.out.write_text(json.dumps([*history, result][-10:], indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "errors"}, indent=1))
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
