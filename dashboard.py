"""Streamlit entry point: page set-up and navigation; each page draws the shared filters itself."""

from posture.app import navigation

navigation.configure_page()
navigation.run(navigation.page_list())
