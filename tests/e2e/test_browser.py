"""Real browser: the dashboard loads in Chromium with no page errors and draws its chart."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    return errors


def test_overview_loads_and_draws_chart(page, server_url, results_dir):
    """A user opens the dashboard; headline figures and the troop chart appear without errors."""
    errors = _watch_errors(page)
    page.goto(server_url, wait_until="domcontentloaded")
    page.get_by_text("US troops in Iraq").first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot .scatterlayer .trace").first.wait_for(timeout=30_000)
    page.screenshot(path=str(results_dir / "overview.png"), full_page=True)
    assert page.locator("[data-testid='stMetric']").count() >= 4
    assert not errors, errors


def test_country_link_reopens_view(page, server_url, results_dir):
    """A copied link with ?country=Syria opens with Syria selected."""
    errors = _watch_errors(page)
    page.goto(f"{server_url}/?country=Syria", wait_until="domcontentloaded")
    page.get_by_text("US troops in Syria").first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=60_000)
    labels = page.locator("[data-testid='stMetricLabel']").all_inner_texts()
    assert "US troops in Syria" in labels and "US troops in Iraq" not in labels
    checked = page.locator("[data-testid='stRadio'] input[type='radio']:checked")
    assert checked.first.evaluate("e => e.closest('label').innerText").strip() == "Syria"
    page.screenshot(path=str(results_dir / "overview-syria.png"), full_page=True)
    assert not errors, errors
