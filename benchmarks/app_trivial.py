"""Baseline inside the dashboard: its page set-up, navigation (every page listed) and shared
set-up (dataset check, sidebar filters), on a default page that shows only a title."""

import streamlit as st

from posture import app


def trivial() -> None:
    app.page_setup()
    st.title("Trivial page")


app.configure_page()
st.navigation(
    [st.Page(trivial, title="Trivial", default=True), *app.page_list(default=False)]
).run()
