"""Replicas behind nginx (`python -m posture cluster`): sticky sessions over websockets, the
server's headers and timeouts, a dead replica's readers moved to a live one, a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
import yaml

from posture.app.cluster import (
    COMPOSE_CONFIG,
    COMPOSE_LISTEN,
    COMPOSE_UPSTREAMS,
    compose_config,
    find_nginx,
    free_port,
    render,
)
from posture.app.guard import Guard
from posture.app.serve import HEADER_TIMEOUT, KEEP_ALIVE_TIMEOUT
from posture.data.dataset import REPO_ROOT
from tests.support.local_cluster import alive, arrive, descendants, local_cluster
from tests.support.ws_client import Session


@pytest.fixture(scope="module")
def nginx() -> str:
    """nginx, installed by `make test` when root; a skip elsewhere, an error under CI."""
    found = find_nginx()
    if found:
        return found
    message = "nginx not found: install it with `sudo apt-get install nginx-light`"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true: the cluster tests may not be skipped)")
    pytest.skip(message)


def _headers(url: str, path: str = "/", cookie: str | None = None, host: str | None = None):
    request = urllib.request.Request(f"{url}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as err:
        return err.code, err.headers


def _reader(url: str, number: int, errors: list[str], served_by: list[int]) -> None:
    """One reader: open the dashboard, switch to another page, change the country filter."""
    try:
        cookie, replica = arrive(url)
        served_by.append(replica)
        with Session(url, cookie=cookie) as session:
            runs = [session.run()]
            runs.append(session.run(page=["troops", "bases", "incidents", "compare"][number % 4]))
            country = runs[-1].widget_id("country")
            runs.append(session.run(widgets={country: ("string_value", "Syria")}))
        errors += [f"reader {number}: exception {e[:200]}" for r in runs for e in r.exceptions()]
    except Exception as exc:  # noqa: BLE001 - every failure is reported by the test
        errors.append(f"reader {number}: {type(exc).__name__}: {exc}")


def test_the_configuration_carries_the_servers_settings():
    """The rendered nginx configuration hashes sessions onto the replicas, drops a dead one,
    and has the header timeout, keep-alive and security headers of `posture serve`."""
    text = render(["127.0.0.1:9001", "127.0.0.1:9002"], "127.0.0.1:8501", Guard(), "/tmp/t")
    assert "hash $affinity consistent;" in text
    assert "server 127.0.0.1:9001 max_fails=1 fail_timeout=10s;" in text
    assert "server 127.0.0.1:9002 max_fails=1 fail_timeout=10s;" in text
    assert f"client_header_timeout {HEADER_TIMEOUT:g}s;" in text
    assert f"keepalive_timeout {KEEP_ALIVE_TIMEOUT:g}s;" in text
    for name, value in Guard().headers:
        assert f'add_header {name.decode()} "{value.decode()}" always;' in text
        assert f"proxy_hide_header {name.decode()};" in text
    embedded = render(["a:1"], "80", Guard(embed_from=("https://news.example",)), "/tmp/t")
    assert "frame-ancestors 'self' https://news.example\" always;" in embedded
    assert "add_header x-frame-options" not in embedded
    assert "proxy_hide_header x-frame-options;" in embedded  # never sent twice


def test_the_compose_configuration_is_current():
    """deploy/compose.yaml mounts the template rendered for its services; a template change
    that is not rendered again fails here."""
    assert COMPOSE_CONFIG.read_text("utf-8") == compose_config(), (
        "run `python -m posture cluster --compose-config`"
    )
    # Each replica nginx names is a service built from the Dockerfile, read-only, with a
    # health check nginx waits for; nginx mounts the rendered file and publishes its port.
    compose = yaml.safe_load((REPO_ROOT / "deploy" / "compose.yaml").read_text("utf-8"))
    services = compose["services"]
    for upstream in COMPOSE_UPSTREAMS:
        name, port = upstream.split(":")
        assert services[name]["build"]["context"] == ".."
        assert services[name]["read_only"] is True
        assert services[name]["expose"] == [port]
        assert services["nginx"]["depends_on"][name] == {"condition": "service_healthy"}
    assert services["nginx"]["volumes"] == ["./nginx.compose.conf:/etc/nginx/nginx.conf:ro"]
    assert services["nginx"]["ports"][0].endswith(f":{COMPOSE_LISTEN}")


def test_nginx_accepts_the_configuration(nginx, tmp_path):
    """nginx itself checks the rendered configuration (`nginx -t`)."""
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "temp" / name).mkdir(parents=True)
    config = tmp_path / "nginx.conf"
    upstreams = ["127.0.0.1:9001", "127.0.0.1:9002"]
    listen = f"127.0.0.1:{free_port()}"
    config.write_text(render(upstreams, listen, Guard(), f"{tmp_path}/temp"))
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", "stderr", "-c", str(config)]
        + ["-g", f"pid {tmp_path}/nginx.pid;"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_cluster_smoke(nginx):
    """20 readers at once use the dashboard through nginx and two replicas without an error;
    each stays on one replica; SIGTERM stops everything and leaves no process behind."""
    with local_cluster(replicas=2) as cluster:
        errors: list[str] = []
        served_by: list[int] = []
        readers = [
            threading.Thread(target=_reader, args=(cluster.url, n, errors, served_by))
            for n in range(20)
        ]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(120)
        assert errors == []
        assert len(served_by) == 20
        assert set(served_by) == {1, 2}, "the cookie spreads readers over both replicas"

        # Sticky: every request with a reader's cookie goes to the same replica.
        cookie, replica = arrive(cluster.url)
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            assert _headers(cluster.url, path, cookie)[1]["X-Posture-Replica"] == str(replica)

        # The guard's headers, once each, on the replicas' answers and on nginx's own.
        for status, headers in (
            _headers(cluster.url),
            _headers(cluster.url, host="evil.example"),  # refused by a replica: 400
            _headers(cluster.url, "/_stcore/upload_file/x/y"),  # refused: 403
        ):
            assert status in (200, 400, 403)
            for name, value in Guard().headers:
                assert headers.get_all(name.decode()) == [value.decode()], (status, name)
        assert _headers(cluster.url, host="evil.example")[0] == 400
        # nginx's own error page: a body over the 1 MB the dashboard could ever take.
        too_big = urllib.request.Request(f"{cluster.url}/", data=b"x" * (2 << 20), method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(too_big, timeout=30)
        assert refused.value.code == 413
        for name, value in Guard().headers:
            assert refused.value.headers.get_all(name.decode()) == [value.decode()]
        assert _headers(cluster.url, "/_stcore/metrics")[0] == 404

        processes = descendants(cluster.process.pid)
        assert len(processes) >= 4  # two replicas, nginx's master and worker
        assert cluster.stop(signal.SIGTERM) == 0
        assert [pid for pid in processes if alive(pid)] == []


def test_a_dead_replica_loses_only_its_own_readers(nginx):
    """One replica is killed: readers on the other go on; readers on it reconnect, land on the
    live one and carry on; the cluster starts the dead one again; Ctrl-C stops everything."""
    with local_cluster(replicas=2) as cluster:
        # One reader on each replica.
        placed: dict[int, str] = {}
        for _ in range(100):
            cookie, replica = arrive(cluster.url)
            placed.setdefault(replica, cookie)
            if len(placed) == 2:
                break
        assert set(placed) == {1, 2}
        sessions = {n: Session(cluster.url, cookie=placed[n]) for n in (1, 2)}
        for session in sessions.values():
            assert session.run().exceptions() == []

        victim, survivor = 1, 2
        dead_pid = cluster.replicas()[victim]
        os.kill(dead_pid, signal.SIGKILL)

        with pytest.raises(Exception):  # noqa: B017 - the connection is gone, however it shows
            sessions[victim].run(page="troops", timeout=20)
        sessions[victim].close()
        assert sessions[survivor].run(page="troops").exceptions() == []

        # The dead replica's reader opens the page again, with the same cookie.
        _, replica = arrive(cluster.url, placed[victim])
        assert replica == survivor
        with Session(cluster.url, cookie=placed[victim]) as again:
            assert again.run().exceptions() == []
            assert again.run(page="bases").exceptions() == []
        assert sessions[survivor].run(page="nations").exceptions() == []
        sessions[survivor].close()

        # The cluster starts the dead replica again.
        deadline = time.monotonic() + 90
        while cluster.replicas()[victim] == dead_pid or not _replica_healthy(cluster, victim):
            assert time.monotonic() < deadline, cluster.output()[-2000:]
            time.sleep(0.5)
        assert "replica 1 exited with code -9: starting it again" in cluster.output()

        processes = descendants(cluster.process.pid)
        assert cluster.stop(signal.SIGINT) == 0
        assert [pid for pid in processes if alive(pid)] == []


def _replica_healthy(cluster, number: int) -> bool:
    from posture.app.cluster import healthy

    return healthy(cluster.replica_urls()[number])
