"""The served dashboard refuses what it does not need: unknown hosts, uploads, public metrics,
framing by other sites and half-sent requests; every response carries the security headers."""

from __future__ import annotations

import http.client
import socket
import time

import pytest

from tests.support.local_server import streamlit_server


@pytest.fixture(scope="module")
def server():
    with streamlit_server(env={"POSTURE_HEADER_TIMEOUT": "1"}) as (process, url):
        host, port = url.split("://", 1)[1].split(":")
        yield host, int(port)


def _request(server, method="GET", path="/", host=None, body=None, headers=None):
    address, port = server
    connection = http.client.HTTPConnection(address, port, timeout=10)
    all_headers = {"Host": host or f"{address}:{port}", **(headers or {})}
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def test_pages_carry_the_security_headers(server):
    """The page says: no sniffing, a referrer policy, and only this site may frame it."""
    status, headers, _ = _request(server)
    assert status == 200
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["content-security-policy"] == "frame-ancestors 'self'"
    assert headers["x-frame-options"] == "SAMEORIGIN"


def test_an_unknown_host_is_refused(server):
    """A request naming another host (DNS rebinding) gets 400; localhost names are accepted."""
    assert _request(server, host="evil.example")[0] == 400
    assert _request(server, host=f"localhost:{server[1]}")[0] == 200


def test_uploads_are_refused_before_they_are_read(server):
    """A 2 MB upload is refused; the dashboard has no uploader."""
    status, _, body = _request(
        server,
        "PUT",
        "/_stcore/upload_file/session/file",
        body=b"x" * (2 << 20),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert status == 403 and b"Not served" in body
    assert _request(server, path="/_stcore/health")[0] == 200


def test_metrics_are_not_public(server):
    """Streamlit's metrics endpoint is not served unless the server is started with --metrics."""
    assert _request(server, path="/_stcore/metrics")[0] == 404


def test_a_half_sent_request_is_dropped(server):
    """A client that sends half a request and goes silent is disconnected after the header
    timeout (1 s here) instead of holding the connection open."""
    connection = socket.create_connection(server, timeout=5)
    connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    started = time.monotonic()
    assert connection.recv(1024) == b""  # the server closed the connection
    assert time.monotonic() - started < 4
    connection.close()


def test_embedding_and_metrics_when_asked_for():
    """--allow-embed-from lets one site frame the dashboard; --metrics serves the metrics."""
    args = ("--allow-embed-from", "https://news.example", "--metrics")
    with streamlit_server(args=args) as (_, url):
        host, port = url.split("://", 1)[1].split(":")
        status, headers, _ = _request((host, int(port)))
        assert headers["content-security-policy"] == "frame-ancestors 'self' https://news.example"
        assert "x-frame-options" not in headers
        assert _request((host, int(port)), path="/_stcore/metrics")[0] == 200


def test_a_container_sets_the_server_by_environment(monkeypatch):
    """The Dockerfile sets address, port and names through POSTURE_* variables; flags on the
    command line replace the address and port and add names to the variables' lists."""
    from posture.cli import build_parser

    monkeypatch.setenv("POSTURE_HOST", "0.0.0.0")
    monkeypatch.setenv("POSTURE_PORT", "9000")
    monkeypatch.setenv("POSTURE_ALLOWED_HOSTS", "Dash.Example.org, news.example")
    monkeypatch.setenv("POSTURE_EMBED_FROM", "https://news.example")
    monkeypatch.setenv("POSTURE_METRICS", "on")
    for command in ("serve", "cluster"):
        args = build_parser().parse_args([command])
        assert (args.host, args.port, args.metrics) == ("0.0.0.0", 9000, True)
        assert args.allowed_host == ["dash.example.org", "news.example"]
        assert args.allow_embed_from == ["https://news.example"]
        args = build_parser().parse_args([command, "--port", "1", "--allowed-host", "x.example"])
        assert args.port == 1
        assert args.allowed_host == ["dash.example.org", "news.example", "x.example"]
    monkeypatch.delenv("POSTURE_HOST")
    monkeypatch.delenv("POSTURE_METRICS")
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.metrics) == ("127.0.0.1", False)
