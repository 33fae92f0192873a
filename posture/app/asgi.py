"""The dashboard as an ASGI app (Streamlit's ``st.App``) behind a guard that refuses what the
dashboard does not need; ``python -m posture serve`` runs it."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from posture.data.dataset import REPO_ROOT

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Paths the dashboard never uses: it has no uploader, and its metrics are private.
UPLOAD_PATH = "/_stcore/upload_file"
METRICS_PATH = "/_stcore/metrics"


@dataclass(frozen=True)
class Guard:
    """What the server accepts: the Host names it answers to, who may frame the pages, and
    whether Streamlit's metrics endpoint is served."""

    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    embed_from: tuple[str, ...] = ()
    metrics: bool = False
    headers: tuple[tuple[bytes, bytes], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        ancestors = " ".join(("'self'", *self.embed_from))
        headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"content-security-policy", f"frame-ancestors {ancestors}".encode()),
        ]
        if not self.embed_from:
            headers.append((b"x-frame-options", b"SAMEORIGIN"))
        object.__setattr__(self, "headers", tuple(headers))

    def host_allowed(self, scope: Scope) -> bool:
        """Whether the request's Host header names an allowed host (any port)."""
        host = next((v for k, v in scope.get("headers", []) if k == b"host"), b"").decode("latin-1")
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        return name.lower() in self.allowed_hosts or "*" in self.allowed_hosts


def guarded(app: ASGIApp, guard: Guard) -> ASGIApp:
    """``app`` behind ``guard``: unknown Host names and uploads refused, metrics hidden unless
    asked for, and the security headers added to every HTTP response."""

    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await app(scope, receive, send)
            return
        if not guard.host_allowed(scope):
            await _refuse(scope, send, 400, b"Unknown host: start the server with --allowed-host")
            return
        path = scope.get("path", "")
        if UPLOAD_PATH in path:
            await _refuse(scope, send, 403, b"Not served here: the dashboard takes no uploads")
            return
        if METRICS_PATH in path and not guard.metrics:
            await _refuse(scope, send, 404, b"Not served here")
            return
        if scope["type"] == "websocket":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in guard.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await app(scope, receive, send_with_headers)

    return call


async def _refuse(scope: Scope, send: Send, status: int, body: bytes) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = os.environ.get(name)
    return tuple(v.strip().lower() for v in value.split(",") if v.strip()) if value else default


def build(script: str | None = None, guard: Guard | None = None) -> ASGIApp:
    """The dashboard (or another Streamlit script) as a guarded ASGI app."""
    target = script or os.environ.get("POSTURE_APP_SCRIPT", str(REPO_ROOT / "dashboard.py"))
    return guarded(st.App(target), guard or Guard())


# For `uvicorn posture.app.asgi:app`: settings from POSTURE_ALLOWED_HOSTS (comma-separated),
# POSTURE_EMBED_FROM and POSTURE_METRICS=on.
app = build(
    guard=Guard(
        allowed_hosts=_env_list("POSTURE_ALLOWED_HOSTS", ("127.0.0.1", "localhost")),
        embed_from=_env_list("POSTURE_EMBED_FROM", ()),
        metrics=os.environ.get("POSTURE_METRICS") == "on",
    )
)
