"""Browser tests: start the dashboard on a free loopback port and drive Debian's Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.local_server import CHROMIUM, CHROMIUM_ARGS, streamlit_server

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "test-results"


def pytest_collection_modifyitems(config, items):
    """Skip browser tests without Chromium, except under CI where a skip is a failure."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    message = f"Chromium not found at {CHROMIUM}: install it with `sudo apt-get install chromium`"
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(message + " (CI=true: browser tests may not be skipped)")
    for item in items:
        if "e2e" in str(item.path):
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 1600}}


@pytest.fixture(scope="session")
def server_url():
    """A running dashboard on the shipped data; stopped by its PID at the end."""
    with streamlit_server(env={"POSTURE_DATA_DIR": str(ROOT / "data")}) as (_, url):
        yield url


@pytest.fixture
def results_dir() -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS
