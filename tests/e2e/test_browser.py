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
    "releases": "What's new",
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
    # The map comes twice (names placed for a desktop and for a phone); one is shown.
    assert page.locator(".js-plotly-plot .geo:visible").count() == 1
    assert page.locator("[data-testid='stPlotlyChart']").count() == 3  # 2 maps and per base
    page.wait_for_timeout(1500)  # the map's names are drawn just after its outlines
    page.screenshot(path=str(results_dir / "incidents-map-tab.png"), full_page=True)
    assert {"IRAQ", "SYRIA", "Damascus"} <= set(_names_apart(page, "incidents_map_box"))
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
        # The dashboard's own pages (one link each), not an automatic list of pages/.
        assert nav.locator("a").count() == len(PAGES)
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


# The labels drawn on a map, their boxes, and the map's frame, as the browser lays them out.
LABEL_BOXES = """(box) => {
    const plot = document.querySelector(box + ' .js-plotly-plot');
    const frame = plot.querySelector('.geo .layer.bg rect').getBoundingClientRect();
    const labels = [...plot.querySelectorAll('.geo .scattergeo text')]
        .map((t) => ({text: t.textContent, r: t.getBoundingClientRect()}))
        .filter((l) => l.text && l.r.width > 0);
    return {
        frame: {x0: frame.left, y0: frame.top, x1: frame.right, y1: frame.bottom},
        labels: labels.map((l) => ({
            text: l.text, x0: l.r.left, y0: l.r.top, x1: l.r.right, y1: l.r.bottom})),
    };
}"""


def _names_apart(page, box: str) -> list[str]:
    """The names drawn on the map in ``box`` (a keyed container), after checking that none
    overlaps another or runs past the map's edge."""
    drawn = page.evaluate(LABEL_BOXES, f".st-key-{box}")
    frame = drawn["frame"]
    for label in drawn["labels"]:
        assert frame["x0"] - 1 <= label["x0"] and label["x1"] <= frame["x1"] + 1, label
        assert frame["y0"] - 1 <= label["y0"] and label["y1"] <= frame["y1"] + 1, label
    overlaps = [
        (a["text"], b["text"])
        for i, a in enumerate(drawn["labels"])
        for b in drawn["labels"][i + 1 :]
        if a["x0"] < b["x1"] - 1
        and b["x0"] < a["x1"] - 1
        and a["y0"] < b["y1"] - 1
        and b["y0"] < a["y1"] - 1
    ]
    assert not overlaps, overlaps
    return [label["text"] for label in drawn["labels"]]


@pytest.mark.parametrize(
    ("width", "box"), [(1280, "bases_compare_map_box"), (390, "bases_compare_map_phone_box")]
)
def test_a_shared_comparison_link_opens_a_map_with_names(
    browser, server_url, results_dir, width, box
):
    """A journalist opens a shared link comparing Iraq's bases on 1 Jan 2025 and 1 Mar 2026,
    on a desktop and on a phone: the comparison reopens (mode, both dates, country) and the
    map names the sites, cities and countries, with no name over another or cut by the map's
    edge."""
    page = browser.new_page(viewport={"width": width, "height": 2400})
    errors = _watch_errors(page)
    page.goto(
        f"{server_url}/bases?country=Iraq&bases_mode=compare&bases_a=2025-01-01&bases_b=2026-03-01",
        wait_until="domcontentloaded",
    )
    _wait_for_page(page, "Bases")
    page.locator(f".st-key-{box} .geolayer path").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # the map's names are drawn just after its outlines
    name = f"bases-compare-{'desktop' if width > 640 else 'phone'}"
    page.screenshot(path=str(results_dir / f"{name}.png"), full_page=True)
    page.locator(f".st-key-{box}").screenshot(path=str(results_dir / f"{name}-map.png"))
    checked = page.locator("[data-testid='stRadio'] input[type='radio']:checked")
    labels = [c.evaluate("e => e.closest('label').innerText").strip() for c in checked.all()]
    assert labels == ["Iraq", "Compare two dates"]
    main = page.get_by_test_id("stMain")  # the sidebar has the shared date range too
    dates = [i.input_value() for i in main.locator("[data-testid='stDateInput'] input").all()]
    assert dates == ["2025/01/01", "2026/03/01"] or dates == ["2025-01-01", "2026-03-01"], dates
    texts = _names_apart(page, box)
    assert "IRAQ" in texts and "Ain al-Asad Air Base" in texts, texts
    assert len(texts) >= 8, texts
    assert page.locator("[data-testid='stMetric']").count() == 4
    assert not errors, errors
    page.close()
