"""Benchmarks: page reruns and filter changes on a real server, imports at 10k/100k/1M events,
bytes sent per view, and a browser timing. Run with `make bench`; writes
benchmarks/results/report.{md,json} and prints the Markdown.

Page timings are taken on the server the way users reach it (`python -m posture serve`), with
a websocket client that speaks the browser's protocol and draws nothing (benchmarks/ws_client.py):
one timing is a rerun request until every element and the "script finished" message arrived.
Streamlit's AppTest is not used for timings: it re-detects the `pages/` folder and recompiles
the scripts on every run, which the server does once per process. Baselines are measured in
the same run and interleaved with the pages, so drift on a shared machine hits both alike.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bare_elements_app import ELEMENTS  # noqa: E402
from tests.support.local_server import streamlit_server  # noqa: E402
from tests.support.ws_client import Session  # noqa: E402

# URL path of every page ("" is the overview).
PAGES = ["", "troops", "bases", "nations", "incidents", "compare", "plans", "data", "sources"]
# Incidents runs only its open tab, so each tab is timed as a view of its own: (row label,
# URL path, query string, an element key that only that tab draws).
TABS = [
    ("incidents · Map", "incidents", "incidents_tab=Map", "incidents_map"),
    ("incidents · Counts compared", "incidents", "incidents_tab=Counts+compared", "incidents_counts"),
    ("incidents · Every report", "incidents", "incidents_tab=Every+report", "incidents_table_download"),
    ("bases · Lifecycles and events", "bases", "bases_tab=Lifecycles+and+events", "bases_lifecycle"),
]  # fmt: skip
SIZES = [10_000, 100_000, 1_000_000]
RESULTS = ROOT / "benchmarks" / "results"
BENCH = ROOT / "benchmarks"
FIRST_DATE = date(2014, 1, 1)


def name(path: str) -> str:
    return path or "overview"


def median(values: list[float]) -> float:
    return statistics.median(values)


def date_text(day: date) -> str:
    """A date as Streamlit's date input sends it (ISO 8601)."""
    return day.isoformat()


def parked(url: str, page: str, query_string: str = "") -> Session:
    """A session opened on ``page`` and warmed up (first runs compute and cache its view)."""
    session = Session(url, query_string)
    session.run()
    session.run(page=page)
    session.run()
    return session


def curated_pages(repeat: int) -> dict:
    """Warm reruns of every page vs two trivial pages, bytes per view, and filter changes."""
    with ExitStack() as stack:
        urls = {
            key: stack.enter_context(streamlit_server(script))[1]
            for key, script in (
                ("bare", BENCH / "trivial_app.py"),
                ("bare_elements", BENCH / "bare_elements_app.py"),
                ("dashboard_trivial", BENCH / "app_trivial.py"),
                ("dashboard", ROOT / "dashboard.py"),
            )
        }
        bare = parked(urls["bare"], "")
        elements = parked(urls["bare_elements"], "")
        trivial = parked(urls["dashboard_trivial"], "")
        pages = {name(page): parked(urls["dashboard"], page) for page in PAGES}
        for label, path, query, key in TABS:
            pages[label] = parked(urls["dashboard"], path, query)
            _assert_draws(pages[label].run(), key, label)
        times: dict[str, list[float]] = defaultdict(list)
        sent: dict[str, int] = {}
        rerun_sent: dict[str, int] = {}
        for _ in range(repeat):
            times["bare"].append(bare.run().seconds)
            times["bare_elements"].append(elements.run().seconds)
            times["dashboard_trivial"].append(trivial.run().seconds)
            for page, session in pages.items():
                run = session.run()
                times[page].append(run.seconds)
                sent[page] = run.view_bytes
                rerun_sent[page] = run.bytes
        # A filter change: the date range starts one month later each time, a combination no
        # session has seen, so every view is computed from scratch (the worst case). Pages
        # without a date filter change country instead (three values, so only the first
        # change to each is computed from scratch; later ones find the view cached).
        changes: dict[str, list[float]] = defaultdict(list)
        exceptions: list[str] = []
        end = _latest_date(pages["troops"])
        ids = {page: _filter_id(session.run()) for page, session in pages.items()}
        tab_keys = {label: key for label, _, _, key in TABS}
        for step in range(1, repeat + 1):
            span = [date_text(FIRST_DATE + timedelta(days=31 * step)), date_text(end)]
            country = COUNTRIES[step % len(COUNTRIES)]
            for page, session in pages.items():
                key, widget_id = ids[page]
                value = (
                    ("string_array_value", span) if key == "dates" else ("string_value", country)
                )
                run = session.run(widgets={widget_id: value})
                if page in tab_keys:
                    _assert_draws(run, tab_keys[page], page)
                changes[page].append(run.seconds)
                exceptions += run.exceptions()
    bare_s, trivial_s = median(times["bare"]), median(times["dashboard_trivial"])
    return {
        "bare_title_page_s": bare_s,
        "bare_elements_page_s": median(times["bare_elements"]),
        "bare_elements_page_elements": ELEMENTS,
        "dashboard_title_page_s": trivial_s,
        "exceptions": exceptions,
        "pages": {
            page: {
                "warm_rerun_s": median(times[page]),
                "ratio_to_bare_title_page": median(times[page]) / bare_s,
                "ratio_to_dashboard_title_page": median(times[page]) / trivial_s,
                "filter_change_s": median(changes[page]),
                "filter_change_worst_s": max(changes[page]),
                "bytes_sent": sent[page],
                "bytes_sent_warm_rerun": rerun_sent[page],
            }
            for page in pages
        },
    }


COUNTRIES = ["Both", "Iraq", "Syria"]


def _assert_draws(run, key: str, label: str) -> None:
    """Fail unless the run drew the element with user key ``key`` (the tab was open)."""
    try:
        run.widget_id(key)  # any element with that key, not only widgets
    except KeyError:
        raise RuntimeError(
            f"{label}: the run did not draw {key}; is the tab still called that?"
        ) from None


def _filter_id(run) -> tuple[str, str]:
    """The filter a benchmark changes on a page: the date range, else the country."""
    for key in ("dates", "country"):
        try:
            return key, run.widget_id(key)
        except KeyError:
            continue
    raise RuntimeError("no date or country filter on this page")


def _latest_date(session: Session) -> date:
    """The date slider's upper end as the page drew it (the newest fact in the data)."""
    for message in session.run().messages:
        if message.WhichOneof("type") == "delta":
            element = message.delta.new_element
            if element.WhichOneof("type") == "slider" and element.slider.id.endswith("-dates"):
                micros = element.slider.max
                return date(1970, 1, 1) + timedelta(microseconds=micros)
    raise RuntimeError("no date slider on this page")


def peak_rss_of_import(source: Path, env: dict) -> int:
    """Peak resident memory (bytes) of `python -m posture import acled FILE`, as the child
    process itself reports it (a parent's ru_maxrss of children would count the forked copy of
    the parent before exec)."""
    code = (
        "import resource, sys\n"
        "from posture.cli import main\n"
        f"code = main(['import', 'acled', {str(source)!r}])\n"
        "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=True, env=env, cwd=ROOT, capture_output=True, text=True
    )
    peak = next(line for line in done.stdout.splitlines() if line.startswith("PEAK"))
    return int(peak.split()[1]) * 1024


