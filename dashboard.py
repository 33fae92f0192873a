"""Streamlit entry point: page set-up and navigation; each page draws the shared filters itself."""

import streamlit as st

from posture import app

app.configure_page()
st.navigation(app.page_list()).run()
