"""How the served app hands a script's messages to the thread that sends them: at once, and
with one wake-up of that thread per batch instead of one per element.

Streamlit runs each script in a thread of its own; every element the script draws is handed
to the server's event-loop thread with ``call_soon_threadsafe``, a write to a wake-up socket.
That system call lets the event-loop thread take the interpreter lock for every element, so a
page of 40 elements switched threads about 40 times per rerun. The event loop also paused
5 ms between flushes of the outgoing queue (``MESSAGE_FLUSH_INTERVAL_SECS``), so a rerun
whose script outlasted one pause waited for the next. On this machine the two together took
about 40 % off every page's warm rerun (docs/performance.md has the numbers).

:func:`install` is called by ``posture.asgi`` (what ``python -m posture serve`` serves), so the
dashboard and the benchmarks' baseline pages run with it alike; Streamlit's AppTest, which
has no event loop, is unaffected. It touches two private names of Streamlit's runtime; if a
Streamlit upgrade changes them, :func:`check` stops the server with a message saying what
changed instead of silently serving without the tuning.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

# The event loop still yields after every message it sends; it just does not sleep between
# flushes. Measured: 20 websocket users acting back to back got as many runs per second as
# with the pause (127 vs 121), one user alone waited 9 instead of 12 ms per run.
FLUSH_INTERVAL_S = 0.0

_BATCH_ATTRIBUTE = "_posture_callback_batch"
_NEW_BATCH = threading.Lock()


class CallbackBatch:
    """Callbacks handed over from any thread and run in order on one event loop, with one
    ``call_soon_threadsafe`` per batch instead of one per callback.

    A callback submitted while a batch runs (from any thread, or by a callback itself) runs in
    that batch, after the callbacks already in it. A callback that raises is reported to the
    loop's exception handler, as asyncio does for its own callbacks, and the rest still run.
    """

    def __init__(self, loop):
        self._loop = loop
        self._lock = threading.Lock()
        self._pending: deque[Callable[[], None]] = deque()
        self._scheduled = False
        self.wakeups = 0  # how many times the loop was woken (for tests and curiosity)

    def submit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the loop soon, after every callback submitted before it."""
        with self._lock:
            self._pending.append(callback)
            if self._scheduled:
                return
            self._scheduled = True
            self.wakeups += 1
        try:
            self._loop.call_soon_threadsafe(self._drain)
        except RuntimeError:
            # Events can still arrive after the loop closed (shutdown); Streamlit drops them.
            if not self._loop.is_closed():
                raise

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._scheduled = False
                    return
                batch = list(self._pending)
                self._pending.clear()
            for callback in batch:
                try:
                    callback()
                except Exception as error:
                    self._loop.call_exception_handler(
                        {"message": "Exception in a batched callback", "exception": error}
                    )


def _call_soon_on_event_loop(session, callback: Callable[[], None]) -> None:
    """``AppSession._call_soon_on_event_loop`` through the session's :class:`CallbackBatch`."""
    batch = session.__dict__.get(_BATCH_ATTRIBUTE)
    if batch is None:
        with _NEW_BATCH:
            batch = session.__dict__.setdefault(
                _BATCH_ATTRIBUTE, CallbackBatch(session._event_loop)
            )
    batch.submit(callback)


def check() -> None:
    """Raise RuntimeError, saying what changed, if Streamlit's runtime no longer has the two
    names :func:`install` replaces, used the way this module expects."""
    from streamlit.runtime import runtime
    from streamlit.runtime.app_session import AppSession

    problems = []
    if not hasattr(runtime, "MESSAGE_FLUSH_INTERVAL_SECS"):
        problems.append("streamlit.runtime.runtime has no MESSAGE_FLUSH_INTERVAL_SECS")
    elif "MESSAGE_FLUSH_INTERVAL_SECS" not in runtime.Runtime._loop_coroutine.__code__.co_names:
        problems.append("Runtime._loop_coroutine no longer reads MESSAGE_FLUSH_INTERVAL_SECS")
    if not callable(getattr(AppSession, "_call_soon_on_event_loop", None)):
        problems.append("AppSession has no _call_soon_on_event_loop method")
    elif "_call_soon_on_event_loop" not in AppSession._on_scriptrunner_event.__code__.co_names:
        problems.append("AppSession._on_scriptrunner_event no longer calls it")
    if problems:
        raise RuntimeError(
            "posture.runtime_tuning does not fit this Streamlit version: "
            + "; ".join(problems)
            + ". Update posture/runtime_tuning.py for the new runtime, or set "
            "POSTURE_RUNTIME_TUNING=off to serve without it."
        )


def install() -> None:
    """Flush messages without a pause and batch the script thread's hand-overs (idempotent)."""
    check()
    from streamlit.runtime import runtime
    from streamlit.runtime.app_session import AppSession

    runtime.MESSAGE_FLUSH_INTERVAL_SECS = FLUSH_INTERVAL_S
    AppSession._call_soon_on_event_loop = _call_soon_on_event_loop
