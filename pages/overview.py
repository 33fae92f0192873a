"""Overview: headline figures that say what they count, how fresh they are and where sources
disagree, and US troops over time."""

import streamlit as st

from posture import app
from posture.analysis import glossary, transforms, views

# 1. Inputs
ctx = app.page_setup(dates=False)
view = ctx.view(views.overview, country=ctx.country)

st.title(
    "Coalition posture in Iraq and Syria",
    help=glossary.explain("US", "FML", "DMDC", "Global Coalition to Defeat ISIS"),
)
st.caption(
    f"Data up to {view.latest:%d %B %Y} (the newest dated fact in the dataset). Every figure "
    "links to its source; hover the chart for the supporting quote. "
    "How each figure is made: README, *How to read the figures*."
)

# The chart is sent before the figures above it (their place is kept by a container), so the
# browser loads the charting code while it draws them and the page is complete sooner.
headlines = st.container()

# 2. Chart
app.plotly(view.figure, "overview_troops_chart")
st.caption(
    "One line per counting basis (solid: headcount; dotted: estimate; dashed: authorised "
    "level), never joined across bases; lines stop where reports are more than "
    f"{transforms.MAX_CARRY_DAYS} days apart. Every report is a marker (circle: official, "
    "diamond: reported, ×: planned); vertical bars show the range a source gives."
)

# 3. Headline figures, above the chart
with headlines:
    row = app.metric_row()
    for figure in view.figures:
        with row.container():
            app.latest_figure(figure, "overview")
    with row.container():
        st.metric(
            "Sites held",
            view.held,
            help="Sites whose latest report on or before the data date says forces are there "
            "and is at most 12 months old. Sites last reported held earlier are counted as "
            "unconfirmed, not held.",
        )
        st.caption(
            f"{view.unconfirmed} more unconfirmed (no report for over 12 months). "
            + app.status_by_country(view.sites)
        )
    with row.container():
        st.metric(
            "Attacks recorded in this dataset, last 12 months",
            view.recorded_attacks,
            help="Attacks with a report in this dataset (first reports; losses not caused by "
            "hostile action left out). Not a complete count: compare the tallies below.",
        )
        st.caption(f"{view.attacks_since:%d %b %Y} – {view.latest:%d %b %Y}. {view.tallies.text}")
    with row.container():
        st.metric(
            "Nations reported present in the last 2 years",
            view.nations.count,
            help="Nations with an actual contribution (not a plan or a cap) reported on or after "
            "the date below; the list gives each nation's latest report.",
        )
        st.caption(f"Reported since {view.nations.since:%d %b %Y}.")
    with st.expander("The reports behind these figures"):
        app.show_table(view.table, "overview_headlines", "headline_figures.csv")
        app.show_table(view.nations.nations, "overview_nations", "nations_present.csv")
