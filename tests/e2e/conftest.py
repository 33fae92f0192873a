"""Browser tests: start the dashboard on a free loopback port and drive Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("POSTURE_CHROMIUM", "/usr/bin/chromium")
RESULTS = ROOT / "test-results"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server_url():
    """A running dashboard on the shipped data; stopped by its PID at the end."""
    port = _free_port()
    env = {**os.environ, "POSTURE_DATA_DIR": str(ROOT / "data")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard.py"),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {process.stderr.read().decode()[-2000:]}")
    else:
        process.kill()
        raise RuntimeError("streamlit did not become healthy within 60 s")
    yield url
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def results_dir() -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS
