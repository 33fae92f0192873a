"""Nations: who contributed personnel, where, under which mission, and when."""

import streamlit as st

from posture import app, charts, transforms
from schemas.contributions import MISSIONS

# 1. Inputs
ctx = app.page_setup()
st.title("Contributing nations")
missions = app.bound(
    st.multiselect,
    "nations_missions",
    parse=app.some_of(MISSIONS),
    default=MISSIONS,
    encode=list,
    label="Mission",
    options=MISSIONS,
    help="OIR: Operation Inherent Resolve; NMI: NATO Mission Iraq; bilateral arrangements.",
)

# 2. Process
contributions = ctx.table("contributions")
contributions = contributions[contributions["mission"].isin(missions)]
names = ctx.dataset.nations.set_index("iso3")["name"]
contributions = contributions.assign(nation=contributions["iso3"].map(names))
presence = transforms.presence_by_year(contributions, ctx.dataset.nations)
by_mission = transforms.nations_by_mission_year(contributions)
commands = contributions[contributions["role"].str.contains("command", case=False)]

# 3. Render
a, b = st.columns(2)
a.metric("Nations in view", contributions["iso3"].nunique())
b.metric("Contribution reports", len(contributions))
if contributions.empty:
    st.info("No contributions match these filters.")
else:
    app.plotly(charts.presence_heatmap(presence), "nations_heatmap")
    st.caption("A blank cell means no report was read for that year, not that nobody was there.")
    app.plotly(charts.missions_chart(by_mission), "nations_missions_chart")

st.subheader("NATO Mission Iraq and other commands")
app.show_table(
    app.with_source_columns(
        commands[["as_of", "nation", "mission", "deployed_to", "role", "source_id", "quote"]],
        ctx.dataset.sources,
    ),
    "nations_commands",
    "commands.csv",
    column_config={"url": app.link_column()},
)

st.subheader("Every contribution")
table = app.with_source_columns(contributions, ctx.dataset.sources)
app.show_table(
    table[
        [
            "as_of",
            "nation",
            "iso3",
            "deployed_to",
            "mission",
            "role",
            "low",
            "best",
            "high",
            "qualifier",
            "publisher",
            "url",
            "quote",
            "note",
        ]
    ],
    "nations_table",
    "contributions_filtered.csv",
    column_config={"url": app.link_column()},
)
