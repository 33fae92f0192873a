"""Baseline inside the dashboard: the same set-up every page has (validated data from the
cache, shared filters) and then only a title."""

import streamlit as st

from posture import app


def trivial() -> None:
    app.page_setup()
    st.title("Trivial page")


st.navigation([st.Page(trivial, title="Trivial")]).run()
