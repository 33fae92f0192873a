"""The baseline for page timings: the same navigation set-up with one page that shows a title."""

import streamlit as st


def trivial() -> None:
    st.title("Trivial page")


st.navigation([st.Page(trivial, title="Trivial")]).run()
