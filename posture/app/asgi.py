"""The dashboard as an ASGI app (Streamlit's ``st.App``); ``python -m posture serve`` runs it."""

import os

import streamlit as st

from posture.data.dataset import REPO_ROOT

# POSTURE_APP_SCRIPT serves another Streamlit script the same way (the benchmarks' baselines).
app = st.App(os.environ.get("POSTURE_APP_SCRIPT", str(REPO_ROOT / "dashboard.py")))
