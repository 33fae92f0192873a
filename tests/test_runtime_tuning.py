"""The served app's message hand-over: batched callbacks keep order, and Streamlit still fits."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading

import pytest

from posture import runtime_tuning
from posture.io import REPO_ROOT
from posture.runtime_tuning import CallbackBatch


@pytest.fixture
def loop():
    """A fresh event loop, closed after the test."""
    new = asyncio.new_event_loop()
    yield new
    new.close()


def _turn(loop) -> None:
    """Run ``loop`` until its ready callbacks are done, on a thread of its own (the browser
    tests' Playwright keeps an event loop running on the main thread)."""
    thread = threading.Thread(target=loop.run_until_complete, args=(asyncio.sleep(0),))
    thread.start()
    thread.join()


def test_one_wakeup_for_callbacks_queued_before_the_loop_runs(loop):
    """Callbacks handed over while the loop is busy wake it once and then all run, in order."""
    batch = CallbackBatch(loop)
    ran: list[int] = []
    for i in range(100):
        batch.submit(lambda i=i: ran.append(i))
    assert batch.wakeups == 1 and ran == []
    _turn(loop)
    assert ran == list(range(100))
    batch.submit(lambda: ran.append(100))  # the batch was drained: a new wake-up
    _turn(loop)
    assert batch.wakeups == 2 and ran[-1] == 100


def test_callbacks_from_many_threads_run_once_in_each_threads_order_on_the_loop(loop):
    """Four script threads hand over 2,000 callbacks each; every one runs once, on the loop's
    thread, and each thread's callbacks run in the order it handed them over."""
    loop_thread = threading.Thread(target=loop.run_forever)
    loop_thread.start()
    batch = CallbackBatch(loop)
    ran: list[tuple[int, int, int]] = []
    done = threading.Event()
    count = 2_000

    def produce(producer: int) -> None:
        for i in range(count):
            batch.submit(lambda i=i: ran.append((producer, i, threading.get_ident())))

    try:
        producers = [threading.Thread(target=produce, args=(p,)) for p in range(4)]
        for thread in producers:
            thread.start()
        for thread in producers:
            thread.join()
        batch.submit(done.set)
        assert done.wait(30)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        loop_thread.join()
    assert len(ran) == 4 * count
    assert {ident for _, _, ident in ran} == {loop_thread.ident}
    for producer in range(4):
        assert [i for p, i, _ in ran if p == producer] == list(range(count))


def test_a_failing_callback_is_reported_and_the_rest_still_run(loop):
    """One callback raising does not lose the ones after it; the loop's handler hears of it."""
    reported: list[BaseException] = []
    loop.set_exception_handler(lambda _loop, context: reported.append(context["exception"]))
    batch = CallbackBatch(loop)
    ran: list[str] = []

    def fail() -> None:
        raise ValueError("boom")

    batch.submit(lambda: ran.append("before"))
    batch.submit(fail)
    batch.submit(lambda: ran.append("after"))
    _turn(loop)
    assert ran == ["before", "after"]
    assert [str(e) for e in reported] == ["boom"]


def test_a_callback_handing_over_another_runs_it_after_itself(loop):
    """A callback that schedules another (as Streamlit's handlers do) sees it run later."""
    batch = CallbackBatch(loop)
    ran: list[str] = []

    def first() -> None:
        batch.submit(lambda: ran.append("second"))
        ran.append("first")

    batch.submit(first)
    _turn(loop)
    assert ran == ["first", "second"]


def test_events_after_the_loop_closed_are_dropped(loop):
    """At shutdown a late event is dropped, as Streamlit drops it, instead of raising."""
    loop.close()
    CallbackBatch(loop).submit(lambda: None)


def test_the_pinned_streamlit_has_what_the_tuning_replaces():
    """On the locked Streamlit version the check passes (an upgrade that renames either name
    fails here, in CI, rather than in a served app)."""
    runtime_tuning.check()


def test_a_changed_streamlit_is_named_in_the_error(monkeypatch):
    """If Streamlit's loop stops reading the flush interval, serving stops with a message
    that says what changed and how to go on."""
    from streamlit.runtime import runtime

    async def loop_without_flush_interval(self):
        return None

    monkeypatch.setattr(runtime.Runtime, "_loop_coroutine", loop_without_flush_interval)
    with pytest.raises(RuntimeError, match="no longer reads MESSAGE_FLUSH_INTERVAL_SECS"):
        runtime_tuning.check()


def _served_app_state(**env) -> tuple[float, bool]:
    """Import the app that ``python -m posture serve`` serves, in a fresh interpreter; return
    Streamlit's flush pause and whether the batched hand-over is in place."""
    code = (
        "import posture.asgi\n"
        "from streamlit.runtime import runtime\n"
        "from streamlit.runtime.app_session import AppSession\n"
        "from posture import runtime_tuning as t\n"
        "print(runtime.MESSAGE_FLUSH_INTERVAL_SECS)\n"
        "print(AppSession._call_soon_on_event_loop is t._call_soon_on_event_loop)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stderr
    pause, batched = result.stdout.split()[-2:]
    return float(pause), batched == "True"


def test_the_served_app_installs_the_tuning():
    """Importing the served app switches both changes on."""
    assert _served_app_state() == (0.0, True)


def test_the_tuning_can_be_switched_off():
    """POSTURE_RUNTIME_TUNING=off serves with Streamlit's own hand-over, untouched."""
    assert _served_app_state(POSTURE_RUNTIME_TUNING="off") == (0.005, False)


def test_a_served_page_sends_every_element_in_order(tmp_path):
    """On a real server, a script drawing 300 captions delivers all 300, in order, on every
    rerun."""
    from benchmarks.ws_client import Session
    from posture.local_server import streamlit_server

    script = tmp_path / "many.py"
    script.write_text(
        "import streamlit as st\nfor i in range(300):\n    st.caption(f'line {i}')\n",
        encoding="utf-8",
    )
    with streamlit_server(script) as (_, url), Session(url) as session:
        for _ in range(3):
            run = session.run()
            shown = [
                m.delta.new_element.markdown.body
                for m in run.messages
                if m.WhichOneof("type") == "delta"
                and m.delta.new_element.WhichOneof("type") == "markdown"
            ]
            assert shown == [f"line {i}" for i in range(300)]
