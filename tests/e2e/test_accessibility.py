"""axe-core in Chromium on every page and tab, in the light and the dark theme: no serious or
critical violation, and headings that skip no level."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_browser import PAGES
from tests.support import contrast
from tests.support.browser import run_axe, wait_for_charts, wait_for_page, watch_errors

pytestmark = pytest.mark.e2e

# The tabs of each page beyond its first (tabs are kept in the URL as ?<page>_tab=).
TABS = {
    "bases": ["Lifecycles and events"],
    "incidents": ["Map", "Counts compared", "Every report"],
}
# Playwright's colour-scheme emulation is what a reader whose system is set to dark gets:
# Streamlit follows the system setting unless the reader picks a theme in the app's menu.
THEMES = ["light", "dark"]
FAILING_IMPACTS = {"serious", "critical"}
# axe rates a skipped heading level "moderate"; a screen reader's outline still breaks.
FAILING_RULES = {"heading-order"}
# Elements left out, each with the reason; nothing else is. Streamlit draws a slider's value
# label in the theme's primary colour, and in the main area the same colour is the background
# of the white text of multiselect chips: on the dark background (#171614) no colour gives
# both 4.5:1 (the label needs a relative luminance of at least 0.21, white chip text at most
# 0.18), and Streamlit has no option for either colour alone. The chips keep the default
# primary colour (4.9:1) and the label has 3.9:1. In the sidebar, which has no chips, the
# primary colour is lighter (.streamlit/config.toml) and the label passes.
EXCLUDED = {
    "dark": ['[data-testid="stMain"] [data-testid="stSliderThumbValue"]'],
}


def _findings(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}: {v['help']}) at {node['target']}: "
        + " ".join(node["summary"].split())
        for v in violations
        if v["impact"] in FAILING_IMPACTS or v["id"] in FAILING_RULES
        for node in v["nodes"]
    ]


def _show_theme(page, theme: str) -> None:
    """Switch the page to ``theme`` as a reader's system setting would, and check that it is
    Streamlit's theme with the background the chart colour test assumes."""
    page.emulate_media(color_scheme=theme)
    expected = "rgb({}, {}, {})".format(
        *(round(c) for c in contrast.parse(contrast.BACKGROUNDS[theme])[:3])
    )
    script = "() => getComputedStyle(document.querySelector('.stApp')).backgroundColor"
    try:
        page.wait_for_function(f"() => ({script})() === '{expected}'", timeout=15_000)
    except Exception:
        background = page.evaluate(script)
        raise AssertionError(
            f"the {theme} theme's background is {background}, not {expected}: Streamlit's "
            "theme changed; update BACKGROUNDS in tests/support/contrast.py (the chart colour "
            "test uses it)"
        ) from None
    page.wait_for_timeout(500)  # colour transitions of Streamlit's widgets


@pytest.mark.parametrize("path", list(PAGES))
def test_axe_finds_no_serious_violation(page, server_url, path):
    """A reader using a screen reader, or with low vision, in the light or the dark theme,
    opens each page and each of its tabs: axe-core finds no serious or critical problem and
    no skipped heading level."""
    errors = watch_errors(page)
    title = PAGES[path]
    page.goto(f"{server_url}/{path}", wait_until="domcontentloaded")
    findings: list[str] = []
    themes = THEMES
    for tab in [None, *TABS.get(path, [])]:
        if tab:
            page.get_by_role("tab", name=tab, exact=True).click()
            page.wait_for_url(re.compile(f"{path}_tab="), timeout=30_000)
        wait_for_page(page, title)
        wait_for_charts(page)
        for theme in themes:
            _show_theme(page, theme)
            where = f"/{path}{f' tab {tab!r}' if tab else ''}, {theme} theme"
            findings += [f"{where}: {f}" for f in _findings(run_axe(page, EXCLUDED.get(theme)))]
        themes = themes[::-1]  # the next tab starts in the theme this one ended in
    assert not findings, (
        f"axe-core: {len(findings)} problem(s). Fix the page, its caption or chart, or the "
        "theme colours in .streamlit/config.toml:\n" + "\n".join(findings)
    )
    assert not errors, errors
