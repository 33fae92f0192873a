"""What the served dashboard accepts and the headers it sends: shared by the ASGI guard of
``posture serve`` and the nginx configuration of ``posture cluster``."""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

# Paths the dashboard never uses: it has no uploader, and its metrics are private.
UPLOAD_PATH = "/_stcore/upload_file"
METRICS_PATH = "/_stcore/metrics"

# Settings a container passes as environment variables (``Dockerfile``); flags given on the
# command line replace the address and port, and add to the lists.
ENV_HOST = "POSTURE_HOST"
ENV_PORT = "POSTURE_PORT"
ENV_ALLOWED_HOSTS = "POSTURE_ALLOWED_HOSTS"  # comma-separated Host names
ENV_EMBED_FROM = "POSTURE_EMBED_FROM"  # comma-separated origins
ENV_METRICS = "POSTURE_METRICS"  # "on" serves /_stcore/metrics


def env_list(name: str) -> list[str]:
    """The comma-separated values of environment variable ``name``, lower-cased."""
    return [v.strip().lower() for v in os.environ.get(name, "").split(",") if v.strip()]


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

    def host_allowed(self, scope: MutableMapping[str, Any]) -> bool:
        """Whether the request's Host header names an allowed host (any port)."""
        host = next((v for k, v in scope.get("headers", []) if k == b"host"), b"").decode("latin-1")
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        return name.lower() in self.allowed_hosts or "*" in self.allowed_hosts
