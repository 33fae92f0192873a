"""What's new: the release of the data shown, its notes, and every row it added, removed or
changed."""

import streamlit as st

from posture import app
from posture.analysis import glossary, views

# 1. Inputs
ctx = app.page_setup(dates=False)
st.title("What's new", help=glossary.explain("CSV"))

# 2. Process
view = ctx.view(views.releases)

# 3. Render
current = ctx.dataset.release
st.caption(
    f"This dashboard shows data release {current.label}. Each release lists what changed, "
    "table by table; the dataset zip (Data page) carries the same notes as CHANGELOG.md."
)
for index, release in enumerate(view.releases):
    with st.expander(f"Release {release.label}", expanded=index == 0):
        st.markdown(release.notes)
st.header(f"Every row changed in {current.label}")
if view.changes.empty:
    st.info(f"No row-level changes are bundled for {current.label} (data/releases/).")
else:
    st.caption(
        "Compared with the previous release, table by table: rows added, removed, changed "
        "(one line per changed cell), moved to a renamed or merged id, and ids merged."
    )
    app.show_table(view.counts, "releases_counts", f"changes_v{current.version}_counts.csv")
    app.show_table(view.changes, "releases_changes", f"changes_v{current.version}.csv")
