"""Incidents: attacks over time, by weapon, claimant and base, on a map, and the counts."""

import streamlit as st

from posture import app, layer_view, views
from schemas.incidents import STATUSES, WEAPONS

# 1. Inputs
ctx = app.page_setup()
st.title("Attacks on coalition forces")
layer = layer_view.choose("incidents_layer")
if layer != layer_view.CURATED:
    layer_view.render_incidents(layer, ctx)
    st.stop()
left, right = st.columns(2)
with left:
    weapons = app.bound(
        st.multiselect,
        "incidents_weapons",
        parse=app.some_of(WEAPONS),
        default=WEAPONS,
        encode=list,
        label="Weapon",
        options=WEAPONS,
    )
with right:
    statuses = app.bound(
        st.multiselect,
        "incidents_status",
        parse=app.some_of(STATUSES),
        default=STATUSES,
        encode=list,
        label="Status",
        options=STATUSES,
        help="claimed: only an armed group's claim or an unconfirmed report.",
    )

# 2. Process
view = ctx.view(
    views.attacks,
    country=ctx.country,
    start=ctx.start_bound,
    end=ctx.end_bound,
    weapons=weapons,
    statuses=statuses,
)
ranges = view["ranges"]

# 3. Render
a, b, c, d = st.columns(4)
a.metric(
    "Attacks",
    view["attacks"],
    help="First reports; other reports of the same attack are not counted again.",
)
b.metric("Other reports of them", view["other_reports"])
c.metric(
    "Killed, as reported",
    app.span(ranges["killed_low"].sum(), ranges["killed_high"].sum()),
    help="Sum of each attack's lowest and highest report; attacks with no figure are left "
    f"out ({int(ranges['killed_high'].isna().sum())} of them).",
)
d.metric(
    "Wounded, as reported",
    app.span(ranges["wounded_low"].sum(), ranges["wounded_high"].sum()),
    help="Sum of each attack's lowest and highest report; attacks with no figure are left "
    f"out ({int(ranges['wounded_high'].isna().sum())} of them).",
)
if not view["attacks"]:
    st.info("No attacks match these filters.")
    st.stop()

app.plotly(view["monthly"], "incidents_monthly")
left, right = st.columns(2)
with left:
    app.plotly(view["weapons"], "incidents_weapon")
with right:
    app.plotly(view["claimants"], "incidents_claimant")
app.plotly(view["casualties"], "incidents_casualties")
st.caption(
    "Bars reach the sum of each attack's highest report, whiskers its lowest; hover shows how "
    "many attacks had no figure at all."
)

if view["map"] is not None:
    app.plotly(view["map"], "incidents_map")
st.caption(
    f"{view['located']} of {view['attacks']} attacks are mapped: {view['at_base']} at the base "
    "they targeted (the source gives no coordinates), the rest at the source's coordinates."
)
app.plotly(view["per_base"], "incidents_per_base")

st.subheader("Counts: official vs claimed vs monitored")
app.plotly(view["counts"], "incidents_counts")
compared = view["compared"]
stated = compared[compared["official_attacks"].notna()]
for _, row in stated.tail(5).iterrows():
    sign = "more" if row["difference"] > 0 else "fewer"
    st.markdown(
        f"- {row['period_end']:%d %b %Y}, {app.escape_markdown(row['country'])}: the "
        f"{app.escape_markdown(row['counted_by'])} count "
        f"({row['attacks']}) is {abs(int(row['difference']))} {sign} than the official count "
        f"({row['official_attacks']}, {row['official_period_end']:%d %b %Y})."
    )
app.show_table(
    compared,
    "incidents_compared",
    "attack_counts_compared.csv",
    column_config={"url": app.link_column()},
)

st.subheader("Every report of every attack")
app.show_table(
    view["table"],
    "incidents_table",
    "incidents_filtered.csv",
    column_config={"url": app.link_column()},
)
