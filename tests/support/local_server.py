"""Start the dashboard (or another Streamlit script) on a free loopback port, and the headless
Chromium settings this machine needs; shared by the browser tests, benchmarks and load test."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from posture.app.serve import command
from posture.data.dataset import REPO_ROOT

CHROMIUM = os.environ.get("POSTURE_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach the internet.
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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    script: Path | str = REPO_ROOT / "dashboard.py",
    env: dict | None = None,
    timeout: float = 60,
    args: tuple[str, ...] = (),
) -> Iterator[tuple[subprocess.Popen, str]]:
    """Serve ``script`` on 127.0.0.1 (as ``make run`` does) until the block ends; yield
    (process, url)."""
    port = free_port()
    environment = {**os.environ, **(env or {})}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    log = tempfile.TemporaryFile()  # not a pipe: a full pipe would block the server
    process = subprocess.Popen(
        command("127.0.0.1", port, Path(script), *args),
        cwd=REPO_ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"the server exited: {log.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not become healthy within {timeout:.0f} s")
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
