"""Serve the dashboard with uvicorn: what ``make run``, the browser tests and benchmarks use.

``streamlit run`` binds its own socket without TCP_NODELAY, so the last small messages of
every rerun wait for the browser's delayed ACK (about 40 ms on Linux, more elsewhere). Uvicorn
binding the socket itself gets TCP_NODELAY from asyncio, and the page is otherwise the same
Streamlit app (``st.App``), reading the same ``.streamlit/config.toml``, behind the guard of
``posture.app.asgi`` (allowed hosts, security headers, no uploads, no public metrics).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

from uvicorn.protocols.http.h11_impl import H11Protocol

from posture.data.dataset import REPO_ROOT

# A request whose headers have not all arrived this many seconds after the connection opened
# is dropped (a half-sent request would otherwise hold a connection open indefinitely).
HEADER_TIMEOUT = float(os.environ.get("POSTURE_HEADER_TIMEOUT", "10"))
# Idle keep-alive connections are closed after this many seconds.
KEEP_ALIVE_TIMEOUT = 5


class HeaderTimeoutProtocol(H11Protocol):
    """Uvicorn's HTTP/1.1 protocol that closes a connection whose first request's headers are
    not complete within ``HEADER_TIMEOUT`` seconds."""

    header_timeout = HEADER_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._tail = b""
        self._headers_done = False
        self._header_timer: asyncio.TimerHandle | None = asyncio.get_running_loop().call_later(
            self.header_timeout, self._drop_slow_request
        )

    def data_received(self, data: bytes) -> None:
        if not self._headers_done:
            window = self._tail + data
            if b"\r\n\r\n" in window:  # the blank line that ends the headers
                self._headers_done = True
                if self._header_timer is not None:
                    self._header_timer.cancel()
                    self._header_timer = None
            else:
                self._tail = window[-3:]
        super().data_received(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        super().connection_lost(exc)

    def _drop_slow_request(self) -> None:
        if not self._headers_done and self.transport is not None:
            self.transport.close()


def command(host: str, port: int, script: Path | None = None, *extra: str) -> list[str]:
    """The command line that serves ``script`` (default the dashboard) on host:port."""
    out = [sys.executable, "-m", "posture", "serve", "--host", host, "--port", str(port)]
    return out + (["--script", str(script)] if script else []) + list(extra)


def default_hosts(host: str) -> tuple[str, ...]:
    """The Host names a server bound to ``host`` answers to by default."""
    names = {"127.0.0.1", "localhost", "::1", "[::1]"}
    if host not in ("0.0.0.0", "::"):
        names.add(host.lower())
    return tuple(sorted(names))


def serve(
    host: str,
    port: int,
    script: Path | None = None,
    allowed_hosts: list[str] | None = None,
    embed_from: list[str] | None = None,
    metrics: bool = False,
) -> int:
    """Serve until interrupted; return the exit code."""
    import uvicorn

    from posture.app.asgi import build
    from posture.app.guard import Guard

    # Streamlit re-attaches a handler to uvicorn's access log at start-up; drop its records.
    logging.getLogger("uvicorn.access").addFilter(lambda record: False)
    os.chdir(REPO_ROOT)  # .streamlit/config.toml and static/ are found from here
    guard = Guard(
        allowed_hosts=tuple(h.lower() for h in (*default_hosts(host), *(allowed_hosts or []))),
        embed_from=tuple(embed_from or ()),
        metrics=metrics,
    )
    app = build(str(Path(script).resolve()) if script else None, guard)
    uvicorn.run(
        app,
        host=host,
        port=port,
        http=HeaderTimeoutProtocol,
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        # Streamlit's own defaults: no per-message compression, no access log.
        ws_per_message_deflate=False,
        access_log=False,
    )
    return 0
