"""Write docs/performance.md from the latest benchmark report (benchmarks/results/report.json)
and load test (benchmarks/results/loadtest.md); without a benchmark report the page keeps its
benchmark part and only the load test is replaced."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import markdown  # noqa: E402

INTRO = """# Performance

`make bench` runs `benchmarks/bench.py` and then this page is rewritten from
`benchmarks/results/report.json`; `make loadtest` adds the load test below. Numbers are from
the latest run on the machine named; ratios compare numbers measured in the same run.

## How it is measured

- **Page reruns** are timed on a real server started like `make run`, by a websocket client
  that speaks the browser's protocol and draws nothing (`benchmarks/ws_client.py`): from the
  rerun request until every element and the run's last message have arrived. The baselines (a
  bare Streamlit page with one title; the dashboard's own set-up with one title) run on their
  own servers in the same run, interleaved with the pages. Streamlit's AppTest is not used for
  timings: it re-detects the `pages/` folder and recompiles the scripts on every run, which
  the server does once per process, so it roughly doubled every page's time.
- **Browser** timings load each page in headless Chromium until every chart has drawn and the
  run has finished, alternating between the servers. Run to run, on this shared 2-core VM, the
  ratio moves by about ±0.1, so the report also gives the spread of the ratio between loads
  made next to each other.
- **Imports** time `python -m posture import acled` on synthetic files against pyarrow's
  `read_csv` of the same file; peak memory is the import process's own high-water mark.

## What made reruns cheap

- The dataset is read and checked once per file version and shared by every session, as is
  every page's view per filter combination; figures are turned into JSON once when their view
  is built, tables into Arrow once, so a rerun only sends them. Views, the dataset and tables
  are looked up by plain Python keys (`posture/memo.py`): Streamlit's caches hash their
  arguments with their own hasher on every call, about 0.5–1 ms per lookup.
- A cold view (a filter combination not seen before) spends its time building figures. The
  shared chart look is set with one unvalidated `plotly_relayout` of constant property paths
  instead of `update_layout`/`update_xaxes`, whose validation took 6–9 ms per chart (the
  figure JSON is identical on every page, checked); the plans ledger does not depend on any
  filter and is computed once per dataset.
- The overview sends its chart before the headline figures above it (their place is kept by
  a container), so the browser starts loading the charting code sooner.
- System calls are kept out of reruns: the server runs each script in a thread of its own
  next to the thread that sends messages, and every system call lets that other thread take
  over. `st.Page` checks its file on the file system each time it is built (about 36 calls a
  run for nine pages), so each run copies nine page objects built once; data files and
  imported layers are looked at once a second. Together these about halved warm reruns.
- Messages leave a script's thread in batches and are sent at once (`posture/runtime_tuning.py`,
  installed by the served app, baselines included). Streamlit hands every element to the
  sending thread with a write to a wake-up socket (a thread switch per element) and paused
  5 ms between flushes (`MESSAGE_FLUSH_INTERVAL_SECS`, not a setting), so a run whose script
  outlasted one pause waited for the next: rerun times came in steps of about 5 ms, and the
  bare title page itself was bimodal (quartiles 2.4, 7.3 and 7.5 ms in 30 reruns on
  2026-12-01). Measured on 2026-12-02, medians of 30 reruns in runs made one after the other:
  without the pause the then single-page Incidents went from 18.0 to 10.7 ms and the bare page
  from 4.1 to 2.7 ms; on a page of 100 captions the batched hand-over took the script's CPU
  time from 5.3–5.8 to 3.6–3.7 ms and the rerun from 10.5–10.9 to 7.6–7.8 ms. Without the
  pause the server sustained as many runs as before (20 websocket users back to back: 127
  runs/s, 121 with the pause; one user alone waited 9 instead of 12 ms). At start-up the
  tuning checks that Streamlit still has the two names it replaces, and a test checks them on
  the locked version.
- Incidents and Bases run only the open tab (`st.tabs` bound to the URL, `?incidents_tab=`,
  `?bases_tab=`): each tab's view is computed when the tab is first opened for a filter
  combination, and a rerun draws only that tab. Every tab is timed as a row of its own below.
  In the full runs of 2026-12-02, a date change on Incidents took 153 ms (median) and 204 ms
  (worst) with the whole page, 63 and 90 ms on its first tab.
- Headline figures sit in one horizontal container instead of `st.columns` (one element per
  figure fewer on every rerun).
- Iraq vs Syria cuts bases held and troop levels for a date range from one computation per
  dataset over all months seen (a month's value depends only on the data up to its end; a
  test compares the cut with a direct computation for several ranges): building the view
  went from 106–119 ms to about 89 ms.
- What is left is Streamlit's own work per element (building and hashing each message, about
  35 µs for a caption and more for a chart or table, whose bytes are hashed), and the shared
  set-up every page draws (navigation, dataset check, sidebar filters: the dashboard title
  page's rerun is about 1.3–1.5× the bare one's).
- The server runs with `runner.postScriptGC = false` (a full garbage collection after every
  run took about 100 ms and held every other session up) and without a file watcher.
- `python -m posture serve` serves the app with uvicorn, which sets TCP_NODELAY; under
  `streamlit run` every rerun waited about 40 ms for the client's delayed ACK.

## How cost grows with rows

- **Import** is linear in the file size: the CSV is streamed in 32 MB blocks (pyarrow), each
  block mapped, validated (pandera), matched to the nearest curated base and appended to a
  Parquet file. Memory depends on the block size, not the file size.
- **Pages on an imported layer** aggregate on the server (monthly counts, top categories, a
  map of at most 3,000 points or grid cells), cached per layer version and filter, so a warm
  rerun and the bytes sent stay flat from 10k to 1M events; only the first view after an
  import or a filter change pays for the aggregation.
- **Curated pages** compute each view once per filter combination and share it across reruns
  and sessions; a rerun only draws it.

"""


LOAD_NOTE = """`benchmarks/loadtest.py` (its docstring has the details) starts
`python -m posture cluster`, the replicas behind nginx that `make cluster` serves, once with
one replica and once with two, and drives websocket users that speak the browser's protocol
but draw nothing, so the numbers are the server's: the users' work is a small share of the
machine (the "load generator" column). All of it runs on the same 2-core machine, which other
work may share: the last column is the CPU that processes outside the test used meanwhile.

An earlier load test (issue "Hardening") drove 20 Chromium browsers against one server: their
p95 was 18.65× one browser's, because the browsers themselves (0.3–1.7 CPU-seconds per page
switch) competed with the server for the two cores. It measured the machine, not the server;
the browsers now only check that real pages draw while the server is loaded. Its websocket
users, straight to one process on a quieter machine, got 120–127 runs/s acting back to back
(see "What made reruns cheap"): compare the runs per core below with that.

"""


def main() -> int:
    results = ROOT / "benchmarks" / "results"
    page = ROOT / "docs" / "performance.md"
    if (results / "report.json").is_file():
        report = json.loads((results / "report.json").read_text("utf-8"))
        text = INTRO + "## Latest report\n\n" + markdown(report)
    else:
        print("no benchmarks/results/report.json: keeping the page's benchmark report")
        text = page.read_text("utf-8").split("\n## Load test", 1)[0]
    load = results / "loadtest.md"
    if load.is_file():
        text += "\n## Load test (`make loadtest`)\n\n" + LOAD_NOTE + load.read_text("utf-8")
    page.write_text(text, "utf-8")
    print("wrote docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
