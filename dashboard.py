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


def page(file: str, title: str, icon: str, default: bool = False) -> st.Page:
    # Absolute paths: AppTest and `streamlit run` from any directory resolve the same page.
    return st.Page(str(PAGES / file), title=title, icon=f":material/{icon}:", default=default)


navigation = st.navigation(
    [
        page("overview.py", "Overview", "dashboard", default=True),
        page("troops.py", "Troops", "groups"),
        page("bases.py", "Bases", "map"),
        page("nations.py", "Nations", "flag"),
        page("incidents.py", "Incidents", "crisis_alert"),
        page("compare.py", "Iraq vs Syria", "compare"),
        page("plans.py", "Plans vs reality", "checklist"),
        page("data.py", "Data", "table_view"),
        page("sources.py", "Sources & method", "menu_book"),
    ]
)
navigation.run()
