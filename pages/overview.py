"""Overview: headline figures with their dates and sources, and US troops over time."""

import pandas as pd
import streamlit as st

from posture import app
from posture.analysis import transforms, views

# 1. Inputs
ctx = app.page_setup(dates=False)
view = ctx.view(views.overview, country=ctx.country, start=None, end=None)
latest = view["latest"]

st.title("Coalition posture in Iraq and Syria")
st.caption(
    f"Data up to {latest:%d %B %Y} (the newest dated fact in the dataset). Every figure links to "
    "its source; hover the chart for the supporting quote."
)

# The chart is sent before the figures above it (their place is kept by a container), so the
# browser loads the charting code while it draws them and the page is complete sooner.
headlines = st.container()

# 2. Chart
app.plotly(view["figure"], "overview_troops_chart")
st.caption(
    "Lines step from one report to the next and stop where reports are more than "
    f"{transforms.MAX_CARRY_DAYS} days apart; every report is a marker (circle: official, "
    "diamond: reported, ×: planned), vertical bars show the range a source gives."
)

# 3. Headline troop levels and counts, above the chart
with headlines:
    for column, headline in zip(st.columns(len(view["headlines"])), view["headlines"], strict=True):
        with column:
            st.metric(headline["label"], headline["value"], help=headline["help"])
            if headline["caption"]:
                st.caption(headline["caption"])
    held = view["held"]
    a, b, c = st.columns(3)
    a.metric(
        "Bases held",
        int(held.sum()),
        help="Sites whose latest actual event on or before the data date says forces are there.",
    )
    a.caption(", ".join(f"{country}: {n}" for country, n in held.items()) or "none recorded")
    b.metric("Attacks in the last 12 months of data", view["recent"])
    b.caption(
        f"{latest - pd.DateOffset(months=12):%d %b %Y} – {latest:%d %b %Y}, first reports only"
    )
    c.metric("Nations present (reported in last 2 years)", view["nations"])
    c.caption(f"Contributions dated {view['since']:%d %b %Y} or later")
