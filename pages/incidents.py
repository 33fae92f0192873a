"""Incidents: attacks over time, by weapon, claimant and base, on a map, and the counts."""

import streamlit as st

from posture import app
from posture.analysis import views
from posture.app import layer_view
from schemas.incidents import STATUSES, WEAPONS

TABS = ["Over time", "Map", "Counts compared", "Every report"]

# 1. Inputs
ctx = app.page_setup()
st.title("Attacks on coalition forces")
layer = layer_view.choose("incidents_layer")
if layer != layer_view.CURATED:
    layer_view.render_incidents(layer, ctx)
    st.stop()
with st.container(horizontal=True, gap="medium"):
    weapons = app.multiselect("incidents_weapons", "Weapon", WEAPONS)
    statuses = app.multiselect(
        "incidents_status",
        "Status",
        STATUSES,
        help="claimed: only an armed group's claim or an unconfirmed report.",
    )

# 2. Process
filters = {
    "country": ctx.country,
    "start": ctx.start_bound,
    "end": ctx.end_bound,
    "weapons": weapons,
    "statuses": statuses,
}
view = ctx.view(views.attacks, **filters)

# 3. Render
row = app.metric_row()
row.metric(
    "Attacks",
    view["attacks"],
    help="First reports; other reports of the same attack are not counted again, nor are "
    "losses the source says hostile action did not cause.",
)
row.metric("Other reports of them", view["other_reports"])
for what in ("killed", "wounded"):
    row.metric(
        f"{what.capitalize()}, as reported",
        view[what]["span"],
        help="Sum of each attack's lowest and highest report; attacks with no figure are left "
        f"out ({view[what]['unknown']} of them).",
    )
if view["losses"]:
    one = view["losses"] == 1
    st.caption(
        f"{view['losses']} {'loss' if one else 'losses'} that the source says hostile action did "
        f"not cause (crashes, accidents) {'is' if one else 'are'} listed under Every report but "
        "not counted as attacks."
    )
if not view["attacks"]:
    st.info("No attacks match these filters.")
    st.stop()

over_time, on_map, counts, reports = app.lazy_tabs(TABS, "incidents_tab")
if over_time.open:
    with over_time:
        app.plotly(view["monthly"], "incidents_monthly")
        app.plotly_pair(
            (view["weapons"], "incidents_weapon"), (view["claimants"], "incidents_claimant")
        )
        app.plotly(view["casualties"], "incidents_casualties")
        st.caption(
            "Bars reach the sum of each attack's highest report, whiskers its lowest; hover "
            "shows how many attacks had no figure at all."
        )
if on_map.open:
    mapped = ctx.view(views.attacks_on_map, **filters)
    with on_map:
        if mapped["map"] is not None:
            app.plotly(mapped["map"], "incidents_map")
        st.caption(
            f"{mapped['located']} of {mapped['attacks']} attacks are mapped: {mapped['at_base']} "
            "at the base they targeted (the source gives no coordinates), the rest at the "
            "source's coordinates."
        )
        app.plotly(mapped["per_base"], "incidents_per_base")
if counts.open:
    counted = ctx.view(
        views.attack_counts, country=ctx.country, start=ctx.start_bound, end=ctx.end_bound
    )
    with counts:
        app.plotly(counted["counts"], "incidents_counts")
        if counted["differences"]:
            st.markdown("\n".join(counted["differences"]))  # one list, not one element per line
        app.show_table(
            counted["compared"],
            "incidents_compared",
            "attack_counts_compared.csv",
            column_config={"url": app.link_column()},
        )
if reports.open:
    listed = ctx.view(views.attack_reports, **filters)
    with reports:
        app.show_table(
            listed["table"],
            "incidents_table",
            "incidents_filtered.csv",
            column_config={"url": app.link_column()},
        )
