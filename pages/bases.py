"""Bases: which sites were held on a chosen date (map and table), and in a second tab their
lifecycles and every dated event."""

import pandas as pd
import streamlit as st

from posture import app
from posture.analysis import text, transforms, views

TABS = ["Map and status", "Lifecycles and events"]

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
    help="Status from the latest actual event on or before this day that no later source "
    "contradicts; plans do not count.",
)
on = pd.Timestamp(on)

# 2. Process
filters = {"country": ctx.country, "start": ctx.start_bound, "end": ctx.end_bound, "on": on}
view = ctx.view(views.bases, **filters)

# 3. Render
row = app.metric_row()
for country, counts in view.counts.iterrows():
    row.metric(
        f"Held in {country}",
        int(counts["held"]),
        delta=f"{int(counts['unconfirmed'])} unconfirmed" if counts["unconfirmed"] else None,
        delta_color="off",
        help=f"On {on:%d %b %Y}: sites whose latest report says forces are there and is at most "
        f"{transforms.FRESH_DAYS} days old. Unconfirmed: last reported held more than "
        f"{transforms.FRESH_DAYS} days before.",
    )
if not view.held:
    st.info(f"No site is reported held in the 12 months up to {on:%d %b %Y}.")

on_map, lifecycles = app.lazy_tabs(TABS, "bases_tab")
if on_map.open:
    with on_map:
        app.plotly(view.map, "bases_map")
        st.caption(
            "Green: held (a report in the 12 months before the date); orange: unconfirmed (the "
            "last report of forces there is older); grey: handed over or vacated; pink: no "
            "report yet. Filled markers: coordinates of the site itself; open markers: those of "
            "a nearby place a source names. "
            + (
                "Not on the map (no source read gives coordinates): "
                f"{text.escape_markdown(', '.join(view.unmapped))}."
                if view.unmapped
                else ""
            )
        )
        st.header(f"Status of every site on {on:%d %B %Y}")
        app.show_table(
            view.status_table,
            "bases_status",
            f"bases_status_{on:%Y-%m-%d}.csv",
            column_config={"url": app.link_column()},
        )
if lifecycles.open:
    lives = ctx.view(views.base_lifecycles, **filters)
    with lifecycles:
        app.plotly(lives.lifecycle, "bases_lifecycle")
        st.caption(
            "Bars run from a site's first to its last actual event that no later source "
            "contradicts; a bar ending without a handover or vacating marker means 'last "
            "reported there', not 'left'. Hollow markers are plans; events a later source "
            "contradicts are listed below with that source. The orange line is the posture date."
        )
        st.header("Every event")
        app.show_table(
            lives.events_table,
            "bases_events",
            "base_events_filtered.csv",
            column_config={"url": app.link_column()},
        )
