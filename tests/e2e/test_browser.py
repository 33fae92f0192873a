"""Real browser: every page loads in Chromium with no errors; map, download and links work."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.e2e.conftest import ROOT
from tests.support.browser import wait_for_charts
from tests.support.browser import wait_for_page as _wait_for_page
from tests.support.browser import watch_errors as _watch_errors

pytestmark = pytest.mark.e2e

PAGES = {
    "": "Coalition posture in Iraq and Syria",
    "troops": "Troop levels",
    "bases": "Bases",
    "nations": "Contributing nations",
    "incidents": "Attacks on coalition forces",
    "compare": "Iraq vs Syria",
    "plans": "Plans vs reality",
    "data": "Data",
    "sources": "Sources & method",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_loads_without_errors(page, server_url, results_dir, path):
    """A user opens each page by its link; it renders with no page or console errors."""
    errors = _watch_errors(page)
    page.goto(f"{server_url}/{path}", wait_until="domcontentloaded")
    _wait_for_page(page, PAGES[path])
    wait_for_charts(page)
    page.wait_for_timeout(2500)
    page.screenshot(path=str(results_dir / f"page-{path or 'overview'}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors


def test_overview_draws_chart(page, server_url, results_dir):
    """The overview shows its headline figures and draws the troop chart."""
    errors = _watch_errors(page)
    page.goto(server_url, wait_until="domcontentloaded")
    page.locator(".js-plotly-plot .scatterlayer .trace").first.wait_for(timeout=60_000)
    assert page.locator("[data-testid='stMetric']").count() >= 4
    page.screenshot(path=str(results_dir / "overview.png"), full_page=True)
    assert not errors, errors


def test_bases_map_draws_country_outlines_offline(page, server_url, results_dir):
    """The bases map draws country borders from the vendored topojson, without internet."""
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{server_url}/bases", wait_until="domcontentloaded")
    _wait_for_page(page, "Bases")
    borders = page.locator(
        ".js-plotly-plot .geo .countries path, .js-plotly-plot .geo path.countries"
    )
    borders.first.wait_for(state="attached", timeout=60_000)
    assert any("/app/static/topojson/asia_50m.json" in url for url in requested)
    assert not [u for u in requested if "cdn.plot.ly" in u]
    assert page.locator(".js-plotly-plot .geo .scattergeo path.point").count() > 0
    page.locator(".js-plotly-plot").first.screenshot(path=str(results_dir / "bases-map.png"))


def test_data_page_download_parses(page, server_url):
    """A user downloads the filtered table from the Data page; it arrives and parses as CSV."""
    page.goto(f"{server_url}/data?data_table=bases&country=Iraq", wait_until="domcontentloaded")
    _wait_for_page(page, "Data")
    button = page.get_by_role("button", name=re.compile(r"Download these \d+ rows"))
    with page.expect_download(timeout=60_000) as info:
        button.first.click()
    content = open(info.value.path(), encoding="utf-8").read()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert rows and {r["country"] for r in rows} == {"Iraq"}
    shown = re.search(r"Download these (\d+) rows", button.first.inner_text()).group(1)
    assert len(rows) == int(shown)


def test_copied_link_reproduces_view(page, server_url, results_dir):
    """A link copied after changing filters reopens the same view in a new tab."""
    page.goto(f"{server_url}/troops", wait_until="domcontentloaded")
    _wait_for_page(page, "Troop levels")
    page.get_by_test_id("stSidebar").get_by_text("Iraq", exact=True).click()
    page.wait_for_url(re.compile(r"country=Iraq"), timeout=30_000)
    page.get_by_text("Whole coalition", exact=True).click()
    page.wait_for_url(re.compile(r"troops_force=all"), timeout=30_000)
    link = page.url
    other = page.context.new_page()
    other.goto(link, wait_until="domcontentloaded")
    _wait_for_page(other, "Troop levels")
    checked = other.locator("[data-testid='stRadio'] input[type='radio']:checked")
    other.wait_for_function(
        "() => document.querySelectorAll(\"[data-testid='stRadio'] input:checked\").length == 2",
        timeout=60_000,
    )
    other.locator(".js-plotly-plot .scatterlayer .trace").first.wait_for(timeout=60_000)
    other.screenshot(path=str(results_dir / "troops-from-link.png"), full_page=True)
    labels = [c.evaluate("e => e.closest('label').innerText").strip() for c in checked.all()]
    assert labels == ["Iraq", "Whole coalition"], (link, other.url)
    title = other.locator(".js-plotly-plot .gtitle").first.text_content()
    assert title == "Coalition troops in Iraq"


def test_incidents_map_tab_draws_and_keeps_its_link(page, server_url, results_dir):
    """A user opens the Map tab on Incidents: the map draws, the link names the tab, and the
    charts of the first tab are not built."""
    errors = _watch_errors(page)
    page.goto(f"{server_url}/incidents", wait_until="domcontentloaded")
    _wait_for_page(page, "Attacks on coalition forces")
    page.get_by_role("tab", name="Map").click()
    page.wait_for_url(re.compile(r"incidents_tab=Map"), timeout=30_000)
    page.locator(".js-plotly-plot .geo .scattergeo path.point").first.wait_for(timeout=60_000)
    _wait_for_page(page, "Attacks on coalition forces")
    assert page.locator(".js-plotly-plot .geo").count() == 1
    assert page.locator("[data-testid='stPlotlyChart']").count() == 2  # map and per base
    page.screenshot(path=str(results_dir / "incidents-map-tab.png"), full_page=True)
    assert not errors, errors


def test_a_link_to_a_page_opens_it_on_a_fresh_server(page, results_dir):
    """The first visitor of a freshly started server arrives through a shared link to a page
    (not the home page): the page opens with the dashboard's own navigation."""
    from tests.support.local_server import streamlit_server

    with streamlit_server(env={"POSTURE_DATA_DIR": str(ROOT / "data")}) as (_, url):
        errors = _watch_errors(page)
        page.goto(f"{url}/plans?country=Syria", wait_until="domcontentloaded")
        _wait_for_page(page, "Plans vs reality")
        nav = page.get_by_test_id("stSidebarNav")
        nav.get_by_text("Sources & method", exact=True).wait_for(timeout=30_000)
        assert nav.locator("a").count() == 9  # the dashboard's pages, not an automatic list
        assert "country=Syria" in page.url
        page.screenshot(path=str(results_dir / "plans-fresh-server.png"), full_page=True)
        assert not errors, errors


def test_markup_in_the_data_creates_no_element_and_no_request(page, tmp_path):
    """Quotes and notes holding a link, an image and a styled span, served and drawn in
    Chromium: no element carries the link or image, and no request leaves for another host."""
    from tests.helpers import copy_data
    from tests.support.local_server import streamlit_server
    from tests.test_pages import _with_markup

    data = copy_data(tmp_path / "data")
    _with_markup(data)
    with streamlit_server(env={"POSTURE_DATA_DIR": str(data)}) as (_, url):
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for path, title in (
            ("troops", "Troop levels"),
            ("incidents", "Attacks on coalition forces"),
        ):
            page.goto(f"{url}/{path}", wait_until="domcontentloaded")
            _wait_for_page(page, title)
            page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
            found = page.evaluate(
                """() => [...document.querySelectorAll(
                    'a[href*="evil.example"], img[src*="evil.example"]')].map(e => e.outerHTML)"""
            )
            assert found == [], found
        assert not [r for r in requests if "evil.example" in r]
