"""Bases: which sites were held on a chosen date, their lifecycles and every dated event."""

import pandas as pd
import streamlit as st

from posture import app, charts, transforms

# 1. Inputs
ctx = app.page_setup()
st.title("Bases")
latest = ctx.latest.date()
on = app.bound(
    st.slider,
    "bases_date",
    parse=app.date_in(app.FIRST_DATE, latest),
    default=latest,
    encode=lambda d: d.isoformat(),
    label="Posture on",
    min_value=app.FIRST_DATE,
    max_value=latest,
    format="YYYY-MM-DD",
    help="Status from the latest actual event on or before this day; plans do not count.",
)
on = pd.Timestamp(on)

# 2. Process
bases = ctx.table("bases")
events = ctx.dataset.base_events[ctx.dataset.base_events["base_id"].isin(bases["base_id"])]
status = transforms.base_status_at(bases, events, on)
held = transforms.count_held_bases(status)
unmapped = status[status["latitude"].isna()]
lifecycle = transforms.base_lifecycle(bases, events)
shown_events = ctx.table("base_events")

# 3. Render
columns = st.columns(max(len(held), 1))
for column, (country, count) in zip(columns, held.items(), strict=False):
    column.metric(f"Held in {country}", int(count), help=f"On {on:%d %b %Y}")
if held.empty:
    st.info(f"No base is recorded as held on {on:%d %b %Y}.")

app.plotly(charts.bases_map(status, on), "bases_map")
st.caption(
    "Filled markers: coordinates of the site itself; open markers: coordinates of the nearby "
    "place a source names. Grey: handed over or vacated by that day. "
    + (
        f"Not on the map (no source read gives coordinates): {', '.join(unmapped['name'])}."
        if len(unmapped)
        else ""
    )
)

st.subheader(f"Status of every site on {on:%d %B %Y}")
status_table = status[
    ["name", "country", "admin1", "status", "last_event", "last_event_date", "event_source_id"]
]
status_table = app.with_source_columns(status_table, ctx.dataset.sources, prefix="event_")
app.show_table(
    status_table,
    "bases_status",
    f"bases_status_{on:%Y-%m-%d}.csv",
    column_config={"event_url": app.link_column()},
)

app.plotly(charts.lifecycle_chart(lifecycle, events, on), "bases_lifecycle")
st.caption(
    "Bars run from a site's first to its last actual event; a bar ending without a handover "
    "or vacating marker means 'last reported there', not 'left'. Hollow markers are plans. "
    "The orange line is the posture date."
)

st.subheader("Every event")
table = app.with_source_columns(
    shown_events.merge(bases[["base_id", "name", "country"]], on="base_id", how="left"),
    ctx.dataset.sources,
)
app.show_table(
    table[["date", "name", "country", "event", "kind", "publisher", "url", "quote", "note"]],
    "bases_events",
    "base_events_filtered.csv",
    column_config={"url": app.link_column()},
)