def timed(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return median(times)


def imports(work: Path, repeat: int, sizes: list[int]) -> dict:
    """Import time vs pyarrow's read_csv on the same file, peak memory, and the imported
    layer's pages on a server (first view, warm rerun, bytes)."""
    import pyarrow.csv as pacsv

    from posture.data.dataset import read_dataset
    from posture.imports.layers import import_events
    from posture.imports.synthetic import write_synthetic

    bases = read_dataset(ROOT / "data").bases
    out = {}
    for rows in sizes:
        source = write_synthetic("acled", work / f"acled_{rows}.csv", rows)
        user = work / f"user_{rows}"
        read = timed(lambda source=source: pacsv.read_csv(source), repeat)
        imported = timed(
            lambda source=source, user=user: import_events(
                "acled", source, bases, user, progress=False
            ),
            repeat,
        )
        env = {**os.environ, "POSTURE_USER_DIR": str(work / f"rss_{rows}")}
        peak = peak_rss_of_import(source, env)
        result = {
            "file_bytes": source.stat().st_size,
            "read_csv_s": read,
            "import_s": imported,
            "import_to_read_csv": imported / read,
            "import_peak_rss_bytes": peak,
        }
        with streamlit_server(env={"POSTURE_USER_DIR": str(user)}) as (_, url):
            for page, key in (("incidents", "incidents_layer"), ("compare", "compare_layer")):
                session = Session(url, f"{key}=acled")
                session.run()
                first = session.run(page=page)
                warm = [session.run() for _ in range(repeat)]
                errors = first.exceptions() + [e for run in warm for e in run.exceptions()]
                if errors:
                    raise RuntimeError(f"{page} with {rows:,} imported events: {errors[0]}")
                result[f"{page}_first_view_s"] = first.seconds
                result[f"{page}_warm_rerun_s"] = median([run.seconds for run in warm])
                result[f"{page}_bytes_sent"] = warm[-1].view_bytes
                session.close()
        out[str(rows)] = result
        source.unlink()
        shutil.rmtree(user, ignore_errors=True)
        shutil.rmtree(work / f"rss_{rows}", ignore_errors=True)
    return out


DRAWN = """() => {
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
    return charts > 0 && document.querySelectorAll('.js-plotly-plot .main-svg').length >= charts
        && !document.querySelector('[data-testid="stStatusWidget"]')
        && !document.querySelector('[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]');
}"""


def browser(repeat: int) -> dict:
    """Navigation to every chart drawn, the run finished and no element still loading: the
    overview vs bare pages with one plotly chart, the overview's own and a 100-point line.
    Loads alternate between the three servers, each timed after one untimed load of the same
    page."""
    from playwright.sync_api import sync_playwright

    from tests.support.local_server import CHROMIUM, CHROMIUM_ARGS

    scripts = {
        "bare_overview_chart": BENCH / "bare_chart_app.py",
        "bare_line_chart": BENCH / "bare_line_app.py",
        "overview": ROOT / "dashboard.py",
    }
    times: dict[str, list[float]] = defaultdict(list)
    with sync_playwright() as pw, ExitStack() as stack:
        urls = {k: stack.enter_context(streamlit_server(s))[1] for k, s in scripts.items()}
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        for _ in range(repeat + 1):  # the first round warms the servers' caches, untimed
            for key, url in urls.items():
                page.goto(url)
                page.wait_for_function(DRAWN, timeout=120_000)
                start = time.perf_counter()
                page.goto(url)
                page.wait_for_function(DRAWN, timeout=120_000, polling="raf")
                times[key].append(time.perf_counter() - start)
        chromium.close()
    result = {key: median(values[1:]) for key, values in times.items()}
    result["overview_to_bare_overview_chart"] = result["overview"] / result["bare_overview_chart"]
    # The same ratio round by round (loads next to each other), to show its spread.
    rounds = sorted(
        o / b for o, b in zip(times["overview"][1:], times["bare_overview_chart"][1:], strict=True)
    )
    result["round_ratios_quartiles"] = [rounds[len(rounds) // 4], rounds[(3 * len(rounds)) // 4]]
    result["overview_to_bare_line_chart"] = result["overview"] / result["bare_line_chart"]
    return result


def machine() -> dict:
    return {
        "date": date.today().isoformat(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def markdown(report: dict) -> str:
    """The report as Markdown tables, with each target and whether it holds."""
    m, c, i, b = report["machine"], report["curated"], report["imports"], report["browser"]
    lines = [
        f"Measured {m['date']} on {m['platform']}, {m['cpus']} CPUs, {m['memory_gib']} GiB, "
        f"Python {m['python']}. Medians of {report['repeat']} runs.",
        "",
        "### Curated data: page reruns on the server",
        "",
        "A rerun is timed from the request to the last message of the run arriving at a "
        "websocket client (script time plus sending every element; like the browser, the "
        "client holds large elements it has seen, which the server then sends as short "
        "references). Baselines: a bare "
        f"Streamlit page with one title {c['bare_title_page_s'] * 1000:.1f} ms; a dashboard "
        "page with the shared set-up (navigation, dataset check, sidebar filters) and one title "
        f"{c['dashboard_title_page_s'] * 1000:.1f} ms. For reference (not a target), a bare page "
        f"with {c['bare_elements_page_elements']} text elements, as many as the largest page "
        f"sends: {c['bare_elements_page_s'] * 1000:.1f} ms. A filter change moves the start of "
        "the date range to a date not seen before, so every view is computed from scratch; on "
        "the pages without a date filter (overview, sources) it changes the country, and only "
        "the first change to each of the three values is computed from scratch.",
        "",
        "| page | warm rerun ms | × bare title page | × dashboard title page | filter change ms (median / worst) | KB per view (sent on a warm rerun) |",
        "|---|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for page, r in c["pages"].items():
        lines.append(
            f"| {page} | {r['warm_rerun_s'] * 1000:.1f} | {r['ratio_to_bare_title_page']:.1f} | "
            f"{r['ratio_to_dashboard_title_page']:.1f} | {r['filter_change_s'] * 1000:.0f} / "
            f"{r['filter_change_worst_s'] * 1000:.0f} | {r['bytes_sent'] / 1024:.0f} "
            f"({r['bytes_sent_warm_rerun'] / 1024:.0f}) |"
        )
    lines += [
        "",
        "### Imported events (synthetic ACLED files)",
        "",
        "First view: the first rerun after the server started (reads the layer, aggregates). "
        "Warm: later reruns.",
        "",
        "| events | file MB | read_csv s | import s | import ÷ read_csv | import peak RSS MB | Incidents first / warm ms | Incidents KB sent | Iraq vs Syria first / warm ms | Iraq vs Syria KB sent |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for rows, r in i.items():
        lines.append(
            f"| {int(rows):,} | {r['file_bytes'] / 2**20:.0f} | {r['read_csv_s']:.2f} | "
            f"{r['import_s']:.2f} | {r['import_to_read_csv']:.1f} | "
            f"{r['import_peak_rss_bytes'] / 2**20:.0f} | "
            f"{r['incidents_first_view_s'] * 1000:.0f} / {r['incidents_warm_rerun_s'] * 1000:.0f} | "
            f"{r['incidents_bytes_sent'] / 1024:.0f} | "
            f"{r['compare_first_view_s'] * 1000:.0f} / {r['compare_warm_rerun_s'] * 1000:.0f} | "
            f"{r['compare_bytes_sent'] / 1024:.0f} |"
        )
    lines += [
        "",
        "### Browser (Chromium): navigation to every chart drawn",
        "",
        f"Overview {b['overview']:.2f} s; a bare page with the overview's own chart "
        f"{b['bare_overview_chart']:.2f} s (ratio {b['overview_to_bare_overview_chart']:.2f}); a "
        f"bare page with a 100-point line {b['bare_line_chart']:.2f} s (ratio "
        f"{b['overview_to_bare_line_chart']:.2f}). The ratio of loads made next to each other "
        f"has quartiles {b['round_ratios_quartiles'][0]:.2f}–{b['round_ratios_quartiles'][1]:.2f}.",
        "",
        "### Targets",
        "",
        "| target | measured | holds |",
        "|---|---|---|",
    ]
    for target in report["targets"]:
        lines.append(
            f"| {target['target']} | {target['measured']} | {'yes' if target['holds'] else 'no'} |"
        )
    return "\n".join(lines) + "\n"


def targets(report: dict) -> list[dict]:
    c, i, b = report["curated"], report["imports"], report["browser"]
    worst_bare = max(p["ratio_to_bare_title_page"] for p in c["pages"].values())
    worst_own = max(p["ratio_to_dashboard_title_page"] for p in c["pages"].values())
    worst_filter = max(p["filter_change_worst_s"] for p in c["pages"].values())
    biggest = max(
        [p["bytes_sent"] for p in c["pages"].values()]
        + [r[k] for r in i.values() for k in ("incidents_bytes_sent", "compare_bytes_sent")]
    )
    ratio = b["overview_to_bare_overview_chart"]
    out = [
        {"target": "warm rerun ≤ 3× a trivial page (bare Streamlit page with one title)",
         "measured": f"worst {worst_bare:.1f}×", "holds": worst_bare <= 3},
        {"target": "warm rerun ≤ 3× a trivial dashboard page (shared set-up + one title)",
         "measured": f"worst {worst_own:.1f}×", "holds": worst_own <= 3},
        {"target": "filter change ≤ 250 ms (worst run, views computed from scratch)",
         "measured": f"worst {worst_filter * 1000:.0f} ms", "holds": worst_filter <= 0.25},
        {"target": "no page sends more than 2 MB per view",
         "measured": f"largest {biggest / 2**20:.2f} MB", "holds": biggest <= 2 * 2**20},
        {"target": "browser: overview charts drawn ≤ 1.5× a bare page with one plotly chart "
                   "(the overview's)",
         "measured": f"{ratio:.2f}×", "holds": ratio <= 1.5},
        {"target": "no page showed an exception", "measured": f"{len(c['exceptions'])}",
         "holds": not c["exceptions"]},
    ]  # fmt: skip
    if "1000000" in i:
        big = i["1000000"]
        out += [
            {"target": "1M import ≤ 5× pyarrow read_csv",
             "measured": f"{big['import_to_read_csv']:.1f}×", "holds": big["import_to_read_csv"] <= 5},
            {"target": "1M import peak memory ≤ 1.5 GB",
             "measured": f"{big['import_peak_rss_bytes'] / 2**30:.2f} GB",
             "holds": big["import_peak_rss_bytes"] <= 1.5 * 2**30},
            {"target": "Incidents page warm rerun with 1M events ≤ 0.5 s",
             "measured": f"{big['incidents_warm_rerun_s']:.2f} s",
             "holds": big["incidents_warm_rerun_s"] <= 0.5},
        ]  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "repeat": args.repeat}
    report["curated"] = curated_pages(args.repeat)
    with tempfile.TemporaryDirectory() as work:
        report["imports"] = imports(Path(work), min(args.repeat, 3), args.sizes)
    report["browser"] = (
        {**{k: 0 for k in ("overview", "bare_overview_chart", "bare_line_chart",
                           "overview_to_bare_overview_chart", "overview_to_bare_line_chart")},
         "round_ratios_quartiles": [0, 0]}
        if args.no_browser
        else browser(args.repeat)
    )  # fmt: skip
    report["targets"] = targets(report)
    (RESULTS / "report.json").write_text(json.dumps(report, indent=2), "utf-8")
    text = markdown(report)
    (RESULTS / "report.md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
