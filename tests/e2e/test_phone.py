"""A 390 px phone in the dark theme: chart titles whole and clear of the chart toolbar, the
filters reachable, no console errors; a screenshot of every page with charts."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_accessibility import TABS
from tests.e2e.test_browser import PAGES
from tests.support.browser import wait_for_charts, wait_for_page, watch_errors

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,  # plotly shows its toolbar all the time where nothing can hover
    "color_scheme": "dark",
}
CHART_PAGES = ["", "troops", "bases", "nations", "incidents", "compare"]

# For every chart: the title's box inside the chart's box, and the toolbar's box (when shown)
# clear of the title's.
LAYOUT = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap((plot) => {
    const box = (e) => e && e.getBoundingClientRect();
    const chart = box(plot), title = box(plot.querySelector('.gtitle'));
    const bar = plot.querySelector('.modebar');
    const toolbar = bar && getComputedStyle(bar).display !== 'none' ? box(bar) : null;
    const name = plot.querySelector('.gtitle')?.textContent ?? '(untitled)';
    const show = (b) => `[${[b.left, b.top, b.right, b.bottom].map(Math.round)}]`;
    const problems = [];
    if (title && (title.left < chart.left - 1 || title.right > chart.right + 1
                  || title.top < chart.top - 1 || title.bottom > chart.bottom + 1)) {
        problems.push(`title ${JSON.stringify(name)} ${show(title)} is cut: it reaches out `
                      + `of the chart ${show(chart)}`);
    }
    if (title && toolbar && toolbar.width > 0 && toolbar.left < title.right
            && title.left < toolbar.right && toolbar.top < title.bottom
            && title.top < toolbar.bottom) {
        problems.push(`the toolbar ${show(toolbar)} covers the title `
                      + `${JSON.stringify(name)} ${show(title)}`);
    }
    return problems;
})"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def _full_screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls an inner container, so the viewport grows to it."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 390, "height": min(max(height, 844), 8000)})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(path))
    page.set_viewport_size(PHONE["viewport"])


@pytest.mark.parametrize("path", CHART_PAGES)
def test_phone_shows_whole_chart_titles_clear_of_the_toolbar(phone, server_url, results_dir, path):
    """A reader on a 390 px phone in the dark theme opens each page with charts, and each
    of its tabs: every chart title is whole and no toolbar covers it; nothing errs."""
    errors = watch_errors(phone)
    phone.goto(f"{server_url}/{path}", wait_until="domcontentloaded")
    problems: list[str] = []
    for tab in [None, *TABS.get(path, [])]:
        if tab:
            phone.get_by_role("tab", name=tab, exact=True).click()
            phone.wait_for_url(re.compile(f"{path}_tab="), timeout=30_000)
        wait_for_page(phone, PAGES[path])
        wait_for_charts(phone)
        phone.wait_for_timeout(500)  # plotly lays titles out after the SVG exists
        where = f"/{path or ''}{f' tab {tab!r}' if tab else ''}"
        problems += [f"{where}: {p}" for p in phone.evaluate(LAYOUT)]
        name = "-".join(filter(None, [path or "overview", tab and tab.split()[0].lower()]))
        _full_screenshot(phone, results_dir / f"phone-dark-{name}.png")
    assert not problems, (
        "On a 390 px phone:\n"
        + "\n".join(problems)
        + "\nShorten the title or break it with \\n (charts.py), and keep the title below the "
        "toolbar (the shared layout in charts.apply_layout)."
    )
    assert not errors, errors


def test_phone_reaches_the_filters(phone, server_url):
    """A reader on a phone opens the collapsed sidebar and picks Iraq; the view follows."""
    errors = watch_errors(phone)
    phone.goto(f"{server_url}/troops", wait_until="domcontentloaded")
    wait_for_page(phone, "Troop levels")
    sidebar = phone.get_by_test_id("stSidebar")
    phone.get_by_test_id("stExpandSidebarButton").click()
    sidebar.get_by_text("Iraq", exact=True).click()
    phone.wait_for_url(re.compile(r"country=Iraq"), timeout=30_000)
    wait_for_page(phone, "Troop levels")
    assert errors == [], errors
