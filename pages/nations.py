"""Nations: who contributed personnel, where, under which mission, and when."""

import streamlit as st

from posture import app
from posture.analysis import glossary, labels, views
from schemas.contributions import MISSIONS

# 1. Inputs
ctx = app.page_setup()
st.title("Contributing nations", help=glossary.explain("OIR", "CJTF-OIR", "NMI", "NATO", "US"))
missions = app.multiselect(
    "nations_missions",
    "Mission",
    MISSIONS,
    format_func=labels.formatter("mission"),
    help="OIR: Operation Inherent Resolve; NMI: NATO Mission Iraq; bilateral arrangements.",
)

# 2. Process
view = ctx.view(
    views.nations, country=ctx.country, start=ctx.start_bound, end=ctx.end_bound, missions=missions
)

# 3. Render
row = app.metric_row()
row.metric(
    "Nations with a reported presence",
    view.nations,
    help="Nations with at least one actual contribution in view (plans and authorised maxima "
    "are listed below but not counted).",
)
row.metric("Contribution reports", view.reports)
if view.heatmap is None:
    st.info("No actual contributions match these filters.")
else:
    app.plotly(view.heatmap, "nations_heatmap")
    st.caption("A blank cell means no report was read for that year, not that nobody was there.")
    app.plotly(view.missions, "nations_missions_chart")
if view.coalition is not None:
    app.plotly(view.coalition, "nations_coalition_size")
    st.caption(
        "Each marker is one report of the coalition's size; sources count partner countries "
        "and organisations differently, so the reports are not joined into a line."
    )
st.header("NATO Mission Iraq and other commands")
app.show_table(
    view.commands, "nations_commands", "commands.csv", column_config={"url": app.link_column()}
)
st.header("Every contribution")
st.caption("kind: actual (reported there), planned (announced or pledged) or cap (a ceiling).")
app.show_table(
    view.table,
    "nations_table",
    "contributions_filtered.csv",
    column_config={"url": app.link_column()},
)
