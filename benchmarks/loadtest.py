"""Load test of the server: many readers at once through nginx, on one and on two replicas.

`make loadtest` starts `python -m posture cluster` (replicas behind nginx, as `make cluster`
serves it) on a free loopback port, once with one replica and once with two, and on each runs:

- warm-up: one session per replica, straight to it, opens every page with every country (the
  first view of a filter combination is built once per process; the levels time reruns).
- alone: one websocket user, pausing THINK_ALONE seconds between actions: the latency a
  reader gets from an otherwise idle server.
- levels of 20, 100 and 300 users: websocket clients that speak the browser's protocol
  (tests/support/ws_client.py) but draw nothing. They arrive evenly over RAMP seconds (each
  opens the page, gets nginx's affinity cookie and opens its websocket with it, as a browser
  does), then each reads for THINK seconds (uniform) and either opens another page or picks
  another country, until the window closes. Actions started in the SECONDS-long window after
  everyone has arrived are timed, from the rerun request to the run's `script_finished`.
  During the 100-user level, 3 Chromium contexts (one headless Chromium) open the dashboard
  and switch pages; they report time to charts and every page error.
- saturated: SATURATED_USERS users acting back to back, no pause: what the replicas sustain.
- failover (two replicas): the 100-user level again, with the browsers; half-way through the
  window the replica serving the first browser is killed (SIGKILL). Its readers' connections
  close; they reconnect with the same cookie, nginx sends them to the live replica, and they
  carry on. Every request after a reconnect must succeed, and readers of the live replica
  must see nothing.

Users run in LOAD_PROCESSES processes of threads, so the client's own interpreter lock does
not delay the timings. The report gives runs/s, p50/p95/p99, errors, each replica's peak RSS,
and the CPU the load generator, the browser and other processes on the machine used. Only
127.0.0.1 is contacted; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import random
import signal
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.local_cluster import arrive, descendants, local_cluster  # noqa: E402
from tests.support.ws_client import Session  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
# URL paths of the pages users open.
PAGES = ["", "troops", "bases", "nations", "incidents", "compare", "plans", "data", "sources"]
COUNTRIES = ["Both", "Iraq", "Syria"]
LEVELS = (20, 100, 300)
THINK = (2.0, 8.0)
THINK_ALONE = (0.1, 0.3)
RAMP = 20.0
SECONDS = 60.0
SETTLE = 3.0  # after the last arrival, before the window opens
SATURATED_USERS = 40
LOAD_PROCESSES = 4
BROWSERS = 3
BROWSER_THINK = (4.0, 8.0)
# Pages with charts, where the browsers wait for every chart to be drawn.
CHART_PAGES = {
    "": "Overview",
    "troops": "Troops",
    "bases": "Bases",
    "nations": "Nations",
    "incidents": "Incidents",
    "compare": "Iraq vs Syria",
}
DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
    return app?.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('h1') !== null
        && charts > 0 && document.querySelectorAll('.js-plotly-plot .main-svg').length >= charts
        && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


@dataclass
class Plan:
    """One phase: how many users, how they behave, and for how long."""

    label: str
    users: int
    think: tuple[float, float]
    ramp: float
    seconds: float
    browsers: bool = False
    kill: bool = False
    opens: float = 0.0  # monotonic time the timed window opens (set when the phase starts)

    @property
    def closes(self) -> float:
        return self.opens + self.seconds


@dataclass
class UserLog:
    """What one user saw: (start, seconds, replica) of every run, failures, and reconnects."""

    runs: list[tuple[float, float, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    disconnects: list[tuple[float, int]] = field(default_factory=list)  # (when, replica)
    after_reconnect: int = 0  # runs that succeeded after a reconnect


# --- users -----------------------------------------------------------------------------------


def user(url: str, number: int, plan: Plan, log: UserLog) -> None:
    """Arrive at the user's time on the ramp, then read and act until the window closes;
    reconnect (same cookie, as the browser does) when the server closes the connection."""
    rng = random.Random(number)
    arrival = plan.opens - SETTLE - plan.ramp + number * plan.ramp / plan.users
    time.sleep(max(0.0, arrival - time.monotonic()))
    page, country = "", "Both"
    cookie, replica, session, reconnected = None, 0, None, False
    try:
        while True:
            if session is None:
                cookie, replica = arrive(url, cookie)
                session = Session(url, cookie=cookie)
                run = session.run()  # what the page's first load (or reload) sends
                if page:
                    run = session.run(page=page)
                if reconnected:
                    log.after_reconnect += 1
                    log.errors += [f"after reconnect: {e[:200]}" for e in run.exceptions()]
            if not session.wait(rng.uniform(*plan.think)):
                log.disconnects.append((time.monotonic(), replica))
                session, reconnected = None, True
                continue
            if time.monotonic() >= plan.closes:
                break
            widgets = None
            if rng.random() < 0.5:
                page = rng.choice([p for p in PAGES if p != page])
            else:
                country = rng.choice([c for c in COUNTRIES if c != country])
                widgets = {run.widget_id("country"): ("string_value", country)}
            started = time.monotonic()
            try:
                run = session.run(page=page, widgets=widgets, timeout=60)
            except Exception as exc:  # noqa: BLE001 - a closed connection is a disconnect
                if not _closed(exc):
                    raise
                log.disconnects.append((time.monotonic(), replica))
                session, reconnected = None, True
                continue
            log.runs.append((started, run.seconds, replica))
            if reconnected:
                log.after_reconnect += 1
            log.errors += [f"exception on /{page}: {e[:200]}" for e in run.exceptions()]
    except Exception as exc:  # noqa: BLE001 - every failure is counted and reported
        log.errors.append(f"user {number}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        if session is not None:
            session.close()


def _closed(exc: BaseException) -> bool:
    from websockets.exceptions import ConnectionClosed

    return isinstance(exc, ConnectionClosed | ConnectionResetError | BrokenPipeError)


def load_process(url: str, numbers: list[int], plan: Plan, out) -> None:
    """One load-generating process: a thread per user; send every user's log back."""
    logs = {n: UserLog() for n in numbers}
    threads = [threading.Thread(target=user, args=(url, n, plan, logs[n])) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(plan.closes - time.monotonic() + 180)
    out.put({n: asdict(log) for n, log in logs.items()})


# --- browsers --------------------------------------------------------------------------------


def browser_process(url: str, plan: Plan, out, placed) -> None:
    """BROWSERS Chromium contexts reading the dashboard during the window: time to charts of
    the first load and of every page switch, every page error; the replica each is on is
    sent to ``placed`` as soon as known."""
    sys.path.insert(0, str(ROOT))
    out.put(asyncio.run(_browsers(url, plan, placed)))


async def _browsers(url: str, plan: Plan, placed) -> dict:
    from playwright.async_api import async_playwright

    from tests.support.local_server import CHROMIUM, CHROMIUM_ARGS

    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = await asyncio.gather(
            *(_browser(chromium, url, plan, number, placed) for number in range(BROWSERS))
        )
        await chromium.close()
    return {"contexts": results}


async def _browser(chromium, url: str, plan: Plan, number: int, placed) -> dict:
    rng = random.Random(1000 + number)
    result = {"replica": 0, "first_load_s": None, "switches_s": [], "errors": []}
    result |= {"websockets": 0, "recovered": None, "recovery_s": None}
    context = await chromium.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    closed_at: list[float] = []

    def on_websocket(ws) -> None:
        result["websockets"] += 1
        ws.on("close", lambda _: closed_at.append(time.monotonic()))

    page.on("websocket", on_websocket)
    page.on("pageerror", lambda exc: result["errors"].append(f"pageerror: {str(exc)[:200]}"))
    try:
        # Arrive with the first readers, so each is on the page when the window opens.
        arrival = plan.opens - SETTLE - plan.ramp + number
        await asyncio.sleep(max(0.0, arrival - time.monotonic()))
        start = time.monotonic()
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_function(DRAWN, timeout=120_000, polling="raf")
        result["first_load_s"] = time.monotonic() - start
        health = await context.request.get(f"{url}/_stcore/health")  # the context's cookie
        result["replica"] = int(health.headers["x-posture-replica"])
        placed.put((number, result["replica"]))
        recovery = asyncio.create_task(_recover(page, result, closed_at))
        current = ""
        while True:
            await asyncio.sleep(rng.uniform(*BROWSER_THINK))
            if time.monotonic() >= plan.closes:
                break
            if closed_at:
                await recovery  # a page that lost its server is not clicked until it is back
            current = rng.choice([p for p in CHART_PAGES if p != current])
            start = time.monotonic()
            try:
                nav = page.get_by_test_id("stSidebarNav")
                await nav.get_by_text(CHART_PAGES[current], exact=True).click(timeout=30_000)
                await page.wait_for_function(
                    "(path) => location.pathname.endsWith('/' + path)", arg=current, timeout=30_000
                )
                await page.wait_for_function(DRAWN, timeout=60_000, polling="raf")
                result["switches_s"].append(time.monotonic() - start)
            except Exception as exc:  # noqa: BLE001 - reported
                result["errors"].append(f"open /{current}: {type(exc).__name__}: {exc}"[:300])
            if await page.locator("[data-testid='stException']").count():
                result["errors"].append(f"exception shown on /{current}")
        if not closed_at:
            recovery.cancel()
    except Exception as exc:  # noqa: BLE001 - reported
        result["errors"].append(f"{type(exc).__name__}: {str(exc)[:300]}")
    await context.close()
    return result


async def _recover(page, result: dict, closed_at: list[float]) -> None:
    """When the page's websocket closes (its replica died), wait for the page to open a new
    one by itself and draw every chart again; record whether and how fast it did."""
    while not closed_at:
        await asyncio.sleep(0.05)
    try:
        deadline = time.monotonic() + 60
        while result["websockets"] < 2:
            if time.monotonic() > deadline:
                raise TimeoutError("no new websocket within 60 s")
            await asyncio.sleep(0.05)
        await page.wait_for_function(DRAWN, timeout=60_000, polling="raf")
        result["recovered"] = True
        result["recovery_s"] = time.monotonic() - closed_at[0]
    except Exception as exc:  # noqa: BLE001 - reported
        result["recovered"] = False
        result["errors"].append(f"no recovery: {type(exc).__name__}: {exc}"[:300])


# --- measuring the machine -------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) ``pid`` has used, 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError, ValueError):
        return 0.0


def _comm(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


class Watch(threading.Thread):
    """Samples, every 0.25 s: each replica's RSS (by its number, across restarts) and the CPU
    time of every process this load test started, by kind."""

    def __init__(self, cluster):
        super().__init__(daemon=True)
        self.cluster = cluster
        self.running = True
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.peak_rss: dict[int, int] = {}
            self.cpu_seen: dict[int, tuple[str, float, float]] = {}  # pid: (kind, first, last)
            self.started = time.monotonic()
            self.busy_start = _machine_busy()

    def run(self) -> None:
        while self.running:
            replicas = self.cluster.replicas()
            kinds = {pid: f"replica {n}" for n, pid in replicas.items()}
            with self.lock:
                for number, pid in replicas.items():
                    self.peak_rss[number] = max(self.peak_rss.get(number, 0), _rss(pid))
                for pid in descendants(os.getpid()):
                    cpu = _cpu(pid)
                    kind = kinds.get(pid) or _kind(_comm(pid))
                    first = self.cpu_seen.get(pid, (kind, cpu, cpu))[1]
                    self.cpu_seen[pid] = (kind, first, cpu)
            time.sleep(0.25)

    def report(self) -> dict:
        """Peak RSS per replica, and CPU cores used on average by each kind of process and by
        the rest of the machine, since the last reset."""
        with self.lock:
            elapsed = time.monotonic() - self.started
            busy = _machine_busy() - self.busy_start
            cores: dict[str, float] = {}
            for kind, first, last in self.cpu_seen.values():
                cores[kind] = cores.get(kind, 0.0) + (last - first) / elapsed
            ours = sum(cores.values()) * elapsed
            return {
                "peak_rss_mb": {str(n): rss / 2**20 for n, rss in sorted(self.peak_rss.items())},
                "cores": {k: round(v, 2) for k, v in sorted(cores.items())},
                "other_processes_cores": round(max(busy - ours, 0.0) / elapsed, 2),
                "machine_busy_cores": round(busy / elapsed, 2),
            }


def _kind(command: str) -> str:
    if "nginx" in command:
        return "nginx"
    if "chrom" in command or "playwright" in command or "node" in command:
        return "browser"
    if "posture cluster" in command:
        return "cluster supervisor"
    return "load generator"


# --- phases ----------------------------------------------------------------------------------


def warm(cluster) -> None:
    """Every page with every country once on each replica, straight to it."""
    for url in cluster.replica_urls().values():
        with Session(url) as session:
            session.run()
            for page in PAGES:
                run = session.run(page=page)
                for country in [*COUNTRIES[1:], COUNTRIES[0]]:
                    run = session.run(widgets={run.widget_id("country"): ("string_value", country)})


def phase(cluster, watch: Watch, plan: Plan) -> dict:
    """Run one phase and summarise it."""
    context = multiprocessing.get_context("spawn")
    out, placed = context.Queue(), context.Queue()
    plan.opens = time.monotonic() + 8 + plan.ramp + SETTLE  # 8 s for the processes to start
    groups = [list(range(i, plan.users, LOAD_PROCESSES)) for i in range(LOAD_PROCESSES)]
    groups = [g for g in groups if g]
    processes = [
        context.Process(target=load_process, args=(cluster.url, g, plan, out)) for g in groups
    ]
    if plan.browsers:
        processes.append(
            context.Process(target=browser_process, args=(cluster.url, plan, out, placed))
        )
    for process in processes:
        process.start()
    while time.monotonic() < plan.opens:
        time.sleep(0.05)
    watch.reset()
    killed = None
    if plan.kill:
        while time.monotonic() < plan.opens + plan.seconds / 2:
            time.sleep(0.05)
        # The replica of the first browser placed by now (else replica 1).
        browsers_placed = sorted(_drain(placed))
        victim = browsers_placed[0][1] if browsers_placed else 1
        killed = {"replica": victim, "pid": cluster.replicas()[victim]}
        killed["at"] = time.monotonic()
        os.kill(killed["pid"], signal.SIGKILL)
        print(f"  killed replica {victim} (pid {killed['pid']})", flush=True)
    while time.monotonic() < plan.closes:
        time.sleep(0.05)
    machine = watch.report()
    logs: dict[int, dict] = {}
    browsers: dict = {}
    for _ in processes:
        item = out.get(timeout=300)
        if "contexts" in item:
            browsers = item
        else:
            logs.update(item)
    for process in processes:
        process.join(60)
    return summarise(plan, logs, browsers, machine, killed)


def _drain(queue) -> list:
    """Whatever ``queue`` holds now."""
    items = []
    while True:
        try:
            items.append(queue.get_nowait())
        except Exception:  # noqa: BLE001 - queue.Empty: nothing more
            return items


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def summarise(plan: Plan, logs: dict, browsers: dict, machine: dict, killed) -> dict:
    timed = [
        (start, seconds, replica)
        for log in logs.values()
        for start, seconds, replica in log["runs"]
        if plan.opens <= start < plan.closes
    ]
    latencies = [seconds for _, seconds, _ in timed]
    errors = [e for log in logs.values() for e in log["errors"]]
    disconnects = [(n, d) for n, log in logs.items() for d in log["disconnects"]]
    lost = [n for n, (_, replica) in disconnects if killed and replica == killed["replica"]]
    unexpected = [n for n, (_, replica) in disconnects if n not in lost]
    errors += [f"user {n}: connection closed unexpectedly" for n in unexpected]
    per_replica: dict[str, int] = {}
    for _, _, replica in timed:
        per_replica[str(replica)] = per_replica.get(str(replica), 0) + 1
    contexts = browsers.get("contexts", [])
    switches = [s for c in contexts for s in c["switches_s"]]
    result = {
        "label": plan.label,
        "users": plan.users,
        "think_s": list(plan.think),
        "ramp_s": plan.ramp,
        "seconds": plan.seconds,
        "runs": len(latencies),
        "runs_per_s": len(latencies) / plan.seconds,
        "runs_per_replica": per_replica,
        "p50_s": _quantile(latencies, 0.50),
        "p95_s": _quantile(latencies, 0.95),
        "p99_s": _quantile(latencies, 0.99),
        "max_s": max(latencies) if latencies else None,
        "errors": len(errors),
        "error_examples": errors[:8],
        **machine,
    }
    if contexts:
        result["browsers"] = {
            "contexts": contexts,
            "errors": sum(len(c["errors"]) for c in contexts),
            "first_load_s": [c["first_load_s"] for c in contexts],
            "switches": len(switches),
            "switch_p50_s": _quantile(switches, 0.5),
            "switch_max_s": max(switches) if switches else None,
        }
    if killed:
        victim = killed["replica"]
        on_victim = {n for n, log in logs.items() for *_, r in log["runs"] if r == victim}
        result["failover"] = {
            "killed_replica": killed["replica"],
            "users_on_killed_replica": len(on_victim | set(lost)),
            "sessions_lost": len(set(lost)),
            "users_reconnected": sum(1 for n in set(lost) if logs[n]["after_reconnect"] > 0),
            "runs_after_reconnect": sum(logs[n]["after_reconnect"] for n in set(lost)),
            "unexpected_disconnects": len(unexpected),
            "browsers_on_killed_replica": sum(
                1 for c in contexts if c["replica"] == killed["replica"]
            ),
            "browsers_recovered": sum(1 for c in contexts if c["recovered"]),
            "browser_recovery_s": [c["recovery_s"] for c in contexts if c["recovery_s"]],
        }
    return result


# --- the run ---------------------------------------------------------------------------------


def run_replicas(replicas: int, levels: tuple[int, ...], seconds: float) -> dict:
    """Every phase on a cluster of ``replicas``."""
    out: dict = {"replicas": replicas, "phases": []}
    with local_cluster(replicas=replicas) as cluster:
        watch = Watch(cluster)
        watch.start()
        print(f"{replicas} replica(s) at {cluster.url}: warming up", flush=True)
        warm(cluster)
        watch.reset()
        idle = watch.report()["peak_rss_mb"]
        time.sleep(1)
        out["idle_rss_mb"] = watch.report()["peak_rss_mb"] or idle
        plans = [Plan("alone", 1, THINK_ALONE, 0, seconds / 2)]
        plans += [Plan(f"{n} users", n, THINK, RAMP, seconds, browsers=n == 100) for n in levels]
        plans.append(Plan("saturated", SATURATED_USERS, (0.0, 0.0), 2, seconds / 2))
        if replicas > 1:
            plans.append(Plan("failover", 100, THINK, RAMP, seconds, browsers=True, kill=True))
        for plan in plans:
            print(f"  {plan.label}: {plan.users} user(s)...", flush=True)
            result = phase(cluster, watch, plan)
            print(
                f"    {result['runs_per_s']:.1f} runs/s, p50 {_ms(result['p50_s'])}, "
                f"p95 {_ms(result['p95_s'])}, p99 {_ms(result['p99_s'])} ms, "
                f"{result['errors']} errors, rss {result['peak_rss_mb']}, "
                f"cores {result['cores']}, other {result['other_processes_cores']}",
                flush=True,
            )
            out["phases"].append(result)
        watch.running = False
    return out


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def targets(report: dict) -> list[dict]:
    """The issue's targets, each with what was measured."""
    out = []
    by = {r["replicas"]: {p["label"]: p for p in r["phases"]} for r in report["runs"]}
    errors = sum(p["errors"] + p.get("browsers", {}).get("errors", 0) for r in by.values()
                 for p in r.values())  # fmt: skip
    out.append(("0 errors at every level (websocket users and browsers)", f"{errors}", errors == 0))
    for replicas, phases in sorted(by.items()):
        if "100 users" in phases and "alone" in phases:
            ratio = phases["100 users"]["p95_s"] / phases["alone"]["p95_s"]
            out.append((
                f"{replicas} replica(s): p95 at 100 users ≤ 2× p95 of one user alone",
                f"{ratio:.2f}× ({_ms(phases['100 users']['p95_s'])} / "
                f"{_ms(phases['alone']['p95_s'])} ms)",
                ratio <= 2,
            ))  # fmt: skip
    if 1 in by and 2 in by:
        one, two = by[1]["saturated"]["runs_per_s"], by[2]["saturated"]["runs_per_s"]
        out.append((
            "2 replicas ≥ 1.6× the saturated runs/s of 1",
            f"{two / one:.2f}× ({two:.0f} / {one:.0f} runs/s)",
            two / one >= 1.6,
        ))  # fmt: skip
        failover = by[2].get("failover", {}).get("failover")
        if failover:
            fine = (
                failover["sessions_lost"] == failover["users_reconnected"]
                and failover["unexpected_disconnects"] == 0
                and by[2]["failover"]["errors"] == 0
                and failover["browsers_recovered"] >= failover["browsers_on_killed_replica"]
                and failover["browsers_on_killed_replica"] >= 1
            )
            out.append((
                "a killed replica loses only its sessions; they reconnect and no request after "
                "fails; the browser on it recovers",
                f"{failover['sessions_lost']} lost, {failover['users_reconnected']} reconnected "
                f"({failover['runs_after_reconnect']} runs after), "
                f"{failover['unexpected_disconnects']} other disconnects, "
                f"{by[2]['failover']['errors']} errors, browsers recovered "
                f"{failover['browsers_recovered']}/{failover['browsers_on_killed_replica']}",
                fine,
            ))  # fmt: skip
    return [{"target": t, "measured": m, "holds": h} for t, m, h in out]


def markdown(report: dict) -> str:
    """The report as the tables docs/performance.md shows."""
    m = report["machine"]
    lines = [
        f"Measured {report['date']} on {m['platform']}, {m['cpus']} CPUs, Python "
        f"{m['python']}, nginx in front (`python -m posture cluster`). Users think "
        f"{THINK[0]:g}–{THINK[1]:g} s (uniform) between actions and arrive over {RAMP:g} s; "
        f"actions are timed for {report['seconds']:g} s once all have arrived (one user alone: "
        f"{report['seconds'] / 2:g} s, pausing {THINK_ALONE[0]:g}–{THINK_ALONE[1]:g} s; "
        f"saturated: {SATURATED_USERS} users acting back to back for "
        f"{report['seconds'] / 2:g} s). Latency is from the rerun request to the run's "
        "`script_finished` at the client.",
        "",
    ]
    for run in report["runs"]:
        lines += [
            f"### {run['replicas']} replica(s)",
            "",
            "| phase | users | runs/s | p50 ms | p95 ms | p99 ms | errors | peak RSS per "
            "replica MB | cores: replicas / nginx / load generator / browser / other "
            "processes |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for p in run["phases"]:
            cores = p["cores"]
            replica_cores = sum(v for k, v in cores.items() if k.startswith("replica"))
            rss = ", ".join(f"{v:.0f}" for v in p["peak_rss_mb"].values())
            lines.append(
                f"| {p['label']} | {p['users']} | {p['runs_per_s']:.1f} | {_ms(p['p50_s'])} | "
                f"{_ms(p['p95_s'])} | {_ms(p['p99_s'])} | {p['errors']} | {rss} | "
                f"{replica_cores:.2f} / {cores.get('nginx', 0):.2f} / "
                f"{cores.get('load generator', 0):.2f} / {cores.get('browser', 0):.2f} / "
                f"{p['other_processes_cores']:.2f} |"
            )
        lines.append("")
        for p in run["phases"]:
            if "browsers" in p:
                b = p["browsers"]
                loads = ", ".join(f"{s:.2f}" for s in b["first_load_s"] if s is not None)
                lines.append(
                    f"Browsers during *{p['label']}*: {BROWSERS} Chromium contexts, first load "
                    f"to every chart drawn {loads} s; {b['switches']} page switches to every "
                    f"chart drawn, median {b['switch_p50_s'] or 0:.2f} s, slowest "
                    f"{b['switch_max_s'] or 0:.2f} s; {b['errors']} errors."
                )
            if "failover" in p:
                f = p["failover"]
                recovery = ", ".join(f"{s:.1f}" for s in f["browser_recovery_s"])
                lines.append(
                    f"Failover: replica {f['killed_replica']} killed half-way through; "
                    f"{f['sessions_lost']} websocket sessions lost (every one on that replica), "
                    f"{f['users_reconnected']} reconnected and made "
                    f"{f['runs_after_reconnect']} runs after, none failed "
                    f"({p['errors']} errors); {f['unexpected_disconnects']} readers of the "
                    f"live replica disconnected. Browsers on the killed replica: "
                    f"{f['browsers_on_killed_replica']}, recovered: {f['browsers_recovered']} "
                    f"(charts drawn again {recovery} s after the connection closed)."
                )
        lines.append("")
    lines += [contention(report), "", readers(report), ""]
    lines += ["| target | measured | holds |", "|---|---|---|"]
    lines += [
        f"| {t['target']} | {t['measured']} | {'yes' if t['holds'] else 'no'} |"
        for t in report["targets"]
    ]
    examples = [e for r in report["runs"] for p in r["phases"] for e in p["error_examples"]]
    examples += [
        e
        for r in report["runs"]
        for p in r["phases"]
        for c in p.get("browsers", {}).get("contexts", [])
        for e in c["errors"]
    ]
    if examples:
        lines += ["", "Errors seen (first few):", *[f"- {e}" for e in examples[:8]]]
    return "\n".join(lines) + "\n"


def contention(report: dict) -> str:
    """What the rest of the machine took meanwhile, and what that does to the numbers."""
    others = [p["other_processes_cores"] for r in report["runs"] for p in r["phases"]]
    if not others:
        return ""
    text = (
        f"**The machine was shared.** Processes outside this test used "
        f"{min(others):.2f}–{max(others):.2f} of the {report['machine']['cpus']} cores during "
        "the phases (last column)."
    )
    if max(others) > 0.5:
        text += (
            " With that much taken, the replicas got only what was left: latencies and runs/s "
            "above measure this machine's load at the time, not what the server can do on "
            "free cores. Runs per core the replicas were given (saturated phase) are the "
            "figure that least depends on it."
        )
    return text


# A reader who opens a page or changes a filter once every this many seconds on average.
READING_SECONDS = 20


def readers(report: dict) -> str:
    """How many readers a core serves, from the saturated runs/s and READING_SECONDS."""
    by = {r["replicas"]: {p["label"]: p for p in r["phases"]} for r in report["runs"]}
    parts, per_core = [], []
    for replicas, phases in sorted(by.items()):
        saturated = phases.get("saturated")
        if not saturated:
            continue
        cores = sum(v for k, v in saturated["cores"].items() if k.startswith("replica"))
        if cores:
            per_core.append(saturated["runs_per_s"] / cores)
        parts.append(
            f"{replicas} replica(s) finished {saturated['runs_per_s']:.0f} runs/s with every "
            f"user acting back to back, on the {cores:.2f} cores they were given "
            f"({saturated['runs_per_s'] / cores if cores else 0:.0f} runs/s per core)"
        )
    if not per_core:
        return ""
    rate = min(per_core)
    return (
        f"**Readers per core.** A reader who opens a page or changes a filter once every "
        f"{READING_SECONDS} s on average asks for {1 / READING_SECONDS:.2f} runs/s. In this "
        "run " + "; ".join(parts) + f". At {rate:.0f} runs/s per core, one core serves about "
        f"{rate * READING_SECONDS:,.0f} such readers at full load and "
        f"{rate * READING_SECONDS / 2:,.0f} at half load, the level to plan for (latency stays "
        "near one reader's; at full load every reader waits for the others). A replica is "
        "one process and uses at most about one core, so a machine serves about that many "
        "readers per core with one replica per core, keeping a little CPU for nginx and the "
        "system (the nginx column)."
    )


def history_line(report: dict) -> dict:
    """One run in a line: when, what the rest of the machine took, each target's result."""
    others = [p["other_processes_cores"] for r in report["runs"] for p in r["phases"]]
    return {
        "date": report["date"],
        "started": report.get("started", ""),
        "other_cores": [min(others), max(others)] if others else [],
        "targets": [[t["measured"], t["holds"]] for t in report["targets"]],
        "names": [t["target"] for t in report["targets"]],
    }


def history_table(lines: list[dict]) -> str:
    """The last runs side by side: each target's measure per run."""
    if len(lines) < 2:
        return ""
    names = lines[-1]["names"]
    head = " | ".join(f"run {i} ({h['started'] or h['date']})" for i, h in enumerate(lines, 1))
    out = [
        f"### The last {len(lines)} runs, one after the other",
        "",
        f"| | {head} |",
        "|---|" + "---|" * len(lines),
        "| other processes, cores | "
        + " | ".join(f"{h['other_cores'][0]:.2f}–{h['other_cores'][1]:.2f}" for h in lines)
        + " |",
    ]
    for name in names:
        cells = []
        for h in lines:
            measured, holds = dict(zip(h["names"], h["targets"], strict=True)).get(name, ("-", 0))
            cells.append(f"{measured} ({'holds' if holds else 'missed'})")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS))
    parser.add_argument("--seconds", type=float, default=SECONDS, help="timed window per level")
    parser.add_argument("--out", default=str(RESULTS / "loadtest.json"))
    parser.add_argument(
        "--render",
        metavar="JSON",
        nargs="+",
        help="only write the tables of earlier reports, in the order run (the last in full)",
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    history_file = out.parent / "loadtest-history.jsonl"  # one line per run, for the last runs
    if args.render:
        reports = [json.loads(Path(f).read_text("utf-8")) for f in args.render]
        for report in reports:
            report["targets"] = targets(report)
        history = [history_line(r) for r in reports]
        history_file.write_text("".join(json.dumps(h) + "\n" for h in history), "utf-8")
        text = markdown(reports[-1]) + "\n" + history_table(history[-5:])
        out.with_suffix(".md").write_text(text, "utf-8")
        return 0
    started = time.monotonic()
    report = {
        "date": date.today().isoformat(),
        "started": time.strftime("%Y-%m-%d %H:%M"),
        "seconds": args.seconds,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "runs": [run_replicas(r, tuple(args.levels), args.seconds) for r in args.replicas],
    }
    report["targets"] = targets(report)
    report["wall_s"] = time.monotonic() - started
    out.write_text(json.dumps(report, indent=2), "utf-8")
    with history_file.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(history_line(report)) + "\n")
    history = [json.loads(line) for line in history_file.read_text("utf-8").splitlines()]
    text = markdown(report) + "\n" + history_table(history[-5:])
    out.with_suffix(".md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
