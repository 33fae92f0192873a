"""Baseline inside the dashboard: its page set-up, navigation (every page listed) and shared
set-up (dataset check, sidebar filters), on a default page that shows only a title."""

import streamlit as st

from posture import app
from posture.app import navigation


def trivial() -> None:
    app.page_setup()
    st.title("Trivial page")


navigation.configure_page()
navigation.run([st.Page(trivial, title="Trivial", default=True), *navigation.page_list(False)])
