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

# 3. Render
a, b, c, d = st.columns(4)
a.metric(
    "Attacks",
    view["attacks"],
    help="First reports; other reports of the same attack are not counted again, nor are "
    "losses the source says hostile action did not cause.",
)
b.metric("Other reports of them", view["other_reports"])
for column, what in ((c, "killed"), (d, "wounded")):
    column.metric(
        f"{what.capitalize()}, as reported",
        view[what]["span"],
        help="Sum of each attack's lowest and highest report; attacks with no figure are left "
        f"out ({view[what]['unknown']} of them).",
    )
if view["losses"]:
    one = view["losses"] == 1
    st.caption(
        f"{view['losses']} {'loss' if one else 'losses'} that the source says hostile action did "
        f"not cause (crashes, accidents) {'is' if one else 'are'} listed in the last table but "
        "not counted as attacks."
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
if view["differences"]:
    st.markdown("\n".join(view["differences"]))  # one list, not one element per line
app.show_table(
    view["compared"],
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
