"""A minimal Streamlit client over the app's websocket, for timing reruns on a real server.

It speaks the same protocol as the browser (BackMsg ``rerun_script`` out, ForwardMsg back) but
draws nothing, so a timing is the server's work alone: running the script and sending every
element, measured from the request to the ``script_finished`` message.

Like the browser, it keeps the large elements the server marks cacheable and lists their
hashes with every rerun request, so the server sends an element that has not changed as a
short reference (Streamlit's ForwardMsg cache); an element not seen for more script runs
than the server's ``max_cached_message_age`` is forgotten, as in the browser.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    bytes: int  # received in this run
    messages: list[ForwardMsg] = field(repr=False)  # references resolved to their elements
    view_bytes: int = 0  # the run's elements in full, as a client without a cache receives them

    def widget_id(self, key: str) -> str:
        """The element id Streamlit gave the widget with user key ``key``."""
        for message in self.messages:
            if message.WhichOneof("type") != "delta":
                continue
            element = message.delta.new_element
            kind = element.WhichOneof("type")
            widget = getattr(element, kind, None) if kind else None
            widget_id = getattr(widget, "id", "")
            if isinstance(widget_id, str) and widget_id.endswith(f"-{key}"):
                return widget_id
        raise KeyError(f"no widget with key {key!r} in this run")

    def kinds(self) -> list[str]:
        """The kind of every element the run drew (``plotly_chart``, ``dataframe``, …)."""
        return [
            str(message.delta.new_element.WhichOneof("type"))
            for message in self.messages
            if message.WhichOneof("type") == "delta"
            and message.delta.WhichOneof("type") == "new_element"
        ]

    def error_panels(self) -> list[str]:
        """Texts of the error boxes (``st.error``) the run showed."""
        out = []
        for message in self.messages:
            if message.WhichOneof("type") != "delta":
                continue
            element = message.delta.new_element
            if element.WhichOneof("type") == "alert" and element.alert.format == 1:  # ERROR
                out.append(element.alert.body)
        return out

    def exceptions(self) -> list[str]:
        """Messages of exceptions the script showed."""
        out = []
        for message in self.messages:
            if message.WhichOneof("type") == "delta":
                element = message.delta.new_element
                if element.WhichOneof("type") == "exception":
                    out.append(element.exception.message)
        return out


class Session:
    """One user session on a running server (``url`` like ``http://127.0.0.1:8501``);
    ``cookie`` is sent with the websocket's opening request, as a browser sends its cookies
    (a load balancer keeps the session on one replica by it)."""

    def __init__(self, url: str, query_string: str = "", cookie: str | None = None):
        host = url.split("://", 1)[1]
        self._ws = connect(
            f"ws://{host}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=url,
            max_size=None,
            open_timeout=30,
            additional_headers={"Cookie": cookie} if cookie else None,
        )
        # Without TCP_NODELAY small frames wait for delayed ACKs (a constant ~40 ms per run).
        self._ws.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.query_string = query_string
        self.pages: dict[str, str] = {}
        self.page = ""
        self._cache: dict[str, tuple[ForwardMsg, int, int]] = {}  # hash: (msg, size, last run)
        self._runs = 0
        self._max_age = 2

    def close(self) -> None:
        self._ws.close()

    def wait(self, seconds: float) -> bool:
        """Idle for ``seconds`` as a reader does, noticing at once when the server closes the
        connection (as the browser does); False if it was closed."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            try:
                self._ws.recv(timeout=left)  # nothing is expected between runs
            except TimeoutError:
                return True
            except ConnectionClosed:
                return False
        return True

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def run(self, page: str | None = None, widgets: dict | None = None, timeout=120) -> Run:
        """Rerun the script (on the page whose URL path is ``page``, default the current one)
        with ``widgets`` ({widget id: (field, value)}) changed; wait until it finishes."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        if page is not None:
            self.page = page
        if self.pages:
            state.page_script_hash = self.pages[self.page]
        state.cached_message_hashes.extend(self._cache)
        for widget_id, (kind, value) in (widgets or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if kind == "string_array_value":
                widget.string_array_value.data.extend(value)
            elif kind == "double_array_value":
                widget.double_array_value.data.extend(value)
            else:
                setattr(widget, kind, value)
        start = time.perf_counter()
        self._ws.send(message.SerializeToString())
        received, size, view = [], 0, 0
        deadline = start + timeout
        while True:
            frame = self._ws.recv(timeout=max(deadline - time.perf_counter(), 0.001))
            size += len(frame)
            forward = ForwardMsg()
            forward.ParseFromString(frame)
            forward, full = self._resolve(forward, len(frame))
            view += full
            received.append(forward)
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self._max_age = forward.new_session.config.max_cached_message_age or 2
            if kind == "navigation":
                self.pages = {
                    p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages
                }
            if kind == "script_finished":
                self._runs += 1
                self._cache = {
                    h: entry
                    for h, entry in self._cache.items()
                    if self._runs - entry[2] <= self._max_age
                }
                break
        return Run(time.perf_counter() - start, size, received, view)

    def _resolve(self, forward: ForwardMsg, size: int) -> tuple[ForwardMsg, int]:
        """A reference replaced by the element it names (and its full size); a cacheable
        element remembered."""
        if forward.WhichOneof("type") == "ref_hash":
            cached, full, _ = self._cache[forward.ref_hash]
            self._cache[forward.ref_hash] = (cached, full, self._runs)
            resolved = ForwardMsg()
            resolved.CopyFrom(cached)
            resolved.metadata.CopyFrom(forward.metadata)
            return resolved, full
        if forward.metadata.cacheable and forward.hash and forward.hash not in self._cache:
            self._cache[forward.hash] = (forward, size, self._runs)
        return forward, size
