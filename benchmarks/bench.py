"""Benchmarks: page reruns, filter changes, imports at 10k/100k/1M events, payload, browser.

Run with `make bench`; writes benchmarks/results/report.{md,json} and prints the Markdown.
Timings are medians of repeated runs on this machine; ratios compare numbers from one run.
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
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = [
    "overview",
    "troops",
    "bases",
    "nations",
    "incidents",
    "compare",
    "plans",
    "data",
    "sources",
]
SIZES = [10_000, 100_000, 1_000_000]
RESULTS = ROOT / "benchmarks" / "results"


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def app_test(script: str) -> AppTest:
    return AppTest.from_file(str(ROOT / script), default_timeout=300)


def payload_bytes(at: AppTest) -> int:
    """Bytes of chart specs and table data the page sends (the elements' protobuf sizes)."""
    total = 0
    for chart in at.get("plotly_chart"):
        total += chart.proto.ByteSize()
    for frame in at.dataframe:
        total += frame.proto.ByteSize()
    return total


def curated_pages(repeat: int) -> dict:
    """Warm reruns of every page vs trivial pages, and the script time of a filter change."""
    bare = app_test("benchmarks/trivial_app.py").run()
    bare_time = median_time(bare.run, repeat)
    own = app_test("benchmarks/app_trivial.py").run()
    own_time = median_time(own.run, repeat)
    pages = {}
    at = app_test("dashboard.py").run()
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        warm = median_time(at.run, repeat)
        payload = payload_bytes(at)

        # A filter change: flip the shared country filter, time that run, flip it back.
        def change(at=at) -> None:
            radio = at.radio(key="country")
            radio.set_value("Iraq" if radio.value != "Iraq" else "Both").run()

        filter_time = median_time(change, repeat)
        pages[page] = {
            "warm_rerun_s": warm,
            "ratio_to_bare_title_page": warm / bare_time,
            "ratio_to_dashboard_title_page": warm / own_time,
            "filter_change_s": filter_time,
            "payload_bytes": payload,
        }
    return {"bare_title_page_s": bare_time, "dashboard_title_page_s": own_time, "pages": pages}


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


def imports(work: Path, repeat: int, sizes: list[int]) -> dict:
    """Import time vs pyarrow's read_csv on the same file, peak memory, and page costs."""
    import pyarrow.csv as pacsv

    from posture.io import read_dataset
    from posture.layers import import_events
    from posture.synthetic import write_synthetic

    bases = read_dataset(ROOT / "data").bases
    out = {}
    for rows in sizes:
        source = write_synthetic("acled", work / f"acled_{rows}.csv", rows)
        user = work / f"user_{rows}"
        read = median_time(lambda source=source: pacsv.read_csv(source), repeat)
        imported = median_time(
            lambda source=source, user=user: import_events(
                "acled", source, bases, user, progress=False
            ),
            repeat,
        )
        env = {**os.environ, "POSTURE_USER_DIR": str(work / f"rss_{rows}")}
        peak = peak_rss_of_import(source, env)
        os.environ["POSTURE_USER_DIR"] = str(user)
        at = app_test("dashboard.py")
        at.query_params["incidents_layer"] = "acled"
        at.run()
        at.switch_page("pages/incidents.py").run()
        first = median_time(lambda: None, 1)
        warm = median_time(at.run, repeat)
        incidents_payload = payload_bytes(at)
        at.switch_page("pages/compare.py").run()
        at.radio(key="compare_layer").set_value("acled").run()
        compare_warm = median_time(at.run, repeat)
        compare_payload = payload_bytes(at)
        del os.environ["POSTURE_USER_DIR"]
        out[str(rows)] = {
            "file_bytes": source.stat().st_size,
            "read_csv_s": read,
            "import_s": imported,
            "import_to_read_csv": imported / read,
            "import_peak_rss_bytes": peak,
            "incidents_warm_rerun_s": warm,
            "incidents_payload_bytes": incidents_payload,
            "compare_warm_rerun_s": compare_warm,
            "compare_payload_bytes": compare_payload,
            "unused": first,
        }
        source.unlink()
        shutil.rmtree(user, ignore_errors=True)
        shutil.rmtree(work / f"rss_{rows}", ignore_errors=True)
    return out


def browser(repeat: int) -> dict:
    """Navigation to all charts drawn: the overview vs a bare page with one plotly chart."""
    from playwright.sync_api import sync_playwright

    from posture.local_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

    drawn = """() => {
        const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
        return charts > 0 && document.querySelectorAll('.js-plotly-plot .main-svg').length >= charts;
    }"""
    results = {}
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, script in (("bare_chart_page", "benchmarks/bare_chart_app.py"),
                             ("overview", "dashboard.py")):  # fmt: skip
            with streamlit_server(ROOT / script) as (_, url):
                page = chromium.new_page()
                page.goto(url)
                page.wait_for_function(drawn, timeout=120_000)  # warm the server's caches
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    page.goto(url)
                    page.wait_for_function(drawn, timeout=120_000)
                    times.append(time.perf_counter() - start)
                results[name] = statistics.median(times)
                page.close()
        chromium.close()
    results["overview_to_bare"] = results["overview"] / results["bare_chart_page"]
    return results


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
        "### Curated data: page reruns (AppTest script time)",
        "",
        f"Baselines: a bare Streamlit page with one title {c['bare_title_page_s'] * 1000:.1f} ms; "
        f"a dashboard page with the shared set-up and one title "
        f"{c['dashboard_title_page_s'] * 1000:.1f} ms.",
        "",
        "| page | warm rerun ms | × bare title page | × dashboard title page | filter change ms | payload KB |",
        "|---|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for page, r in c["pages"].items():
        lines.append(
            f"| {page} | {r['warm_rerun_s'] * 1000:.1f} | {r['ratio_to_bare_title_page']:.1f} | "
            f"{r['ratio_to_dashboard_title_page']:.1f} | {r['filter_change_s'] * 1000:.1f} | "
            f"{r['payload_bytes'] / 1024:.0f} |"
        )
    lines += [
        "",
        "### Imported events (synthetic ACLED files)",
        "",
        "| events | file MB | read_csv s | import s | import ÷ read_csv | import peak RSS MB | Incidents warm ms | Incidents payload KB | Iraq vs Syria warm ms | Iraq vs Syria payload KB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for rows, r in i.items():
        lines.append(
            f"| {int(rows):,} | {r['file_bytes'] / 2**20:.0f} | {r['read_csv_s']:.2f} | "
            f"{r['import_s']:.2f} | {r['import_to_read_csv']:.1f} | "
            f"{r['import_peak_rss_bytes'] / 2**20:.0f} | {r['incidents_warm_rerun_s'] * 1000:.0f} | "
            f"{r['incidents_payload_bytes'] / 1024:.0f} | {r['compare_warm_rerun_s'] * 1000:.0f} | "
            f"{r['compare_payload_bytes'] / 1024:.0f} |"
        )
    lines += [
        "",
        "### Browser (Chromium): navigation to every chart drawn",
        "",
        f"Bare page with one plotly chart {b['bare_chart_page']:.2f} s; overview "
        f"{b['overview']:.2f} s; ratio {b['overview_to_bare']:.2f}.",
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
    worst_filter = max(p["filter_change_s"] for p in c["pages"].values())
    biggest = max(
        [p["payload_bytes"] for p in c["pages"].values()]
        + [r[k] for r in i.values() for k in ("incidents_payload_bytes", "compare_payload_bytes")]
    )
    out = [
        {"target": "warm rerun ≤ 3× a trivial page (bare Streamlit page with one title)",
         "measured": f"worst {worst_bare:.1f}×", "holds": worst_bare <= 3},
        {"target": "warm rerun ≤ 3× a trivial dashboard page (shared set-up + one title)",
         "measured": f"worst {worst_own:.1f}×", "holds": worst_own <= 3},
        {"target": "filter change ≤ 250 ms script time",
         "measured": f"worst {worst_filter * 1000:.0f} ms", "holds": worst_filter <= 0.25},
        {"target": "no page sends more than 2 MB of chart and table data",
         "measured": f"largest {biggest / 2**20:.2f} MB", "holds": biggest <= 2 * 2**20},
        {"target": "browser: overview charts drawn ≤ 1.5× a bare one-chart page",
         "measured": f"{b['overview_to_bare']:.2f}×", "holds": b["overview_to_bare"] <= 1.5},
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
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine(), "repeat": args.repeat}
    report["curated"] = curated_pages(args.repeat)
    with tempfile.TemporaryDirectory() as work:
        report["imports"] = imports(Path(work), min(args.repeat, 3), args.sizes)
    report["browser"] = (
        {"bare_chart_page": 0, "overview": 0, "overview_to_bare": 0}
        if args.no_browser
        else browser(args.repeat)
    )
    report["targets"] = targets(report)
    (RESULTS / "report.json").write_text(json.dumps(report, indent=2), "utf-8")
    text = markdown(report)
    (RESULTS / "report.md").write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
