"""The sidebar's end of every page: which release of the data is shown, and how to cite the
view (the dataset release, the view's link and the access date)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from posture.analysis import cite, glossary
from posture.app.display import view_link
from posture.app.navigation import PAGES_DIR
from posture.data.release import Release


def page_footer(release: Release, latest: pd.Timestamp) -> None:
    """Data version and date, a link to the release notes, and the *Cite this view* box."""
    with st.sidebar:
        st.divider()
        st.caption(
            f"Data {release.label}; newest dated fact {latest:%-d %b %Y}.",
            help="The release of the dataset this view is drawn from (see What's new for what "
            "changed) and the newest date of anything that happened in it.",
        )
        st.page_link(
            str(PAGES_DIR / "releases.py"), label="What's new", icon=":material/new_releases:"
        )
        with st.expander("Cite this view", icon=":material/format_quote:"):
            citation = cite.citation(release, view_link(), date.today())
            st.caption("APA style", help=glossary.explain("APA"))
            st.code(citation.apa, language=None, wrap_lines=True)
            st.caption("BibTeX")
            st.code(citation.bibtex, language="latex", wrap_lines=True)
            st.caption(
                "Cite the original source of each figure too: every table links it, and each "
                "chart's hover gives its quote."
            )
