"""Reference for page timings: a bare Streamlit page with a title and 44 lines of text, as
many elements as the dashboard's largest page sends (Incidents, 45), to show Streamlit's own
cost per element. Not a target; the report prints it next to the one-title page."""

import streamlit as st

ELEMENTS = 45


def page() -> None:
    st.title("Trivial page")
    for i in range(ELEMENTS - 1):
        st.markdown(f"Line {i}")


if __name__ == "__main__":  # as Streamlit runs it; the benchmark only imports ELEMENTS
    st.navigation([st.Page(page, title="Elements")]).run()
