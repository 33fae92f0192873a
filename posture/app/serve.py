"""Serve the dashboard with uvicorn: what ``make run``, the browser tests and benchmarks use.

``streamlit run`` binds its own socket without TCP_NODELAY, so the last small messages of
every rerun wait for the browser's delayed ACK (about 40 ms on Linux, more elsewhere). Uvicorn
binding the socket itself gets TCP_NODELAY from asyncio, and the page is otherwise the same
Streamlit app (``st.App``), reading the same ``.streamlit/config.toml``.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from posture.data.dataset import REPO_ROOT


def command(host: str, port: int, script: Path | None = None) -> list[str]:
    """The command line that serves ``script`` (default the dashboard) on host:port."""
    out = [sys.executable, "-m", "posture", "serve", "--host", host, "--port", str(port)]
    return out + (["--script", str(script)] if script else [])


def serve(host: str, port: int, script: Path | None = None) -> int:
    """Serve until interrupted; return the exit code."""
    import uvicorn

    # Streamlit re-attaches a handler to uvicorn's access log at start-up; drop its records.
    logging.getLogger("uvicorn.access").addFilter(lambda record: False)
    if script is not None:
        os.environ["POSTURE_APP_SCRIPT"] = str(Path(script).resolve())
    os.chdir(REPO_ROOT)  # .streamlit/config.toml and static/ are found from here
    uvicorn.run(
        "posture.app.asgi:app",
        host=host,
        port=port,
        # Streamlit's own defaults: no per-message compression, no access log.
        ws_per_message_deflate=False,
        access_log=False,
    )
    return 0
