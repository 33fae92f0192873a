"""Load test: many users at once switch pages and change filters for a while.

`make loadtest` starts the dashboard on a free loopback port (as `make run` serves it) and runs
two kinds of users against it, one user alone first, then N at once:

- browser users: Playwright contexts on one headless Chromium. Each opens the dashboard
  (arrivals spread over RAMP seconds), then reads the page for a while (THINK seconds,
  uniform) and either picks another page in the sidebar or flips the country filter. Actions
  are timed for DURATION seconds once everyone has arrived, from the click until the run it
  caused has finished and the page has drawn a frame.
- server users: websocket clients that speak the browser's protocol but draw nothing
  (benchmarks/ws_client.py), doing the same actions back to back with no pause. They load the
  server alone, without 20 browsers competing for the same two cores.

It reports errors, p50/p95 latency, interactions per second, and the server's peak memory.
It stops by itself; only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from tests.support.local_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402
from tests.support.ws_client import Session  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
# Titles in the sidebar navigation: users switch pages there, without reloading the app.
PAGES = {
    "": "Overview",
    "troops": "Troops",
    "bases": "Bases",
    "nations": "Nations",
    "incidents": "Incidents",
    "compare": "Iraq vs Syria",
    "plans": "Plans vs reality",
    "data": "Data",
    "sources": "Sources & method",
}
COUNTRIES = ["Both", "Iraq", "Syria"]
# Seconds after the last arrival before actions are timed (its tab is still loading).
SETTLE = 10
IDLE = """() => document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('h1') !== null"""
NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => done()))"


class RunCounter:
    """Counts the 'script finished' messages a page's websocket receives, so a timing waits
    for the run its own click caused (the page's running indicator can miss a fast run)."""

    def __init__(self, page):
        self.done = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        if isinstance(payload, bytes) and len(payload) < 256:
            message = ForwardMsg()
            message.ParseFromString(payload)
            if message.WhichOneof("type") == "script_finished":
                self.done += 1

    async def wait_past(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.done <= count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no run finished within {timeout:.0f} s")
            await asyncio.sleep(0.005)


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class MemoryWatch(threading.Thread):
    """Samples the server's resident memory every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, _rss(self.pid))
            time.sleep(0.2)


def summary(samples: list[float], errors: list[str], users: int, seconds: float) -> dict:
    cut = statistics.quantiles(samples, n=20, method="inclusive") if len(samples) > 1 else None
    return {
        "users": users,
        "interactions": len(samples),
        "per_second": len(samples) / seconds,
        "errors": len(errors),
        "error_examples": errors[:5],
        "p50_s": statistics.median(samples) if samples else None,
        "p95_s": cut[18] if cut else (samples[0] if samples else None),
    }


async def browser_user(browser, url, start_after, window, think, seed, samples, errors):
    """One browser user: arrive, then read and act until the window (start, end on the
    monotonic clock) closes; only actions started inside the window are timed."""
    rng = random.Random(seed)
    await asyncio.sleep(start_after)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    runs = RunCounter(page)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    try:
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_function(IDLE, timeout=180_000)
    except Exception as exc:  # noqa: BLE001 - a user who cannot even arrive is an error
        errors.append(f"arrival: {type(exc).__name__}: {str(exc)[:200]}")
        await context.close()
        return
    opened, deadline = window
    current = PAGES[""]
    while True:
        await page.wait_for_timeout(rng.uniform(*think) * 1000)
        if time.monotonic() >= deadline:
            break
        timed = time.monotonic() >= opened
        action = "start"
        try:
            before = runs.done
            start = time.perf_counter()
            if rng.random() < 0.5:
                # Another page (clicking the page one is on does not rerun it).
                current = rng.choice([t for t in PAGES.values() if t != current])
                action = f"open {current}"
                await page.get_by_test_id("stSidebarNav").get_by_text(current, exact=True).click()
            else:
                country = rng.choice(COUNTRIES)
                action = f"pick {country} on {current}"
                radio = page.get_by_test_id("stSidebar").get_by_role(
                    "radio", name=country, exact=True
                )
                if await radio.is_checked():
                    continue  # nothing would rerun
                await radio.check(force=True)
            action += ", waiting for its run"
            await runs.wait_past(before, 30)
            action += ", waiting for the page"
            await page.wait_for_function(IDLE, timeout=30_000)
            await page.evaluate(NEXT_FRAME)
            if timed:
                samples.append(time.perf_counter() - start)
            if await page.locator("[data-testid='stException']").count():
                errors.append(f"exception shown on {page.url}")
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            errors.append(f"{action}: {type(exc).__name__}: {str(exc)[:120]}")
    await context.close()


async def browsers(url: str, users: int, seconds: float, think: tuple, ramp: float) -> dict:
    """``users`` browser users arriving evenly over ``ramp`` seconds; actions are timed for
    ``seconds`` once the last has arrived (arrivals, a new browser tab each, are the heaviest
    work for this machine and are not what a user waits for once the dashboard is open)."""
    from playwright.async_api import async_playwright

    samples: list[float] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        opened = time.monotonic() + ramp + SETTLE
        window = (opened, opened + seconds)
        await asyncio.gather(
            *(
                browser_user(browser, url, i * ramp / users, window, think, i, samples, errors)
                for i in range(users)
            )
        )
        await browser.close()
    return summary(samples, errors, users, seconds)


def server_user(url, seconds, seed, samples, errors, barrier) -> None:
    """One websocket user doing the browser users' actions back to back, no pause."""
    rng = random.Random(seed)
    try:
        with Session(url) as session:
            run = session.run()
            barrier.wait()
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if rng.random() < 0.5:
                    run = session.run(page=rng.choice(list(PAGES)))
                else:
                    country = run.widget_id("country")
                    run = session.run(widgets={country: ("string_value", rng.choice(COUNTRIES))})
                samples.append(run.seconds)
                errors += [f"exception: {e[:200]}" for e in run.exceptions()]
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        barrier.abort()


def servers(url: str, users: int, seconds: float) -> dict:
    samples: list[float] = []
    errors: list[str] = []
    barrier = threading.Barrier(users)
    threads = [
        threading.Thread(target=server_user, args=(url, seconds, i, samples, errors, barrier))
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return summary(samples, errors, users, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60, help="the timed window, seconds")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(5.0, 15.0),
        metavar=("LOW", "HIGH"),
        help="seconds a browser user reads a page before the next action (default 5 15)",
    )
    parser.add_argument("--ramp", type=float, default=60, help="seconds over which users arrive")
    args = parser.parse_args()
    think = tuple(args.think)
    with streamlit_server() as (server, url):
        idle = _rss(server.pid)
        watch = MemoryWatch(server.pid)
        watch.start()
        # One user alone runs twice as long, for enough samples to give it a p95 too.
        single = asyncio.run(browsers(url, 1, 2 * args.seconds, think, 0))
        after_one = watch.peak
        many = asyncio.run(browsers(url, args.sessions, args.seconds, think, args.ramp))
        peak_browsers = watch.peak
        ws_single = servers(url, 1, args.seconds / 3)
        ws_many = servers(url, args.sessions, args.seconds / 2)
        watch.running = False
        watch.join()
    report = {
        "think_s": think,
        "ramp_s": args.ramp,
        "server_rss_idle_bytes": idle,
        "server_rss_peak_one_session_bytes": after_one,
        "server_rss_peak_browsers_bytes": peak_browsers,
        "server_rss_peak_bytes": watch.peak,
        "rss_growth_per_added_session_bytes": (peak_browsers - after_one)
        / max(args.sessions - 1, 1),
        "browser_single": single,
        "browser_concurrent": many,
        "browser_p95_ratio": many["p95_s"] / single["p95_s"],
        "server_single": ws_single,
        "server_concurrent": ws_many,
        "server_throughput_ratio": ws_many["per_second"] / ws_single["per_second"],
    }
    errors = many["errors"] + ws_many["errors"] + single["errors"] + ws_single["errors"]
    targets = [
        ("0 errors (every phase)", f"{errors} errors", errors == 0),
        ("peak server RSS ≤ 1 GB", f"{report['server_rss_peak_bytes'] / 2**20:.0f} MB",
         report["server_rss_peak_bytes"] <= 2**30),
        (f"browser users: p95 with {args.sessions} ≤ 2× p95 of one alone",
         f"{report['browser_p95_ratio']:.2f}×", report["browser_p95_ratio"] <= 2),
    ]  # fmt: skip
    report["targets"] = [{"target": t, "measured": m, "holds": h} for t, m, h in targets]

    growth = report["rss_growth_per_added_session_bytes"]

    def line(label: str, r: dict) -> str:
        return (
            f"| {label} | {r['users']} | {r['interactions']} | {r['per_second']:.1f} | "
            f"{r['errors']} | {r['p50_s'] * 1000:.0f} | {r['p95_s'] * 1000:.0f} |"
        )

    lines = [
        f"Browser users read each page for {think[0]:.0f}–{think[1]:.0f} s (uniform) before "
        f"acting. They arrive over {args.ramp:.0f} s, and their actions are timed for "
        f"{args.seconds:.0f} s starting {SETTLE} s after the last arrival, while all are on the "
        f"dashboard (one user alone: {2 * args.seconds:.0f} s). Server users act back to back.",
        "",
        "| users | how many | interactions | per second | errors | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        line("browser, alone", single),
        line("browser, together", many),
        line("server only, alone", ws_single),
        line("server only, together", ws_many),
        "",
        f"Server only, users acting back to back measure capacity, not a user's wait: the "
        f"server finished {ws_single['per_second']:.0f} runs/s for one user and "
        f"{ws_many['per_second']:.0f} runs/s for {args.sessions} "
        f"({report['server_throughput_ratio']:.1f}× as many); with no pause each user waits "
        "for the others' runs, so their latency grows with their number.",
        "",
        f"Server memory: idle {idle / 2**20:.0f} MB, peak with one browser user "
        f"{after_one / 2**20:.0f} MB, with {args.sessions} {peak_browsers / 2**20:.0f} MB "
        f"({growth / 2**20:.1f} MB per added user), peak of the whole run "
        f"{watch.peak / 2**20:.0f} MB.",
        "",
        "| target | measured | holds |",
        "|---|---|---|",
        *[f"| {t} | {m} | {'yes' if h else 'no'} |" for t, m, h in targets],
    ]
    examples = [e for r in (single, many, ws_single, ws_many) for e in r["error_examples"]]
    if examples:
        lines += ["", "Errors seen (first few):", *[f"- {e}" for e in examples[:5]]]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "loadtest.json").write_text(json.dumps(report, indent=2), "utf-8")
    (RESULTS / "loadtest.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
