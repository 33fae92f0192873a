"""What the browser tests do on every page: collect console errors, wait until Streamlit has
finished the run and every chart has drawn, and run axe-core in the page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from posture.data.dataset import REPO_ROOT

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Opening a page by its own URL, Streamlit's frontend first probes <page>/_stcore/health and
# <page>/_stcore/host-config (404) before finding the server root: not an app error.
PROBE = re.compile(r"/[a-z]+/_stcore/(health|host-config)$")


def watch_errors(page: Any) -> list[str]:
    """A list that fills with the page's uncaught exceptions and console errors."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        if PROBE.search(msg.location.get("url", "")):
            return
        errors.append(f"console: {msg.text} at {msg.location.get('url')}")

    page.on("console", on_console)
    return errors


def wait_for_page(page: Any, title: str) -> None:
    """Wait for the page titled ``title`` to finish its script run."""
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=60_000)
    # Streamlit marks the app as running while a script run is in progress, and shows
    # skeletons while an element's code is still loading after the run has finished.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
            && !document.querySelector(
                '[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]')""",
        timeout=60_000,
    )


def wait_for_charts(page: Any) -> None:
    """Wait until every chart container has drawn its SVG and every map its outlines."""
    page.wait_for_function(
        """() => {
            const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
            return document.querySelectorAll('.js-plotly-plot .main-svg').length >= charts
                && [...document.querySelectorAll('.js-plotly-plot .geo')].every(
                    (g) => g.closest('.js-plotly-plot').querySelector('.geolayer path'));
        }""",
        timeout=60_000,
    )


def run_axe(page: Any, exclude: list[str] | None = None, axe: Path = AXE) -> list[dict]:
    """axe-core's violations on the page as it is now (every rule axe runs by default), with
    the elements matching the CSS selectors in ``exclude`` left out."""
    if not axe.exists():
        raise AssertionError(
            f"{axe.relative_to(REPO_ROOT)} is missing: run `make test` (or `npm ci`) to install "
            "axe-core from package-lock.json"
        )
    page.add_script_tag(path=str(axe))
    return page.evaluate(
        """async (exclude) => {
            const context = exclude.length ? {exclude: exclude.map((s) => [s])} : document;
            const result = await axe.run(context, {resultTypes: ['violations']});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(' '),
                                            summary: n.failureSummary})),
            }));
        }""",
        exclude or [],
    )
