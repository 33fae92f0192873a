"""Start ``python -m posture cluster`` (replicas behind nginx) on a free loopback port, find its
processes, and arrive as a new reader; shared by the cluster tests and the load test."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from posture.app.cluster import die_with_parent, free_port, healthy
from posture.data.dataset import REPO_ROOT

REPLICA_LINE = re.compile(r"^cluster: replica (\d+) \(pid (\d+)\) on ([\d.]+):(\d+)$", re.M)


@dataclass
class RunningCluster:
    """A cluster started by :func:`local_cluster`."""

    process: subprocess.Popen
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")

    def replicas(self) -> dict[int, int]:
        """Replica number: the pid of its current process (the latest one started)."""
        return {int(n): int(pid) for n, pid, _, _ in REPLICA_LINE.findall(self.output())}

    def replica_urls(self) -> dict[int, str]:
        """Replica number: its own loopback address, bypassing nginx."""
        return {int(n): f"http://{h}:{p}" for n, _, h, p in REPLICA_LINE.findall(self.output())}

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Send ``signum`` and wait for the cluster to exit; return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signum)
        return self.process.wait(timeout)


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat:
                children.setdefault(int(stat[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, parent pid) of ``pid``, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], fields[1]


def arrive(url: str, cookie: str | None = None) -> tuple[str, int]:
    """Open the dashboard as a browser does: its page (nginx sets the affinity cookie unless
    ``cookie`` is sent), then a request with the cookie, as the page's own requests and its
    websocket are made; return the cookie and the number of the replica it leads to."""
    if cookie is None:
        with urllib.request.urlopen(f"{url}/", timeout=30) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("posture_replica="):
                    cookie = header.split(";", 1)[0]
        assert cookie, "nginx set no posture_replica cookie"
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return cookie, int(response.headers["X-Posture-Replica"])


@contextmanager
def local_cluster(
    replicas: int = 2, timeout: float = 120, args: tuple[str, ...] = ()
) -> Iterator[RunningCluster]:
    """Run ``python -m posture cluster`` on 127.0.0.1 until the block ends (then SIGTERM)."""
    port = free_port()
    environment = {**os.environ}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    log = Path(tempfile.mkstemp(prefix="posture-cluster-", suffix=".log")[1])
    with open(log, "wb") as out:  # a file, not a pipe: a full pipe would block the cluster
        process = subprocess.Popen(
            [sys.executable, "-m", "posture", "cluster", "--replicas", str(replicas)]
            + ["--host", "127.0.0.1", "--port", str(port), *args],
            cwd=REPO_ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,  # stopped with its test or load test, however it ends
        )
    cluster = RunningCluster(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + timeout
        while "cluster: serving" not in cluster.output() or not healthy(cluster.url):
            if process.poll() is not None:
                raise RuntimeError(f"the cluster exited: {cluster.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the cluster did not start within {timeout:.0f} s")
            time.sleep(0.2)
        yield cluster
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.unlink(missing_ok=True)
