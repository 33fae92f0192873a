"""The dashboard as an ASGI app (Streamlit's ``st.App``); ``python -m posture serve`` runs it."""

import os

import streamlit as st

from posture import runtime_tuning
from posture.io import REPO_ROOT

# Messages flushed at once, one thread wake-up per batch; POSTURE_RUNTIME_TUNING=off serves
# with Streamlit's own hand-over (to compare, or if a Streamlit upgrade breaks it).
if os.environ.get("POSTURE_RUNTIME_TUNING", "on") != "off":
    runtime_tuning.install()
# POSTURE_APP_SCRIPT serves another Streamlit script the same way (the benchmarks' baselines).
app = st.App(os.environ.get("POSTURE_APP_SCRIPT", str(REPO_ROOT / "dashboard.py")))
