"""Overview: headline figures with their dates and sources, and US troops over time."""

import pandas as pd
import streamlit as st

from posture import app, charts, transforms

# 1. Inputs
ctx = app.page_setup()
dataset, choice, countries = ctx.dataset, ctx.country, ctx.countries
today = transforms.latest_date(dataset)

st.title("Coalition posture in Iraq and Syria")
st.caption(
    f"Data up to {today:%d %B %Y} (the newest dated fact in the dataset). Every figure links to "
    "its source; hover the chart for the supporting quote."
)

# 2. Headline troop levels
columns = st.columns(len(app.chart_countries(choice)))
for column, country in zip(columns, app.chart_countries(choice), strict=True):
    with column:
        latest = transforms.latest_levels(dataset.troop_levels, country)
        if latest.empty:
            st.metric(f"US troops in {country}", "unknown")
            continue
        top = latest.iloc[0]
        st.metric(
            f"US troops in {country}",
            transforms.format_level(top),
            help=f"{top['kind'].capitalize()} figure. Quote: “{top['quote']}”",
        )
        others = len(latest) - 1
        note = f" · {others} other report(s) that day" if others else ""
        st.caption(
            f"As of {top['as_of']:%d %b %Y} · "
            f"{app.source_link(dataset.sources, top['source_id'])}{note}"
        )

# 3. Headline counts
status = transforms.base_status_at(dataset.bases, dataset.base_events, today)
status = transforms.filter_countries(status, countries)
held = transforms.count_held_bases(status)
recent = transforms.filter_countries(
    transforms.incidents_in_last_months(dataset.incidents, today), countries
)
since = today - pd.DateOffset(years=2)
nations = transforms.nations_reported_since(
    transforms.filter_countries(dataset.contributions, countries, "deployed_to"), since
)

a, b, c = st.columns(3)
a.metric(
    "Bases held",
    int(held.sum()),
    help="Sites whose latest actual event on or before the data date says forces are there.",
)
a.caption(", ".join(f"{country}: {n}" for country, n in held.items()) or "none recorded")
b.metric("Attacks in the last 12 months of data", len(recent))
b.caption(f"{today - pd.DateOffset(months=12):%d %b %Y} – {today:%d %b %Y}, first reports only")
c.metric("Nations present (reported in last 2 years)", len(nations))
c.caption(f"Contributions dated {since:%d %b %Y} or later")

# 4. Chart
figure = charts.troop_levels_chart(
    dataset.troop_levels, dataset.sources, app.chart_countries(choice)
)
st.plotly_chart(figure, key="overview_troops_chart", width="stretch")
st.caption(
    "Lines step from one report to the next and stop where reports are more than "
    f"{transforms.MAX_CARRY_DAYS} days apart; every report is a marker (circle: official, "
    "diamond: reported, ×: planned), vertical bars show the range a source gives."
)
