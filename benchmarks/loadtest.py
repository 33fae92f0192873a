"""Load test: many browser sessions at once switch pages and change filters for a while.

`make loadtest` starts the dashboard on a free loopback port, measures one session alone,
then N concurrent sessions (Playwright contexts on one Chromium), each for DURATION seconds,
and reports errors, p50/p95 time from an interaction to the page settling, and the server's
peak memory. Stops by itself; only 127.0.0.1 is contacted.
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

from posture.local_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
# Titles in the sidebar navigation: users switch pages there, without reloading the app.
PAGES = [
    "Overview",
    "Troops",
    "Bases",
    "Nations",
    "Incidents",
    "Iraq vs Syria",
    "Plans vs reality",
    "Data",
    "Sources & method",
]
SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
    && document.querySelector('h1') !== null"""


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


async def session(browser, url: str, seconds: float, seed: int, samples: list, errors: list):
    """One user: open a page, then until time is up, switch pages or flip the country."""
    rng = random.Random(seed)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    await page.goto(url, wait_until="domcontentloaded")
    await page.wait_for_function(SETTLED, timeout=120_000)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            if rng.random() < 0.5:
                title = rng.choice(PAGES)
                nav = page.get_by_test_id("stSidebarNav")
                await nav.get_by_text(title, exact=True).click()
            else:
                choice = rng.choice(["Both", "Iraq", "Syria"])
                radio = page.get_by_test_id("stSidebar").get_by_role(
                    "radio", name=choice, exact=True
                )
                await radio.check(force=True)
            await page.wait_for_timeout(50)
            await page.wait_for_function(SETTLED, timeout=120_000)
            samples.append(time.perf_counter() - start)
            if await page.locator("[data-testid='stException']").count():
                errors.append(f"exception shown on {page.url}")
        except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
            errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    await context.close()


async def run(url: str, sessions: int, seconds: float) -> dict:
    from playwright.async_api import async_playwright

    samples: list[float] = []
    errors: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await asyncio.gather(
            *(session(browser, url, seconds, i, samples, errors) for i in range(sessions))
        )
        await browser.close()
    cut = statistics.quantiles(samples, n=20) if len(samples) >= 20 else [max(samples or [0])] * 19
    return {
        "sessions": sessions,
        "interactions": len(samples),
        "errors": len(errors),
        "error_examples": errors[:5],
        "p50_s": statistics.median(samples) if samples else None,
        "p95_s": cut[18],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with streamlit_server() as (server, url):
        idle = _rss(server.pid)
        watch = MemoryWatch(server.pid)
        watch.start()
        single = asyncio.run(run(url, 1, min(args.seconds, 30)))
        after_one = watch.peak
        many = asyncio.run(run(url, args.sessions, args.seconds))
        watch.running = False
        watch.join()
    report = {
        "server_rss_idle_bytes": idle,
        "server_rss_peak_one_session_bytes": after_one,
        "server_rss_peak_bytes": watch.peak,
        "rss_growth_per_added_session_bytes": (watch.peak - after_one) / max(args.sessions - 1, 1),
        "single": single,
        "concurrent": many,
        "p95_ratio": many["p95_s"] / single["p95_s"] if single["p95_s"] else None,
    }
    c, s = report["concurrent"], report["single"]
    targets = [
        ("0 errors", f"{c['errors']} errors", c["errors"] == 0),
        ("peak server RSS ≤ 1 GB", f"{report['server_rss_peak_bytes'] / 2**20:.0f} MB",
         report["server_rss_peak_bytes"] <= 2**30),
        ("p95 ≤ 2× single-session p95", f"{report['p95_ratio']:.2f}×", report["p95_ratio"] <= 2),
    ]  # fmt: skip
    report["targets"] = [{"target": t, "measured": m, "holds": h} for t, m, h in targets]
    lines = [
        f"{c['sessions']} concurrent sessions for {args.seconds:.0f} s: {c['interactions']} "
        f"interactions, {c['errors']} errors, p50 {c['p50_s']:.2f} s, p95 {c['p95_s']:.2f} s. "
        f"One session alone: {s['interactions']} interactions, p50 {s['p50_s']:.2f} s, "
        f"p95 {s['p95_s']:.2f} s.",
        f"Server memory: idle {report['server_rss_idle_bytes'] / 2**20:.0f} MB, peak with one "
        f"session {report['server_rss_peak_one_session_bytes'] / 2**20:.0f} MB, peak with "
        f"{c['sessions']} {report['server_rss_peak_bytes'] / 2**20:.0f} MB "
        f"({report['rss_growth_per_added_session_bytes'] / 2**20:.1f} MB per added session).",
        "",
        "| target | measured | holds |",
        "|---|---|---|",
        *[f"| {t} | {m} | {'yes' if h else 'no'} |" for t, m, h in targets],
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "loadtest.json").write_text(json.dumps(report, indent=2), "utf-8")
    (RESULTS / "loadtest.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
