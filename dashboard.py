"""Streamlit entry point: navigation; each page draws the shared filters itself."""

from pathlib import Path

import streamlit as st

PAGES = Path(__file__).parent / "pages"
STATIC = Path(__file__).parent / "static"

st.set_page_config(
    page_title="Coalition Posture Dashboard",
    page_icon=str(STATIC / "favicon.png"),
    layout="wide",
)

navigation = st.navigation(
    [
        st.Page(
            str(PAGES / "overview.py"), title="Overview", icon=":material/dashboard:", default=True
        ),
    ]
)
navigation.run()
