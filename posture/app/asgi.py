"""The dashboard as an ASGI app (Streamlit's ``st.App``) behind a guard that refuses what the
dashboard does not need; ``python -m posture serve`` runs it."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import streamlit as st

from posture.app.guard import (
    ENV_ALLOWED_HOSTS,
    ENV_EMBED_FROM,
    ENV_METRICS,
    METRICS_PATH,
    UPLOAD_PATH,
    Guard,
    env_list,
)
from posture.data.dataset import REPO_ROOT

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


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


def build(script: str | None = None, guard: Guard | None = None) -> ASGIApp:
    """The dashboard (or another Streamlit script) as a guarded ASGI app."""
    target = script or os.environ.get("POSTURE_APP_SCRIPT", str(REPO_ROOT / "dashboard.py"))
    return guarded(st.App(target), guard or Guard())


# For `uvicorn posture.app.asgi:app`: settings from POSTURE_ALLOWED_HOSTS (comma-separated),
# POSTURE_EMBED_FROM and POSTURE_METRICS=on.
app = build(
    guard=Guard(
        allowed_hosts=tuple(env_list(ENV_ALLOWED_HOSTS)) or ("127.0.0.1", "localhost"),
        embed_from=tuple(env_list(ENV_EMBED_FROM)),
        metrics=os.environ.get(ENV_METRICS) == "on",
    )
)
